"""tap-postgres-bulk without a server: column types, catalog selection, its meltano.yml
declaration, stale batch files. (Reads against a real server: tests/databases.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from brainhub.errors import SettingsError
from taps.postgres_bulk.cli import selected_streams
from taps.postgres_bulk.discovery import catalog_entry, column_schema
from taps.postgres_bulk.extract import BATCH_PREFIX, STALE_SECONDS, sweep_stale_batches
from taps.postgres_bulk.parquet import duckdb_type
from taps.postgres_bulk.settings import parse_settings

REPO = Path(__file__).resolve().parents[2]
TAP = Path(sys.executable).parent / "tap-postgres-bulk"


@pytest.mark.parametrize(
    ("udt", "precision", "scale", "nullable", "expected"),
    [
        ("int8", 64, 0, False, {"type": "integer"}),
        ("numeric", 12, 2, True, {"type": ["number", "null"], "multipleOf": 0.01}),
        ("numeric", 10, 0, False, {"type": "number", "multipleOf": 1}),
        ("numeric", None, None, False, {"type": "number"}),
        ("float8", 53, None, False, {"type": "number"}),
        ("bool", None, None, False, {"type": "boolean"}),
        ("timestamptz", None, None, True, {"type": ["string", "null"], "format": "date-time"}),
        ("date", None, None, False, {"type": "string", "format": "date"}),
        ("jsonb", None, None, True, {}),
        ("json", None, None, False, {}),
        ("uuid", None, None, False, {"type": "string"}),
        (
            "_text",
            None,
            None,
            True,
            {"type": ["array", "null"], "items": {"type": ["string", "null"]}},
        ),
        ("_int4", None, None, False, {"type": "array", "items": {"type": ["integer", "null"]}}),
    ],
)
def test_column_types(udt, precision, scale, nullable, expected):
    assert column_schema(udt, precision, scale, nullable) == expected


def _catalog(**top: object) -> dict:
    entry = catalog_entry(
        "public", "items", {"id": {"type": "integer"}, "name": {"type": "string"}}, ["id"]
    )
    entry["metadata"][0]["metadata"].update(top)
    return {"streams": [entry]}


def test_selection_follows_the_catalog_metadata():
    (plan,) = selected_streams(_catalog())
    assert (plan.name, plan.schema, plan.table, plan.replication_key) == (
        "public-items", "public", "items", None,
    )  # fmt: skip
    assert selected_streams(_catalog(selected=False)) == []
    (plan,) = selected_streams(
        _catalog(**{"replication-method": "INCREMENTAL", "replication-key": "name"})
    )
    assert plan.replication_key == "name"


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ({"replication-method": "LOG_BASED"}, "LOG_BASED is not supported"),
        ({"replication-method": "INCREMENTAL"}, "INCREMENTAL needs a replication-key"),
        ({"replication-key": "nope"}, "replication-key 'nope' is not a column (valid: id, name)"),
    ],
)
def test_a_catalog_the_tap_cannot_follow_is_one_clear_error(top, expected):
    with pytest.raises(SettingsError, match="stream public-items: ") as caught:
        selected_streams(_catalog(**top))
    assert expected in str(caught.value)


def test_bad_settings_say_what_is_valid():
    with pytest.raises(SettingsError, match="missing setting"):
        parse_settings({"host": "h", "user": "u", "database": "d"})
    with pytest.raises(SettingsError, match="expected a list of schema names"):
        parse_settings(
            {"host": "h", "user": "u", "password": "p", "database": "d", "filter_schemas": "x"}
        )


def test_stale_batch_files_are_swept_and_fresh_ones_kept(tmp_path):
    old, fresh, other = (
        tmp_path / n for n in (f"{BATCH_PREFIX}a.jsonl", f"{BATCH_PREFIX}b.jsonl", "x.jsonl")
    )
    for path in (old, fresh, other):
        path.write_text("{}\n")
    long_ago = old.stat().st_mtime - STALE_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    assert sweep_stale_batches(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([fresh.name, other.name])


def test_meltano_yml_declares_the_settings_the_tap_reads():
    project = yaml.safe_load((REPO / "meltano.yml").read_text())
    (plugin,) = [p for p in project["plugins"]["extractors"] if p["name"] == "tap-postgres-bulk"]
    declared = {s["name"]: s for s in plugin["settings"]}
    about = json.loads(
        subprocess.run([str(TAP), "--about"], capture_output=True, text=True, check=True).stdout
    )
    assert set(declared) == set(about["settings"]["properties"])
    secret = [name for name, s in about["settings"]["properties"].items() if s.get("secret")]
    assert [name for name, s in declared.items() if s.get("sensitive")] == secret == ["password"]
    assert sorted(*plugin["settings_group_validation"]) == sorted(about["settings"]["required"])


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer"}, "BIGINT"),
        ({"type": ["number", "null"], "multipleOf": 0.01}, "DECIMAL(38, 2)"),
        ({"type": "number", "multipleOf": 1}, "DECIMAL(38, 0)"),
        ({"type": "number", "multipleOf": 0.3}, "DOUBLE"),
        ({"type": "number"}, "DOUBLE"),
        ({"type": ["boolean", "null"]}, "BOOLEAN"),
        ({}, "JSON"),
        ({"type": ["string", "null"], "format": "date-time"}, "VARCHAR"),
        ({"type": "array", "items": {"type": ["integer", "null"]}}, "BIGINT[]"),
        ({"type": "array", "items": {}}, "JSON"),
    ],
)
def test_parquet_column_types(schema, expected):
    assert duckdb_type(schema) == expected
