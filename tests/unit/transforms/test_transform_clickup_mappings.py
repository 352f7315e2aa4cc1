"""The shipped ClickUp mappings: schema-valid, and right row by row on a small dataset."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path

import duckdb
import jsonschema
import pytest

from brainhub.yaml_lines import load_yaml_with_lines
from transforms.engine import Project, mapping_schema, run_models, validate_models
from transforms.engine.project import discover

REPO = Path(__file__).resolve().parents[3]
TRANSFORMS = REPO / "transforms"

USER = "STRUCT(id BIGINT, username VARCHAR, email VARCHAR)"
PLACE = 'STRUCT(id VARCHAR, "name" VARCHAR)'
TASK_COLUMNS = {
    "id": "VARCHAR", "custom_id": "VARCHAR", "name": "VARCHAR", "text_content": "VARCHAR",
    "status": 'STRUCT(status VARCHAR, "type" VARCHAR)',
    "priority": "STRUCT(id VARCHAR, priority VARCHAR)",
    "list": PLACE, "folder": PLACE, "space": "STRUCT(id VARCHAR)", "parent": "VARCHAR",
    "creator": USER, "assignees": f"{USER}[]", "tags": 'STRUCT("name" VARCHAR)[]',
    "custom_fields": 'STRUCT(id VARCHAR, "name" VARCHAR, "type" VARCHAR, "value" JSON)[]',
    "date_created": "VARCHAR", "date_updated": "VARCHAR", "date_closed": "VARCHAR",
    "date_done": "VARCHAR", "start_date": "VARCHAR", "due_date": "VARCHAR",
    "time_estimate": "BIGINT", "time_spent": "BIGINT", "points": "DOUBLE", "archived": "BOOLEAN",
    "url": "VARCHAR",
}  # fmt: skip
TIME_ENTRY_COLUMNS = {
    "id": "VARCHAR", "task": 'STRUCT(id VARCHAR, "name" VARCHAR)', "user": USER,
    "billable": "BOOLEAN", "start": "VARCHAR", "end": "VARCHAR", "duration": "VARCHAR",
    "description": "VARCHAR",
}  # fmt: skip
LIST_COLUMNS = {
    "id": "VARCHAR", "name": "VARCHAR", "folder": PLACE, "space": PLACE,
    "task_count": "BIGINT", "archived": "BOOLEAN",
}  # fmt: skip

ANN = {"id": 1, "username": "Ann Lee", "email": "Ann@Example.com"}
BOB = {"id": 2, "username": "Bob Roy", "email": "bob@example.com"}
BACKLOG = {"id": "L1", "name": "Backlog"}
TASKS = [
    {
        "id": "t1", "name": " Fix login ", "text_content": "Steps\n", "url": "https://app.clickup.com/t/t1",
        "status": {"status": "In Progress", "type": "custom"}, "priority": {"id": "2", "priority": "high"},
        "list": BACKLOG, "folder": {"id": "F1", "name": "Roadmap"}, "space": {"id": "S1"},
        "creator": BOB, "assignees": [ANN, BOB], "tags": [{"name": "Bug "}, {"name": "backend"}],
        "custom_fields": [{"id": "c1", "name": "Customer", "type": "short_text", "value": "Acme"},
                          {"id": "c2", "name": "Estimate (h)", "type": "number", "value": None}],
        "date_created": "1704103200000", "date_updated": "1704189600000", "due_date": "1704362400000",
        "time_estimate": 7200000, "points": 3, "archived": False,
    },
    {
        "id": "t2", "name": "Write docs", "status": {"status": "done", "type": "closed"},
        "priority": None, "list": BACKLOG, "folder": {"id": "F1", "name": "Roadmap"}, "space": {"id": "S1"},
        "creator": ANN, "assignees": [], "tags": [], "custom_fields": [],
        "date_created": "1704103200000", "date_closed": "1704276000000", "due_date": "1704200000000",
        "archived": False,
    },
    {
        "id": "t3", "name": "Broken date", "status": {"status": "to do", "type": "open"},
        "list": {"id": "L2", "name": "Ideas"}, "space": {"id": "S1"}, "assignees": [BOB],
        "date_created": "yesterday",
    },
]  # fmt: skip
TIME_ENTRIES = [
    {"id": "e1", "task": {"id": "t1", "name": "Fix login"}, "user": ANN, "billable": True,
     "start": "1704103200000", "end": "1704110400000", "duration": "7200000", "description": " pairing "},
    {"id": "e2", "task": {"id": "t1", "name": "Fix login"}, "user": ANN, "billable": False,
     "start": "1704708000000", "end": "1704709800000", "duration": "1800000"},
    {"id": "e3", "task": {"id": "t2", "name": "Write docs"}, "user": BOB, "billable": False,
     "start": "1704189600000", "end": None, "duration": "-60000"},
]  # fmt: skip


def test_every_shipped_mapping_file_matches_the_json_schema() -> None:
    validator = jsonschema.Draft202012Validator(mapping_schema())
    files = [f for f in discover([TRANSFORMS]) if f.suffix in (".yaml", ".yml")]
    assert files, "no mapping files shipped"
    for file in files:
        errors = list(validator.iter_errors(load_yaml_with_lines(file.read_text(encoding="utf-8"))))
        assert not errors, f"{file}: {errors[0].message}"


def load(
    connection: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], rows: list[dict]
) -> None:
    data = io.BytesIO("".join(json.dumps(row) + "\n" for row in rows).encode())
    relation = connection.read_json(data, columns=columns, format="newline_delimited")
    relation.to_table(table)


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    connection.execute("CREATE SCHEMA raw_clickup")
    load(connection, "raw_clickup.tasks", TASK_COLUMNS, TASKS)
    load(connection, "raw_clickup.time_entries", TIME_ENTRY_COLUMNS, TIME_ENTRIES)
    load(
        connection,
        "raw_clickup.lists",
        LIST_COLUMNS,
        [{"id": "L1", "name": "Backlog", "task_count": 2}],
    )
    return connection


@pytest.fixture
def project() -> Project:
    return Project.load([TRANSFORMS / "clickup"], display_root=REPO)


def test_shipped_mappings_validate_against_the_raw_layout(
    warehouse: duckdb.DuckDBPyConnection, project: Project
) -> None:
    assert validate_models(warehouse, project.models) == []


def test_staging_tasks_row_by_row(warehouse: duckdb.DuckDBPyConnection, project: Project) -> None:
    results = {r.name: r for r in run_models(warehouse, project.models)}
    assert (results["stg_clickup.tasks"].rows, results["stg_clickup.tasks"].rejected) == (2, 1)
    rows = warehouse.execute(
        "SELECT task_id, name, description, status, status_type, priority, priority_id, list_id, "
        "list_name, folder_name, creator_username, assignee_ids, assignee_usernames, tags, "
        "created_at, closed_at, due_at, time_estimate_hours, points "
        "FROM stg_clickup.tasks ORDER BY task_id"
    ).fetchall()
    assert rows == [
        ("t1", "Fix login", "Steps", "in progress", "custom", "high", 2, "L1", "Backlog", "Roadmap",
         "Bob Roy", [1, 2], "Ann Lee, Bob Roy", "Bug , backend",
         datetime(2024, 1, 1, 10), None, datetime(2024, 1, 4, 10), 2.0, 3.0),
        ("t2", "Write docs", None, "done", "closed", None, None, "L1", "Backlog", "Roadmap",
         "Ann Lee", [], "", "", datetime(2024, 1, 1, 10), datetime(2024, 1, 3, 10),
         datetime(2024, 1, 2, 12, 53, 20), None, None),
    ]  # fmt: skip
    rejected = warehouse.execute(
        "SELECT _rule, _field, _reason FROM stg_clickup.tasks__rejected"
    ).fetchall()
    assert rejected == [
        ("to_timestamp", "created_at", "to_timestamp could not convert 'yesterday'")
    ]


def test_unnested_staging_tables(warehouse: duckdb.DuckDBPyConnection, project: Project) -> None:
    run_models(warehouse, project.models)
    assert warehouse.execute(
        "SELECT * FROM stg_clickup.task_assignees ORDER BY 1, 2"
    ).fetchall() == [
        ("t1", 1, "Ann Lee", "ann@example.com"),
        ("t1", 2, "Bob Roy", "bob@example.com"),
        ("t3", 2, "Bob Roy", "bob@example.com"),
    ]
    assert warehouse.execute("SELECT * FROM stg_clickup.task_tags ORDER BY 1, 2").fetchall() == [
        ("t1", "backend"), ("t1", "bug"),
    ]  # fmt: skip
    assert warehouse.execute("SELECT * FROM stg_clickup.task_custom_fields").fetchall() == [
        ("t1", "c1", "Customer", "short_text", "Acme"),
    ]


def test_time_entries_and_marts(warehouse: duckdb.DuckDBPyConnection, project: Project) -> None:
    run_models(warehouse, project.models)
    assert warehouse.execute(
        "SELECT time_entry_id, user_id, started_at, duration_hours, description FROM stg_clickup.time_entries ORDER BY 1"
    ).fetchall() == [
        ("e1", 1, datetime(2024, 1, 1, 10), 2.0, "pairing"),
        ("e2", 1, datetime(2024, 1, 8, 10), 0.5, None),
    ]
    assert warehouse.execute(
        "SELECT _rule, _field FROM stg_clickup.time_entries__rejected"
    ).fetchall() == [("range", "duration_hours")]
    assert warehouse.execute("SELECT * FROM mart_clickup.hours_per_member_per_week").fetchall() == [
        (1, "Ann Lee", date(2024, 1, 1), 2.0, 1, 1),
        (1, "Ann Lee", date(2024, 1, 8), 0.5, 1, 1),
    ]
    assert warehouse.execute("SELECT * FROM mart_clickup.hours_per_list_per_week").fetchall() == [
        ("L1", "Backlog", date(2024, 1, 1), 2.0),
        ("L1", "Backlog", date(2024, 1, 8), 0.5),
    ]
    assert warehouse.execute(
        "SELECT list_id, status, tasks, tasks_with_due_date, estimated_hours FROM mart_clickup.tasks_by_status"
    ).fetchall() == [("L1", "done", 1, 1, None), ("L1", "in progress", 1, 1, 2.0)]
    overdue = warehouse.execute(
        "SELECT task_id, days_overdue > 600 FROM mart_clickup.overdue_tasks"
    ).fetchall()
    assert overdue == [("t1", True)]
    assert warehouse.execute("SELECT list_id, task_count FROM stg_clickup.lists").fetchall() == [
        ("L1", 2)
    ]
