"""``tap-redis``: keys matching patterns (read whole each run) and streams (incremental).

Settings: ``host``, ``port``, ``password`` (sensitive), ``db``, ``keys`` (a list of
``{"name": stream, "pattern": "user:*"}``), ``streams`` (a list of ``{"name": stream,
"key": "events"}``), ``batch_size`` (stream entries per ``XREAD`` and per STATE, 500).

A key record holds the key, its Redis type, its time to live and its value in the column of
its type: ``value`` (a string), ``fields`` (a hash), ``members`` (a list or set, a set
sorted) or ``scores`` (a sorted set, member → score). A stream entry record holds its id,
its fields and the time in the id. STATE keeps the last entry id read of each stream
(``bookmarks.<name>.last_id``) after every batch, so the next run reads only newer entries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import redis

from brainhub.errors import BrainhubError, SettingsError
from taps.queues.singer_io import run_tap, setting, write_record, write_schema, write_state

NAME = "tap-redis"

KEY_SCHEMA = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "type": {"type": "string"},
        "ttl_seconds": {"type": ["integer", "null"]},
        "value": {"type": ["string", "null"]},
        "fields": {"type": ["object", "null"]},
        "members": {"type": ["array", "null"], "items": {"type": "string"}},
        "scores": {"type": ["object", "null"]},
    },
}
ENTRY_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "stream_key": {"type": "string"},
        "fields": {"type": "object"},
        "entry_time": {"type": "string", "format": "date-time"},
    },
}


class RedisReadError(BrainhubError):
    """Redis refused a command or could not be reached."""


def connect(config: dict[str, Any]) -> Any:
    """A client of the configured server (strings decoded as UTF-8; typed loosely, as the
    client's own annotations do not follow ``decode_responses``)."""
    return redis.Redis(
        host=setting(config, "host", str, "127.0.0.1"),
        port=setting(config, "port", int, 6379),
        db=setting(config, "db", int, 0),
        username=setting(config, "user", str),
        password=setting(config, "password", str),
        decode_responses=True,
        socket_timeout=30,
    )


def _entries(config: dict[str, Any], name: str, required: tuple[str, ...]) -> list[dict]:
    items = setting(config, name, list, [])
    for number, item in enumerate(items, 1):
        missing = [k for k in required if not isinstance(item, dict) or not item.get(k)]
        if missing:
            raise SettingsError(
                f"setting {name!r}, entry {number}: needs {' and '.join(repr(k) for k in required)} "
                f"(e.g. {{{', '.join(f'{k!r}: ...' for k in required)}}}), got {item!r}"
            )
    return items


def key_record(client: Any, key: str) -> dict[str, Any] | None:
    """One key as a record, None when it vanished while being read."""
    kind = client.type(key)
    record: dict[str, Any] = {"key": key, "type": kind}
    if kind == "string":
        record["value"] = client.get(key)
    elif kind == "hash":
        record["fields"] = client.hgetall(key)
    elif kind == "list":
        record["members"] = client.lrange(key, 0, -1)
    elif kind == "set":
        record["members"] = sorted(client.smembers(key))
    elif kind == "zset":
        record["scores"] = dict(client.zrange(key, 0, -1, withscores=True))
    elif kind == "none":
        return None
    ttl = client.ttl(key)
    record["ttl_seconds"] = ttl if ttl >= 0 else None
    return record


def read_keys(client: Any, name: str, pattern: str) -> None:
    """Every key matching ``pattern`` as a record of stream ``name``, in key order."""
    write_schema(name, KEY_SCHEMA, ["key"])
    for key in sorted(client.scan_iter(match=pattern, count=1000)):
        record = key_record(client, key)
        if record is not None:
            write_record(name, record)


def read_stream(client: Any, name: str, key: str, state: dict[str, Any], batch_size: int) -> None:
    """Entries of Redis stream ``key`` after the bookmark, a STATE after each batch."""
    write_schema(name, ENTRY_SCHEMA, ["id"])
    bookmarks = state.setdefault("bookmarks", {})
    last_id = str(bookmarks.get(name, {}).get("last_id") or "0-0")
    while True:
        answer = client.xread({key: last_id}, count=batch_size)
        entries = answer[0][1] if answer else []
        if not entries:
            return
        for entry_id, fields in entries:
            millis = int(entry_id.split("-")[0])
            write_record(
                name,
                {
                    "id": entry_id,
                    "stream_key": key,
                    "fields": fields,
                    "entry_time": datetime.fromtimestamp(millis / 1000, UTC).isoformat(),
                },
            )
            last_id = entry_id
        bookmarks[name] = {"last_id": last_id}
        write_state(state)


def sync(config: dict[str, Any], state: dict[str, Any]) -> None:
    """Read every configured key pattern and stream."""
    keys = _entries(config, "keys", ("name", "pattern"))
    streams = _entries(config, "streams", ("name", "key"))
    if not keys and not streams:
        raise SettingsError(
            "settings 'keys' and 'streams' are both empty: give at least one, e.g. "
            'keys: [{"name": "users", "pattern": "user:*"}]'
        )
    batch_size = setting(config, "batch_size", int, 500)
    client = connect(config)
    try:
        for item in keys:
            read_keys(client, item["name"], item["pattern"])
        for item in streams:
            read_stream(client, item["name"], item["key"], state, batch_size)
        write_state(state)
    except redis.RedisError as exc:
        raise RedisReadError(f"Redis at {_where(config)}: {exc}") from None
    finally:
        client.close()


def _where(config: dict[str, Any]) -> str:
    return f"{config.get('host', '127.0.0.1')}:{config.get('port', 6379)}"


def main() -> None:
    """Entry point of ``tap-redis``."""
    run_tap(NAME, sync)
