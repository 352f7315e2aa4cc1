"""Schema evolution: new SCHEMA messages add and widen columns; nothing is dropped."""

from __future__ import annotations

import pytest

from .conftest import record, schema

ID = {"id": {"type": "string"}}


def column_types(query):
    rows = query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_test' AND table_name = 'tasks' ORDER BY ordinal_position"
    )
    return dict(rows)


OBJ_A_INT = {"type": "object", "properties": {"a": {"type": "integer"}}}
ITEMS_X = {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "integer"}}}}
ITEMS_Y = {"type": "array", "items": {"type": "object", "properties": {"y": {"type": "string"}}}}

# first property schema, first value, second property schema, second value,
# column type afterwards, the first value as stored afterwards, the second value as stored
EVOLUTION = [
    ({"type": "integer"}, 1, {"type": "number"}, 1.5, "DOUBLE", 1.0, 1.5),
    ({"type": "number"}, 1.5, {"type": "string"}, "one", "VARCHAR", "1.5", "one"),
    ({"type": "integer"}, 7, {"type": "string"}, "seven", "VARCHAR", "7", "seven"),
    ({"type": "number"}, 2.5, {"type": "integer"}, 3, "DOUBLE", 2.5, 3.0),
    (
        {"type": "string", "format": "date-time"},
        "2024-01-01T00:00:00Z",
        {"type": "string"},
        "soon",
        "VARCHAR",
        "2024-01-01 00:00:00+00",
        "soon",
    ),
    (
        OBJ_A_INT,
        {"a": 1},
        {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}},
        {"a": 2, "b": "x"},
        "STRUCT(a BIGINT, b VARCHAR)",
        {"a": 1, "b": None},
        {"a": 2, "b": "x"},
    ),
    (
        OBJ_A_INT,
        {"a": 1},
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"a": "x"},
        "STRUCT(a VARCHAR)",
        {"a": "1"},
        {"a": "x"},
    ),
    (
        ITEMS_X,
        [{"x": 1}],
        ITEMS_Y,
        [{"y": "b"}],
        "STRUCT(x BIGINT, y VARCHAR)[]",
        [{"x": 1, "y": None}],
        [{"x": None, "y": "b"}],
    ),
    (OBJ_A_INT, {"a": 1}, {"type": "string"}, "flat now", "JSON", '{"a":1}', '"flat now"'),
]


@pytest.mark.parametrize(
    ("first", "v1", "second", "v2", "expected", "old_after", "new_after"), EVOLUTION
)
def test_widening_keeps_old_and_new_values(
    run, query, first, v1, second, v2, expected, old_after, new_after
):
    run(
        [
            schema("tasks", {**ID, "v": first}),
            record("tasks", {"id": "old", "v": v1}),
            schema("tasks", {**ID, "v": second}),
            record("tasks", {"id": "new", "v": v2}),
        ]
    )
    assert column_types(query)["v"].replace('"', "") == expected
    rows = dict(query("SELECT id, v FROM raw_test.tasks"))
    assert rows == {"old": old_after, "new": new_after}


def test_integer_widened_to_number_keeps_exact_old_values(run, query):
    run([schema("tasks", {**ID, "v": {"type": "integer"}}), record("tasks", {"id": "a", "v": 42})])
    run([schema("tasks", {**ID, "v": {"type": "number"}}), record("tasks", {"id": "b", "v": 0.5})])
    assert query("SELECT id, v FROM raw_test.tasks ORDER BY id") == [("a", 42.0), ("b", 0.5)]


def test_new_columns_are_added_and_removed_ones_kept(run, query):
    run(
        [
            schema("tasks", {**ID, "gone": {"type": "string"}}),
            record("tasks", {"id": "a", "gone": "x"}),
        ]
    )
    run(
        [
            schema("tasks", {**ID, "added": {"type": "integer"}}),
            record("tasks", {"id": "b", "added": 1}),
        ]
    )
    assert {"id", "gone", "added"} <= set(column_types(query))
    assert query("SELECT id, gone, added FROM raw_test.tasks ORDER BY id") == [
        ("a", "x", None),
        ("b", None, 1),
    ]


def test_schema_change_mid_stream_commits_earlier_records_first(run, query):
    run(
        [
            schema("tasks", {**ID, "v": {"type": "integer"}}),
            record("tasks", {"id": "a", "v": 1}),
            schema("tasks", {**ID, "v": {"type": "string"}}),
            record("tasks", {"id": "a", "v": "latest"}),
        ]
    )
    assert query("SELECT id, v FROM raw_test.tasks") == [("a", "latest")]
