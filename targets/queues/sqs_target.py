"""``target-sqs``: each record sent as one JSON message with ``SendMessageBatch``.

Settings: ``queue`` (a name or URL; the stream's name when unset), the connection settings
of tap-sqs (``region_name``, ``endpoint_url``, credentials, sensitive) and ``batch_size``
(500). Records go in batches of ten, the most SQS takes; a batch counts as written once SQS
answered with every message's id, and any message it failed ends the run with one line
(SQS's code and text) before the STATE after it is printed. The message attribute
``singer_stream`` names the stream; on a FIFO queue (``.fifo``) the stream is the message
group and the record's key (or its whole body) the deduplication id.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from brainhub.errors import BrainhubError
from taps.queues.singer_io import setting
from taps.queues.sqs_tap import queue_url, sqs_client
from targets.queues.loop import encode_field, run_target

NAME = "target-sqs"
SQS_BATCH = 10


class SQSSendError(BrainhubError):
    """SQS failed some messages or could not be reached."""


class SQSWriter:
    """Sends buffered records in batches of ten."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.queue = setting(config, "queue", str)
        self.client = sqs_client(config)
        self.urls: dict[str, str] = {}
        self.keys: dict[str, list[str]] = {}
        self.buffer: list[tuple[str, dict[str, Any]]] = []

    def schema(self, stream: str, schema: dict[str, Any], key_properties: list[str]) -> None:
        self.keys[stream] = key_properties
        if stream not in self.urls:
            self.urls[stream] = self._call(lambda: queue_url(self.client, self.queue or stream))

    def add(self, stream: str, record: dict[str, Any]) -> None:
        self.buffer.append((stream, record))

    def flush(self) -> int:
        by_stream: dict[str, list[dict[str, Any]]] = {}
        for stream, record in self.buffer:
            by_stream.setdefault(stream, []).append(record)
        for stream, records in by_stream.items():
            for start in range(0, len(records), SQS_BATCH):
                self._send(stream, records[start : start + SQS_BATCH])
        written = len(self.buffer)
        self.buffer.clear()
        return written

    def _send(self, stream: str, records: list[dict[str, Any]]) -> None:
        url = self.urls[stream]
        entries = []
        for number, record in enumerate(records):
            body = json.dumps(record, ensure_ascii=False, default=str)
            entry: dict[str, Any] = {
                "Id": str(number),
                "MessageBody": body,
                "MessageAttributes": {
                    "singer_stream": {"DataType": "String", "StringValue": stream}
                },
            }
            if url.endswith(".fifo"):
                keys = self.keys.get(stream) or []
                basis = ":".join(encode_field(record.get(k)) for k in keys) if keys else body
                entry["MessageGroupId"] = stream
                entry["MessageDeduplicationId"] = hashlib.sha256(basis.encode()).hexdigest()
            entries.append(entry)
        answer = self._call(lambda: self.client.send_message_batch(QueueUrl=url, Entries=entries))
        failed = answer.get("Failed") or []
        if failed:
            first = failed[0]
            raise SQSSendError(
                f"stream {stream!r}: SQS failed {len(failed)} of {len(entries)} messages; the "
                f"first: {first.get('Code')}: {first.get('Message')}"
            )

    def _call(self, call: Any) -> Any:
        try:
            return call()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise SQSSendError(
                f"SQS refused: {error.get('Code')}: {error.get('Message')}"
            ) from None
        except BotoCoreError as exc:
            raise SQSSendError(f"SQS: {exc}") from None

    def close(self) -> None:
        self.client.close()


def main() -> None:
    """Entry point of ``target-sqs``."""
    run_target(NAME, SQSWriter)
