"""Filters, joins, unnest, aggregations, unmapped columns, SQL models and run order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from transforms.engine import Project, load_mapping_text, run_models

SETUP = [
    "CREATE SCHEMA raw",
    """CREATE TABLE raw.tasks AS SELECT * FROM (VALUES
        ('t1', 'Fix #12 login', {'status': 'open', 'type': 'open'}, [{'id': 1, 'username': 'ann'}],
         '1704103200000', 'L1', '{"custom": {"points": 3}}'::JSON),
        ('t2', 'Write docs', {'status': 'done', 'type': 'closed'}, [],
         '1704362400000', 'L1', NULL),
        ('t3', 'Ship #7', {'status': 'review', 'type': 'custom'},
         [{'id': 1, 'username': 'ann'}, {'id': 2, 'username': 'bob'}],
         '1706781600000', 'L2', '{"custom": {"points": 5}}'::JSON),
        ('t4', NULL, NULL, NULL, NULL, 'L2', NULL)
    ) AS t(id, name, status, assignees, date_created, list_id, extra)""",
    """CREATE TABLE raw.issues AS SELECT * FROM (VALUES
        (12, 'Login broken'), (7, 'Release'), (99, 'Unrelated')
    ) AS t(number, title)""",
]


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    for statement in SETUP:
        connection.execute(statement)
    return connection


def build(connection: duckdb.DuckDBPyConnection, outputs: dict) -> None:
    text = yaml.safe_dump({"version": 1, "outputs": outputs}, sort_keys=False)
    run_models(connection, Project(tuple(load_mapping_text(text, "m.yaml"))).models)


def ids(connection: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in connection.execute(f"SELECT id FROM {table} ORDER BY id").fetchall()]  # noqa: S608


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"field": "status.type", "op": "eq", "value": "open"}, ["t1"]),
        ({"field": "status.type", "op": "ne", "value": "open"}, ["t2", "t3"]),
        ({"not": {"field": "status.type", "op": "eq", "value": "open"}}, ["t2", "t3", "t4"]),
        ({"field": "status.type", "op": "in", "value": ["open", "custom"]}, ["t1", "t3"]),
        ({"field": "status.type", "op": "not_in", "value": ["open"]}, ["t2", "t3"]),
        ({"field": "name", "op": "is_null"}, ["t4"]),
        ({"field": "name", "op": "not_null"}, ["t1", "t2", "t3"]),
        ({"field": "name", "op": "contains", "value": "#"}, ["t1", "t3"]),
        ({"field": "name", "op": "starts_with", "value": "Write"}, ["t2"]),
        ({"field": "name", "op": "ends_with", "value": "login"}, ["t1"]),
        ({"field": "name", "op": "matches", "value": "#[0-9]+$"}, ["t3"]),
        ({"field": "date_created", "op": "ge", "value": "1704362400000"}, ["t2", "t3"]),
        ({"field": "id", "op": "lt", "value": {"field": "list_id"}}, []),
        ({"all": [{"field": "list_id", "op": "eq", "value": "L1"},
                  {"field": "status.status", "op": "eq", "value": "done"}]}, ["t2"]),
        ({"any": [{"field": "id", "op": "eq", "value": "t4"},
                  {"field": "status.status", "op": "eq", "value": "done"}]}, ["t2", "t4"]),
    ],
)  # fmt: skip
def test_filters(
    warehouse: duckdb.DuckDBPyConnection, condition: dict, expected: list[str]
) -> None:
    build(warehouse, {"stg.t": {"from": "raw.tasks", "filter": condition, "fields": {"id": "id"}}})
    assert ids(warehouse, "stg.t") == expected


def test_filter_against_now(warehouse: duckdb.DuckDBPyConnection) -> None:
    build(
        warehouse,
        {
            "stg.t": {
                "from": "raw.tasks",
                "fields": {
                    "id": "id",
                    "created": {"from": "date_created", "apply": [{"to_timestamp": "epoch_ms"}]},
                },
            },
            "stg.past": {
                "from": "stg.t",
                "filter": {"field": "created", "op": "lt", "value": {"now": True}},
            },
        },
    )
    assert ids(warehouse, "stg.past") == ["t1", "t2", "t3"]


def test_lists_structs_and_json_paths(warehouse: duckdb.DuckDBPyConnection) -> None:
    build(
        warehouse,
        {
            "stg.t": {
                "from": "raw.tasks",
                "fields": {
                    "id": "id",
                    "status": {"from": "status.status", "apply": ["uppercase"]},
                    "assignees": {"from": "assignees[].username", "apply": [{"join": ","}]},
                    "assignee_ids": "assignees[].id",
                    "points": {"from": "extra.custom.points", "apply": ["to_int"]},
                    "source": {"value": "clickup"},
                },
            }
        },
    )
    assert warehouse.execute("SELECT * FROM stg.t ORDER BY id").fetchall() == [
        ("t1", "OPEN", "ann", [1], 3, "clickup"),
        ("t2", "DONE", "", [], None, "clickup"),
        ("t3", "REVIEW", "ann,bob", [1, 2], 5, "clickup"),
        ("t4", None, None, None, None, "clickup"),
    ]


def test_unnest_gives_one_row_per_element(warehouse: duckdb.DuckDBPyConnection) -> None:
    build(
        warehouse,
        {
            "stg.assignees": {
                "from": "raw.tasks",
                "unnest": {"field": "assignees", "as": "assignee"},
                "fields": {
                    "task_id": "id",
                    "user_id": "assignee.id",
                    "username": "assignee.username",
                },
            }
        },
    )
    rows = warehouse.execute("SELECT * FROM stg.assignees ORDER BY 1, 2").fetchall()
    assert rows == [("t1", 1, "ann"), ("t3", 1, "ann"), ("t3", 2, "bob")]


def test_join_tasks_to_the_issues_they_mention(warehouse: duckdb.DuckDBPyConnection) -> None:
    build(
        warehouse,
        {
            "stg.tasks": {
                "from": "raw.tasks",
                "fields": {
                    "id": "id",
                    "issue_number": {
                        "from": "name",
                        "apply": [{"regex_extract": ["#([0-9]+)", 1]}, "to_int"],
                    },
                },
            },
            "mart.task_issues": {
                "from": "stg.tasks",
                "as": "task",
                "joins": [
                    {
                        "source": "raw.issues",
                        "as": "issue",
                        "type": "left",
                        "on": {"issue_number": "number"},
                    }
                ],
                "fields": {"id": "task.id", "issue_title": "issue.title"},
            },
            "mart.linked": {
                "from": "stg.tasks",
                "joins": [{"source": "raw.issues", "on": {"issue_number": "number"}}],
                "fields": {"id": "id", "title": "issues.title"},
            },
        },
    )
    assert warehouse.execute("SELECT * FROM mart.task_issues ORDER BY id").fetchall() == [
        ("t1", "Login broken"), ("t2", None), ("t3", "Release"), ("t4", None),
    ]  # fmt: skip
    assert warehouse.execute("SELECT * FROM mart.linked ORDER BY id").fetchall() == [
        ("t1", "Login broken"), ("t3", "Release"),
    ]  # fmt: skip


def test_aggregation_with_measures_and_week_buckets(warehouse: duckdb.DuckDBPyConnection) -> None:
    build(
        warehouse,
        {
            "mart.by_list": {
                "from": "raw.tasks",
                "fields": {
                    "list_id": "list_id",
                    "id": "id",
                    "created": {"from": "date_created", "apply": [{"to_timestamp": "epoch_ms"}]},
                    "status_type": "status.type",
                },
                "group_by": ["list_id", {"field": "created", "bucket": "week", "as": "week"}],
                "measures": {
                    "tasks": "count",
                    "typed": {"count": "status_type"},
                    "kinds": {"count_distinct": "status_type"},
                    "first": {"min": "id"},
                    "last": {"max": "id"},
                },
            },
            "mart.sizes": {
                "from": "raw.issues",
                "measures": {"n": "count", "total": {"sum": "number"}, "mean": {"avg": "number"}},
            },
        },
    )
    assert warehouse.execute("SELECT * FROM mart.by_list").fetchall() == [
        ("L1", date(2024, 1, 1), 2, 2, 2, "t1", "t2"),
        ("L2", date(2024, 1, 29), 1, 1, 1, "t3", "t3"),
        ("L2", None, 1, 0, 0, "t4", "t4"),
    ]
    assert warehouse.execute("SELECT * FROM mart.sizes").fetchall() == [(3, 118, 118 / 3)]


def test_keep_unmapped_copies_the_other_columns(warehouse: duckdb.DuckDBPyConnection) -> None:
    build(
        warehouse,
        {"stg.i": {"from": "raw.issues", "keep_unmapped": True, "fields": {"n": "number"}}},
    )
    assert warehouse.table("stg.i").columns == ["n", "title"]
    build(warehouse, {"stg.i": {"from": "raw.issues", "fields": {"n": "number"}}})
    assert warehouse.table("stg.i").columns == ["n"]


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


def test_sql_models_run_after_what_they_read_and_selectors(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "mart.top.sql",
        "-- issues with a task\nSELECT number FROM stg.i WHERE number < 50;\n",
    )
    write(
        tmp_path,
        "a.yaml",
        "version: 1\noutputs:\n  stg.i:\n    from: raw.issues\n    fields: {number: number}\n",
    )
    write(tmp_path, "b.yaml", "version: 1\noutputs:\n  mart.other:\n    from: raw.issues\n")
    project = Project.load([tmp_path])
    assert [model.name for model in project.models] == ["stg.i", "mart.other", "mart.top"]
    assert [m.name for m in project.select(["mart.top"])] == ["mart.top"]
    assert [m.name for m in project.select(["+mart.top"])] == ["stg.i", "mart.top"]
    assert [m.name for m in project.select(["stg.i+"])] == ["stg.i", "mart.top"]
    assert [m.name for m in project.select(["mart.*"])] == ["mart.other", "mart.top"]
    results = run_models(warehouse, project.models)
    assert [(r.name, r.rows) for r in results] == [("stg.i", 3), ("mart.other", 3), ("mart.top", 2)]
    assert warehouse.execute("SELECT * FROM mart.top ORDER BY 1").fetchall() == [(7,), (12,)]
