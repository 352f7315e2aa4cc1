"""mapper-duckdb's Singer input: one JSON message per line, each checked before it is used.

A line that is not UTF-8, not JSON, not an object, nested too deeply, of an unknown type,
or missing what its type needs (a text ``stream``, an object ``record`` or ``schema``…)
stops the mapper with one line naming the input line and what would be valid. RECORD
lines stay cheap: only their envelope (``type``, ``stream``) is decoded, and the record is
checked to be an object without being parsed; DuckDB reads it later.
"""

from __future__ import annotations

import sys
import typing as t
from collections import Counter
from collections.abc import Callable, Iterable

import msgspec
from singer_sdk.io_base import SingerMessageType, SingerReader

from brainhub.errors import BrainhubError
from brainhub.singer_messages import message_problem
from transforms.engine.errors import SingerInputError

RAW_LINE = "__bh_raw_line"
MESSAGE_TYPES = ("SCHEMA", "RECORD", "STATE", "ACTIVATE_VERSION")
_VALID_TYPES = ", ".join(MESSAGE_TYPES)


class _Envelope(msgspec.Struct):
    type: t.Any = None
    stream: t.Any = None
    record: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_ENVELOPE = msgspec.json.Decoder(_Envelope)
_ANY = msgspec.json.Decoder()


def parse_line(line: str | bytes, number: int) -> dict[str, t.Any] | None:
    """The message on input line ``number`` (``None`` for a blank line).

    A RECORD comes back as ``{"type", "stream", RAW_LINE}`` with the line itself, for
    DuckDB to read; other messages are decoded in full. Raises :class:`SingerInputError`.
    """
    data = _utf8(line, number)
    if not data.strip():
        return None
    try:
        envelope = _ENVELOPE.decode(data)
    except msgspec.ValidationError:
        raise _error(number, "a Singer message must be a JSON object with a 'type'") from None
    except msgspec.DecodeError as error:
        raise _error(number, f"not valid JSON ({error})") from None
    except RecursionError:
        raise _error(number, "JSON nested too deeply to read") from None
    kind = envelope.type
    if kind not in MESSAGE_TYPES:
        shown = "missing" if kind is None else repr(kind)
        raise _error(number, f"message type is {shown}; valid types: {_VALID_TYPES}")
    if kind in ("SCHEMA", "RECORD", "ACTIVATE_VERSION"):
        _check_stream(envelope.stream, kind, number)
    if kind == "RECORD":
        raw = envelope.record
        if raw is msgspec.UNSET or not bytes(raw).lstrip().startswith(b"{"):
            raise _error(number, f"RECORD of stream {envelope.stream!r} needs a 'record' object")
        text = data.decode("utf-8")
        return {"type": kind, "stream": envelope.stream, RAW_LINE: text}
    message = _ANY.decode(data)
    _check_fields(message, kind, number)
    return message


def _utf8(line: str | bytes, number: int) -> bytes:
    if isinstance(line, bytes):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _error(number, _not_utf8(error)) from None
        return line
    try:
        return line.encode("utf-8")
    except UnicodeEncodeError as error:
        # Text read with surrogateescape keeps undecodable bytes as lone surrogates.
        raise _error(
            number, f"not UTF-8 text (undecodable byte at character {error.start + 1})"
        ) from None


def _not_utf8(error: UnicodeDecodeError) -> str:
    byte = error.object[error.start]
    return f"not UTF-8 text (byte 0x{byte:02x} at position {error.start + 1} of the line)"


def _check_stream(stream: t.Any, kind: str, number: int) -> None:
    if not isinstance(stream, str) or not stream:
        raise _error(number, f"{kind} needs a 'stream' name as non-empty text, got {stream!r}")


def _check_fields(message: dict[str, t.Any], kind: str, number: int) -> None:
    if (problem := message_problem(kind, message)) is not None:
        raise _error(number, problem)


def _type_name(kind: str) -> str:
    return str(kind.value) if isinstance(kind, SingerMessageType) else str(kind)


def _error(number: int, problem: str) -> SingerInputError:
    return SingerInputError(f"input line {number}: {problem}")


class CheckedSingerReader(SingerReader):
    """Reads standard input (or ``--input``) as bytes, checking every line with
    :func:`parse_line`; an error raised while handling a line is prefixed with its number."""

    def process_lines(
        self,
        file_input: t.IO[str] | None,
        callbacks: dict[str, Callable[[dict], None]],
    ) -> Counter[str]:
        """Process every line; returns how many messages of each type were read."""
        source = file_input if file_input is not None else sys.stdin
        # Read a text file's bytes, so a non-UTF-8 line is reported by number, not decoded
        # (and failed) by the file object itself.
        lines: Iterable[str | bytes] = getattr(source, "buffer", source)
        handlers = {_type_name(kind): handler for kind, handler in callbacks.items()}
        stats: Counter[str] = Counter()
        for number, line in enumerate(lines, start=1):
            message = parse_line(line, number)
            if message is None:
                continue
            kind = message["type"]
            handler = handlers.get(kind)
            if handler is None:
                raise _error(number, f"{kind} messages are not supported here")
            try:
                handler(message)
            except SingerInputError:
                raise
            except BrainhubError as error:
                raise SingerInputError(f"input line {number}: {error}") from None
            stats[kind] += 1
        return stats
