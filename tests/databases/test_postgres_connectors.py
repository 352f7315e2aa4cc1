"""The community tap-postgres and target-postgres (as meltano.yml pins them) against a real
PostgreSQL server: full, incremental and log-based reads with the types an app database has,
writes with upserts and a schema change."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.databases.conftest import read_tap, singer_run

psycopg2 = pytest.importorskip("psycopg2")

pytestmark = [pytest.mark.services, pytest.mark.slow, pytest.mark.xdist_group("postgres")]


def new_database(server, name: str) -> dict:
    """A new empty database on the session's server; the tap/target connection settings."""
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
    """Run statements in one transaction; the rows of the last one, if it returns any."""
    conn = psycopg2.connect(**_dsn(settings))
    try:
        with conn, conn.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def catalog_with(messages_or_catalog: dict, **stream_metadata: str) -> dict:
    """Every stream selected, with ``replication-method``/``replication-key`` metadata."""
    catalog = json.loads(json.dumps(messages_or_catalog))
    for stream in catalog["streams"]:
        for entry in stream["metadata"]:
            if entry["breadcrumb"] == []:
                entry["metadata"]["selected"] = True
                entry["metadata"].update(
                    {key.replace("_", "-"): value for key, value in stream_metadata.items()}
                )
        if stream_metadata.get("replication_method") == "LOG_BASED":
            stream["replication_method"] = "LOG_BASED"
            stream["replication_key"] = "_sdc_lsn"
    return catalog


def discover(tap: Path, config: dict, tmp_path: Path) -> dict:
    config_file = tmp_path / "discover-config.json"
    config_file.write_text(json.dumps(config))
    import subprocess

    done = subprocess.run(
        [str(tap), "--config", str(config_file), "--discover"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


APP_TABLE = (
    "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), "
    "ratio double precision, big bigint, created timestamptz, day date, done boolean, "
    "doc jsonb, tags text[], updated_at timestamptz NOT NULL)"
)
APP_ROWS = (
    "INSERT INTO items VALUES "
    "(1, 'Zoë ☃ 東京', 12.34, 0.5, 9007199254740993, '2024-01-01T10:00:00+02', '2024-01-01', "
    'true, \'{"k": [1, 2], "s": "é"}\', \'{x,"y z"}\', \'2024-06-01T00:00:00Z\'), '
    "(2, 'b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '2024-06-02T00:00:00Z')"
)


def test_full_read_keeps_every_type(postgres_server, tap_postgres, tmp_path):
    config = {**new_database(postgres_server, "full_read"), "filter_schemas": ["public"]}
    execute(config, APP_TABLE, APP_ROWS)
    catalog = catalog_with(discover(tap_postgres, config, tmp_path))
    records, _ = read_tap(tap_postgres, config, catalog, tmp_path)
    first, second = sorted(records["public-items"], key=lambda r: r["id"])
    assert first["name"] == "Zoë ☃ 東京"
    assert Decimal(str(first["price"])) == Decimal("12.34")
    assert first["ratio"] == 0.5
    assert first["big"] == 9007199254740993
    assert first["created"].startswith("2024-01-01T08:00:00")  # the instant, in UTC
    assert first["day"].startswith("2024-01-01")
    assert first["done"] is True
    assert first["doc"] == {"k": [1, 2], "s": "é"}
    assert first["tags"] == ["x", "y z"]
    assert {
        k: v for k, v in second.items() if k not in ("id", "name", "updated_at")
    } == dict.fromkeys(("price", "ratio", "big", "created", "day", "done", "doc", "tags"))


def test_incremental_read_returns_only_rows_changed_since_the_bookmark(
    postgres_server, tap_postgres, tmp_path
):
    config = {**new_database(postgres_server, "incremental"), "filter_schemas": ["public"]}
    execute(config, APP_TABLE, APP_ROWS)
    catalog = catalog_with(
        discover(tap_postgres, config, tmp_path),
        replication_method="INCREMENTAL",
        replication_key="updated_at",
    )
    records, state = read_tap(tap_postgres, config, catalog, tmp_path)
    assert sorted(r["id"] for r in records["public-items"]) == [1, 2]
    execute(
        config,
        "UPDATE items SET name = 'renamed', updated_at = '2024-07-01T00:00:00Z' WHERE id = 1",
        "INSERT INTO items (id, name, updated_at) VALUES (3, 'new', '2024-07-02T00:00:00Z')",
    )
    records, state = read_tap(tap_postgres, config, catalog, tmp_path, state)
    # the bookmark's row comes again (the SDK reads updated_at >= bookmark), then the changes
    assert [(r["id"], r["name"]) for r in records["public-items"]] == [
        (2, "b"),
        (1, "renamed"),
        (3, "new"),
    ]
    bookmark = state["bookmarks"]["public-items"]
    assert bookmark["replication_key"] == "updated_at"
    assert bookmark["replication_key_value"].startswith("2024-07-02")


def test_a_new_column_appears_on_the_next_discovery(postgres_server, tap_postgres, tmp_path):
    config = {**new_database(postgres_server, "schema_change"), "filter_schemas": ["public"]}
    execute(config, APP_TABLE, APP_ROWS)
    execute(config, "ALTER TABLE items ADD COLUMN colour text", "UPDATE items SET colour = 'red'")
    catalog = catalog_with(discover(tap_postgres, config, tmp_path))
    (stream,) = catalog["streams"]
    assert "colour" in stream["schema"]["properties"]
    records, _ = read_tap(tap_postgres, config, catalog, tmp_path)
    assert {r["colour"] for r in records["public-items"]} == {"red"}


def test_log_based_read_sees_updates_and_deletes(postgres_server, tap_postgres, tmp_path):
    config = {
        **new_database(postgres_server, "log_based"),
        "filter_schemas": ["public"],
        "replication_slot_name": "test_log_based",
        "log_based_single_connection": True,
        "auto_bootstrap_log_based": True,
        "replication_idle_exit_seconds": 1,
    }
    execute(config, APP_TABLE, APP_ROWS)
    execute(config, "SELECT pg_create_logical_replication_slot('test_log_based', 'wal2json')")
    catalog = catalog_with(discover(tap_postgres, config, tmp_path), replication_method="LOG_BASED")
    try:
        records, state = read_tap(tap_postgres, config, catalog, tmp_path)
        assert sorted(r["id"] for r in records["public-items"]) == [1, 2]  # the bootstrap
        execute(
            config,
            "UPDATE items SET name = 'changed' WHERE id = 2",
            "DELETE FROM items WHERE id = 1",
        )
        records, _ = read_tap(tap_postgres, config, catalog, tmp_path, state)
        changes = {r["id"]: r for r in records["public-items"]}
        assert changes[2]["name"] == "changed"
        assert changes[2]["_sdc_deleted_at"] is None
        assert changes[1]["_sdc_deleted_at"] is not None
    finally:
        execute(config, "SELECT pg_drop_replication_slot('test_log_based')")


def _messages(*messages: dict) -> str:
    return "".join(json.dumps(m) + "\n" for m in messages)


ITEMS_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": ["string", "null"]},
        "price": {"type": ["number", "null"]},
        "created": {"type": ["string", "null"], "format": "date-time"},
        "doc": {"type": ["object", "null"]},
        "tags": {"type": ["array", "null"], "items": {"type": "string"}},
        "done": {"type": ["boolean", "null"]},
    },
}


