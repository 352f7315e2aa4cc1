"""``target-rabbitmq``: each record published as one persistent JSON message, confirmed.

Settings: ``host``, ``port``, ``user``, ``password`` (sensitive), ``virtual_host``,
``exchange`` ("" — the default exchange, routing by queue name), ``routing_key`` (the
stream's name when unset), ``declare_queue`` (true: with the default exchange, declare the
durable queue the routing key names) and ``batch_size`` (500).

The channel is in publisher-confirm mode and publishes ``mandatory``: each publish returns
once the broker has taken the message (persisted, for a durable queue) and routed it, and a
message the broker refuses or cannot route ends the run with one line — before the STATE
after it is printed. The message id is ``<stream>:<key values>`` when the stream has key
properties (so a consumer deduplicates a record published twice), else a new UUID; the
header ``singer_stream`` names the stream.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pika
import pika.exceptions

from brainhub.errors import BrainhubError
from taps.queues.rabbitmq_tap import connection_parameters, where
from taps.queues.singer_io import setting
from targets.queues.loop import encode_field, run_target

NAME = "target-rabbitmq"


class RabbitMQPublishError(BrainhubError):
    """The broker refused or could not route a message, or could not be reached."""


class RabbitMQWriter:
    """Publishes buffered records with publisher confirms."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.exchange = setting(config, "exchange", str, "")
        self.routing_key = setting(config, "routing_key", str)
        self.declare = config.get("declare_queue", True) is not False
        self.where = where(config)
        try:
            self.connection = pika.BlockingConnection(connection_parameters(config))
            self.channel = self.connection.channel()
            self.channel.confirm_delivery()
        except pika.exceptions.AMQPError as exc:
            raise RabbitMQPublishError(
                f"RabbitMQ at {self.where}: cannot connect ({type(exc).__name__}: {exc})"
            ) from None
        self.keys: dict[str, list[str]] = {}
        self.buffer: list[tuple[str, dict[str, Any]]] = []

    def schema(self, stream: str, schema: dict[str, Any], key_properties: list[str]) -> None:
        self.keys[stream] = key_properties
        if self.declare and not self.exchange:
            queue = self.routing_key or stream
            try:
                self.channel.queue_declare(queue=queue, durable=True)
            except pika.exceptions.ChannelClosedByBroker as exc:
                raise RabbitMQPublishError(
                    f"RabbitMQ at {self.where}: declaring queue {queue!r}: {exc.reply_text}"
                ) from None

    def add(self, stream: str, record: dict[str, Any]) -> None:
        self.buffer.append((stream, record))

    def flush(self) -> int:
        for stream, record in self.buffer:
            keys = self.keys.get(stream) or []
            if keys and all(record.get(k) is not None for k in keys):
                identity = f"{stream}:" + ":".join(encode_field(record[k]) for k in keys)
            else:
                identity = str(uuid.uuid4())
            properties = pika.BasicProperties(
                content_type="application/json",
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=identity,
                headers={"singer_stream": stream},
            )
            body = json.dumps(record, ensure_ascii=False, default=str).encode()
            try:
                self.channel.basic_publish(
                    exchange=self.exchange,
                    routing_key=self.routing_key or stream,
                    body=body,
                    properties=properties,
                    mandatory=True,
                )
            except pika.exceptions.UnroutableError:
                raise RabbitMQPublishError(
                    f"stream {stream!r}: exchange {self.exchange or '(default)'!r} could not route "
                    f"routing key {self.routing_key or stream!r} to any queue (message {identity})"
                ) from None
            except pika.exceptions.NackError:
                raise RabbitMQPublishError(
                    f"stream {stream!r}: the broker refused message {identity}"
                ) from None
            except pika.exceptions.AMQPError as exc:
                raise RabbitMQPublishError(
                    f"RabbitMQ at {self.where}: {type(exc).__name__}: {exc}"
                ) from None
        written = len(self.buffer)
        self.buffer.clear()
        return written

    def close(self) -> None:
        if self.connection.is_open:
            self.connection.close()


def main() -> None:
    """Entry point of ``target-rabbitmq``."""
    run_target(NAME, RabbitMQWriter)
