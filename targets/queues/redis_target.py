"""``target-redis``: records as hashes (one key per record) or as entries of Redis streams.

Settings: ``host``, ``port``, ``password`` (sensitive), ``db``, ``mode`` (``hash`` or
``stream``), ``key_prefix`` (put before every key, "") and ``batch_size`` (500).

In ``hash`` mode a record is the hash ``<prefix><stream>:<key values joined by ":">`` (the
stream's key properties), its fields the record's properties: strings as they are, other
values as JSON, NULLs removing the field. Writing it again replaces those fields, so a
record delivered twice is stored once. In ``stream`` mode each record is ``XADD`` to the
stream ``<prefix><stream>`` (NULL fields left out); a redelivered record is a second entry.
A batch goes in one MULTI/EXEC transaction, before the STATE after it is printed.
"""

from __future__ import annotations

from typing import Any

import redis

from brainhub.errors import BrainhubError, SettingsError
from taps.queues.redis_tap import connect
from taps.queues.singer_io import setting
from targets.queues.loop import encode_field, run_target

NAME = "target-redis"
MODES = ("hash", "stream")


class RedisWriteError(BrainhubError):
    """Redis refused a write or could not be reached."""


class RedisWriter:
    """Buffers records and writes each batch in one transaction."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.mode = setting(config, "mode", str, "hash")
        if self.mode not in MODES:
            raise SettingsError(f"setting 'mode': {self.mode!r} is not valid (valid: hash, stream)")
        self.prefix = setting(config, "key_prefix", str, "")
        self.where = f"{config.get('host', '127.0.0.1')}:{config.get('port', 6379)}"
        self.client = connect(config)
        self.keys: dict[str, list[str]] = {}
        self.buffer: list[tuple[str, dict[str, Any]]] = []

    def schema(self, stream: str, schema: dict[str, Any], key_properties: list[str]) -> None:
        if self.mode == "hash" and not key_properties:
            raise SettingsError(
                f"stream {stream!r} has no key properties: mode 'hash' names each hash by the "
                "record's key (use mode 'stream', or give the stream key properties)"
            )
        self.keys[stream] = key_properties

    def add(self, stream: str, record: dict[str, Any]) -> None:
        if self.mode == "hash":
            missing = [k for k in self.keys[stream] if record.get(k) is None]
            if missing:
                raise SettingsError(
                    f"stream {stream!r}: a record has no value for key properties {missing}: "
                    f"{ {k: record.get(k) for k in self.keys[stream]} }"
                )
        self.buffer.append((stream, record))

    def flush(self) -> int:
        if not self.buffer:
            return 0
        pipe = self.client.pipeline(transaction=True)
        for stream, record in self.buffer:
            present = {k: encode_field(v) for k, v in record.items() if v is not None}
            if self.mode == "stream":
                pipe.xadd(f"{self.prefix}{stream}", present or {"_empty": ""})
                continue
            key = ":".join(encode_field(record[k]) for k in self.keys[stream])
            name = f"{self.prefix}{stream}:{key}"
            absent = [k for k, v in record.items() if v is None]
            if absent:
                pipe.hdel(name, *absent)
            if present:
                pipe.hset(name, mapping=present)
        try:
            pipe.execute()
        except redis.RedisError as exc:
            raise RedisWriteError(f"Redis at {self.where}: {exc}") from None
        written = len(self.buffer)
        self.buffer.clear()
        return written

    def close(self) -> None:
        self.client.close()


def main() -> None:
    """Entry point of ``target-redis``."""
    run_target(NAME, RedisWriter)
