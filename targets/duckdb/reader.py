"""A Singer message reader that counts lines and hands RECORD lines over undecoded.

Every line is parsed once by a msgspec decoder that materialises only the envelope
(``type``, ``stream``); the record itself stays raw bytes. The target stages those bytes
as they are and lets DuckDB's JSON reader parse them, which is what makes loading fast.
Other messages (SCHEMA, STATE, ACTIVATE_VERSION, BATCH) are decoded in full and passed to
the SDK callbacks.

The input is read in blocks, every complete line available at one read (see
:mod:`targets.duckdb.lines`). Runs of RECORD lines of one stream in a block, the bulk of any
sync, are handed over together: consecutive lines that start like a RECORD of the stream
the target expects (``{"type":"RECORD","stream":"tasks",`` as Singer SDK taps write it, or
with the spaces of Python's ``json.dumps``) and end with ``}`` go to ``record_run_handler``,
up to :data:`RUN_LINES` at a time. Whatever that handler does not take is processed line by
line, as is every other line, so errors and their line numbers are the same either way. A
run never waits for lines still to come: a slow tap's records are staged, and batch ages
checked, as they arrive.
Such a line cannot be the middle of a JSON value spread over several lines: a JSON string
cannot hold a line break, and after a ``}`` inside an unfinished value only ``,`` or a
closing bracket may follow, never the ``{`` the next line starts with.
"""

from __future__ import annotations

import sys
import typing as t
from collections import Counter

import msgspec
from singer_sdk.singerlib.encoding.base import GenericSingerReader
from singer_sdk.singerlib.exceptions import InvalidInputLine

from brainhub.singer_messages import json_kind, message_problem
from targets.duckdb.errors import InputError, TargetDuckDBError
from targets.duckdb.lines import line_blocks

MESSAGE_TYPES = ("RECORD", "SCHEMA", "STATE", "ACTIVATE_VERSION", "BATCH")

RawRecordHandler = t.Callable[[str, bytes, msgspec.Raw, int], None]
RecordRunHandler = t.Callable[[list[bytes], int], int]
"""Stages a run of RECORD lines (and the input line number of the first); returns how many
of them, from the start, it staged."""

RUN_LINES = 64
"""Most RECORD lines handed over as one run."""
_RUN_ENDS = (b"}\n", b"}\r\n", b"}")


_NO_RECORD = msgspec.Raw(b"")


class _Envelope(msgspec.Struct):
    type: t.Any = None
    stream: t.Any = None
    record: msgspec.Raw = _NO_RECORD


_envelope = msgspec.json.Decoder(_Envelope)
_message = msgspec.json.Decoder(dict[str, t.Any])


