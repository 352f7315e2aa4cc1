"""An append-only, hash-chained log of configuration changes: ``data/audit/log.jsonl``.

One JSON object per line, its keys sorted, no spaces::

    {"action":"secret.set","after":"(hidden 1a2b3c4d)","at":"2026-01-02T03:04:05Z",
     "before":null,"detail":{"environment":"prod"},"prev":"<sha256 of the previous line>",
     "seq":7,"subject":"TAP_CLICKUP_API_TOKEN","who":"ana"}

``prev`` is the SHA-256 of the previous line's bytes (64 zeros for the first), ``seq`` counts
from 1. Writers take an exclusive lock, append one line and fsync; then they replace
``head.json`` (the last ``seq`` and the SHA-256 of the last line) atomically.

:meth:`AuditLog.verify` finds an edited, removed, inserted or reordered entry anywhere (the
next entry's ``prev`` or ``seq`` no longer fits), and a removed or edited tail (the head
marker no longer fits). It cannot find a log rewritten whole by someone who also recomputes
every hash and the marker: the chain is unkeyed. Keep the head hash ``verify`` prints
somewhere else and pass it as an anchor (``--anchor``) to close that gap up to that point.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from brainhub.errors import BrainhubError
from brainhub.private_files import fsync_folder, locked, write_atomically

GENESIS = "0" * 64
LOG_FILE = "log.jsonl"
HEAD_FILE = "head.json"
LOCK_FILE = ".lock"
FIELDS = ("action", "after", "at", "before", "detail", "prev", "seq", "subject", "who")


class AuditLogError(BrainhubError):
    """The audit log cannot be read or written; the message names the file and line."""


def line_hash(line: bytes) -> str:
    """The SHA-256 that the next entry's ``prev`` carries."""
    return hashlib.sha256(line).hexdigest()


