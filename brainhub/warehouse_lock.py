"""Opening the DuckDB warehouse when another process holds its file lock.

DuckDB lets one process write a database file, and a process that opens it read-only
holds a (shared) lock too: while any other process has the file open, a writer cannot
open it, and while a writer has it open, nobody else can. :func:`connect_waiting` waits
for such a lock for a bounded time, says once which process holds it (DuckDB's error
names its PID), and then fails with one clear line.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from brainhub.errors import BrainhubError

_HOLDER = re.compile(r"Conflicting lock is held in (?P<exe>.*?) \(PID (?P<pid>\d+)\)")
_FIRST_PAUSE = 0.05
_LONGEST_PAUSE = 2.0


class WarehouseLockedError(BrainhubError):
    """The warehouse stayed locked by another process for longer than the timeout."""


def lock_holder(error: BaseException) -> str | None:
    """Describe the process DuckDB's lock error names, or ``None`` if it is no lock error."""
    found = _HOLDER.search(str(error))
    if found is None:
        return "another process" if "Could not set lock" in str(error) else None
    pid = found["pid"]
    name = _process_name(pid)
    program = f"{name}, {found['exe']}" if name else found["exe"]
    return f"PID {pid} ({program})"


def _process_name(pid: str) -> str | None:
    try:  # the program's short name only: a command line may carry secrets
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def connect_waiting(
    path: str,
    *,
    timeout: float,
    on_wait: Callable[[str], None],
    read_only: bool = False,
    config: dict[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open ``path``, waiting up to ``timeout`` seconds while another process holds its lock.

    ``on_wait`` receives one line when the waiting starts. Raises
    :class:`WarehouseLockedError` when the lock is still held after ``timeout`` seconds;
    other DuckDB errors propagate unchanged.
    """
    deadline = time.monotonic() + max(timeout, 0.0)
    pause = _FIRST_PAUSE
    announced = False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            holder = lock_holder(exc)
            if holder is None:
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseLockedError(
                    f"the warehouse {path} is locked by {holder}, still after {timeout:g} s; "
                    "a process that has the file open (a sync, a notebook, even read-only) "
                    "blocks writers: close it, or wait longer (lock_timeout)"
                ) from None
            if not announced:
                on_wait(
                    f"Waiting up to {timeout:g} s for the warehouse lock on {path} held by {holder}"
                )
                announced = True
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, _LONGEST_PAUSE)
