"""tap-redis and target-redis against a real Redis server: every key type, streams read
incrementally from the STATE's last id, hashes and stream entries written with numerics,
timestamps, JSON, NULLs and Unicode, and one-line errors."""

from __future__ import annotations

import json

import pytest
import redis

from tests.queues.conftest import singer, singer_lines

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("redis")]


@pytest.fixture
def settings(redis_server) -> dict:
    s = redis_server.settings
    return {"host": s.host, "port": s.port, "password": s.password, "db": 0}


@pytest.fixture
def client(settings) -> redis.Redis:
    c = redis.Redis(
        host=settings["host"],
        port=settings["port"],
        password=settings["password"],
        decode_responses=True,
    )
    c.flushdb()
    yield c
    c.close()


def test_tap_reads_every_key_type_by_pattern(client, settings, tmp_path) -> None:
    client.set("user:1", "Zoë 🚀")
    client.expire("user:1", 3600)
    client.hset("user:2", mapping={"name": "Jürgen", "score": "12.50"})
    client.rpush("user:3", "b", "a")
    client.sadd("user:4", "y", "x")
    client.zadd("user:5", {"low": 1.5, "high": 10})
    client.set("other:1", "not matched")

    run = singer(
        "tap-redis", {**settings, "keys": [{"name": "users", "pattern": "user:*"}]}, tmp_path
    )

    records = {r["key"]: r for r in run.records("users")}
    assert sorted(records) == ["user:1", "user:2", "user:3", "user:4", "user:5"]
    assert records["user:1"]["value"] == "Zoë 🚀"
    assert 0 < records["user:1"]["ttl_seconds"] <= 3600
    assert records["user:2"]["fields"] == {"name": "Jürgen", "score": "12.50"}
    assert records["user:2"]["ttl_seconds"] is None
    assert records["user:3"]["members"] == ["b", "a"]
    assert records["user:4"]["members"] == ["x", "y"]
    assert records["user:5"]["scores"] == {"low": 1.5, "high": 10.0}
    schema = next(m for m in run.messages if m["type"] == "SCHEMA")
    assert schema["key_properties"] == ["key"]


def test_tap_reads_streams_incrementally_from_the_last_id(client, settings, tmp_path) -> None:
    first = [client.xadd("events", {"n": str(i), "text": "naïve"}) for i in range(5)]
    config = {**settings, "streams": [{"name": "events", "key": "events"}], "batch_size": 2}

    run = singer("tap-redis", config, tmp_path)
    assert [r["id"] for r in run.records("events")] == first
    assert run.records()[0]["fields"] == {"n": "0", "text": "naïve"}
    assert run.records()[0]["entry_time"].endswith("+00:00")
    # a STATE after every batch of two, then the last one
    assert [s["bookmarks"]["events"]["last_id"] for s in run.states()] == [
        first[1],
        first[3],
        first[4],
        first[4],
    ]

    later = [client.xadd("events", {"n": str(i)}) for i in range(5, 7)]
    rerun = singer("tap-redis", config, tmp_path, state=run.states()[-1])
    assert [r["id"] for r in rerun.records("events")] == later
    assert singer("tap-redis", config, tmp_path, state=rerun.states()[-1]).records() == []


RECORDS = [
    {
        "id": 1,
        "amount": 12.5,
        "count": 3,
        "at": "2024-03-01T12:00:00+00:00",
        "meta": {"tags": ["a", "ü"]},
        "note": "日本語 ✓",
        "gone": None,
    },
    {
        "id": 2,
        "amount": -0.001,
        "count": 0,
        "at": "1999-12-31T23:59:59.999999+00:00",
        "meta": [],
        "note": "",
        "gone": "here",
    },
]


def _input(stream: str = "orders") -> str:
    schema = {"type": "object", "properties": {k: {} for k in RECORDS[0]}}
    return singer_lines(
        {"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": ["id"]},
        *({"type": "RECORD", "stream": stream, "record": r} for r in RECORDS),
        {"type": "STATE", "value": {"done": 2}},
    )


def test_target_writes_hashes_by_key_twice_without_duplicates(client, settings, tmp_path) -> None:
    config = {**settings, "key_prefix": "wh:"}
    run = singer("target-redis", config, tmp_path, stdin=_input())
    assert run.messages == [{"done": 2}]
    singer("target-redis", config, tmp_path, stdin=_input())

    assert sorted(client.keys("wh:*")) == ["wh:orders:1", "wh:orders:2"]
    first = client.hgetall("wh:orders:1")
    assert first == {
        "id": "1",
        "amount": "12.5",
        "count": "3",
        "at": "2024-03-01T12:00:00+00:00",
        "meta": '{"tags":["a","ü"]}',
        "note": "日本語 ✓",
    }
    assert json.loads(first["meta"]) == {"tags": ["a", "ü"]}
    assert client.hgetall("wh:orders:2")["gone"] == "here"
    # a NULL removes the field a previous write left
    client.hset("wh:orders:1", "gone", "stale")
    singer("target-redis", config, tmp_path, stdin=_input())
    assert "gone" not in client.hgetall("wh:orders:1")


def test_target_stream_mode_round_trips_through_the_tap(client, settings, tmp_path) -> None:
    singer("target-redis", {**settings, "mode": "stream"}, tmp_path, stdin=_input())
    run = singer("tap-redis", {**settings, "streams": [{"name": "o", "key": "orders"}]}, tmp_path)
    fields = [r["fields"] for r in run.records("o")]
    assert [f["id"] for f in fields] == ["1", "2"]
    assert "gone" not in fields[0]
    assert fields[1]["note"] == ""
    assert float(fields[1]["amount"]) == -0.001


def test_bad_settings_and_refusals_are_one_line(client, settings, tmp_path) -> None:
    run = singer("tap-redis", settings, tmp_path, ok=False)
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0
    assert "'keys' and 'streams'" in run.stderr

    wrong = {**settings, "password": "not-the-password", "keys": [{"name": "k", "pattern": "*"}]}
    run = singer("tap-redis", wrong, tmp_path, ok=False)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "not-the-password" not in run.stderr
    assert run.stderr.startswith("tap-redis: Redis at")

    run = singer("target-redis", {**settings, "mode": "list"}, tmp_path, stdin=_input(), ok=False)
    assert (
        run.stderr.strip()
        == "target-redis: setting 'mode': 'list' is not valid (valid: hash, stream)"
    )
