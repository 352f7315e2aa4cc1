"""``tap-rabbitmq``: the messages of RabbitMQ queues, acknowledged after the target committed.

Settings: ``host``, ``port``, ``user``, ``password`` (sensitive), ``virtual_host``,
``queues`` (a list of ``{"name": stream, "queue": "orders"}``), ``batch_size`` (messages per
STATE, 100) and ``max_messages`` (per queue and run, 10,000).

Each run takes messages with ``basic.get`` and manual acknowledgement until the queue is
empty (or ``max_messages``). A redelivered message whose id the saved STATE names is
acknowledged and skipped; every other one becomes a record and its id goes into the STATE
after its batch, to be acknowledged by the next run (see ``taps/queues/pending``). When this
run's connection closes, the broker puts its unacknowledged messages back in the queue.

A message's id is its ``message_id`` property, or ``sha256:<hash of its body>`` when the
publisher set none (identical bodies then count as one message). A record holds the id, the
queue, exchange and routing key, the body (parsed when it is JSON, else the text), the
headers, the content type, the publisher's timestamp and whether it was redelivered.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pika
import pika.exceptions

from brainhub.errors import BrainhubError, SettingsError
from taps.queues.pending import PendingAcks
from taps.queues.singer_io import run_tap, setting, write_record, write_schema, write_state

NAME = "tap-rabbitmq"

MESSAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "message_id": {"type": "string"},
        "queue": {"type": "string"},
        "exchange": {"type": ["string", "null"]},
        "routing_key": {"type": ["string", "null"]},
        "body": {},
        "headers": {"type": ["object", "null"]},
        "content_type": {"type": ["string", "null"]},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "redelivered": {"type": "boolean"},
    },
}


class RabbitMQError(BrainhubError):
    """The broker refused something or could not be reached."""


def connection_parameters(config: dict[str, Any]) -> pika.ConnectionParameters:
    """How to reach the broker (the password never appears in errors)."""
    return pika.ConnectionParameters(
        host=setting(config, "host", str, "127.0.0.1"),
        port=setting(config, "port", int, 5672),
        virtual_host=setting(config, "virtual_host", str, "/"),
        credentials=pika.PlainCredentials(
            setting(config, "user", str, "guest"), setting(config, "password", str, "guest")
        ),
        connection_attempts=3,
        retry_delay=1,
        blocked_connection_timeout=60,
    )


def where(config: dict[str, Any]) -> str:
    """The broker's address for messages."""
    return f"{config.get('host', '127.0.0.1')}:{config.get('port', 5672)}"


def message_id(properties: Any, body: bytes) -> str:
    """The publisher's ``message_id``, else a hash of the body."""
    if getattr(properties, "message_id", None):
        return str(properties.message_id)
    return "sha256:" + hashlib.sha256(body).hexdigest()


def decode_body(body: bytes) -> Any:
    """The body as JSON when it parses, else as text (bytes that are not UTF-8: replaced)."""
    text = body.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def record_of(queue: str, method: Any, properties: Any, body: bytes) -> dict[str, Any]:
    """One delivered message as a record."""
    stamp = getattr(properties, "timestamp", None)
    return {
        "message_id": message_id(properties, body),
        "queue": queue,
        "exchange": method.exchange or None,
        "routing_key": method.routing_key or None,
        "body": decode_body(body),
        "headers": dict(properties.headers) if properties.headers else None,
        "content_type": properties.content_type,
        "published_at": datetime.fromtimestamp(stamp, UTC).isoformat() if stamp else None,
        "redelivered": bool(method.redelivered),
    }


def read_queue(
    channel: Any, stream: str, queue: str, state: dict[str, Any], batch_size: int, limit: int
) -> None:
    """Hand on a queue's new messages; acknowledge those a saved STATE named."""
    bookmarks = state.setdefault("bookmarks", {})
    pending = PendingAcks(bookmarks.get(stream, {}))
    try:
        channel.queue_declare(queue=queue, passive=True)
    except pika.exceptions.ChannelClosedByBroker as exc:
        raise RabbitMQError(f"queue {queue!r} (stream {stream!r}): {exc.reply_text}") from None
    write_schema(stream, MESSAGE_SCHEMA, ["message_id"])
    handed = 0
    drained = False
    while handed < limit:
        method, properties, body = channel.basic_get(queue=queue, auto_ack=False)
        if method is None:
            drained = True
            break
        identity = message_id(properties, body)
        if pending.committed_earlier(identity):
            channel.basic_ack(delivery_tag=method.delivery_tag)
            pending.acknowledged(identity)
            continue
        if not pending.handed_on(identity):
            continue  # a second copy in this run: held, acknowledged with the first next run
        write_record(stream, record_of(queue, method, properties, body))
        handed += 1
        if handed % batch_size == 0:
            bookmarks[stream] = pending.state()
            write_state(state)
    bookmarks[stream] = pending.state(drained=drained)


def sync(config: dict[str, Any], state: dict[str, Any]) -> None:
    """Read every configured queue, then close (unacknowledged messages go back)."""
    queues = setting(config, "queues", list, [])
    for number, item in enumerate(queues, 1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("queue"):
            raise SettingsError(
                f"setting 'queues', entry {number}: needs 'name' (the stream) and 'queue', "
                f'e.g. {{"name": "orders", "queue": "orders"}}, got {item!r}'
            )
    if not queues:
        raise SettingsError(
            "setting 'queues' is empty: give at least one, e.g. "
            '[{"name": "orders", "queue": "orders"}]'
        )
    batch_size = setting(config, "batch_size", int, 100)
    limit = setting(config, "max_messages", int, 10_000)
    try:
        connection = pika.BlockingConnection(connection_parameters(config))
    except pika.exceptions.AMQPError as exc:
        raise RabbitMQError(
            f"RabbitMQ at {where(config)}: cannot connect ({_reason(exc)})"
        ) from None
    try:
        channel = connection.channel()
        for item in queues:
            read_queue(channel, item["name"], item["queue"], state, batch_size, limit)
            channel = channel if channel.is_open else connection.channel()
        write_state(state)
    except pika.exceptions.AMQPError as exc:
        raise RabbitMQError(f"RabbitMQ at {where(config)}: {_reason(exc)}") from None
    finally:
        if connection.is_open:
            connection.close()


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if "password" not in text.lower() else type(exc).__name__


def main() -> None:
    """Entry point of ``tap-rabbitmq``."""
    run_tap(NAME, sync)
