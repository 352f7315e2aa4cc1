"""``target-kafka``: each record produced as one JSON message, delivery confirmed.

Settings: ``bootstrap_servers``, ``topic`` (the stream's name when unset), the security
settings of tap-kafka (``sasl_password`` sensitive) and ``batch_size`` (500). The message key
is the record's key values joined by ``:`` (so one key lands in one partition, in order),
the header ``singer_stream`` names the stream. The producer waits for every in-sync replica
(``acks=all``); a batch counts as written once every message's delivery report came back
without an error, and any error ends the run with one line before the STATE after it.
"""

from __future__ import annotations

import json
from typing import Any

from confluent_kafka import KafkaException, Producer

from brainhub.errors import BrainhubError
from taps.queues.kafka_tap import client_settings
from taps.queues.singer_io import setting
from targets.queues.loop import encode_field, run_target

NAME = "target-kafka"


class KafkaDeliveryError(BrainhubError):
    """A message was not delivered, or the cluster could not be reached."""


class KafkaWriter:
    """Produces buffered records and waits for their delivery reports."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.topic = setting(config, "topic", str)
        self.where = config.get("bootstrap_servers")
        self.producer = Producer({**client_settings(config), "acks": "all"})
        self.keys: dict[str, list[str]] = {}
        self.buffer: list[tuple[str, dict[str, Any]]] = []
        self.failures: list[str] = []

    def schema(self, stream: str, schema: dict[str, Any], key_properties: list[str]) -> None:
        self.keys[stream] = key_properties

    def add(self, stream: str, record: dict[str, Any]) -> None:
        self.buffer.append((stream, record))

    def _report(self, error: Any, message: Any) -> None:
        if error is not None:
            self.failures.append(f"topic {message.topic()!r}: {error.str()}")

    def flush(self) -> int:
        if not self.buffer:
            return 0
        try:
            for stream, record in self.buffer:
                keys = self.keys.get(stream) or []
                key = ":".join(encode_field(record.get(k)) for k in keys) if keys else None
                self.producer.produce(
                    self.topic or stream,
                    value=json.dumps(record, ensure_ascii=False, default=str).encode(),
                    key=key.encode() if key is not None else None,
                    headers={"singer_stream": stream},
                    on_delivery=self._report,
                )
                self.producer.poll(0)
            left = self.producer.flush(60)
        except (KafkaException, BufferError) as exc:
            raise KafkaDeliveryError(f"Kafka at {self.where}: {exc}") from None
        if left:
            raise KafkaDeliveryError(
                f"Kafka at {self.where}: {left} messages not confirmed within 60 s"
            )
        if self.failures:
            raise KafkaDeliveryError(
                f"{len(self.failures)} messages not delivered; the first: {self.failures[0]}"
            )
        written = len(self.buffer)
        self.buffer.clear()
        return written

    def close(self) -> None:
        self.producer.flush(10)


def main() -> None:
    """Entry point of ``target-kafka``."""
    run_target(NAME, KafkaWriter)
