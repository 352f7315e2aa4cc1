"""target-files on a local directory: partitioned JSONL / Parquet / CSV files, STATE only
after the files are in place, and a target killed mid-write leaves no partial file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from brainhub.objectstore import StorageError, Store, open_store
from targets.files.layout import part_path, partition_date
from tests.support.targets import singer_lines

EXECUTABLE = Path(sys.executable).parent / "target-files"
PROPERTIES = {
    "id": {"type": ["integer"]},
    "amount": {"type": ["number", "null"]},
    "updated_at": {"type": ["string", "null"], "format": "date-time"},
    "name": {"type": ["string", "null"]},
    "doc": {"type": ["object", "null"], "properties": {"tags": {"type": "array"}}},
}
RECORDS = [
    {
        "id": 1,
        "amount": 1.5,
        "updated_at": "2026-03-01T23:30:00-05:00",
        "name": "Zoë",
        "doc": {"tags": ["a"]},
    },
    {"id": 2, "amount": None, "updated_at": "2026-03-01T10:00:00Z", "name": None, "doc": None},
    {"id": 3, "amount": 1e-3, "updated_at": None, "name": "日本", "doc": {"tags": []}},
]


def _messages(stream: str = "tasks") -> list[dict[str, Any]]:
    return [
        {
            "type": "SCHEMA",
            "stream": stream,
            "schema": {"properties": PROPERTIES},
            "key_properties": ["id"],
        },
        *({"type": "RECORD", "stream": stream, "record": r} for r in RECORDS),
        {"type": "STATE", "value": {"bookmarks": {stream: {"at": "x"}}}},
    ]


def _run(
    tmp_path: Path, config: dict[str, Any], messages: list[dict[str, Any]]
) -> subprocess.CompletedProcess[str]:
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    return subprocess.run(
        [str(EXECUTABLE), "--config", str(config_file)],
        input=singer_lines(messages), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("file_format", ["jsonl", "parquet", "csv"])
def test_records_are_written_partitioned_by_stream_and_date(
    tmp_path: Path, file_format: str
) -> None:
    out = tmp_path / "out"
    config = {"path": str(out), "format": file_format, "partition_date_property": "updated_at"}
    done = _run(tmp_path, config, _messages())
    assert done.returncode == 0, done.stderr
    files = _files(out)
    folders = sorted({f.rsplit("/", 1)[0] for f in files})
    run_date = next(
        f for f in folders if f not in ("tasks/date=2026-03-01", "tasks/date=2026-03-02")
    )
    # 23:30 at -05:00 is the 2nd in UTC; a record without the property goes to the run's date
    assert folders == sorted(["tasks/date=2026-03-01", "tasks/date=2026-03-02", run_date])
    assert all(Path(f).name.startswith("part-") for f in files)
    # one file per partition, numbered within the stream's run
    assert sorted(f.rsplit("-", 1)[1] for f in files) == [
        f"0000{n}.{file_format}" for n in (1, 2, 3)
    ]
    assert len(files) == 3
    reader = {"jsonl": "read_json", "parquet": "read_parquet", "csv": "read_csv"}[file_format]
    rows = duckdb.sql(
        f"SELECT id, amount, name FROM {reader}('{out}/tasks/*/*.{file_format}') ORDER BY id"  # noqa: S608
    ).fetchall()
    assert rows == [(1, 1.5, "Zoë"), (2, None, None), (3, 0.001, "日本")]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"bookmarks": {"tasks": {"at": "x"}}}


def test_parquet_keeps_the_schema_types(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _run(tmp_path, {"path": str(out), "format": "parquet"}, _messages())
    assert done.returncode == 0, done.stderr
    relation = duckdb.sql(
        f"SELECT * FROM read_parquet('{out}/tasks/*/*.parquet', hive_partitioning = false)"  # noqa: S608
    )
    types = dict(zip(relation.columns, map(str, relation.types), strict=True))
    assert types == {
        "id": "BIGINT",
        "amount": "DOUBLE",
        "updated_at": "TIMESTAMP WITH TIME ZONE",
        "name": "VARCHAR",
        "doc": "JSON",
    }


def test_partition_date_is_the_utc_date_of_the_property_or_the_run_date() -> None:
    import datetime as dt

    run = dt.date(2026, 1, 1)
    assert partition_date({"at": "2026-03-01T23:30:00-05:00"}, "at", run) == dt.date(2026, 3, 2)
    assert partition_date({"at": "2026-03-01"}, "at", run) == dt.date(2026, 3, 1)
    assert partition_date({"at": "yesterday"}, "at", run) == run
    assert partition_date({"at": None}, "at", run) == run
    assert partition_date({"at": "2026-03-01"}, None, run) == run
    assert (
        part_path("a/b c", dt.date(2026, 3, 1), "R", 7, "csv")
        == "a_b_c/date=2026-03-01/part-R-00007.csv"
    )


KILLED_MID_WRITE = """
import os, signal, sys
import brainhub.objectstore as store

def killed(source, destination):
    os.kill(os.getpid(), signal.SIGKILL)  # the temporary file is written, the rename not done

store.os.replace = killed
from targets.files.cli import main
main(sys.argv[1:])
"""


def test_a_target_killed_mid_write_leaves_no_partial_file_and_no_state(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps({"path": str(out), "format": "parquet"}))
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, "--config", str(config_file)],
        input=singer_lines(_messages()), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == -9, done.stderr
    assert done.stdout == ""  # no STATE: the records it would cover are not in place
    left = _files(out)
    assert left, "the temporary file should have been written before the kill"
    assert all(Path(f).name.startswith(".") and f.endswith(".tmp") for f in left), left
    assert not [f for f in left if f.endswith(".parquet")]


def test_publish_failing_midway_removes_its_temporary_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(str(tmp_path / "out"))
    local = tmp_path / "part.jsonl"
    local.write_text('{"id": 1}\n')

    def half_written(self: Any, source: str, destination: str, **kwargs: Any) -> None:
        Path(destination).write_text('{"id"')
        raise OSError("disk full")

    monkeypatch.setattr(type(store.fs), "put_file", half_written)
    with pytest.raises(
        StorageError,
        match=r"cannot write 'tasks/date=2026-03-01/part-1.jsonl': OSError: disk full$",
    ):
        store.publish(local, "tasks/date=2026-03-01/part-1.jsonl")
    assert _files(tmp_path / "out") == []
    assert isinstance(store, Store)


def test_a_bad_setting_is_one_line(tmp_path: Path) -> None:
    done = _run(tmp_path, {"path": "ftp://host/x"}, _messages())
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("target-files: setting 'path': ftp:// is not")
    )
    done = _run(tmp_path, {"path": ""}, _messages())  # prod's target-files--s3 until set
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "target-files: setting 'path': give a directory or a URL such as s3://bucket/prefix"
    )
    done = _run(tmp_path, {"path": str(tmp_path), "format": "xlsx"}, _messages())
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("target-files: invalid settings:"), done.stderr
    assert "'xlsx' is not one of ['jsonl', 'parquet', 'csv']" in last
