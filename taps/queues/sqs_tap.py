"""``tap-sqs``: the messages of Amazon SQS queues, deleted only after the target committed.

Settings: ``queues`` (a list of ``{"name": stream, "queue": name or URL}``),
``visibility_timeout`` (seconds a received message stays hidden from other consumers, 300),
``wait_time_seconds`` (long polling per receive, 1), ``batch_size`` (messages per STATE,
100), ``max_messages`` (per queue and run, 10,000), ``region_name``, ``endpoint_url`` (an
SQS-compatible endpoint such as moto's server) and the credentials ``aws_access_key_id``,
``aws_secret_access_key``, ``aws_session_token`` (sensitive; boto's own chain when unset).

As with tap-rabbitmq (see ``taps/queues/pending``), a run hands each new message on and
names its ``MessageId`` in the STATE after its batch; it deletes a message only when it
receives it again in a later run and the saved STATE names it. In between the message is
invisible for ``visibility_timeout`` seconds and then visible again; a run that comes sooner
does not see it and keeps its id for a later one. Ids older than the visibility timeout plus
a minute are dropped once a run has emptied its queue. A record holds the id, the queue, the
body (parsed when it is JSON), the message attributes, the time it was sent and how often
it was received.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from brainhub.errors import BrainhubError, SettingsError
from taps.queues.pending import PendingAcks
from taps.queues.singer_io import run_tap, setting, write_record, write_schema, write_state

NAME = "tap-sqs"
CLIENT_SETTINGS = (
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "endpoint_url",
)

MESSAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "message_id": {"type": "string"},
        "queue": {"type": "string"},
        "body": {},
        "attributes": {"type": ["object", "null"]},
        "sent_at": {"type": ["string", "null"], "format": "date-time"},
        "receive_count": {"type": ["integer", "null"]},
    },
}


class SQSError(BrainhubError):
    """SQS refused a call or could not be reached."""


def sqs_client(config: dict[str, Any]) -> Any:
    """An SQS client from the settings (credentials only when given)."""
    options = {k: config[k] for k in CLIENT_SETTINGS if config.get(k)}
    return boto3.client(
        "sqs",
        region_name=setting(config, "region_name", str, "us-east-1"),
        config=Config(retries={"mode": "standard", "max_attempts": 5}),
        **options,
    )


def queue_url(client: Any, queue: str) -> str:
    """The URL of ``queue`` (given as a name or as its URL)."""
    if queue.startswith(("http://", "https://")):
        return queue
    return str(client.get_queue_url(QueueName=queue)["QueueUrl"])


def decode_body(body: str) -> Any:
    """The body as JSON when it parses, else as text."""
    try:
        return json.loads(body)
    except ValueError:
        return body


def record_of(queue: str, message: dict[str, Any]) -> dict[str, Any]:
    """One received message as a record."""
    attributes = message.get("Attributes", {})
    sent = attributes.get("SentTimestamp")
    values = {
        name: value.get("StringValue", value.get("BinaryValue"))
        for name, value in message.get("MessageAttributes", {}).items()
    }
    count = attributes.get("ApproximateReceiveCount")
    return {
        "message_id": message["MessageId"],
        "queue": queue,
        "body": decode_body(message.get("Body", "")),
        "attributes": values or None,
        "sent_at": datetime.fromtimestamp(int(sent) / 1000, UTC).isoformat() if sent else None,
        "receive_count": int(count) if count else None,
    }


def read_queue(
    client: Any, stream: str, queue: str, state: dict[str, Any], options: dict[str, int]
) -> None:
    """Hand on a queue's new messages; delete those a saved STATE named."""
    bookmarks = state.setdefault("bookmarks", {})
    timeout = options["visibility_timeout"]
    pending = PendingAcks(bookmarks.get(stream, {}), forget_after=timeout + 60)
    url = queue_url(client, queue)
    write_schema(stream, MESSAGE_SCHEMA, ["message_id"])
    handed = 0
    drained = False
    while handed < options["max_messages"]:
        answer = client.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=timeout,
            WaitTimeSeconds=options["wait_time_seconds"],
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            drained = True
            break
        done: list[dict[str, str]] = []
        for message in messages:
            identity = message["MessageId"]
            if pending.committed_earlier(identity):
                done.append({"Id": str(len(done)), "ReceiptHandle": message["ReceiptHandle"]})
                pending.acknowledged(identity)
            elif pending.handed_on(identity):
                write_record(stream, record_of(queue, message))
                handed += 1
                if handed % options["batch_size"] == 0:
                    bookmarks[stream] = pending.state()
                    write_state(state)
        if done:
            client.delete_message_batch(QueueUrl=url, Entries=done)
    bookmarks[stream] = pending.state(drained=drained)


def sync(config: dict[str, Any], state: dict[str, Any]) -> None:
    """Read every configured queue."""
    queues = setting(config, "queues", list, [])
    for number, item in enumerate(queues, 1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("queue"):
            raise SettingsError(
                f"setting 'queues', entry {number}: needs 'name' (the stream) and 'queue' "
                f'(a name or URL), e.g. {{"name": "orders", "queue": "orders"}}, got {item!r}'
            )
    if not queues:
        raise SettingsError(
            "setting 'queues' is empty: give at least one, e.g. "
            '[{"name": "orders", "queue": "orders"}]'
        )
    options = {
        "visibility_timeout": setting(config, "visibility_timeout", int, 300),
        "wait_time_seconds": setting(config, "wait_time_seconds", int, 1),
        "batch_size": setting(config, "batch_size", int, 100),
        "max_messages": setting(config, "max_messages", int, 10_000),
    }
    client = sqs_client(config)
    try:
        for item in queues:
            read_queue(client, item["name"], item["queue"], state, options)
        write_state(state)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise SQSError(f"SQS refused: {error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:
        raise SQSError(f"SQS: {exc}") from None


def main() -> None:
    """Entry point of ``tap-sqs``."""
    run_tap(NAME, sync)