class SingerLineReader(GenericSingerReader[bytes]):
    """Reads Singer messages line by line, tracking the current line number."""

    default_input = sys.stdin.buffer

    def __init__(self) -> None:
        super().__init__()
        self.line_number = 0
        self.raw_record_handler: RawRecordHandler | None = None
        self.speculative_handler: t.Callable[[bytes, int], bool] | None = None
        """Tried first on every line: stages it and returns True if it is a RECORD of the
        stream the previous record belonged to (one decode instead of two)."""
        self.record_run_handler: RecordRunHandler | None = None
        self.run_prefixes: tuple[bytes, ...] = ()
        """How RECORD lines of the stream ``record_run_handler`` expects start; empty when
        it expects none."""

    def deserialize_json(self, line: bytes) -> dict:
        """Decode one message line into a dict."""
        try:
            return _message.decode(line)
        except msgspec.DecodeError as exc:
            raise InputError(f"malformed JSON ({_short(exc)})", line=self.line_number) from None

    def process_lines(
        self,
        file_input: t.IO[bytes] | None,
        callbacks: dict[str, t.Callable[[dict], None]],
    ) -> t.Counter[str]:
        """Read every line of ``file_input``, dispatching each message to its callback."""
        stats: Counter[str] = Counter()
        source: t.Any = file_input if file_input is not None else sys.stdin
        source = getattr(source, "buffer", source)
        check: t.Callable[[], None] = getattr(source, "check", _no_stop)
        base = 0  # input lines before the block
        for block in line_blocks(source):
            size = len(block)
            i = 0
            while i < size:
                check()
                prefixes = self.run_prefixes
                j = i
                if prefixes:
                    while (
                        j < size
                        and (line := block[j]).startswith(prefixes)
                        and line.endswith(_RUN_ENDS)
                    ):
                        j += 1
                if j == i:
                    self._process_line(base + i + 1, block[i], callbacks, stats)
                    i += 1
                    continue
                for start in range(i, j, RUN_LINES):
                    lines = block[start : min(j, start + RUN_LINES)]
                    staged = self._stage_run(lines, base + start + 1)
                    stats["RECORD"] += staged
                    for offset in range(staged, len(lines)):
                        number = base + start + offset + 1
                        self._process_line(number, lines[offset], callbacks, stats)
                i = j
            base += size
        return stats

    def _stage_run(self, lines: list[bytes], first: int) -> int:
        handler = self.record_run_handler
        if handler is None:
            return 0
        last = first + len(lines) - 1
        self.line_number = last
        try:
            return handler(lines, first)
        except TargetDuckDBError as exc:
            if exc.line is None and exc.locatable:
                exc.line = last
            raise

    def _process_line(
        self,
        number: int,
        line: bytes,
        callbacks: dict[str, t.Callable[[dict], None]],
        stats: Counter[str],
    ) -> None:
        """Process one line on its own (every line but those of a staged run)."""
        self.line_number = number
        if isinstance(line, str):
            line = line.encode()
        stream = None
        try:
            if not line.isascii():
                _check_utf8(line)
            if self.speculative_handler is not None and self.speculative_handler(line, number):
                stats["RECORD"] += 1
                return
            try:
                head = _envelope.decode(line)
            except msgspec.DecodeError as exc:
                if not line.strip():
                    return
                reason = f"malformed JSON ({_short(exc)})"
                raise InputError(reason, line=number) from None
            kind = head.type
            stream = head.stream if isinstance(head.stream, str) else None
            if head.stream is not None and stream is None:
                raise InputError(f"'stream' must be a string (got {json_kind(head.stream)})")
            raw_handler = self.raw_record_handler
            if kind == "RECORD" and raw_handler is not None and stream is not None:
                if head.record is _NO_RECORD:
                    raise InputError("RECORD message has no 'record'")
                raw_handler(stream, line, head.record, number)
                stats["RECORD"] += 1
                return
            if kind in MESSAGE_TYPES:
                message = self.deserialize_json(line)
                if (problem := message_problem(kind, message)) is not None:
                    raise InputError(problem)
                callbacks[kind](message)
            elif kind is None:
                raise InputError("message has no 'type'")
            else:
                valid = ", ".join(MESSAGE_TYPES)
                raise InputError(f"unknown message type {kind!r} (valid: {valid})")
        except InvalidInputLine as exc:
            raise InputError(_short(exc), line=number, stream=stream) from None
        except RecursionError:
            reason = "JSON nested too deeply to load (a few hundred levels at most)"
            raise InputError(reason, line=number, stream=stream) from None
        except TargetDuckDBError as exc:
            if exc.line is None and exc.locatable:
                exc.line = number
            if exc.stream is None:
                exc.stream = stream
            raise
        stats[kind] += 1


def _no_stop() -> None:
    """For inputs that no signal stops."""


def _check_utf8(line: bytes) -> None:
    try:
        line.decode()
    except UnicodeDecodeError as exc:
        byte = line[exc.start]
        reason = f"not UTF-8 text (byte 0x{byte:02x} at column {exc.start + 1})"
        raise InputError(reason) from None


def _short(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0]
