"""The transform stage through Meltano on the sandbox: transform-duckdb as a utility after the
load, and mapper-duckdb in flight between tap and target; outputs checked row by row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from tests.pipeline.conftest import MeltanoProject

pytestmark = [pytest.mark.pipeline]

EPOCH = datetime(1970, 1, 1)


def expected_task(row: tuple) -> tuple:
    """What stg_clickup.tasks must hold for one raw task, computed in Python."""
    task_id, name, status, status_type, priority_id, list_id, assignees, tags, created = row
    return (
        task_id,
        name.strip() if name is not None else None,
        status.lower() if status is not None else None,
        status_type,
        int(priority_id) if priority_id is not None else None,
        list_id,
        ", ".join(assignees or []),
        ", ".join(tags or []),
        EPOCH + timedelta(milliseconds=int(created)) if created is not None else None,
    )


RAW_TASKS = """
SELECT id, name, status.status, status.type, priority.id, list.id,
       list_transform(assignees, lambda a: a.username), list_transform(tags, lambda t: t.name),
       date_created
FROM raw_clickup.tasks ORDER BY id
"""
STG_TASKS = """
SELECT task_id, name, status, status_type, priority_id, list_id, assignee_usernames, tags, created_at
FROM {schema}.tasks ORDER BY task_id
"""


def test_load_then_transform_through_meltano(meltano_project: MeltanoProject) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb", "transform-duckdb:run")
    raw = meltano_project.query(RAW_TASKS)
    assert raw, "the sandbox loaded no tasks"
    rejected = {
        record_id
        for (record_id,) in meltano_project.query(
            "SELECT json_extract_string(_record, '$.id') FROM stg_clickup.tasks__rejected"
        )
    }
    expected = [expected_task(row) for row in raw if row[0] not in rejected]
    assert meltano_project.query(STG_TASKS.format(schema="stg_clickup")) == expected

    assignees = meltano_project.query("SELECT count(*) FROM raw_clickup.tasks, unnest(assignees)")[
        0
    ][0]
    assert meltano_project.counts("stg_clickup")["task_assignees"] == assignees
    by_status = meltano_project.query("SELECT sum(tasks) FROM mart_clickup.tasks_by_status")
    assert by_status == [(len(expected),)]
    hours = meltano_project.query(
        "SELECT round((SELECT sum(hours) FROM mart_clickup.hours_per_member_per_week), 6), "
        "round((SELECT sum(duration_hours) FROM stg_clickup.time_entries), 6)"
    )[0]
    assert hours[0] == hours[1]
    assert hours[0] > 0

    validated = meltano_project.run("invoke", "transform-duckdb:validate")
    assert "ok: 10 output(s) match the warehouse" in validated.stdout + validated.stderr
    preview = meltano_project.run(
        "invoke", "transform-duckdb:preview", "mart_clickup.tasks_by_status"
    )
    assert "tasks_with_due_date" in preview.stdout


MAPPED_STREAMS = {"tasks", "time_entries", "lists"}
STAGED_TABLES = {
    "tasks",
    "task_assignees",
    "task_tags",
    "task_custom_fields",
    "time_entries",
    "lists",
}


def test_mapper_in_flight_lands_in_stg_and_leaves_raw_to_the_tap(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.run("run", "tap-clickup", "clickup-staging", "target-duckdb")

    staged = meltano_project.counts("stg_clickup")
    assert set(staged) >= STAGED_TABLES, staged
    assert all(staged[table] > 0 for table in STAGED_TABLES), staged
    raw = meltano_project.counts("raw_clickup")
    assert raw["teams"] > 0, "streams no mapping reads pass through to raw_clickup"
    assert not (MAPPED_STREAMS | STAGED_TABLES) & set(raw), raw
    assert meltano_project.query(
        "SELECT count(*) FROM stg_clickup.tasks WHERE task_id IS NULL OR task_id = ''"
    ) == [(0,)]
    in_flight = meltano_project.query(STG_TASKS.format(schema="stg_clickup"))
    assert in_flight, "the mapper delivered no tasks"

    # A plain load afterwards works (Meltano keys state by tap and target, so start afresh).
    meltano_project.run("run", "--full-refresh", "tap-clickup", "target-duckdb")
    assert meltano_project.query(
        "SELECT count(*), count(*) FILTER (WHERE id IS NULL OR id = '') FROM raw_clickup.tasks"
    )[0] == (len(in_flight) + staged_rejects(meltano_project), 0)
    tags_type = meltano_project.query(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_clickup' AND table_name = 'tasks' AND column_name = 'tags'"
    )
    assert tags_type[0][0].endswith("[]"), tags_type

    # transform-duckdb does not write into the schema the in-flight load filled, and says why…
    refused = meltano_project.run("invoke", "transform-duckdb:run", check=False)
    assert refused.returncode != 0
    assert (
        "output 'stg_clickup.tasks' would write into schema 'stg_clickup', which a target loads"
        in refused.stderr
    ), refused.stderr[-3000:]
    assert meltano_project.query(STG_TASKS.format(schema="stg_clickup")) == in_flight
    # …and once they are dropped, builds from the raw tables the same rows the mapper made.
    with duckdb.connect(str(meltano_project.warehouse)) as connection:
        connection.execute("DROP SCHEMA stg_clickup CASCADE")
    meltano_project.run("invoke", "transform-duckdb:run")
    post_load = meltano_project.query(STG_TASKS.format(schema="stg_clickup"))

    def normalised(rows: list[tuple]) -> list[tuple]:
        out = []
        for row in rows:
            created = row[-1]
            if created is not None and created.tzinfo is not None:
                created = created.astimezone(UTC).replace(tzinfo=None)
            out.append((*row[:-1], created))
        return out

    assert normalised(in_flight) == normalised(post_load)
    counts = meltano_project.counts("stg_clickup")
    assert counts["task_assignees"] == staged["task_assignees"]


def staged_rejects(project: MeltanoProject) -> int:
    """Tasks the in-flight mapping rejected (they are in raw, not in stg_clickup.tasks)."""
    return int(project.query("SELECT count(*) FROM stg_clickup.tasks__rejected")[0][0])
