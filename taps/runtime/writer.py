"""A Singer message writer for throughput: msgspec encoding, one buffered write per message.

The SDK's writers flush stdout after every message; with 100,000 records that is 100,000
system calls. This writer lets the pipe buffer fill and flushes on every message that is not
a RECORD, so a STATE message (and everything before it) reaches the target at once. RECORD messages
are collected into chunks of about a megabyte: records after the last STATE are not
committed by any target, so holding them back loses nothing. When the target stops reading
(a closed pipe), writing raises :class:`~taps.runtime.stopping.OutputClosed`.
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec
from singer_sdk.singerlib.encoding.base import GenericSingerWriter
from singer_sdk.singerlib.encoding.simple import Message, RecordMessage

from taps.runtime.stopping import output_closed


def _encode_other(value: Any) -> Any:
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if isoformat else str(value)


_encoder = msgspec.json.Encoder(enc_hook=_encode_other, decimal_format="number")


class BufferedSingerWriter(GenericSingerWriter[bytes, Message]):
    """Writes Singer messages to stdout as JSON lines."""

    #: Bytes of RECORD messages collected before one write to stdout.
    CHUNK = 1 << 20

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._pending = bytearray()

    def serialize_message(self, message: Message) -> bytes:
        payload = message.to_dict() if not isinstance(message, RecordMessage) else _record(message)
        _encoder.encode_into(payload, self._buffer)
        self._buffer.extend(b"\n")
        line = bytes(self._buffer)
        self._buffer.clear()
        return line

    def write_message(self, message: Message) -> None:
        pending = self._pending
        pending += self.serialize_message(message)
        if len(pending) >= self.CHUNK or not isinstance(message, RecordMessage):
            out = sys.stdout.buffer
            try:
                out.write(pending)
                out.flush()
            except BrokenPipeError:
                raise output_closed() from None
            pending.clear()


def _record(message: RecordMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": "RECORD", "stream": message.stream, "record": message.record}
    if message.version is not None:
        payload["version"] = message.version
    if message.time_extracted is not None:
        payload["time_extracted"] = message.time_extracted
    return payload
