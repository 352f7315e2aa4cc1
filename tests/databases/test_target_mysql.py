"""target-mysql (ours, on the SDK's SQL classes) against a real MariaDB server: every JSON
type lands in a fitting column, keys upsert, a new property adds a column."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases.conftest import singer_run

pymysql = pytest.importorskip("pymysql")

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("mariadb")]
TARGET = Path(sys.executable).parent / "target-mysql"

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": ["string", "null"]},
        "price": {"type": ["number", "null"]},
        "count": {"type": ["integer", "null"]},
        "created": {"type": ["string", "null"], "format": "date-time"},
        "day": {"type": ["string", "null"], "format": "date"},
        "doc": {"type": ["object", "null"]},
        "tags": {"type": ["array", "null"], "items": {"type": "string"}},
        "done": {"type": ["boolean", "null"]},
    },
}
FIRST = {
    "id": "a-1",
    "name": "Zoë ☃ 東京 😀",
    "price": 12.34,
    "count": 9007199254740993,
    "created": "2024-01-01T10:00:00.5+02:00",
    "day": "2024-01-01",
    "doc": {"k": [1, 2], "s": "é"},
    "tags": ["x", "y"],
    "done": True,
}
SECOND = {"id": "b-2", **dict.fromkeys(list(SCHEMA["properties"])[1:])}


def lines(*messages: dict) -> str:
    return "".join(json.dumps(m) + "\n" for m in messages)


def query(server, database: str, sql: str) -> list[tuple]:
    s = server.settings
    conn = pymysql.connect(
        host=s.host, port=s.port, user=s.user, password=s.password, database=database,
        charset="utf8mb4",
    )  # fmt: skip
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


def test_writes_every_type_upserts_by_key_and_adds_a_column(mariadb_server, tmp_path):
    config = {**mariadb_server.settings.as_dict(), "default_target_schema": "marts_test"}
    schema = {"type": "SCHEMA", "stream": "items", "schema": SCHEMA, "key_properties": ["id"]}
    singer_run(
        TARGET,
        config,
        tmp_path,
        stdin=lines(
            schema,
            {"type": "RECORD", "stream": "items", "record": FIRST},
            {"type": "RECORD", "stream": "items", "record": SECOND},
        ),
    )
    rows = query(
        mariadb_server,
        "marts_test",
        "SELECT id, name, price, count, created, day, doc, tags, done FROM items ORDER BY id",
    )
    first, second = rows
    assert first[:4] == ("a-1", "Zoë ☃ 東京 😀", 12.34, 9007199254740993)
    assert first[4] == datetime.datetime(2024, 1, 1, 8, 0, 0, 500000)  # UTC, no zone
    assert first[5] == datetime.date(2024, 1, 1)
    assert json.loads(first[6]) == {"k": [1, 2], "s": "é"}
    assert json.loads(first[7]) == ["x", "y"]
    assert first[8] == 1
    assert second == ("b-2", None, None, None, None, None, None, None, None)

    wider = {
        **SCHEMA,
        "properties": {**SCHEMA["properties"], "colour": {"type": ["string", "null"]}},
    }
    singer_run(
        TARGET,
        config,
        tmp_path,
        stdin=lines(
            {**schema, "schema": wider},
            {
                "type": "RECORD",
                "stream": "items",
                "record": {**FIRST, "name": "again", "colour": "red"},
            },
        ),
    )
    assert query(
        mariadb_server, "marts_test", "SELECT id, name, colour FROM items ORDER BY id"
    ) == [
        ("a-1", "again", "red"),
        ("b-2", None, None),
    ]
    columns = dict(
        query(
            mariadb_server,
            "information_schema",
            "SELECT column_name, column_type FROM columns "
            "WHERE table_schema = 'marts_test' AND table_name = 'items'",
        )
    )
    assert columns["id"] == "varchar(255)"
    assert columns["created"] == "datetime(6)"
    assert columns["count"] == "bigint(20)"


def test_append_only_keeps_every_record(mariadb_server, tmp_path):
    config = {
        **mariadb_server.settings.as_dict(),
        "default_target_schema": "append_test",
        "load_method": "append-only",
    }
    schema = {
        "type": "SCHEMA",
        "stream": "events",
        "schema": {"properties": {"n": {"type": "integer"}, "what": {"type": "string"}}},
        "key_properties": [],
    }
    record = {"type": "RECORD", "stream": "events", "record": {"n": 1, "what": "x"}}
    singer_run(TARGET, config, tmp_path, stdin=lines(schema, record, record))
    assert query(mariadb_server, "append_test", "SELECT count(*) FROM events") == [(2,)]


def test_a_refused_login_is_one_line_without_the_password(mariadb_server, tmp_path):
    config_file = tmp_path / "config.json"
    config_file.write_text(
        json.dumps({**mariadb_server.settings.as_dict(), "password": "s3cr3t-x"})
    )
    done = subprocess.run(
        [str(TARGET), "--config", str(config_file)],
        input=lines(
            {
                "type": "SCHEMA",
                "stream": "t",
                "schema": {"properties": {"id": {"type": "integer"}}},
                "key_properties": ["id"],
            },
            {"type": "RECORD", "stream": "t", "record": {"id": 1}},
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "s3cr3t-x" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        'target-mysql: the server refused: (1045, "Access denied for user '
        "'brainhub'@'127.0.0.1' (using password: YES)\")"
    )


def test_missing_settings_are_named(tmp_path):
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps({"host": "127.0.0.1"}))
    done = subprocess.run(
        [str(TARGET), "--config", str(config_file)],
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "target-mysql: invalid settings: 'user' is a required property; "
        "'password' is a required property; 'database' is a required property"
    )
