"""A Singer message reader that counts lines and hands RECORD lines over undecoded.

Every line is parsed once by a msgspec decoder that materialises only the envelope
(``type``, ``stream``); the record itself stays raw bytes. The target stages those bytes
as they are and lets DuckDB's JSON reader parse them, which is what makes loading fast.
Other messages (SCHEMA, STATE, ACTIVATE_VERSION, BATCH) are decoded in full and passed to
the SDK callbacks.
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

MESSAGE_TYPES = ("RECORD", "SCHEMA", "STATE", "ACTIVATE_VERSION", "BATCH")

RawRecordHandler = t.Callable[[str, bytes, msgspec.Raw, int], None]


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
        raw_handler = self.raw_record_handler
        speculate = self.speculative_handler or _never
        envelope = _envelope.decode
        records = 0
        for number, line in enumerate(source, 1):
            self.line_number = number
            if isinstance(line, str):
                line = line.encode()
            stream = None
            try:
                if not line.isascii():
                    _check_utf8(line)
                if speculate(line, number):
                    records += 1
                    continue
                try:
                    head = envelope(line)
                except msgspec.DecodeError as exc:
                    if not line.strip():
                        continue
                    reason = f"malformed JSON ({_short(exc)})"
                    raise InputError(reason, line=number) from None
                kind = head.type
                stream = head.stream if isinstance(head.stream, str) else None
                if head.stream is not None and stream is None:
                    raise InputError(f"'stream' must be a string (got {json_kind(head.stream)})")
                if kind == "RECORD" and raw_handler is not None and stream is not None:
                    if head.record is _NO_RECORD:
                        raise InputError("RECORD message has no 'record'")
                    raw_handler(stream, line, head.record, number)
                    records += 1
                    continue
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
        stats["RECORD"] += records
        return stats


def _check_utf8(line: bytes) -> None:
    try:
        line.decode()
    except UnicodeDecodeError as exc:
        byte = line[exc.start]
        reason = f"not UTF-8 text (byte 0x{byte:02x} at column {exc.start + 1})"
        raise InputError(reason) from None


def _never(_line: bytes, _number: int) -> bool:
    return False


def _short(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0]
