"""Configuration files changed by hand, found by content hash against the last recorded one.

The tracked files are what decides what a run does: ``meltano.yml``, the connector specs and
their schemas, the mapping files and SQL models under ``transforms/``, the sync definitions
under ``syncs/`` (``.yaml`` or ``.yml``, in subfolders too), and every mapping file or folder
``meltano.yml`` names in a ``mapping_files`` or ``mapping_paths`` setting wherever it lies in
the project. Each run through
``brainhub run`` compares their SHA-256 with the last ``config.*`` entry of each file in the
audit log and records what differs:

- ``config.tracked`` — a file seen for the first time (``before`` empty);
- ``config.changed`` — its content differs from the last recorded hash;
- ``config.removed`` — a recorded file is gone (``after`` empty).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from brainhub.audit.log import AuditEntry, AuditLog, Change
from brainhub.environments import load_project
from brainhub.errors import ConfigError

TRACKED_PATTERNS = (
    "meltano.yml",
    "taps/*/spec.yaml",
    "taps/*/schemas/*.json",
    "transforms/**/*.yaml",
    "transforms/**/*.yml",
    "transforms/**/*.sql",
    "syncs/**/*.yaml",
    "syncs/**/*.yml",
)
#: Settings of ``meltano.yml`` that name mapping files or folders.
MAPPING_SETTINGS = ("mapping_files", "mapping_paths")
MAPPING_SUFFIXES = (".yaml", ".yml", ".sql")
CONFIG_ACTIONS = ("config.tracked", "config.changed", "config.removed")


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tracked_files(project_root: Path) -> dict[str, str]:
    """Every tracked file of the project (relative path) → its content hash."""
    found = {}
    paths = [p for pattern in TRACKED_PATTERNS for p in project_root.glob(pattern)]
    for path in [*paths, *named_mapping_files(project_root)]:
        if path.is_file():
            found[path.relative_to(project_root).as_posix()] = file_hash(path)
    return dict(sorted(found.items()))


def named_mapping_files(project_root: Path) -> list[Path]:
    """The mapping files ``meltano.yml`` names (``mapping_files``/``mapping_paths``, in any
    plugin, mapping or environment), folders expanded; only those inside the project."""
    try:
        project = load_project(project_root)
    except ConfigError:
        return []  # the run itself reports a broken meltano.yml
    root = project_root.resolve()
    found: list[Path] = []
    for entry in _named_paths(project):
        candidate = (project_root / entry).resolve()
        if not candidate.is_relative_to(root) or not candidate.exists():
            continue
        if candidate.is_dir():
            found.extend(p for p in sorted(candidate.rglob("*")) if p.suffix in MAPPING_SUFFIXES)
        else:
            found.append(candidate)
    return [project_root / p.relative_to(root) for p in found]


def _named_paths(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in MAPPING_SETTINGS:
                values = value.split() if isinstance(value, str) else value
                if isinstance(values, list):
                    yield from (v for v in values if isinstance(v, str) and "\n" not in v)
            else:
                yield from _named_paths(value)
    elif isinstance(node, list):
        for item in node:
            yield from _named_paths(item)


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
