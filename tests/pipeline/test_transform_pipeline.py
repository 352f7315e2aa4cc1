"""The transform stage through Meltano on the sandbox: transform-duckdb as a utility after the
load, and mapper-duckdb in flight between tap and target; outputs checked row by row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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


def test_mapper_in_flight_gives_the_rows_of_the_post_load_run(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.run(
        "run", "tap-clickup", "clickup-staging", "target-duckdb",
        TARGET_DUCKDB_DEFAULT_TARGET_SCHEMA="stg_inflight",
    )  # fmt: skip
    # Same state id as the run above (Meltano keys state by tap and target), so start afresh.
    meltano_project.run(
        "run", "--full-refresh", "tap-clickup", "target-duckdb", "transform-duckdb:run"
    )  # fmt: skip

    in_flight = meltano_project.query(STG_TASKS.format(schema="stg_inflight"))
    post_load = meltano_project.query(STG_TASKS.format(schema="stg_clickup"))
    assert in_flight, "the mapper delivered no tasks"

    def normalised(rows: list[tuple]) -> list[tuple]:
        out = []
        for row in rows:
            created = row[-1]
            if created is not None and created.tzinfo is not None:
                created = created.astimezone(UTC).replace(tzinfo=None)
            out.append((*row[:-1], created))
        return out

    assert normalised(in_flight) == normalised(post_load)
    counts = meltano_project.counts("stg_inflight")
    assert counts["task_assignees"] == meltano_project.counts("stg_clickup")["task_assignees"]
    assert counts["teams"] == meltano_project.counts("raw_clickup")["teams"]
