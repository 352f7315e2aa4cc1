"""How target-duckdb stops on SIGINT or SIGTERM: stop reading, commit what was read, exit.

:class:`StoppableInput` hands the target its input in blocks of lines (every line available
at one read). The first signal ends the reading: at once when the target is waiting for
input (a tap sitting in a rate-limit wait sends nothing for minutes), else as soon as the
message being processed is done, so a message is never cut in half; lines read but not yet
processed are left, as a tap's unread output would be. The target then commits every record it read
and emits the last STATE it received (see ``TargetDuckDB.invoke``), and exits 130
(SIGINT) or 143 (SIGTERM). The same signal a second time exits at once
(:mod:`brainhub.signals`); DuckDB's commits are atomic, so the warehouse keeps whatever
committed last.
"""

from __future__ import annotations

import sys
import typing as t

from brainhub.errors import SyncInterrupted
from brainhub.signals import StopSignals
from targets.duckdb.lines import read_blocks


class StoppableInput:
    """The target's input lines, and the signal handler that ends them."""

    def __init__(self) -> None:
        self._signals = StopSignals(self._on_first_signal)
        self._waiting = False
        self._readline: t.Callable[[], bytes] = sys.stdin.buffer.readline
        self._read1: t.Callable[[int], bytes] | None = getattr(sys.stdin.buffer, "read1", None)

    @property
    def signum(self) -> int | None:
        """The signal that ended the reading, if any."""
        return self._signals.received

    def install(self) -> None:
        """Handle SIGINT and SIGTERM (from the main thread only; :mod:`brainhub.signals`)."""
        self._signals.install()

    def lines(self, file_input: t.IO[t.Any] | None = None) -> StoppableInput:
        """Read ``file_input`` (standard input by default) through this object."""
        source: t.Any = file_input if file_input is not None else sys.stdin
        source = getattr(source, "buffer", source)
        self._readline = source.readline
        self._read1 = getattr(source, "read1", None)
        return self

    def check(self) -> None:
        """Raise :class:`SyncInterrupted` if a stop signal has arrived (called between
        messages)."""
        if self.signum is not None:
            raise SyncInterrupted(self.signum)

    def blocks(self) -> t.Iterator[list[bytes]]:
        """The input in blocks of complete lines (see :func:`read_blocks`); line by line
        if the input cannot be read in blocks."""
        if self._read1 is None:
            return ([line] for line in self)
        return read_blocks(self._read_waiting)

    def _read_waiting(self, size: int) -> bytes:
        self.check()
        read1 = self._read1
        assert read1 is not None
        self._waiting = True
        try:
            return read1(size)
        finally:
            self._waiting = False

    def __iter__(self) -> StoppableInput:
        return self

    def __next__(self) -> bytes:
        if self.signum is not None:
            raise SyncInterrupted(self.signum)
        self._waiting = True
        try:
            line = self._readline()
        finally:
            self._waiting = False
        if not line:
            raise StopIteration
        return line

    def _on_first_signal(self, signum: int) -> None:
        if self._waiting:  # blocked on a read: only an exception ends it
            raise SyncInterrupted(signum)