def canonical(entry: Mapping[str, Any]) -> bytes:
    """The one byte spelling of an entry (sorted keys, no spaces, ASCII)."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def current_user() -> str:
    """Who is making the change: the OS user name (the uid when it has none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def utc_now() -> str:
    """The current time, ISO 8601 in UTC to the microsecond."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change."""

    seq: int
    at: str
    who: str
    action: str
    subject: str
    before: str | None
    after: str | None
    detail: dict[str, Any]
    prev: str
    line: bytes

    @property
    def hash(self) -> str:
        """The SHA-256 of this entry's line (what the next entry's ``prev`` holds)."""
        return line_hash(self.line)

    def as_dict(self) -> dict[str, Any]:
        """The entry as it is stored, plus its own ``hash``."""
        return {**json.loads(self.line), "hash": self.hash}

    def describe(self) -> str:
        """One human line: when, who, what, on what, and the hashes that changed."""
        change = ""
        if self.before or self.after:
            change = f" {_short(self.before)} → {_short(self.after)}"
        extra = "".join(f" {k}={v}" for k, v in sorted(self.detail.items()))
        return f"{self.at}  {self.who}  {self.action}  {self.subject}{change}{extra}"


def _short(value: str | None) -> str:
    if value is None:
        return "∅"
    return value[:12] if len(value) == 64 else value


@dataclass(frozen=True)
class Change:
    """A change to record: ``action`` (``secret.set``…), its subject, before/after hashes."""

    action: str
    subject: str
    before: str | None = None
    after: str | None = None
    detail: Mapping[str, Any] | None = None


class AuditLog:
    """The audit log in ``directory`` (a project's ``data/audit``)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / LOG_FILE
        self.head_path = directory / HEAD_FILE

    @classmethod
    def of_project(cls, project_root: Path) -> AuditLog:
        """The log of the project at ``project_root``."""
        return cls(project_root / "data" / "audit")

    def record(
        self,
        action: str,
        subject: str,
        *,
        before: str | None = None,
        after: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Append one change (never a secret value: hashes and fingerprints only)."""
        return self.record_all([Change(action, subject, before, after, detail)])[0]

    def record_all(self, changes: Iterable[Change]) -> list[AuditEntry]:
        """Append several changes under one lock and one fsync."""
        changes = list(changes)
        if not changes:
            return []
        with locked(self.directory / LOCK_FILE):
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                last = _last_complete_line(fd, self.path)
                prev, seq = (line_hash(last), _seq_of(last, self.path)) if last else (GENESIS, 0)
                who, at = current_user(), utc_now()
                entries, lines = [], []
                for change in changes:
                    seq += 1
                    line = canonical(
                        {
                            "action": change.action,
                            "after": change.after,
                            "at": at,
                            "before": change.before,
                            "detail": dict(change.detail or {}),
                            "prev": prev,
                            "seq": seq,
                            "subject": change.subject,
                            "who": who,
                        }
                    )
                    entries.append(_entry(line, self.path, seq))
                    lines.append(line + b"\n")
                    prev = line_hash(line)
                os.write(fd, b"".join(lines))
                os.fsync(fd)
            finally:
                os.close(fd)
            fsync_folder(self.directory)
            head = {"seq": seq, "hash": prev}
            write_atomically(self.head_path, canonical(head) + b"\n", mode=0o600)
        return entries

    def entries(self) -> list[AuditEntry]:
        """Every entry, in order (an unreadable line is an error naming it)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        lines = raw.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        return [_entry(line, self.path, number) for number, line in enumerate(lines, start=1)]

    def verify(self, anchors: Iterable[str] = ()) -> tuple[list[str], list[AuditEntry]]:
        """Problems found (one line each, naming the line), and the entries read."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raw = b""
        problems: list[str] = []
        entries: list[AuditEntry] = []
        lines = raw.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        elif raw:
            problems.append(
                f"{self.path}, line {len(lines)}: incomplete last entry (no line end): "
                "a writer was interrupted, or the file was cut"
            )
            lines.pop()
        prev = GENESIS
        for number, line in enumerate(lines, start=1):
            try:
                entry = _entry(line, self.path, number)
            except AuditLogError as exc:
                problems.append(str(exc))
                prev = line_hash(line)
                continue
            if entry.seq != number:
                problems.append(
                    f"{self.path}, line {number}: entry seq {entry.seq} where {number} belongs "
                    "(an entry was removed, inserted or moved)"
                )
            if entry.prev != prev:
                problems.append(
                    f"{self.path}, line {number}: its prev hash does not match line "
                    f"{number - 1} (that entry was edited, or one was removed, inserted or "
                    "moved here)"
                    if number > 1
                    else f"{self.path}, line 1: the first entry must chain from {GENESIS[:12]}…"
                )
            entries.append(entry)
            prev = line_hash(line)
        problems.extend(self._head_problems(lines))
        hashes = {line_hash(line) for line in lines}
        problems.extend(
            f"anchor {anchor[:12]}… is not in the log: the log was rewritten or cut before it"
            for anchor in anchors
            if anchor not in hashes
        )
        return problems, entries

    def _head_problems(self, lines: list[bytes]) -> list[str]:
        try:
            head = json.loads(self.head_path.read_bytes())
        except FileNotFoundError:
            return (
                [f"{self.head_path}: missing while the log has {len(lines)} entries"]
                if lines
                else []
            )
        except (OSError, ValueError):
            return [f"{self.head_path}: not a head marker (expected {{seq, hash}} JSON)"]
        if not isinstance(head, dict):
            return [f"{self.head_path}: not a head marker (expected {{seq, hash}} JSON)"]
        last_hash = line_hash(lines[-1]) if lines else GENESIS
        if head.get("seq") != len(lines) or head.get("hash") != last_hash:
            return [
                f"{self.head_path}: the last recorded entry is seq {head.get('seq')} with hash "
                f"{str(head.get('hash'))[:12]}…, the log ends at seq {len(lines)} with "
                f"{last_hash[:12]}… (its tail was cut, edited or extended by hand)"
            ]
        return []


def _entry(line: bytes, path: Path, number: int) -> AuditEntry:
    try:
        data = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise AuditLogError(f"{path}, line {number}: not a JSON entry") from None
    if not isinstance(data, dict) or sorted(data) != sorted(FIELDS):
        raise AuditLogError(f"{path}, line {number}: expected the fields {', '.join(FIELDS)}")
    if canonical(data) != line:
        raise AuditLogError(f"{path}, line {number}: not written by brainhub (spacing or order)")
    return AuditEntry(
        seq=data["seq"],
        at=data["at"],
        who=data["who"],
        action=data["action"],
        subject=data["subject"],
        before=data["before"],
        after=data["after"],
        detail=data["detail"],
        prev=data["prev"],
        line=line,
    )


def _seq_of(line: bytes, path: Path) -> int:
    try:
        seq = json.loads(line)["seq"]
    except (ValueError, KeyError, TypeError):
        raise AuditLogError(
            f"{path}: the last entry is unreadable; run `brainhub audit verify`"
        ) from None
    return int(seq)


def _last_complete_line(fd: int, path: Path) -> bytes:
    """The last newline-ended line; an unfinished line after it (a writer killed mid-write,
    never acknowledged) is cut off so the new entry chains from the last complete one."""
    size = os.fstat(fd).st_size
    if size == 0:
        return b""
    chunk = 4096
    end = size
    buffer = b""
    while True:
        start = max(0, end - chunk)
        buffer = os.pread(fd, end - start, start) + buffer
        end = start
        cut = buffer.rfind(b"\n")
        if cut >= 0 and (buffer.rfind(b"\n", 0, cut) >= 0 or start == 0):
            break
        if start == 0:
            break
    if not buffer.endswith(b"\n"):
        complete = buffer.rfind(b"\n") + 1
        os.ftruncate(fd, end + complete)
        buffer = buffer[:complete]
    lines = buffer.rstrip(b"\n").rsplit(b"\n", 1)
    return lines[-1] if lines[-1] else b""
