"""tap-sqs and target-sqs against moto's SQS server on loopback: batched sends read back with
their types, deletion only after the target committed (a consumer killed between batches,
rerun: every message in the warehouse exactly once by id, none lost), FIFO deduplication by
key, and one-line errors."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.queues.conftest import BIN, singer, singer_lines
from tests.queues.test_rabbitmq_connectors import load, loaded_ids
from tests.support.moto_server import MotoServer, moto_server

pytestmark = [pytest.mark.xdist_group("moto")]


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoServer]:
    with moto_server() as server:
        yield server


@pytest.fixture
def settings(moto) -> dict:
    return moto.settings()


def _queue(moto: MotoServer, name: str, **attributes: str) -> str:
    return moto.client("sqs").create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def _visible(moto: MotoServer, url: str) -> int:
    answer = moto.client("sqs").get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(answer["ApproximateNumberOfMessages"])


def _wait_visible(moto: MotoServer, url: str, count: int) -> None:
    """Until ``count`` messages are visible again (their visibility timeout ended)."""
    for _ in range(100):
        if _visible(moto, url) == count:
            return
        time.sleep(0.1)
    raise AssertionError(f"{count} messages never became visible (now {_visible(moto, url)})")


RECORDS = [
    {"id": 1, "amount": 12.5, "at": "2024-03-01T12:00:00+00:00", "meta": {"k": [1, None]},
     "note": "Grüße 🚀", "gone": None},
    {"id": 2, "amount": -1e-9, "at": None, "meta": [], "note": "", "gone": False},
]  # fmt: skip


def _input(count: int = 1) -> str:
    schema = {"type": "object", "properties": {}}
    records = [{**RECORDS[n % 2], "id": n + 1} for n in range(count)] if count > 2 else RECORDS
    return singer_lines(
        {"type": "SCHEMA", "stream": "orders", "schema": schema, "key_properties": ["id"]},
        *({"type": "RECORD", "stream": "orders", "record": r} for r in records),
        {"type": "STATE", "value": {"sent": len(records)}},
    )


def test_batched_sends_read_back_with_their_types(moto, settings, tmp_path) -> None:
    _queue(moto, "orders")
    run = singer("target-sqs", settings, tmp_path, stdin=_input(23))
    assert run.messages == [{"sent": 23}]

    config = {**settings, "queues": [{"name": "o", "queue": "orders"}], "wait_time_seconds": 0}
    read = singer("tap-sqs", config, tmp_path)
    bodies = sorted((r["body"] for r in read.records("o")), key=lambda b: b["id"])
    assert [b["id"] for b in bodies] == list(range(1, 24))
    assert bodies[0] == {**RECORDS[0], "id": 1}
    assert bodies[1] == {**RECORDS[1], "id": 2}
    first = read.records("o")[0]
    assert first["attributes"] == {"singer_stream": "orders"}
    assert first["receive_count"] == 1
    assert first["sent_at"].endswith("+00:00")


def test_fifo_queue_deduplicates_a_record_sent_twice(moto, settings, tmp_path) -> None:
    url = _queue(moto, "orders.fifo", FifoQueue="true")
    for _ in range(2):
        singer("target-sqs", {**settings, "queue": url}, tmp_path, stdin=_input())
    assert _visible(moto, url) == 2


def test_killed_consumer_rerun_loads_every_message_once(moto, settings, tmp_path) -> None:
    url = _queue(moto, "events")
    client = moto.client("sqs")
    for start in range(0, 25, 10):
        client.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(n), "MessageBody": json.dumps({"n": n})} for n in range(start, min(start + 10, 25))],
        )  # fmt: skip
    config = tmp_path / "tap-sqs.json"
    config.write_text(json.dumps({
        **settings, "queues": [{"name": "msgs", "queue": "events"}],
        "batch_size": 5, "visibility_timeout": 1, "wait_time_seconds": 0,
    }))  # fmt: skip
    warehouse = tmp_path / "w.duckdb"
    tap = subprocess.Popen(
        [str(BIN / "tap-sqs"), "--config", str(config)], stdout=subprocess.PIPE, text=True
    )
    assert tap.stdout is not None
    lines: list[str] = []
    states = extra = 0
    for line in tap.stdout:
        kind = json.loads(line)["type"]
        if states == 2:
            if kind != "RECORD" or extra == 3:
                break
            extra += 1
        lines.append(line)
        states += kind == "STATE"
    tap.send_signal(signal.SIGKILL)
    tap.communicate()
    saved = load(lines, warehouse, tmp_path)[-1]
    assert len(saved["bookmarks"]["msgs"]["delivered"]) == 10
    assert len(loaded_ids(warehouse)) == 13

    def rerun(state: dict) -> tuple[list[dict], list[str]]:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        done = subprocess.run(
            [str(BIN / "tap-sqs"), "--config", str(config), "--state", str(state_file)],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        out = done.stdout.splitlines(keepends=True)
        return [json.loads(x) for x in out if '"RECORD"' in x], out

    _wait_visible(moto, url, 25)  # the killed run's messages are back after a second
    records, out = rerun(saved)
    assert len(records) == 15
    saved = load(out, warehouse, tmp_path)[-1]
    assert len(loaded_ids(warehouse)) == 25 == len(set(loaded_ids(warehouse)))

    _wait_visible(moto, url, 15)
    records, out = rerun(saved)
    assert records == []
    assert json.loads(out[-1])["value"]["bookmarks"]["msgs"] == {"delivered": {}}
    assert _visible(moto, url) == 0


def test_unknown_queue_is_one_line(settings, tmp_path: Path) -> None:
    config = {**settings, "queues": [{"name": "x", "queue": "no-such-queue"}]}
    run = singer("tap-sqs", config, tmp_path, ok=False)
    assert run.returncode == 1
    assert run.stderr.startswith("tap-sqs: SQS refused: AWS.SimpleQueueService.NonExistentQueue")
    assert "\n" not in run.stderr.strip()
    assert "sandbox-secret" not in run.stderr
