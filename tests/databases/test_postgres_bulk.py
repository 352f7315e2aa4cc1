"""tap-postgres-bulk against a real PostgreSQL server, through target-duckdb: discovery,
full and incremental reads by COPY into BATCH files, types equal to PostgreSQL's own, and
one-line errors that never show the password."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.databases.conftest import BIN

psycopg2 = pytest.importorskip("psycopg2")

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("postgres")]

TAP = BIN / "tap-postgres-bulk"
TARGET = BIN / "target-duckdb"

TABLE = (
    "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), "
    "ratio double precision, big bigint, created timestamptz, day date, done boolean, "
    "doc jsonb, raw json, tags text[], counts integer[], updated_at timestamptz NOT NULL)"
)
ROWS = (
    "INSERT INTO items VALUES "
    "(1, 'Zoë ☃ 東京 \"q\" \\ tab\t nl\n', 12.34, 0.5, 9007199254740993, "
    "'2024-01-01T10:00:00+02', '2024-01-01', true, '{\"k\": [1, 2], \"s\": \"é\\n\"}', "
    "'{\n  \"a\": 1\n}', '{x,\"y z\"}', '{1,NULL,3}', '2024-06-01T00:00:00Z'), "
    "(2, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
    "'2024-06-02T00:00:00Z')"
)


def new_database(server, name: str) -> dict:
    """A new empty database on the session's server; the tap's settings for it."""
    settings = server.settings.as_dict()
    conn = psycopg2.connect(**{**_dsn(settings), "dbname": "postgres"})
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    return {**settings, "database": name}


def _dsn(settings: dict) -> dict:
    return {
        "host": settings["host"],
        "port": settings["port"],
        "user": settings["user"],
        "password": settings["password"],
        "dbname": settings["database"],
    }


def execute(settings: dict, *statements: str) -> list[tuple]:
    """Run statements in one transaction; the rows of the last one."""
    conn = psycopg2.connect(**_dsn(settings))
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")
            for statement in statements:
                cur.execute(statement)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def run(args: list[str], tmp_path: Path, config: dict, stdin: str | None = None):
    config_file = tmp_path / "tap.json"
    config_file.write_text(json.dumps(config))
    return subprocess.run(
        [str(TAP), "--config", str(config_file), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def tap_config(server, name: str, tmp_path: Path, batch_format: str = "parquet") -> dict:
    return {
        **new_database(server, name),
        "filter_schemas": ["public"],
        "batch_path": str(tmp_path / "batches"),
        "batch_format": batch_format,
    }


def batch_file(message: dict) -> Path:
    (url,) = message["manifest"]
    assert url.startswith("file://")
    return Path(url.removeprefix("file://"))


def batch_ids(message: dict) -> list[int]:
    """The ``id`` of every row of a BATCH message's file, in file order."""
    path = batch_file(message)
    reader = "read_parquet" if path.suffix == ".parquet" else "read_json"
    rows = duckdb.sql(f"SELECT id FROM {reader}('{path}')").fetchall()  # noqa: S608
    return [row[0] for row in rows]


def discovered(config: dict, tmp_path: Path) -> dict:
    done = run(["--discover"], tmp_path, config)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def sync(config: dict, catalog: dict, tmp_path: Path, state: dict | None = None) -> list[dict]:
    """Run the tap, then target-duckdb on its output; the tap's messages."""
    catalog_file = tmp_path / "catalog.json"
    catalog_file.write_text(json.dumps(catalog))
    args = ["--catalog", str(catalog_file)]
    if state is not None:
        (tmp_path / "state.json").write_text(json.dumps(state))
        args += ["--state", str(tmp_path / "state.json")]
    tapped = run(args, tmp_path, config)
    assert tapped.returncode == 0, tapped.stderr
    target_config = tmp_path / "target.json"
    target_config.write_text(json.dumps({"path": str(tmp_path / "w.duckdb")}))
    loaded = subprocess.run(
        [str(TARGET), "--config", str(target_config)],
        input=tapped.stdout,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    return [json.loads(line) for line in tapped.stdout.splitlines()]


def incremental(catalog: dict, key: str) -> dict:
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"].update(
                    {"selected": True, "replication-method": "INCREMENTAL", "replication-key": key}
                )
    return catalog


