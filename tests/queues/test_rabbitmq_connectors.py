"""tap-rabbitmq and target-rabbitmq against a real RabbitMQ node: publisher-confirmed writes
read back with their types, acknowledgement only after the target committed (a consumer
killed between batches, rerun: every message in the warehouse exactly once by id, none
lost), and a broker stopped in the middle of a run."""

from __future__ import annotations

import json
import signal
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pika
import pytest

from brainhub.services.server import accepts_connections
from tests.queues.conftest import BIN, singer, singer_lines

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.xdist_group("rabbitmq")]


@pytest.fixture
def settings(rabbitmq_server) -> dict:
    s = rabbitmq_server.settings
    return {"host": s.host, "port": s.port, "user": s.user, "password": s.password}


@pytest.fixture
def queue(settings) -> str:
    """A new durable queue of its own for one test."""
    name = f"q-{uuid.uuid4().hex[:8]}"
    with _channel(settings) as channel:
        channel.queue_declare(queue=name, durable=True)
    return name


@contextmanager
def _channel(settings: dict) -> Iterator[Any]:
    """A channel of a new connection to the node, closed afterwards."""
    connection = pika.BlockingConnection(
        pika.ConnectionParameters(
            host=settings["host"],
            port=settings["port"],
            credentials=pika.PlainCredentials(settings["user"], settings["password"]),
        )
    )
    try:
        yield connection.channel()
    finally:
        connection.close()


def publish(settings: dict, queue: str, count: int, pad: int = 0) -> list[str]:
    """``count`` persistent JSON messages with ids m-0000…; their ids."""
    ids = [f"m-{n:04d}" for n in range(count)]
    with _channel(settings) as channel:
        channel.confirm_delivery()
        for n, identity in enumerate(ids):
            channel.basic_publish(
                exchange="",
                routing_key=queue,
                body=json.dumps({"n": n, "pad": "x" * pad}).encode(),
                properties=pika.BasicProperties(message_id=identity, delivery_mode=2),
            )
    return ids


def queue_depth(settings: dict, queue: str) -> int:
    with _channel(settings) as channel:
        return channel.queue_declare(queue=queue, passive=True).method.message_count


def tap_config(settings: dict, queue: str, tmp_path: Path, **more) -> Path:
    path = tmp_path / f"tap-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps({**settings, "queues": [{"name": "msgs", "queue": queue}], **more}))
    return path


def load(lines: list[str], warehouse: Path, tmp_path: Path) -> list[dict]:
    """Feed Singer lines to target-duckdb (upsert by key); the STATEs it printed."""
    config = tmp_path / "target-duckdb.json"
    config.write_text(json.dumps({"path": str(warehouse), "default_target_schema": "raw"}))
    done = subprocess.run(
        [str(BIN / "target-duckdb"), "--config", str(config)],
        input="".join(lines),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]


def run_tap(config: Path, state: dict | None, tmp_path: Path) -> subprocess.Popen:
    args = [str(BIN / "tap-rabbitmq"), "--config", str(config)]
    if state is not None:
        state_file = tmp_path / f"state-{uuid.uuid4().hex[:6]}.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def loaded_ids(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [r[0] for r in con.sql("SELECT message_id FROM raw.msgs ORDER BY 1").fetchall()]


def test_published_records_read_back_with_their_types(settings, queue, tmp_path) -> None:
    schema = {"type": "object", "properties": {}}
    records = [
        {"id": 1, "amount": 12.5, "at": "2024-03-01T12:00:00+00:00", "meta": {"k": [1, None]},
         "note": "Grüße 🚀", "gone": None},
        {"id": 2, "amount": -1e-9, "at": None, "meta": [], "note": "", "gone": False},
    ]  # fmt: skip
    stdin = singer_lines(
        {"type": "SCHEMA", "stream": "orders", "schema": schema, "key_properties": ["id"]},
        *({"type": "RECORD", "stream": "orders", "record": r} for r in records),
        {"type": "STATE", "value": {"sent": 2}},
    )
    run = singer("target-rabbitmq", {**settings, "routing_key": queue}, tmp_path, stdin=stdin)
    assert run.messages == [{"sent": 2}]

    read = singer("tap-rabbitmq", {**settings, "queues": [{"name": "o", "queue": queue}]}, tmp_path)
    got = read.records("o")
    assert [r["body"] for r in got] == records
    assert [r["message_id"] for r in got] == ["orders:1", "orders:2"]
    assert got[0]["headers"] == {"singer_stream": "orders"}
    assert got[0]["content_type"] == "application/json"
    assert got[0]["routing_key"] == queue
    assert read.states()[-1]["bookmarks"]["o"]["delivered"].keys() == {"orders:1", "orders:2"}


