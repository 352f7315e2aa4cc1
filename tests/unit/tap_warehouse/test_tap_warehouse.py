"""tap-warehouse against a temporary DuckDB file: schemas from column types, values, batches,
incremental reads with ties, the warehouse lock, and one-line errors naming the stream."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from taps.warehouse.tap import TapWarehouse

EXECUTABLE = Path(sys.executable).parent / "tap-warehouse"

ALL_TYPES = """
CREATE SCHEMA marts;
CREATE TABLE marts.all_types AS SELECT
    1::INTEGER AS id, 2::HUGEINT AS huge, 1.5::DOUBLE AS ratio, 12.34::DECIMAL(10, 2) AS money,
    true AS flag, 'text' AS name, DATE '2026-03-01' AS day, TIME '12:30:00' AS at_time,
    TIMESTAMP '2026-03-01 10:00:00' AS naive_ts, TIMESTAMPTZ '2026-03-01 10:00:00+02' AS aware_ts,
    [1, 2] AS numbers, {'a': 1, 'b': [{'c': 'x'}]} AS nested, MAP(['k'], [1.5::DOUBLE]) AS scores,
    'ab'::BLOB AS raw, INTERVAL 1 DAY AS span, '{"j": 1}'::JSON AS doc
"""


def _database(tmp_path: Path, sql: str = ALL_TYPES) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(sql)
    return path


def _config(database: Path, *streams: dict[str, Any], **settings: Any) -> dict[str, Any]:
    return {"database": str(database), "streams": list(streams), **settings}


def run(
    tmp_path: Path, config: dict[str, Any], state: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], str, int]:
    """Run the ``tap-warehouse`` executable; its messages, stderr and exit code."""
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    args = [str(EXECUTABLE), "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / "state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return messages, done.stderr, done.returncode


def records(messages: list[dict[str, Any]], stream: str) -> list[dict[str, Any]]:
    return [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]


def last_state(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m["value"] for m in messages if m["type"] == "STATE"][-1]


def test_schemas_follow_duckdbs_column_types(tmp_path):
    database = _database(tmp_path)
    tap = TapWarehouse(config=_config(database, {"name": "all_types", "table": "marts.all_types"}))
    properties = tap.streams["all_types"].schema["properties"]
    nullable = {name: prop["type"][0] for name, prop in properties.items()}
    assert nullable == {
        "id": "integer",
        "huge": "integer",
        "ratio": "number",
        "money": "number",
        "flag": "boolean",
        "name": "string",
        "day": "string",
        "at_time": "string",
        "naive_ts": "string",
        "aware_ts": "string",
        "numbers": "array",
        "nested": "object",
        "scores": "object",
        "raw": "string",
        "span": "string",
        "doc": "string",
    }
    assert all(prop["type"][1] == "null" for prop in properties.values())
    formats = {name: prop.get("format") for name, prop in properties.items() if "format" in prop}
    assert formats == {
        "day": "date",
        "at_time": "time",
        "naive_ts": "date-time",
        "aware_ts": "date-time",
    }
    assert properties["numbers"]["items"] == {"type": ["integer", "null"]}
    assert properties["nested"]["properties"]["b"]["items"]["properties"] == {
        "c": {"type": ["string", "null"]}
    }
    assert properties["scores"]["additionalProperties"] == {"type": ["number", "null"]}
    tap = TapWarehouse(
        config=_config(database, {"name": "t", "table": "marts.all_types"}, decimal_as="string")
    )
    assert tap.streams["t"].schema["properties"]["money"]["type"] == ["string", "null"]


@pytest.mark.parametrize(("decimal_as", "money"), [("number", 12.34), ("string", "12.34")])
def test_values_become_json_as_their_schema_says(tmp_path, decimal_as, money):
    database = _database(tmp_path)
    stream = {"name": "all_types", "table": "marts.all_types", "key_properties": ["id"]}
    messages, stderr, code = run(tmp_path, _config(database, stream, decimal_as=decimal_as))
    assert code == 0, stderr
    (record,) = records(messages, "all_types")
    assert record == {
        "id": 1,
        "huge": 2,
        "ratio": 1.5,
        "money": money,
        "flag": True,
        "name": "text",
        "day": "2026-03-01",
        "at_time": "12:30:00",
        "naive_ts": "2026-03-01T10:00:00+00:00",
        "aware_ts": "2026-03-01T08:00:00+00:00",
        "numbers": [1, 2],
        "nested": {"a": 1, "b": [{"c": "x"}]},
        "scores": {"k": 1.5},
        "raw": "YWI=",
        "span": "1 day, 0:00:00",
        "doc": '{"j": 1}',
    }
    (schema,) = [m for m in messages if m["type"] == "SCHEMA"]
    assert schema["key_properties"] == ["id"]


def test_a_query_is_a_stream_and_batches_lose_no_row(tmp_path):
    database = _database(
        tmp_path, "CREATE TABLE events AS SELECT i AS id, i % 3 AS kind FROM range(1000) t(i)"
    )
    stream = {"name": "kinds", "query": "SELECT id, kind FROM events WHERE kind = 1;"}
    messages, stderr, code = run(tmp_path, _config(database, stream, batch_size_rows=7))
    assert code == 0, stderr
    ids = sorted(r["id"] for r in records(messages, "kinds"))
    assert ids == [i for i in range(1000) if i % 3 == 1]


def test_incremental_reads_at_or_after_the_bookmark_so_ties_are_never_lost(tmp_path):
    database = _database(
        tmp_path,
        "CREATE TABLE marts.accounts (id INTEGER, name VARCHAR, updated_at TIMESTAMP);"
        "INSERT INTO marts.accounts VALUES (1, 'a', '2026-01-01 10:00'), (2, 'b', '2026-01-02'),"
        " (3, 'c', '2026-01-03'), (4, 'd', NULL)".replace(
            "CREATE TABLE", "CREATE SCHEMA marts; CREATE TABLE", 1
        ),
    )
    stream = {
        "name": "accounts",
        "table": "marts.accounts",
        "key_properties": ["id"],
        "replication_key": "updated_at",
    }
    config = _config(database, stream)
    first, stderr, code = run(tmp_path, config)
    assert code == 0, stderr
    assert [r["id"] for r in records(first, "accounts")] == [4, 1, 2, 3]
    state = last_state(first)
    bookmark = state["bookmarks"]["accounts"]["replication_key_value"]
    assert bookmark == "2026-01-03T00:00:00+00:00"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "INSERT INTO marts.accounts VALUES (5, 'same time as the bookmark', '2026-01-03'),"
            " (6, 'later', '2026-01-04'), (7, 'earlier', '2025-12-31')"
        )
    second, stderr, code = run(tmp_path, config, state)
    assert code == 0, stderr
    assert [r["id"] for r in records(second, "accounts")] == [3, 5, 6]
    assert last_state(second)["bookmarks"]["accounts"]["replication_key_value"] == (
        "2026-01-04T00:00:00+00:00"
    )


def test_the_warehouse_is_closed_while_records_are_emitted(tmp_path):
    database = _database(
        tmp_path,
        "CREATE TABLE big AS SELECT i AS id, repeat('x', 200) AS padding FROM range(20000) t(i)",
    )
    config_file = tmp_path / "config.json"
    stream = {"name": "big", "table": "big", "key_properties": ["id"]}
    config_file.write_text(json.dumps(_config(database, stream, batch_size_rows=500)))
    process = subprocess.Popen(
        [str(EXECUTABLE), "--config", str(config_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        while first["type"] != "RECORD":
            first = json.loads(process.stdout.readline())
        # the tap is blocked writing (its output is ~4 MB, the pipe holds 64 KB), yet a
        # loader can open the warehouse for writing
        assert process.poll() is None
        with duckdb.connect(str(database)) as writer:
            writer.execute("INSERT INTO big VALUES (-1, 'loaded meanwhile')")
        rest = [json.loads(line) for line in process.stdout]
    finally:
        process.stdout.close() if process.stdout else None
        process.wait(timeout=60)
    assert process.returncode == 0
    assert len(records([first, *rest], "big")) == 20000


def test_the_warehouse_is_released_before_the_first_message(tmp_path):
    """A target loading into the same warehouse opens it as soon as it reads the tap's first
    message; the tap must not need the warehouse after that, or both wait on each other."""
    database = _database(tmp_path, "CREATE TABLE t AS SELECT i AS id FROM range(10) t(i)")
    config_file = tmp_path / "config.json"
    stream = {"name": "t", "table": "t", "key_properties": ["id"]}
    config_file.write_text(json.dumps(_config(database, stream, lock_timeout=1)))
    with subprocess.Popen(
        [str(EXECUTABLE), "--config", str(config_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        first = process.stdout.readline()
        with duckdb.connect(str(database)) as writer:
            writer.execute("CREATE TABLE loaded_meanwhile AS SELECT 1 AS one")
            rest = process.stdout.read()
            stderr = process.stderr.read()
            process.wait(timeout=60)
    assert process.returncode == 0, stderr
    messages = [json.loads(line) for line in [first, *rest.splitlines()] if line.strip()]
    assert len(records(messages, "t")) == 10


def test_a_writer_holding_the_warehouse_is_waited_for_then_one_line(tmp_path):
    database = _database(tmp_path, "CREATE TABLE t AS SELECT 1 AS id")
    stream = {"name": "t", "table": "t"}
    with duckdb.connect(str(database)):
        _messages, stderr, code = run(tmp_path, _config(database, stream, lock_timeout=0.2))
    assert code == 1
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(f"tap-warehouse: the warehouse {database} is locked by PID ")
    assert "still after 0.2 s" in last


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        (
            {"name": "s", "table": "marts.nope"},
            "tap-warehouse: stream 's': table 'marts.nope' cannot be read: Catalog Error: ",
        ),
        (
            {"name": "s", "query": "SELEC 1"},
            "tap-warehouse: stream 's': its query cannot be read: Parser Error: ",
        ),
        (
            {"name": "s", "table": "t", "replication_key": "updated"},
            "tap-warehouse: stream 's': replication_key names 'updated', which is not a column "
            "of table 't'; its columns are id, name",
        ),
        (
            {"name": "s", "table": "t", "key_properties": ["id", "ID2"]},
            "tap-warehouse: stream 's': key_properties names 'ID2', which is not a column of "
            "table 't'; its columns are id, name",
        ),
        (
            {"name": "s", "table": "t", "query": "SELECT 1"},
            "tap-warehouse: stream 's': give exactly one of table or query",
        ),
        (
            {"name": "1st", "table": "t"},
            "tap-warehouse: streams[1]: name must be letters, digits, '_' or '-' (not starting "
            "with a digit), got '1st'",
        ),
        (
            {"name": "s", "table": "t", "replication": "id"},
            "tap-warehouse: streams[1]: unknown key 'replication'; valid keys: name, table, "
            "query, key_properties, replication_key",
        ),
    ],
)
def test_bad_streams_end_with_one_line_naming_the_stream(tmp_path, stream, message):
    """(DuckDB's own reason follows its first line, from "Catalog Error:" on.)"""
    database = _database(tmp_path, "CREATE TABLE t AS SELECT 1 AS id, 'x' AS name")
    _messages, stderr, code = run(tmp_path, _config(database, stream))
    assert code == 1
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(message) if message.endswith(": ") else last == message
    assert stderr.count("tap-warehouse: ") == 1


def test_a_missing_database_and_duplicate_names_are_one_line(tmp_path):
    missing = tmp_path / "nope.duckdb"
    _m, stderr, code = run(tmp_path, _config(missing, {"name": "s", "table": "t"}))
    assert (code, stderr.strip().splitlines()[-1]) == (
        1,
        f"tap-warehouse: database: '{missing}' does not exist; give the DuckDB warehouse "
        "file (target-duckdb's path)",
    )
    assert not missing.exists()
    database = _database(tmp_path, "CREATE TABLE t AS SELECT 1 AS id")
    twice = [{"name": "s", "table": "t"}, {"name": "s", "query": "SELECT 2 AS id"}]
    _m, stderr, code = run(tmp_path, _config(database, *twice))
    assert (code, stderr.strip().splitlines()[-1]) == (
        1,
        "tap-warehouse: streams: the name 's' is used twice; names must differ",
    )


def test_no_streams_is_one_line_saying_what_to_give(tmp_path):
    database = _database(tmp_path, "CREATE TABLE t AS SELECT 1 AS id")
    _m, stderr, code = run(tmp_path, {"database": str(database)})
    assert (code, stderr.strip().splitlines()[-1]) == (
        1,
        "tap-warehouse: streams: give a list of {name, table | query, ...} objects",
    )