def warehouse_rows(tmp_path: Path, columns: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(f"SELECT {columns} FROM public.items ORDER BY id").fetchall()  # noqa: S608


def test_discovery_types_every_column_and_keys_the_primary_key(postgres_server, tmp_path):
    config = tap_config(postgres_server, "bulk_discover", tmp_path)
    execute(config, TABLE)
    (stream,) = discovered(config, tmp_path)["streams"]
    assert stream["tap_stream_id"] == "public-items"
    assert stream["key_properties"] == ["id"]
    props = stream["schema"]["properties"]
    assert props["id"] == {"type": "integer"}
    assert props["name"] == {"type": "string"}
    assert props["price"] == {"type": ["number", "null"], "multipleOf": 0.01}
    assert props["ratio"] == {"type": ["number", "null"]}
    assert props["created"] == {"type": ["string", "null"], "format": "date-time"}
    assert props["day"] == {"type": ["string", "null"], "format": "date"}
    assert props["done"] == {"type": ["boolean", "null"]}
    assert props["doc"] == {}
    assert props["raw"] == {}
    assert props["tags"] == {"type": ["array", "null"], "items": {"type": ["string", "null"]}}
    assert props["counts"]["items"] == {"type": ["integer", "null"]}


@pytest.mark.parametrize("batch_format", ["parquet", "jsonl"])
def test_full_read_loads_every_type_as_postgres_holds_it(postgres_server, tmp_path, batch_format):
    config = tap_config(postgres_server, f"bulk_full_{batch_format}", tmp_path, batch_format)
    execute(config, TABLE, ROWS)
    messages = sync(config, discovered(config, tmp_path), tmp_path)
    assert [m["type"] for m in messages] == ["SCHEMA", "BATCH", "STATE"]
    assert not any(m["type"] == "RECORD" for m in messages)
    batch = messages[1]
    assert batch["encoding"] == {"format": batch_format, "compression": "none"}
    assert batch_file(batch).suffix == f".{batch_format}"
    assert sorted(batch_ids(batch)) == [1, 2]

    expected = execute(
        config,
        "SELECT id, name, price, ratio, big, created, day, done, doc, raw::jsonb, tags, counts "
        "FROM items ORDER BY id",
    )
    got = warehouse_rows(
        tmp_path, "id, name, price, ratio, big, created, day, done, doc, raw, tags, counts"
    )
    assert len(got) == len(expected) == 2
    for want, have in zip(expected, got, strict=True):
        (wid, wname, wprice, wratio, wbig, wcreated, wday, wdone, wdoc, wraw, wtags, wcounts) = want
        (hid, hname, hprice, hratio, hbig, hcreated, hday, hdone, hdoc, hraw, htags, hcounts) = have
        assert (hid, hname, hratio, hbig, hdone) == (wid, wname, wratio, wbig, wdone)
        assert (Decimal(str(hprice)) if hprice is not None else None) == wprice
        assert hcreated == wcreated  # the same instant
        assert (hday.isoformat() if hday else None) == (wday.isoformat() if wday else None)
        assert (json.loads(hdoc) if hdoc else None) == wdoc
        assert (json.loads(hraw) if hraw else None) == wraw
        assert htags == wtags
        assert hcounts == wcounts
    assert got[0][1] == 'Zoë ☃ 東京 "q" \\ tab\t nl\n'
    assert got[0][4] == 9007199254740993
    assert got[0][11] == [1, None, 3]


def test_incremental_read_copies_rows_from_the_bookmark_in_one_snapshot(postgres_server, tmp_path):
    config = tap_config(postgres_server, "bulk_incremental", tmp_path)
    execute(config, TABLE, ROWS)
    catalog = incremental(discovered(config, tmp_path), "updated_at")
    messages = sync(config, catalog, tmp_path)
    state = messages[-1]["value"]
    bookmark = state["bookmarks"]["public-items"]
    assert bookmark["replication_key"] == "updated_at"
    assert bookmark["replication_key_value"].startswith("2024-06-02T00:00:00")

    execute(
        config,
        "UPDATE items SET name = 'renamed', updated_at = '2024-07-01T00:00:00Z' WHERE id = 1",
        "INSERT INTO items (id, name, updated_at) VALUES (3, 'new', '2024-07-02T00:00:00Z')",
    )
    messages = sync(config, catalog, tmp_path, state)
    (batch,) = [m for m in messages if m["type"] == "BATCH"]
    # the bookmark's own row comes again (key >= bookmark), then the changed rows
    assert sorted(batch_ids(batch)) == [1, 2, 3]
    assert messages[-1]["value"]["bookmarks"]["public-items"]["replication_key_value"].startswith(
        "2024-07-02T00:00:00"
    )
    assert warehouse_rows(tmp_path, "id, name") == [(1, "renamed"), (2, "b"), (3, "new")]

    messages = sync(config, catalog, tmp_path, messages[-1]["value"])
    (batch,) = [m for m in messages if m["type"] == "BATCH"]
    assert batch_ids(batch) == [3]


def test_unselected_streams_and_columns_are_not_copied(postgres_server, tmp_path):
    config = tap_config(postgres_server, "bulk_select", tmp_path, "jsonl")
    execute(config, TABLE, ROWS, "CREATE TABLE other (id int)")
    catalog = discovered(config, tmp_path)
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if stream["tap_stream_id"] == "public-other" and entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = False
            if entry["breadcrumb"] in (["properties", "doc"], ["properties", "id"]):
                entry["metadata"]["selected"] = False  # id is a key: copied anyway
    messages = sync(config, catalog, tmp_path)
    assert {m["stream"] for m in messages if "stream" in m} == {"public-items"}
    (batch,) = [m for m in messages if m["type"] == "BATCH"]
    first = json.loads(
        Path(batch["manifest"][0].removeprefix("file://")).read_text().split("\n")[0]
    )
    assert "doc" not in first
    assert "id" in first


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"password": None}, "missing setting(s) password"),
        ({"port": "nope"}, "setting 'port': expected a port number"),
        ({"password": "wrong-secret-Xy9"}, "password authentication failed"),
    ],
)
def test_bad_settings_end_in_one_line_without_the_password(
    postgres_server, tmp_path, change, expected
):
    config = {**postgres_server.settings.as_dict(), **change}
    config = {k: v for k, v in config.items() if v is not None}
    done = run(["--discover"], tmp_path, config)
    assert done.returncode == 1
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("tap-postgres-bulk: ")
    assert expected in line
    assert "Traceback" not in done.stderr
    assert "wrong-secret-Xy9" not in done.stderr


