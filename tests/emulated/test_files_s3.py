"""tap-files and target-files against S3 as served by moto's server mode on loopback."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import Any

import pyarrow.parquet as pq
import pytest

from brainhub.errors import SettingsError
from brainhub.objectstore import StorageError, open_store
from taps.files.tap import TapFiles
from targets.files.target import TargetFiles
from tests.support.moto_server import MotoServer, moto_server
from tests.support.targets import singer_lines

BUCKET = "brainhub-test"


@pytest.fixture(scope="module")
def s3() -> Iterator[MotoServer]:
    with moto_server() as server:
        server.client("s3").create_bucket(Bucket=BUCKET)
        yield server


def _messages(run: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        run()
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def _sync(config: dict[str, Any], state: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    tap = TapFiles(config=config, state=state, setup_mapper=True)
    return _messages(tap.sync_all)


def _records(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["record"] for m in messages if m["type"] == "RECORD"]


def _last_state(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m["value"] for m in messages if m["type"] == "STATE"][-1]


def test_tap_files_reads_s3_incrementally(s3: MotoServer) -> None:
    client = s3.client("s3")
    client.put_object(Bucket=BUCKET, Key="in/a.jsonl", Body=b'{"id": 1, "v": "x"}\n')
    client.put_object(Bucket=BUCKET, Key="in/b.csv.tmp", Body=b"id\n9\n")
    config = {
        "path": f"s3://{BUCKET}/in",
        "tables": [{"name": "items", "glob": "*.jsonl", "key_properties": ["id"]}],
        "settle_seconds": 0,  # moto stamps objects with the current time
        **s3.settings(),
    }
    first = _sync(config)
    assert [(r["id"], r["v"], r["_sdc_source_file"]) for r in _records(first)] == [
        (1, "x", "a.jsonl")
    ]
    assert _records(_sync(config, _last_state(first))) == []

    client.put_object(Bucket=BUCKET, Key="in/a.jsonl", Body=b'{"id": 1, "v": "y"}\n')  # rewritten
    client.put_object(Bucket=BUCKET, Key="in/c.jsonl", Body=b'{"id": 2, "v": "z"}\n')
    second = _sync(config, _last_state(first))
    assert sorted((r["id"], r["v"]) for r in _records(second)) == [(1, "y"), (2, "z")]


def test_target_files_publishes_parquet_objects_to_s3(s3: MotoServer) -> None:
    config = {"path": f"s3://{BUCKET}/out", "format": "parquet", **s3.settings()}
    lines = singer_lines(
        [
            {"type": "SCHEMA", "stream": "tasks", "schema": {"properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}, "key_properties": ["id"]},
            {"type": "RECORD", "stream": "tasks", "record": {"id": 1, "name": "Zoë"}},
            {"type": "RECORD", "stream": "tasks", "record": {"id": 2, "name": "Ana"}},
            {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": 2}}}},
        ]
    )  # fmt: skip
    target = TargetFiles(config=config)
    states = _messages(lambda: target.listen(io.StringIO(lines)))
    assert states == [{"bookmarks": {"tasks": {"n": 2}}}]

    keys = [
        o["Key"] for o in s3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="out/")["Contents"]
    ]
    (key,) = keys  # the temporary object is gone
    assert key.startswith(f"out/tasks/date={target.run_date.isoformat()}/part-{target.run}-00001")
    assert key.endswith(".parquet")
    body = s3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert pq.read_table(io.BytesIO(body)).to_pylist() == [
        {"id": 1, "name": "Zoë"},
        {"id": 2, "name": "Ana"},
    ]


def test_a_store_that_cannot_be_listed_is_one_error_naming_it(s3: MotoServer) -> None:
    config = {
        "path": "s3://no-such-bucket/in",
        "tables": [{"name": "items", "glob": "*.jsonl"}],
        **s3.settings(),
    }
    with pytest.raises(SettingsError) as failed:
        TapFiles(config=config)
    assert str(failed.value) == (
        "setting 'path': the bucket 'no-such-bucket' of 's3://no-such-bucket/in' does not "
        "exist, or these credentials cannot see it"
    )


def test_a_failing_store_is_one_error_naming_it(
    s3: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"s3://{BUCKET}/in", s3.settings())

    def unreachable(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Could not connect to the endpoint URL\nsecond line")

    monkeypatch.setattr(store.fs, "glob", unreachable)
    with pytest.raises(StorageError) as failed:
        list(store.glob("*.csv"))
    assert str(failed.value) == (
        f"s3://{BUCKET}/in: cannot list '*.csv': ConnectionError: Could not connect to the "
        "endpoint URL"
    )
