"""Configuration files changed by hand, found by content hash against the last recorded one.

The tracked files are what decides what a run does: ``meltano.yml``, the connector specs and
their schemas, the mapping files and SQL models, the sync definitions. Each run through
``brainhub run`` compares their SHA-256 with the last ``config.*`` entry of each file in the
audit log and records what differs:

- ``config.tracked`` — a file seen for the first time (``before`` empty);
- ``config.changed`` — its content differs from the last recorded hash;
- ``config.removed`` — a recorded file is gone (``after`` empty).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from brainhub.audit.log import AuditEntry, AuditLog, Change

TRACKED_PATTERNS = (
    "meltano.yml",
    "taps/*/spec.yaml",
    "taps/*/schemas/*.json",
    "transforms/**/*.yaml",
    "transforms/**/*.yml",
    "transforms/**/*.sql",
    "syncs/*.yaml",
)
CONFIG_ACTIONS = ("config.tracked", "config.changed", "config.removed")


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tracked_files(project_root: Path) -> dict[str, str]:
    """Every tracked file of the project (relative path) → its content hash."""
    found = {}
    for pattern in TRACKED_PATTERNS:
        for path in project_root.glob(pattern):
            if path.is_file():
                found[path.relative_to(project_root).as_posix()] = file_hash(path)
    return dict(sorted(found.items()))


def recorded_hashes(entries: list[AuditEntry]) -> dict[str, str]:
    """The last recorded hash of each file still tracked, from the audit log's entries."""
    recorded: dict[str, str] = {}
    for entry in entries:
        if entry.action in CONFIG_ACTIONS:
            if entry.after is None:
                recorded.pop(entry.subject, None)
            else:
                recorded[entry.subject] = entry.after
    return recorded


def record_config_changes(project_root: Path, log: AuditLog | None = None) -> list[AuditEntry]:
    """Record every tracked file that differs from its last recorded hash; the new entries."""
    log = log or AuditLog.of_project(project_root)
    current = tracked_files(project_root)
    recorded = recorded_hashes(log.entries())
    changes = []
    for name, digest in current.items():
        if name not in recorded:
            changes.append(Change("config.tracked", name, None, digest))
        elif recorded[name] != digest:
            changes.append(Change("config.changed", name, recorded[name], digest))
    changes.extend(
        Change("config.removed", name, digest, None)
        for name, digest in recorded.items()
        if name not in current
    )
    return log.record_all(changes)