def test_unroutable_publish_fails_before_its_state(settings, tmp_path) -> None:
    stdin = singer_lines(
        {"type": "SCHEMA", "stream": "s", "schema": {"type": "object"}, "key_properties": []},
        {"type": "RECORD", "stream": "s", "record": {"a": 1}},
        {"type": "STATE", "value": {"sent": 1}},
    )
    config = {**settings, "exchange": "amq.direct", "routing_key": "nobody-listens"}
    run = singer("target-rabbitmq", config, tmp_path, stdin=stdin, ok=False)
    assert run.returncode == 1
    assert run.messages == []
    assert run.stderr.strip().startswith("target-rabbitmq: stream 's': exchange 'amq.direct'")
    assert "\n" not in run.stderr.strip()


def test_killed_consumer_rerun_loads_every_message_once(settings, queue, tmp_path) -> None:
    ids = publish(settings, queue, 25)
    config = tap_config(settings, queue, tmp_path, batch_size=5)
    warehouse = tmp_path / "w.duckdb"

    # run 1: the target commits two batches (their STATEs saved) and three records more,
    # whose STATE never comes: the consumer is killed
    tap = run_tap(config, None, tmp_path)
    assert tap.stdout is not None
    lines: list[str] = []
    states = 0
    extra = 0
    for line in tap.stdout:
        message = json.loads(line)
        if states == 2:
            if message["type"] != "RECORD" or extra == 3:
                break
            extra += 1
        lines.append(line)
        states += message["type"] == "STATE"
    tap.send_signal(signal.SIGKILL)
    tap.communicate()
    saved = load(lines, warehouse, tmp_path)[-1]
    assert len(saved["bookmarks"]["msgs"]["delivered"]) == 10
    assert len(loaded_ids(warehouse)) == 13
    assert queue_depth(settings, queue) == 25  # nothing acknowledged yet

    # run 2 from the saved STATE: the ten committed are acknowledged, the other fifteen
    # (three of them already written) handed on again
    tap = run_tap(config, saved, tmp_path)
    out, err = tap.communicate(timeout=60)
    assert tap.returncode == 0, err
    records = [json.loads(x) for x in out.splitlines() if '"RECORD"' in x]
    assert len(records) == 15
    saved = load(out.splitlines(keepends=True), warehouse, tmp_path)[-1]
    assert loaded_ids(warehouse) == ids  # each exactly once by id
    assert queue_depth(settings, queue) == 15

    # run 3: acknowledges the rest, hands on nothing; the queue is empty
    tap = run_tap(config, saved, tmp_path)
    out, err = tap.communicate(timeout=60)
    assert tap.returncode == 0, err
    assert '"RECORD"' not in out
    assert json.loads(out.splitlines()[-1])["value"]["bookmarks"]["msgs"] == {"delivered": {}}
    assert queue_depth(settings, queue) == 0


def test_broker_stopped_mid_run_then_rerun_loses_nothing(
    rabbitmq_server, settings, queue, tmp_path
) -> None:
    # enough messages that the tap blocks on a full pipe while the broker goes away
    ids = publish(settings, queue, 300, pad=400)
    config = tap_config(settings, queue, tmp_path, batch_size=20)
    warehouse = tmp_path / "w.duckdb"

    tap = run_tap(config, None, tmp_path)
    assert tap.stdout is not None
    assert tap.stderr is not None
    first = [tap.stdout.readline() for _ in range(3)]
    rabbitmq_server.down()
    assert not accepts_connections(rabbitmq_server.port + 1)  # its own epmd stopped too
    rest = tap.stdout.read()
    tap.wait(timeout=60)
    error = tap.stderr.read()
    tap.stdout.close()
    tap.stderr.close()
    assert tap.returncode == 1
    assert error.startswith("tap-rabbitmq: RabbitMQ at 127.0.0.1:")
    assert "Traceback" not in error
    saved = load(first + rest.splitlines(keepends=True), warehouse, tmp_path)[-1]
    committed = len(saved["bookmarks"]["msgs"]["delivered"])
    assert 0 < committed < 300

    rabbitmq_server.up()  # durable queue, persistent messages: all 300 are back
    assert queue_depth(settings, queue) == 300
    tap = run_tap(config, saved, tmp_path)
    out, err = tap.communicate(timeout=60)
    assert tap.returncode == 0, err
    assert out.count('"RECORD"') == 300 - committed
    load(out.splitlines(keepends=True), warehouse, tmp_path)
    assert loaded_ids(warehouse) == ids