def test_streams_named_by_table_must_not_collide(postgres_server, tmp_path):
    config = {**tap_config(postgres_server, "bulk_naming", tmp_path), "stream_naming": "table"}
    execute(config, TABLE, "CREATE SCHEMA other", "CREATE TABLE other.items (id int)")
    config.pop("filter_schemas")
    done = run(["--discover"], tmp_path, config)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "tap-postgres-bulk: setting 'stream_naming': tables other.items and public.items "
        "would both be stream 'items' (valid: stream_naming schema-table, or filter_schemas "
        "naming one)"
    )
    (stream,) = discovered({**config, "filter_schemas": ["public"]}, tmp_path)["streams"]
    assert stream["tap_stream_id"] == "items"


def test_odd_names_empty_tables_and_views_are_copied(postgres_server, tmp_path):
    config = tap_config(postgres_server, "bulk_odd", tmp_path)
    config["batch_path"] = str(tmp_path / "batch files ü")
    execute(
        config,
        'CREATE TABLE "Odd ""Table"" ü" ("Key Col" int PRIMARY KEY, "it\'s" text)',
        'INSERT INTO "Odd ""Table"" ü" VALUES (1, \'one\'), (2, NULL)',
        "CREATE TABLE empty (id int PRIMARY KEY, updated_at timestamptz)",
        'CREATE VIEW odd_view AS SELECT "Key Col" AS k FROM "Odd ""Table"" ü"',
    )
    catalog = discovered(config, tmp_path)
    for stream in catalog["streams"]:
        if stream["tap_stream_id"] == "public-empty":
            incremental({"streams": [stream]}, "updated_at")
    messages = sync(config, catalog, tmp_path)
    batches = {m["stream"]: batch_ids_of(m) for m in messages if m["type"] == "BATCH"}
    assert batches == {
        'public-Odd "Table" ü': [(1, "one"), (2, None)],
        "public-odd_view": [(1,), (2,)],
    }
    # an empty table: no BATCH, and the bookmark stays unset
    (state,) = [m["value"] for m in messages if m["type"] == "STATE"]
    assert state["bookmarks"]["public-empty"]["replication_key_value"] is None


def batch_ids_of(message: dict) -> list[tuple]:
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{batch_file(message)}') ORDER BY 1")  # noqa: S608
    return rows.fetchall()


def test_special_values_reach_the_warehouse(postgres_server, tmp_path):
    config = tap_config(postgres_server, "bulk_special", tmp_path)
    execute(
        config,
        "CREATE TABLE items (id int PRIMARY KEY, ratio double precision, created timestamptz, "
        "price numeric(10, 2), body text)",
        "INSERT INTO items VALUES (1, 'NaN', 'infinity', 1.5, ''), "
        "(2, '-Infinity', '-infinity', -0.01, 'line\r\nbreak'), (3, 1e300, NULL, NULL, NULL)",
    )
    sync(config, discovered(config, tmp_path), tmp_path)
    rows = warehouse_rows(tmp_path, "id, ratio::VARCHAR, created::VARCHAR, price, body")
    assert rows == [
        (1, "nan", "infinity", Decimal("1.50"), ""),
        (2, "-inf", "-infinity", Decimal("-0.01"), "line\r\nbreak"),
        (3, "1e+300", None, None, None),
    ]
