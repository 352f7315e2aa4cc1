"""One batch of staged records: the RECORD lines as received, in a file DuckDB will read,
plus, row by row, each record's input line number and key."""

from __future__ import annotations

import datetime
import os
import time
import typing as t
from array import array

Reject = tuple[str, int | None, str, str]
"""A rejected record: (stream, input line, reason, message)."""


class StagedBatch:
    """A staging file being filled with message lines, and what is known of each row."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: t.BinaryIO | None = None
        self.lines: array[int] = array("q")
        """Input line number of each staged row, in file order."""
        self.keys: list[t.Any] = []
        """Key of each staged row (a tuple for composite keys), in file order."""
        self.seen: set[t.Any] = set()
        self.deleted: list[t.Any] = []
        """Keys of rows marked deleted with ``_sdc_deleted_at``."""
        self.rejects: list[Reject] = []
        self.bytes = 0
        self.received_at = datetime.datetime.now(datetime.UTC)
        self.sequence_base = time.time_ns()

    def __len__(self) -> int:
        return len(self.lines)

    def write(self, line: bytes, number: int, key: t.Any, *, deleted: bool) -> None:
        """Append one message line (as received) with its input line number and key."""
        handle = self._file
        if handle is None:
            handle = self._file = open(self.path, "wb", buffering=1024 * 1024)  # noqa: SIM115
        if line[-1:] != b"\n":
            line += b"\n"
        handle.write(line)
        self.bytes += len(line)
        self.lines.append(number)
        self.keys.append(key)
        self.seen.add(key)
        if deleted:
            self.deleted.append(key)

    def write_run(self, data: bytes, first: int, keys: list[t.Any], deleted: list[t.Any]) -> None:
        """Append consecutive message lines (``data``, from input line ``first`` on) with
        the key of each and the keys of those marked deleted."""
        handle = self._file
        if handle is None:
            handle = self._file = open(self.path, "wb", buffering=1024 * 1024)  # noqa: SIM115
        if data[-1:] != b"\n":
            data += b"\n"
        handle.write(data)
        self.bytes += len(data)
        self.lines.extend(range(first, first + len(keys)))
        self.keys.extend(keys)
        self.seen.update(keys)
        self.deleted.extend(deleted)

    def close(self) -> None:
        """Finish writing (the file stays for the loader)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def discard(self) -> None:
        """Close and delete the staging file."""
        self.close()
        if os.path.exists(self.path):
            os.remove(self.path)

    @property
    def line_range(self) -> str:
        """``first-last`` input lines of the staged rows, for messages."""
        return f"{self.lines[0]}-{self.lines[-1]}" if self.lines else "none"

    def drop_rows(self, rows: set[int]) -> None:
        """Rewrite the staging file without the given row positions (rejected records)."""
        kept_lines: array[int] = array("q")
        kept_keys = []
        with open(self.path, "rb") as handle:
            raws = handle.readlines()
        with open(self.path, "wb") as handle:
            for position, raw in enumerate(raws):
                if position in rows:
                    continue
                handle.write(raw)
                kept_lines.append(self.lines[position])
                if self.keys:
                    kept_keys.append(self.keys[position])
        dropped = {self.keys[p] for p in rows} if self.keys else set()
        self.lines, self.keys = kept_lines, kept_keys
        self.deleted = [k for k in self.deleted if k not in dropped or k in kept_keys]
