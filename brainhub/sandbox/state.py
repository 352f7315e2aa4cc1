"""The sandbox state directory: which data generation each service is at, and the writes
clients made to it.

Emulator data is a pure function of ``(seed, size, generation)`` plus the writes. Generation
0 is the initial dataset; ``brainhub sandbox mutate`` advances it so the next incremental
sync has work to do. In ``<dir>`` — ``$BRAINHUB_SANDBOX_DIR`` or ``data/sandbox`` under the
current directory — each service has:

``<service>.json``            its current generation
``<service>.changes.jsonl``   its change journal: every write an emulator accepted, one
                              JSON line each (:mod:`brainhub.sandbox.kit.journal`)
``<service>.changes.lock``    the lock appenders hold

``brainhub sandbox reset`` puts the generation back to 0 and empties the journal.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from brainhub.errors import EmulatorError

STATE_DIR_ENV = "BRAINHUB_SANDBOX_DIR"
DEFAULT_STATE_DIR = Path("data") / "sandbox"


def state_dir() -> Path:
    """The sandbox state directory (not created)."""
    override = os.environ.get(STATE_DIR_ENV)
    return Path(override) if override else DEFAULT_STATE_DIR


def state_file(service: str, directory: Path | None = None) -> Path:
    """The JSON file holding ``service``'s current generation."""
    return (directory or state_dir()) / f"{service}.json"


def changes_file(service: str, directory: Path | None = None) -> Path:
    """The change journal of ``service`` (JSON lines)."""
    return (directory or state_dir()) / f"{service}.changes.jsonl"


def changes_lock_file(service: str, directory: Path | None = None) -> Path:
    """The file whose lock appenders to ``service``'s change journal hold."""
    return (directory or state_dir()) / f"{service}.changes.lock"


def stored_services(directory: Path | None = None) -> list[str]:
    """Services with a stored generation or change journal, sorted."""
    root = directory or state_dir()
    if not root.is_dir():
        return []
    names = {p.name.removesuffix(".json") for p in root.glob("*.json")}
    names |= {p.name.removesuffix(".changes.jsonl") for p in root.glob("*.changes.jsonl")}
    return sorted(names)


def read_generation(service: str, directory: Path | None = None) -> int:
    """The stored generation of ``service``; 0 when nothing is stored yet."""
    path = state_file(service, directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    except (OSError, ValueError) as exc:
        raise EmulatorError(f"{path}: cannot read the sandbox state: {exc}") from exc
    generation = data.get("generation") if isinstance(data, dict) else None
    if not isinstance(generation, int) or generation < 0:
        raise EmulatorError(f"{path}: 'generation' must be a whole number >= 0, got {generation!r}")
    return generation


def write_generation(service: str, generation: int, directory: Path | None = None) -> Path:
    """Store ``generation`` for ``service`` (atomically) and return the file written."""
    if generation < 0:
        raise EmulatorError(f"generation must be >= 0, got {generation}")
    path = state_file(service, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"service": service, "generation": generation}) + "\n")
    tmp.replace(path)
    return path


def state_mtime(service: str, directory: Path | None = None) -> float | None:
    """The state file's modification time, or ``None`` when it does not exist."""
    try:
        return state_file(service, directory).stat().st_mtime_ns / 1e9
    except FileNotFoundError:
        return None
