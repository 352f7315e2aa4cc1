"""Schema evolution: new SCHEMA messages add and widen columns; nothing is dropped. Key
properties and type families of a loaded table do not change without an explicit rebuild."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from targets.duckdb.evolution import HOW_TO_PROCEED

from .conftest import encode, record, schema

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


def _refused(run, config, tmp_path, first: list, second: list):
    """Load ``first``, then run the executable on ``second``; return its error line."""
    run(first)
    config_file = tmp_path / "target.json"
    config_file.write_text(json.dumps(config))
    # another stream's batch is being staged when the refusal comes
    staging = [schema("lists", ID), record("lists", {"id": "l1"})]
    done = subprocess.run(
        [str(Path(sys.executable).with_name("target-duckdb")), "--config", str(config_file)],
        input=encode(staging + second),
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr
    assert "ResourceWarning" not in stderr  # the staged batch was closed and removed
    return stderr.strip().splitlines()[-1]


TAGS_LIST = {"type": "array", "items": {"type": "string"}}
TAGS_ANY = {"type": "array"}  # no items: JSON


@pytest.mark.parametrize(
    ("first", "second", "column", "old", "new"),
    [
        (TAGS_LIST, TAGS_ANY, "tags", "VARCHAR[]", "JSON"),
        (OBJ_A_INT, {"type": "string"}, "tags", 'STRUCT("a" BIGINT)', "JSON"),
        ({"type": "string"}, OBJ_A_INT, "tags", "VARCHAR", "JSON"),
        (
            {"type": "object", "properties": {"a": OBJ_A_INT}},
            {"type": "object", "properties": {"a": {"type": "string"}}},
            "tags.a",
            'STRUCT("a" BIGINT)',
            "JSON",
        ),
    ],
    ids=["list-to-json", "struct-to-json", "scalar-to-json", "nested-struct-to-json"],
)
def test_a_change_of_type_family_is_refused_and_nothing_changes(
    run, config, tmp_path, query, first, second, column, old, new
):
    loaded = [schema("tasks", {**ID, "tags": first}), record("tasks", {"id": "a"})]
    changed = [schema("tasks", {**ID, "tags": second}), record("tasks", {"id": "b"})]
    line = _refused(run, config, tmp_path, loaded, changed)
    assert line == (
        f"target-duckdb: stream 'tasks': table raw_test.tasks: column {column!r} holds {old} "
        f"values, but the stream's new schema needs {new} there, a different type family; "
        f"loaded values are not converted to JSON silently. The table is left as it was; {HOW_TO_PROCEED}"
    )
    assert column_types(query)["tags"] != "JSON"
    assert query("SELECT id FROM raw_test.tasks") == [("a",)]


def test_a_change_of_key_properties_is_refused(run, config, tmp_path, query):
    props = {**ID, "task_id": {"type": "string"}}
    line = _refused(
        run,
        config,
        tmp_path,
        [schema("tasks", props), record("tasks", {"id": "a", "task_id": "x"})],
        [schema("tasks", props, keys=["task_id"]), record("tasks", {"id": "b", "task_id": "x"})],
    )
    assert line == (
        "target-duckdb: stream 'tasks': table raw_test.tasks holds rows loaded with key "
        "properties ['id'], but the stream's key properties are now ['task_id']; upserting "
        f"by other keys would mix the two. The table is left as it was; {HOW_TO_PROCEED}"
    )
    assert query("SELECT id, task_id FROM raw_test.tasks") == [("a", "x")]


def test_overwrite_rebuilds_a_table_with_new_keys_and_types(run, query):
    run([schema("tasks", {**ID, "tags": TAGS_LIST}), record("tasks", {"id": "a", "tags": ["x"]})])
    props = {**ID, "tags": TAGS_ANY, "task_id": {"type": "string"}}
    rebuilt = [schema("tasks", props, keys=["task_id"])]
    rebuilt.append(record("tasks", {"id": "a", "task_id": "t", "tags": [1, "x"]}))
    run(rebuilt, load_method="overwrite")
    assert column_types(query)["tags"] == "JSON"
    assert query("SELECT task_id, tags FROM raw_test.tasks") == [("t", '[1,"x"]')]
    # the rebuilt table now upserts by its new keys
    run([schema("tasks", props, keys=["task_id"]), record("tasks", {"id": "b", "task_id": "t"})])
    assert query("SELECT id, task_id FROM raw_test.tasks") == [("b", "t")]


def test_an_empty_table_takes_new_keys_and_types(run, query):
    run([schema("tasks", {**ID, "tags": TAGS_LIST})])
    run(
        [
            schema("tasks", {**ID, "tags": TAGS_ANY}, keys=()),
            record("tasks", {"id": "a", "tags": [1]}),
        ]
    )
    assert column_types(query)["tags"] == "JSON"
    assert query("SELECT id FROM raw_test.tasks") == [("a",)]
