"""Hostile names and values end up as data, never as SQL."""

from __future__ import annotations

import duckdb
import pytest
import yaml

from brainhub.sql import quote_identifier, quote_literal, quote_string
from transforms.engine import MappingError, load_mapping_text, run_models

HOSTILE = [
    'x"; DROP TABLE raw.posts; --',
    "x'); DROP TABLE raw.posts; --",
    'a"."b',
    "' OR '1'='1",
    "$$; DROP TABLE raw.posts; $$",
    "\\'; DROP TABLE raw.posts; --",
    "name\nwith newline",
    "{}",
]


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA raw")
    connection.execute("CREATE TABLE raw.posts AS SELECT 1 AS id, 'hello' AS title")
    connection.execute("CREATE TABLE raw.secrets AS SELECT 'do not leak' AS secret")
    return connection


def intact(connection: duckdb.DuckDBPyConnection) -> None:
    assert connection.execute("SELECT id, title FROM raw.posts").fetchall() == [(1, "hello")]
    assert connection.execute("SELECT count(*) FROM raw.secrets").fetchall() == [(1,)]


def build(connection: duckdb.DuckDBPyConnection, output: dict) -> None:
    document = {"version": 1, "outputs": {"stg.out": output}}
    run_models(connection, load_mapping_text(yaml.safe_dump(document), "m.yaml"))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_output_field_name_is_just_a_column_name(
    warehouse: duckdb.DuckDBPyConnection, hostile: str
) -> None:
    build(warehouse, {"from": "raw.posts", "fields": {hostile: "title"}})
    intact(warehouse)
    relation = warehouse.table("stg.out")
    assert relation.columns == [hostile]
    assert relation.fetchall() == [("hello",)]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_literals_in_functions_filters_and_rules_are_values(
    warehouse: duckdb.DuckDBPyConnection, hostile: str
) -> None:
    build(
        warehouse,
        {
            "from": "raw.posts",
            "filter": {
                "any": [
                    {"field": "title", "op": "ne", "value": hostile},
                    {"field": "title", "op": "contains", "value": hostile},
                ]
            },
            "fields": {
                "a": {"from": "title", "apply": [{"replace": ["hello", hostile]}]},
                "b": {"from": "title", "apply": [{"format": hostile + "{}"}]},
                "c": {"value": hostile},
                "d": {"from": "title", "apply": [{"default": hostile}]},
            },
            "rules": [{"rule": "accepted_values", "field": "a", "values": [hostile]}],
        },
    )
    intact(warehouse)
    assert warehouse.execute("SELECT a, b, c, d FROM stg.out").fetchall() == [
        (hostile, hostile.replace("{}", "hello") + "hello", hostile, "hello")
    ]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_source_and_path_names_fail_as_unknown_names(
    warehouse: duckdb.DuckDBPyConnection, hostile: str
) -> None:
    with pytest.raises(MappingError, match=r"does not exist|has no column"):
        build(warehouse, {"from": hostile, "fields": {"a": "id"}})
    with pytest.raises(MappingError, match=r"has no column|empty part"):
        build(warehouse, {"from": "raw.posts", "fields": {"a": hostile}})
    intact(warehouse)


def test_hostile_value_in_data_cannot_escape_a_reason(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute("INSERT INTO raw.posts VALUES (2, 'x''); DROP TABLE raw.secrets; --')")
    build(warehouse, {"from": "raw.posts", "fields": {"n": {"from": "title", "apply": ["to_int"]}}})
    assert warehouse.execute("SELECT count(*) FROM raw.secrets").fetchall() == [(1,)]
    reasons = warehouse.execute("SELECT _reason FROM stg.out__rejected ORDER BY 1").fetchall()
    assert reasons == [
        ("to_int could not convert 'hello'",),
        ("to_int could not convert 'x'); DROP TABLE raw.secrets; --'",),
    ]


def test_quoting_functions() -> None:
    assert quote_identifier('a"b') == '"a""b"'
    assert quote_string("it's") == "'it''s'"
    assert quote_literal(None) == "NULL"
    assert quote_literal(True) == "TRUE"
    assert quote_literal(12) == "12"
    assert quote_literal(float("inf")) == "CAST('inf' AS DOUBLE)"
    with pytest.raises(ValueError, match="NUL"):
        quote_identifier("a\x00b")
    connection = duckdb.connect()
    for hostile in HOSTILE:
        assert connection.execute(f"SELECT {quote_string(hostile)}").fetchall() == [(hostile,)]
        assert (
            connection.execute(f"SELECT 1 AS {quote_identifier(hostile)}").description[0][0]
            == hostile
        )
