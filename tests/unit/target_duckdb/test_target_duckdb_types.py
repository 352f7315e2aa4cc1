"""JSON Schema → DuckDB type mapping, widening rules and names."""

from __future__ import annotations

import pytest

from targets.duckdb.naming import resolve_names, sanitize
from targets.duckdb.types import (
    BIGINT,
    DOUBLE,
    JSON,
    TIMESTAMPTZ,
    VARCHAR,
    decimal,
    from_json_schema,
    list_of,
    struct,
    widen,
)

MAPPING = [
    ({"type": "integer"}, "BIGINT"),
    ({"type": ["null", "integer"]}, "BIGINT"),
    ({"type": "number"}, "DOUBLE"),
    ({"type": "number", "multipleOf": 0.01}, "DECIMAL(38, 2)"),
    ({"type": ["number", "null"], "multipleOf": 0.001}, "DECIMAL(38, 3)"),
    ({"type": "number", "multipleOf": 0.5}, "DOUBLE"),
    ({"type": "string"}, "VARCHAR"),
    ({"type": "string", "format": "date-time"}, "TIMESTAMPTZ"),
    ({"type": ["string", "null"], "format": "date"}, "DATE"),
    ({"type": "string", "format": "time"}, "TIME"),
    ({"type": "boolean"}, "BOOLEAN"),
    ({"type": ["integer", "number"]}, "DOUBLE"),
    ({"type": ["string", "integer"]}, "VARCHAR"),
    ({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]}, "TIMESTAMPTZ"),
    ({"anyOf": [{"type": "string"}, {"type": "object"}]}, "JSON"),
    ({"type": "object", "properties": {"a": {"type": "integer"}}}, 'STRUCT("a" BIGINT)'),
    ({"type": "object"}, "JSON"),
    (
        {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": True},
        "JSON",
    ),
    (
        {"type": "object", "properties": {"A": {"type": "integer"}, "a": {"type": "string"}}},
        "JSON",
    ),
    ({"type": "array", "items": {"type": "string"}}, "VARCHAR[]"),
    (
        {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}},
        'STRUCT("id" BIGINT)[]',
    ),
    ({"type": "array"}, "JSON"),
    ({}, "JSON"),
    (True, "JSON"),
]


@pytest.mark.parametrize(("schema", "expected"), MAPPING)
def test_json_schema_maps_to_duckdb_type(schema, expected):
    assert from_json_schema(schema).sql() == expected


WIDENING = [
    (BIGINT, BIGINT, BIGINT),
    (BIGINT, DOUBLE, DOUBLE),
    (DOUBLE, BIGINT, DOUBLE),  # never narrowed
    (BIGINT, decimal(2), decimal(2)),
    (decimal(2), decimal(4), decimal(4)),
    (decimal(2), DOUBLE, DOUBLE),
    (DOUBLE, VARCHAR, VARCHAR),
    (BIGINT, VARCHAR, VARCHAR),
    (TIMESTAMPTZ, VARCHAR, VARCHAR),
    (VARCHAR, BIGINT, VARCHAR),
    (
        struct([("a", BIGINT)]),
        struct([("a", DOUBLE), ("b", VARCHAR)]),
        struct([("a", DOUBLE), ("b", VARCHAR)]),
    ),
    (  # fields the new schema drops are kept
        struct([("a", BIGINT), ("b", VARCHAR)]),
        struct([("a", BIGINT)]),
        struct([("a", BIGINT), ("b", VARCHAR)]),
    ),
    (list_of(BIGINT), list_of(VARCHAR), list_of(VARCHAR)),
    (
        list_of(struct([("x", BIGINT)])),
        list_of(struct([("y", BIGINT)])),
        list_of(struct([("x", BIGINT), ("y", BIGINT)])),
    ),
    (struct([("a", BIGINT)]), VARCHAR, JSON),
    (list_of(BIGINT), struct([("a", BIGINT)]), JSON),
    (JSON, BIGINT, JSON),
]


@pytest.mark.parametrize(("old", "new", "expected"), WIDENING)
def test_widening_keeps_every_value(old, new, expected):
    assert widen(old, new) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("id", "id"),
        ("date created", "date_created"),
        ("1st", "_1st"),
        ("", "_"),
        ("a-b.c", "a_b_c"),
    ],
)
def test_sanitize(name, expected):
    assert sanitize(name) == expected


def test_name_collisions_are_resolved_deterministically():
    names = ["a b", "a_b", "A_B", "a-b"]
    resolved = resolve_names(names)
    assert resolved == {"A_B": "A_B", "a_b": "a_b_2", "a b": "a_b_3", "a-b": "a_b_4"}
    assert resolve_names(list(reversed(names))) == resolved


def test_reserved_names_are_never_handed_out():
    assert resolve_names(["_sdc_sequence x"], reserved=["_sdc_sequence_x"]) == {
        "_sdc_sequence x": "_sdc_sequence_x_2"
    }
