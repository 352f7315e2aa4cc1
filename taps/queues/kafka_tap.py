"""``tap-kafka``: the records of Kafka topics, their offsets in STATE, committed after the
target's commit.

Settings: ``bootstrap_servers``, ``topics`` (a list of ``{"name": stream, "topic": "orders"}``),
``group_id`` (brainhub), ``batch_size`` (records per STATE, 500), ``max_messages`` (per topic
and run, 100,000), ``idle_seconds`` (a topic whose partitions send nothing, not even their
end, for this long ends the topic's read, 10) and, for a secured cluster, ``security_protocol``, ``sasl_mechanism``,
``sasl_username`` and ``sasl_password`` (sensitive).

Kafka keeps its log, so nothing needs acknowledging to be kept: a run reads each partition
from the offset the saved STATE holds (``bookmarks.<stream>.offsets``: partition → next
offset; else the group's committed offset, else the beginning) to its end, and the STATE after each batch holds the offsets after its records. At its start a
run commits the saved STATE's offsets to the consumer group — those records are in the
warehouse — so the group's lag tells what is not loaded yet. Records after the last saved
STATE are read again by the next run: at-least-once, exactly once in a destination that
upserts on (``topic``, ``partition``, ``offset``), the key of every record. A record holds
those, the message's key and value (parsed when it is JSON), its headers and its timestamp.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from typing import Any

import msgspec
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, TopicPartition
from confluent_kafka import KafkaError as KafkaErrorCode

from brainhub.errors import BrainhubError, SettingsError
from taps.queues.singer_io import (
    now_iso,
    run_tap,
    setting,
    write_record,
    write_schema,
    write_state,
)

NAME = "tap-kafka"
#: Messages taken from the client library per call (it fetches them in batches anyway).
CONSUME_BATCH = 1000
SECURITY = {
    "security_protocol": "security.protocol",
    "sasl_mechanism": "sasl.mechanism",
    "sasl_username": "sasl.username",
    "sasl_password": "sasl.password",
}

RECORD_SCHEMA = {
    "type": "object",
    "properties": {
        "topic": {"type": "string"},
        "partition": {"type": "integer"},
        "offset": {"type": "integer"},
        "key": {"type": ["string", "null"]},
        "value": {},
        "headers": {"type": ["object", "null"]},
        "timestamp": {"type": ["string", "null"], "format": "date-time"},
    },
}


class KafkaError(BrainhubError):
    """The cluster refused something or could not be reached."""


def client_settings(config: dict[str, Any]) -> dict[str, Any]:
    """librdkafka settings from the tap's or target's settings."""
    servers = setting(config, "bootstrap_servers", str)
    if not servers:
        raise SettingsError("setting 'bootstrap_servers' is missing: give host:port[,host:port]")
    settings: dict[str, Any] = {"bootstrap.servers": servers}
    for name, key in SECURITY.items():
        if config.get(name):
            settings[key] = setting(config, name, str)
    return settings


def _text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", errors="replace")


_json_value = msgspec.json.Decoder()


def decode_value(raw: bytes | None) -> Any:
    """The value as JSON when it parses, else as text."""
    if raw is None:
        return None
    try:
        return _json_value.decode(raw)
    except (msgspec.MsgspecError, UnicodeDecodeError):  # not strict JSON or not UTF-8
        text = raw.decode("utf-8", errors="replace")
        try:
            return json.loads(text)
        except ValueError:
            return text


@functools.lru_cache(maxsize=4)
def _second_iso(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).isoformat()[: -len("+00:00")]


def timestamp_iso(milliseconds: int) -> str:
    """A message's timestamp (milliseconds since the epoch) as ISO 8601 in UTC, as
    ``datetime.isoformat`` writes it; a message's neighbours share its second, which is
    formatted once."""
    second, millisecond = divmod(milliseconds, 1000)
    if millisecond:
        return f"{_second_iso(second)}.{millisecond:03d}000+00:00"
    return f"{_second_iso(second)}+00:00"


def record_of(message: Any) -> dict[str, Any]:
    """One Kafka message as a record."""
    kind, stamp = message.timestamp()
    headers = message.headers()
    key = message.key()
    return {
        "topic": message.topic(),
        "partition": message.partition(),
        "offset": message.offset(),
        "key": None if key is None else key.decode("utf-8", errors="replace"),
        "value": decode_value(message.value()),
        "headers": {name: _text(value) for name, value in headers} if headers else None,
        "timestamp": timestamp_iso(stamp) if kind else None,
    }


def read_topic(
    consumer: Consumer, stream: str, topic: str, state: dict[str, Any], options: dict[str, int]
) -> None:
    """Records of ``topic`` from the saved offsets to the end seen at the start."""
    bookmarks = state.setdefault("bookmarks", {})
    saved = {int(p): int(o) for p, o in bookmarks.get(stream, {}).get("offsets", {}).items()}
    metadata = consumer.list_topics(topic, timeout=30).topics.get(topic)
    if metadata is None or metadata.error is not None:
        raise KafkaError(f"topic {topic!r} (stream {stream!r}): {getattr(metadata, 'error', '')}")
    partitions = sorted(metadata.partitions)
    if saved:  # the target committed these: the group may say so too
        consumer.commit(
            offsets=[TopicPartition(topic, p, o) for p, o in saved.items()], asynchronous=False
        )
    committed = {
        tp.partition: tp.offset
        for tp in consumer.committed([TopicPartition(topic, p) for p in partitions], timeout=30)
    }
    positions = {p: saved.get(p, committed.get(p, -1)) for p in partitions}
    write_schema(stream, RECORD_SCHEMA, ["topic", "partition", "offset"])
    # the end of each partition is the consumer's end-of-partition event (not the high
    # watermark, which some Kafka-protocol brokers report per batch, not per record)
    consumer.assign(
        [TopicPartition(topic, p, o if o >= 0 else OFFSET_BEGINNING) for p, o in positions.items()]
    )
    waiting = set(partitions)
    handed = idle = 0
    while waiting and handed < options["max_messages"]:
        # a batch of messages per call: the client library fetches them in batches anyway
        messages: list[Any] = consumer.consume(
            min(CONSUME_BATCH, options["max_messages"] - handed), 1
        )
        if not messages:
            idle += 1
            if idle >= options["idle_seconds"]:
                break  # no end-of-partition event: what was read is kept, the rest waits
            continue
        idle = 0
        extracted = now_iso()
        for message in messages:
            error = message.error()
            if error is not None and error.code() == KafkaErrorCode._PARTITION_EOF:
                waiting.discard(message.partition())
                continue
            if error is not None:
                raise KafkaError(f"topic {topic!r}: {error.str()}")
            write_record(stream, record_of(message), extracted)
            positions[message.partition()] = message.offset() + 1
            handed += 1
            if handed % options["batch_size"] == 0:
                bookmarks[stream] = {"offsets": _known(positions)}
                write_state(state)
    consumer.unassign()
    bookmarks[stream] = {"offsets": _known(positions)}


def _known(positions: dict[int, int]) -> dict[str, int]:
    return {str(p): o for p, o in positions.items() if o >= 0}


def sync(config: dict[str, Any], state: dict[str, Any]) -> None:
    """Read every configured topic."""
    topics = setting(config, "topics", list, [])
    for number, item in enumerate(topics, 1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("topic"):
            raise SettingsError(
                f"setting 'topics', entry {number}: needs 'name' (the stream) and 'topic', "
                f'e.g. {{"name": "orders", "topic": "orders"}}, got {item!r}'
            )
    if not topics:
        raise SettingsError(
            "setting 'topics' is empty: give at least one, e.g. "
            '[{"name": "orders", "topic": "orders"}]'
        )
    options = {
        "batch_size": setting(config, "batch_size", int, 500),
        "max_messages": setting(config, "max_messages", int, 100_000),
        "idle_seconds": setting(config, "idle_seconds", int, 10),
    }
    consumer = Consumer(
        {
            **client_settings(config),
            "group.id": setting(config, "group_id", str, "brainhub"),
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
        }
    )
    try:
        for item in topics:
            read_topic(consumer, item["name"], item["topic"], state, options)
        write_state(state)
    except KafkaException as exc:
        raise KafkaError(
            f"Kafka at {config.get('bootstrap_servers')}: {exc.args[0].str()}"
        ) from None
    finally:
        consumer.close()


def main() -> None:
    """Entry point of ``tap-kafka``."""
    run_tap(NAME, sync)