def test_target_writes_types_upserts_and_adds_a_column(postgres_server, target_postgres, tmp_path):
    config = {
        **new_database(postgres_server, "writes"),
        "default_target_schema": "marts",
        "load_method": "upsert",
    }
    schema = {"type": "SCHEMA", "stream": "items", "schema": ITEMS_SCHEMA, "key_properties": ["id"]}
    first = {
        "id": 1,
        "name": "Zoë ☃",
        "price": 12.34,
        "created": "2024-01-01T10:00:00+02:00",
        "doc": {"k": [1, 2]},
        "tags": ["x", "y"],
        "done": True,
    }
    second = {
        "id": 2,
        "name": None,
        "price": None,
        "created": None,
        "doc": None,
        "tags": None,
        "done": None,
    }
    singer_run(
        target_postgres,
        config,
        tmp_path,
        stdin=_messages(
            schema,
            {"type": "RECORD", "stream": "items", "record": first},
            {"type": "RECORD", "stream": "items", "record": second},
        ),
    )
    rows = execute(
        config,
        "SET TIME ZONE 'UTC'",
        "SELECT id, name, price, created, doc, tags, done FROM marts.items ORDER BY id",
    )
    assert [(r[0], r[1], float(r[2]) if r[2] is not None else None) for r in rows] == [
        (1, "Zoë ☃", 12.34),
        (2, None, None),
    ]
    # target-postgres keeps date-times as `timestamp without time zone`, converted to UTC
    assert rows[0][3].isoformat() == "2024-01-01T08:00:00"
    assert rows[0][4] == {"k": [1, 2]}
    assert rows[0][5] == ["x", "y"]
    assert rows[0][6] is True

    # a new property, and the same key again: the column is added, the row replaced
    wider = {
        **ITEMS_SCHEMA,
        "properties": {**ITEMS_SCHEMA["properties"], "colour": {"type": ["string", "null"]}},
    }
    singer_run(
        target_postgres,
        config,
        tmp_path,
        stdin=_messages(
            {**schema, "schema": wider},
            {
                "type": "RECORD",
                "stream": "items",
                "record": {**first, "name": "again", "colour": "red"},
            },
        ),
    )
    rows = execute(config, "SELECT id, name, colour FROM marts.items ORDER BY id")
    assert rows == [(1, "again", "red"), (2, None, None)]
