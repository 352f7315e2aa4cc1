"""tap-files on a local directory: CSV, JSONL and Parquet read with inferred types, incremental
by file (new, rewritten, half-written files), and one-line errors naming the setting."""

from __future__ import annotations

import io
import os
import re
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import duckdb
import pytest

from brainhub.errors import SettingsError
from brainhub.objectstore import Store, StoredFile
from taps.files.settings import table_settings
from taps.files.tap import TapFiles
from tests.support.taps import records, run_tap

AN_HOUR_AGO = time.time() - 3600


def _write(path: Path, text: str, mtime: float = AN_HOUR_AGO) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def _config(root: Path, *tables: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"path": str(root), "tables": list(tables), **settings}


def _state(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m["value"] for m in messages if m["type"] == "STATE"][-1]


def _schema(messages: list[dict[str, Any]], stream: str) -> dict[str, Any]:
    return next(m["schema"] for m in messages if m["type"] == "SCHEMA" and m["stream"] == stream)


def test_csv_jsonl_and_parquet_are_read_with_inferred_types(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    _write(
        root / "csv" / "2026-01.csv",
        "id,amount,big,at,name\n"
        "1,10.50,9007199254740993,2026-01-01T10:00:00+02:00,Zoë\n"
        "2,,-3,2026-01-02 00:00:00,\n",
    )
    _write(root / "csv" / "2026-02.csv", "id,amount,extra\n3,0.125,x\n")
    _write(
        root / "events.jsonl",
        '{"id": 1, "at": "2026-03-01T23:30:00-05:00", "doc": {"tags": ["a", "b"], "n": {"x": 1.5}}, "text": "日本語 ✓"}\n'
        '{"id": 2, "at": null, "doc": null, "text": null}\n',
    )
    parquet = root / "pq" / "accounts.parquet"
    parquet.parent.mkdir(parents=True)
    duckdb.execute(
        "COPY (SELECT 1 AS id, 12.34::DECIMAL(10, 2) AS money, TIMESTAMPTZ '2026-03-01 10:00:00+02' AS at,"
        f" [1, 2] AS numbers, {{'tier': 'gold'}} AS profile, NULL::VARCHAR AS note) TO '{parquet}' (FORMAT parquet)"
    )
    os.utime(parquet, (AN_HOUR_AGO, AN_HOUR_AGO))

    messages, stderr, code = run_tap(
        "files",
        tmp_path,
        _config(
            root,
            {"name": "sales", "glob": "csv/*.csv", "key_properties": ["id"]},
            {"name": "events", "glob": "*.jsonl"},
            {"name": "accounts", "glob": "pq/*.parquet", "format": "parquet"},
        ),
    )

    assert code == 0, stderr
    sales = _schema(messages, "sales")["properties"]
    assert sales["id"]["type"] == ["integer", "null"]
    assert sales["amount"]["type"] == ["number", "null"]
    assert sales["at"] == {"type": ["string", "null"], "format": "date-time"}
    assert set(sales) >= {"extra", "_sdc_source_file", "_sdc_source_modified_at"}
    rows = sorted(records(messages, "sales"), key=lambda r: r["id"])
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["big"] == 9007199254740993
    assert rows[0]["at"] == "2026-01-01T08:00:00+00:00"
    assert rows[0]["name"] == "Zoë"
    assert rows[1]["amount"] is None
    assert rows[1]["name"] is None
    assert rows[2]["amount"] == 0.125
    assert rows[2]["extra"] == "x"
    assert rows[2]["big"] is None
    assert rows[2]["_sdc_source_file"] == "csv/2026-02.csv"

    events = records(messages, "events")
    assert events[0]["at"] == "2026-03-02T04:30:00+00:00"
    assert events[0]["doc"] == {"tags": ["a", "b"], "n": {"x": 1.5}}
    assert events[0]["text"] == "日本語 ✓"
    assert (events[1]["at"], events[1]["doc"], events[1]["text"]) == (None, None, None)
    doc_schema = _schema(messages, "events")["properties"]["doc"]
    assert doc_schema["type"] == ["object", "null"]
    assert "tags" in doc_schema["properties"]

    (account,) = records(messages, "accounts")
    assert account["money"] == 12.34
    assert account["at"] == "2026-03-01T08:00:00+00:00"
    assert account["numbers"] == [1, 2]
    assert account["profile"] == {"tier": "gold"}
    assert account["note"] is None


def test_only_new_and_rewritten_files_are_read_and_half_written_ones_wait(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    table = {"name": "orders", "glob": "**/*.csv", "key_properties": ["id"]}
    _write(root / "a.csv", "id,total\n1,10\n")
    first, stderr, code = run_tap("files", tmp_path, _config(root, table, settle_seconds=60))
    assert code == 0, stderr
    assert [r["id"] for r in records(first)] == [1]

    _write(root / "day2" / "b.csv", "id,total\n2,20\n")
    _write(root / "a.csv", "id,total\n1,11\n1,12\n", mtime=AN_HOUR_AGO + 60)  # rewritten
    _write(root / "c.csv.tmp", "id,total\n3,")  # a temporary name
    _write(root / "d._COPYING_.csv", "id,total\n4,")
    _write(root / ".hidden.csv", "id,total\n7,70\n")
    _write(root / "_staging" / "e.csv", "id,total\n5,50\n")
    _write(root / "growing.csv", "id,total\n6,60\n", mtime=time.time())  # still being written
    second, stderr, code = run_tap(
        "files", tmp_path, _config(root, table, settle_seconds=60), state=_state(first)
    )
    assert code == 0, stderr
    # oldest first: b.csv was written before a.csv was rewritten
    assert [(r["_sdc_source_file"], r["total"]) for r in records(second)] == [
        ("day2/b.csv", 20),
        ("a.csv", 11),
        ("a.csv", 12),
    ]
    seen = _state(second)["bookmarks"]["orders"]["files"]
    assert set(seen) == {"a.csv", "day2/b.csv"}

    third, stderr, code = run_tap(
        "files", tmp_path, _config(root, table, settle_seconds=0), state=_state(second)
    )
    assert code == 0, stderr
    assert [r["_sdc_source_file"] for r in records(third)] == ["growing.csv"]


def test_a_file_that_changes_while_it_is_read_is_left_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "drop"
    _write(root / "a.csv", "id\n1\n")
    real_stat = Store.stat

    def grown(self: Store, relative_path: str) -> StoredFile:
        now = real_stat(self, relative_path)
        return StoredFile(now.path, now.size + 100, now.modified, now.version)

    monkeypatch.setattr(Store, "stat", grown)
    tap = TapFiles(config=_config(root, {"name": "t", "glob": "*.csv"}), setup_mapper=True)
    out = io.StringIO()
    with redirect_stdout(out):
        tap.sync_all()
    assert '"type":"RECORD"' not in out.getvalue().replace(" ", "")
    assert tap.streams["t"].stream_state.get("files") == {}


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        ([], "tables: give a list"),
        (
            [{"name": "t", "glob": "*.xlsx"}],
            "table 't': give format (csv, jsonl, parquet); the glob '*.xlsx' does not end in one",
        ),
        ([{"name": "t", "glob": "*", "format": "xml"}], "format 'xml' is not one this reads"),
        ([{"name": "t", "glob": "*.csv", "sheet": 1}], "unknown key 'sheet'"),
        ([{"name": "1t", "glob": "*.csv"}], "tables[1]: name must be"),
        ([{"name": "t", "glob": "*.csv"}, {"name": "t", "glob": "*.csv"}], "used twice"),
    ],
)
def test_bad_tables_say_which_entry_and_what_is_valid(tables: Any, expected: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(expected)):
        table_settings(tables)


def test_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    config = {"path": str(tmp_path / "nowhere"), "tables": [{"name": "t", "glob": "*.csv"}]}
    with pytest.raises(SettingsError, match=r"^setting 'path': '.*nowhere' is not a directory$"):
        TapFiles(config=config)


def test_a_bad_setting_ends_the_run_with_one_line(tmp_path: Path) -> None:
    config = {"path": "ftp://host/x", "tables": [{"name": "t", "glob": "*.csv"}]}
    messages, stderr, code = run_tap("files", tmp_path, config)
    assert code == 1
    assert messages == []
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        "tap-files: setting 'path': ftp:// is not a storage this reads or writes "
        "('ftp://host/x'); valid: a local directory or s3://, gs://, gcs://, az://, abfs://"
    )


def test_a_file_that_is_not_its_format_is_one_line_naming_the_stream(tmp_path: Path) -> None:
    _write(tmp_path / "drop" / "x.parquet", "not parquet at all")
    _, stderr, code = run_tap(
        "files", tmp_path, _config(tmp_path / "drop", {"name": "t", "glob": "*.parquet"})
    )
    assert code == 1
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("tap-files: stream 't'")
