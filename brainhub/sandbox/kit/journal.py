"""The change journal: every write an emulator accepts, kept on disk and replayed on start.

An emulator's data is a pure function of ``(seed, size, generation)`` *plus* the writes
clients made. The writes live in one JSON-lines file per service in the sandbox state
directory (``<dir>/<service>.changes.jsonl``, see :mod:`brainhub.sandbox.state`), one
:class:`Change` a line::

    {"seq": 3, "at": "2026-12-06T12:00:00.123456Z", "op": "update", "object": "task",
     "id": "86abc1234", "scope": {"seed": 1, "size": "demo"}, "data": {"name": "Ship it"}}

- ``seq`` grows by one per change and ``at`` (wall clock, UTC) never goes back, across
  every process writing to the same directory;
- appends happen under an exclusive lock (``<service>.changes.lock``), are flushed and
  ``fsync``'d before the write is acknowledged, so two emulator processes (a target writing,
  a tap reading) share one history;
- :meth:`ChangeJournal.record` runs *build → append → apply* inside that lock after
  catching up with changes other processes appended, so a new object's id is chosen on
  up-to-date data and a rejected write (a 4xx raised by ``build``) appends nothing;
- ``scope`` names the dataset a change was made on; a store ignores changes of another
  seed or size (their ids mean nothing there);
- :meth:`ChangeJournal.clear` empties the journal (``brainhub sandbox reset``); a reader
  that notices (the file shrank, or sequence numbers restart) rebuilds its data.

The journal does not know any vendor: a store names how to apply each ``(object, op)``
in a :class:`Replay` table and calls :meth:`ChangeJournal.pending` to catch up.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from brainhub.errors import EmulatorError
from brainhub.sandbox import state

#: The kinds of change a journal holds.
OPERATIONS = ("create", "update", "delete")


@dataclass(frozen=True)
class Change:
    """One accepted write: what (``object`` ``id``), how (``op``) and its resolved values."""

    seq: int
    at: str
    op: str
    object: str
    id: str
    scope: Mapping[str, Any] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """The change as one JSON line (with the newline)."""
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True) + "\n"


@dataclass(frozen=True)
class Draft:
    """A change before it has a sequence number and time (what ``build`` returns)."""

    op: str
    object: str
    id: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.op not in OPERATIONS:
            raise ValueError(f"op must be one of {', '.join(OPERATIONS)}, got {self.op!r}")


class Replay:
    """How a store applies each ``(object, op)``: a declared table of callables.

    ``Replay({("task", "create"): store.create_task, ...})``; a change of a kind the table
    does not name is an error naming the valid kinds (a journal from a newer emulator).
    """

    def __init__(self, appliers: Mapping[tuple[str, str], Callable[[Change], None]]) -> None:
        self.appliers = dict(appliers)

    def apply(self, change: Change) -> None:
        applier = self.appliers.get((change.object, change.op))
        if applier is None:
            valid = ", ".join(f"{o} {op}" for o, op in sorted(self.appliers))
            raise EmulatorError(
                f"change {change.seq}: cannot apply '{change.object} {change.op}'; "
                f"this emulator applies {valid}"
            )
        applier(change)


@dataclass
class Pending:
    """What a reader has not applied yet: new changes, or ``restart`` when it must rebuild."""

    changes: list[Change]
    restart: bool = False


class ChangeJournal:
    """The change journal of one service in one state directory (see the module doc).

    One object per emulator: it remembers how far it has read (``applied_seq``).
    """

    def __init__(self, directory: Path, service: str) -> None:
        self.path = state.changes_file(service, directory)
        self.lock_path = state.changes_lock_file(service, directory)
        self.service = service
        self.applied_seq = 0
        self._offset = 0
        self._born: str | None = None

    # ------------------------------------------------------------------ reading

    def read_all(self) -> list[Change]:
        """Every change in the journal, oldest first."""
        changes, _end = self._read_from(0)
        return changes

    def pending(self) -> Pending:
        """Changes appended since this reader last looked (cheap when there are none)."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size == self._offset:
            return Pending([])
        if size < self._offset or (self._offset and self._first_at() != self._born):
            return Pending(self._restart(), restart=True)
        try:
            changes, end = self._read_from(self._offset, strict=False)
        except _TornError:
            return Pending(self._restart(), restart=True)
        if changes and changes[0].seq != self.applied_seq + 1:
            return Pending(self._restart(), restart=True)
        if changes and not self._offset:
            self._born = changes[0].at
        self._offset = end
        if changes:
            self.applied_seq = changes[-1].seq
        return Pending(changes)

    def rewind(self) -> None:
        """Forget how far this reader got: the next :meth:`pending` returns everything."""
        self.applied_seq = 0
        self._offset = 0
        self._born = None

    def _first_at(self) -> str | None:
        """The time of the journal's first change: a journal emptied and written again
        starts with another one."""
        try:
            with open(self.path, "rb") as handle:
                first = handle.readline()
        except FileNotFoundError:
            return None
        try:
            return str(json.loads(first)["at"])
        except (ValueError, KeyError, TypeError):
            return None

    def _restart(self) -> list[Change]:
        self.rewind()
        changes, end = self._read_from(0)
        self._offset = end
        self.applied_seq = changes[-1].seq if changes else 0
        self._born = changes[0].at if changes else None
        return changes

    def _read_from(self, offset: int, strict: bool = True) -> tuple[list[Change], int]:
        """Complete lines from byte ``offset`` on, and the offset after the last one.

        A line that is not a change is an error naming the file; with ``strict=False``
        it means the journal was emptied and rewritten under this reader (``_TornError``).
        """
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                raw = handle.read()
        except FileNotFoundError:
            return [], 0
        complete = raw[: raw.rfind(b"\n") + 1]
        changes = []
        for number, line in enumerate(complete.splitlines(), start=1):
            try:
                changes.append(Change(**json.loads(line)))
            except (ValueError, TypeError) as exc:
                if not strict:
                    raise _TornError from None
                raise EmulatorError(
                    f"{self.path}: line {number} (from byte {offset}) is not a change: {exc}; "
                    f"run 'brainhub sandbox reset {self.service}' to start afresh"
                ) from None
        return changes, offset + len(complete)

    # ------------------------------------------------------------------ writing

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the journal's exclusive lock (between processes) for the block."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a", encoding="utf-8") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def record(
        self,
        catch_up: Callable[[Pending], None],
        build: Callable[[], Draft],
        apply: Callable[[Change], None],
        scope: Mapping[str, Any],
    ) -> Change:
        """Append one change atomically: under the lock, ``catch_up`` with what other
        processes wrote, ``build`` the draft (it may raise: nothing is written), append it
        durably, then ``apply`` it. Returns the change."""
        with self.locked():
            catch_up(self.pending())
            draft = build()
            previous = self._last_change()
            change = Change(
                seq=(previous.seq if previous else 0) + 1,
                at=later_than(previous.at if previous else None),
                op=draft.op,
                object=draft.object,
                id=draft.id,
                scope=dict(scope),
                data=dict(draft.data),
            )
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(change.line())
                handle.flush()
                os.fsync(handle.fileno())
            if previous is None:
                self._born = change.at
            self._offset = self.path.stat().st_size
            self.applied_seq = change.seq
        apply(change)
        return change

    def _last_change(self) -> Change | None:
        """The newest change (read from the end of the file)."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                chunk = 4096
                while True:
                    start = max(0, size - chunk)
                    handle.seek(start)
                    tail = handle.read(size - start)
                    lines = tail.rstrip(b"\n").split(b"\n")
                    if len(lines) > 1 or start == 0:
                        break
                    chunk *= 4
        except FileNotFoundError:
            return None
        last = lines[-1].strip()
        return Change(**json.loads(last)) if last else None

    def clear(self) -> int:
        """Empty the journal; returns how many changes it held."""
        with self.locked():
            count = len(self.read_all())
            with contextlib.suppress(FileNotFoundError), open(self.path, "r+b") as handle:
                handle.truncate(0)
                os.fsync(handle.fileno())
        self.rewind()
        return count


class _TornError(Exception):
    """A reader's offset no longer falls on a line boundary: the journal was rewritten."""


def later_than(previous: str | None) -> str:
    """Now as a change's ``at`` (UTC, microseconds), or a microsecond after ``previous``
    when the clock has not moved past it."""
    now = datetime.now(UTC)
    if previous is not None:
        before = datetime.fromisoformat(previous.replace("Z", "+00:00"))
        if now <= before:
            now = before + timedelta(microseconds=1)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
