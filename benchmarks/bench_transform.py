"""The transform stage against hand-written SQL, and mapper-duckdb against target-duckdb.

**Post-load.** Generates ``raw_clickup.tasks`` (1,000,000 rows by default, in the layout
target-duckdb loads: nested STRUCTs, lists of STRUCTs, JSON values, epoch-ms strings),
``raw_clickup.time_entries`` (as many rows) and ``raw_clickup.lists``, then times, in
alternating rounds of the same run:

* **engine** — the shipped ClickUp mappings (``transforms/clickup``) built by the engine
  exactly as ``transform-duckdb run`` builds them (checks, rejects tables and all);
* **hand** — the same tables written by hand as plain DuckDB SQL, run directly.

Every output table of the engine is then compared with its hand-written twin (same columns,
same rows). Goal: engine <= 1.2 x hand.

**In flight.** Writes a Singer stream of task records (``--stream-records``), then times
``target-duckdb`` loading it into a fresh warehouse and ``mapper-duckdb`` mapping it with
``transforms/clickup/staging.yaml`` (every output that reads ``tasks``) and with the seed
mapping alone. Goal: mapper rate ≥ 50% of the target's.

    python benchmarks/bench_transform.py [--tasks 1000000] [--stream-records 200000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from transforms.engine import Project, run_models  # noqa: E402
from transforms.engine.stream_types import json_schema  # noqa: E402
from transforms.engine.types import column_type  # noqa: E402

WORK = Path(__file__).resolve().parent / ".work" / "transform"
BIN = Path(sys.executable).parent

USER = "{'id': 80000000 + (i % 50), 'username': 'User ' || (i % 50), 'email': 'user' || (i % 50) || '@example.com', 'color': '#7b68ee', 'initials': 'U' || (i % 50), 'profilePicture': NULL}"
GENERATE = f"""
CREATE SCHEMA IF NOT EXISTS raw_clickup;
CREATE OR REPLACE TABLE raw_clickup.tasks AS
SELECT
    'T' || i AS id,
    CASE WHEN i % 10 = 0 THEN 'CU-' || i END AS custom_id,
    'Task number ' || i || ' ' AS name,
    ' Description of task ' || i || '. It spans a sentence or two of text. ' AS text_content,
    ' Description of task ' || i AS description,
    {{'id': 's' || (i % 4), 'status': ['To Do', 'In Progress', 'Review', 'Done'][i % 4 + 1], 'color': '#87909e',
      'type': ['open', 'custom', 'custom', 'closed'][i % 4 + 1], 'orderindex': i % 4}} AS status,
    CAST(i AS VARCHAR) || '.0000' AS orderindex,
    CAST(1704067200000 + i * 60000 AS VARCHAR) AS date_created,
    CAST(1704067200000 + i * 90000 AS VARCHAR) AS date_updated,
    CASE WHEN i % 4 = 3 THEN CAST(1704067200000 + i * 120000 AS VARCHAR) END AS date_closed,
    CASE WHEN i % 4 = 3 THEN CAST(1704067200000 + i * 120000 AS VARCHAR) END AS date_done,
    i % 97 = 0 AS archived,
    {USER} AS creator,
    list_transform(range(i % 3), lambda k: {USER.replace("(i % 50)", "((i + k) % 50)")}) AS assignees,
    list_transform(range(i % 2), lambda k: {USER.replace("(i % 50)", "((i + k + 7) % 50)")}) AS watchers,
    list_transform(range(i % 3), lambda k: {{'name': ['bug', 'feature', 'frontend'][k + 1], 'tag_fg': '#fff', 'tag_bg': '#000', 'creator': 80000000}}) AS tags,
    CASE WHEN i % 7 = 0 THEN 'T' || (i - 1) END AS parent,
    CASE WHEN i % 5 <> 0 THEN {{'id': CAST(i % 4 + 1 AS VARCHAR), 'priority': ['urgent', 'high', 'normal', 'low'][i % 4 + 1], 'color': '#f00', 'orderindex': CAST(i % 4 + 1 AS VARCHAR)}} END AS priority,
    CASE WHEN i % 3 = 0 THEN CAST(1704067200000 + i * 100000 AS VARCHAR) END AS due_date,
    CASE WHEN i % 6 = 0 THEN CAST(1704067200000 + i * 50000 AS VARCHAR) END AS start_date,
    CAST(i % 8 AS DOUBLE) AS points,
    CASE WHEN i % 2 = 0 THEN CAST(i % 10 + 1 AS BIGINT) * 1800000 END AS time_estimate,
    CASE WHEN i % 3 = 0 THEN CAST(i % 7 + 1 AS BIGINT) * 900000 END AS time_spent,
    [
      {{'id': 'cf-stage', 'name': 'Stage', 'type': 'drop_down', 'type_config': '{{"options":[]}}'::JSON, 'date_created': '1737842915816', 'hide_from_guests': false, 'required': false, 'value': CASE WHEN i % 2 = 0 THEN CAST(i % 4 AS VARCHAR)::JSON END}},
      {{'id': 'cf-estimate', 'name': 'Estimate (h)', 'type': 'number', 'type_config': '{{}}'::JSON, 'date_created': '1737842916816', 'hide_from_guests': false, 'required': false, 'value': CASE WHEN i % 3 = 0 THEN ('"' || (i % 40) || '"')::JSON END}},
      {{'id': 'cf-customer', 'name': 'Customer', 'type': 'short_text', 'type_config': '{{}}'::JSON, 'date_created': '1746403200000', 'hide_from_guests': false, 'required': false, 'value': CASE WHEN i % 4 = 0 THEN '"Umbrella"'::JSON END}}
    ] AS custom_fields,
    '9015000101' AS team_id,
    'https://app.clickup.com/t/T' || i AS url,
    'create' AS permission_level,
    {{'id': 'L' || (i % 500), 'name': 'List ' || (i % 500), 'access': true, 'hidden': false}} AS list,
    {{'id': 'F' || (i % 50), 'name': 'Folder ' || (i % 50), 'access': true, 'hidden': false}} AS folder,
    {{'id': 'S' || (i % 5), 'name': 'Space ' || (i % 5), 'access': true, 'hidden': false}} AS space,
    'L' || (i % 500) AS list_id,
    TIMESTAMPTZ '2024-06-01 00:00:00+00' AS _sdc_extracted_at,
    TIMESTAMPTZ '2024-06-01 00:00:01+00' AS _sdc_batched_at,
    CAST(NULL AS TIMESTAMPTZ) AS _sdc_deleted_at
FROM range({{tasks}}) AS r(i);
CREATE OR REPLACE TABLE raw_clickup.time_entries AS
SELECT
    '41000000' || i AS id,
    '9015000101' AS team_id,
    {{'id': 'T' || (i * 7 % {{tasks}}), 'custom_id': NULL::VARCHAR, 'name': 'Task number ' || (i * 7 % {{tasks}}),
      'status': {{'status': 'in progress', 'type': 'custom'}}}} AS task,
    '9015000101' AS wid,
    {USER} AS "user",
    i % 3 = 0 AS billable,
    CAST(1704067200000 + i * 45000 AS VARCHAR) AS "start",
    CAST(1704067200000 + i * 45000 + (i % 20 + 1) * 600000 AS VARCHAR) AS "end",
    CAST((i % 20 + 1) * 600000 AS VARCHAR) AS duration,
    CASE WHEN i % 2 = 0 THEN ' pairing on ' || i END AS description,
    [] :: STRUCT("name" VARCHAR)[] AS tags,
    'clickup' AS source,
    CAST(1704067200000 + i * 45000 AS VARCHAR) AS "at",
    TIMESTAMPTZ '2024-06-01 00:00:00+00' AS _sdc_extracted_at
FROM range({{tasks}}) AS r(i);
CREATE OR REPLACE TABLE raw_clickup.lists AS
SELECT 'L' || i AS id, 'List ' || i AS name, i AS orderindex,
    {{'id': 'F' || (i % 50), 'name': 'Folder ' || (i % 50), 'access': true, 'hidden': false}} AS folder,
    {{'id': 'S' || (i % 5), 'name': 'Space ' || (i % 5), 'access': true, 'hidden': false}} AS space,
    CAST({{tasks}} / 500 AS BIGINT) AS task_count, false AS archived
FROM range(500) AS r(i);
"""  # noqa: S608 - generated test data, no outside input

HAND_SQL = """
CREATE SCHEMA IF NOT EXISTS hand_stg;
CREATE SCHEMA IF NOT EXISTS hand_mart;
CREATE OR REPLACE TABLE hand_stg.tasks AS
SELECT id AS task_id, custom_id, trim(name) AS name, trim(text_content) AS description,
    lower(status.status) AS status, status.type AS status_type, priority.priority AS priority,
    TRY_CAST(priority.id AS BIGINT) AS priority_id, list.id AS list_id, list.name AS list_name,
    folder.id AS folder_id, folder.name AS folder_name, space.id AS space_id,
    parent AS parent_task_id, creator.id AS creator_id, creator.username AS creator_username,
    list_transform(assignees, lambda a: a.id) AS assignee_ids,
    array_to_string(list_transform(assignees, lambda a: a.username), ', ') AS assignee_usernames,
    array_to_string(list_transform(tags, lambda t: t.name), ', ') AS tags,
    epoch_ms(TRY_CAST(date_created AS BIGINT)) AS created_at,
    epoch_ms(TRY_CAST(date_updated AS BIGINT)) AS updated_at,
    epoch_ms(TRY_CAST(date_closed AS BIGINT)) AS closed_at,
    epoch_ms(TRY_CAST(date_done AS BIGINT)) AS done_at,
    epoch_ms(TRY_CAST(start_date AS BIGINT)) AS start_at,
    epoch_ms(TRY_CAST(due_date AS BIGINT)) AS due_at,
    time_estimate / 3600000 AS time_estimate_hours, time_spent / 3600000 AS time_spent_hours,
    points, archived, url
FROM raw_clickup.tasks;
CREATE OR REPLACE TABLE hand_stg.task_assignees AS
SELECT t.id AS task_id, u.a.id AS user_id, u.a.username AS username, lower(u.a.email) AS email
FROM raw_clickup.tasks AS t, unnest(t.assignees) AS u(a);
CREATE OR REPLACE TABLE hand_stg.task_tags AS
SELECT t.id AS task_id, lower(trim(u.g.name)) AS tag FROM raw_clickup.tasks AS t, unnest(t.tags) AS u(g);
CREATE OR REPLACE TABLE hand_stg.task_custom_fields AS
SELECT t.id AS task_id, u.f.id AS field_id, u.f.name AS field_name, u.f.type AS field_type,
    json_extract_string(u.f.value, '$') AS value
FROM raw_clickup.tasks AS t, unnest(t.custom_fields) AS u(f) WHERE u.f.value IS NOT NULL;
CREATE OR REPLACE TABLE hand_stg.time_entries AS
SELECT id AS time_entry_id, task.id AS task_id, task.name AS task_name, "user".id AS user_id,
    "user".username AS username, epoch_ms(TRY_CAST("start" AS BIGINT)) AS started_at,
    epoch_ms(TRY_CAST("end" AS BIGINT)) AS ended_at,
    TRY_CAST(duration AS DOUBLE) / 3600000 AS duration_hours, billable, trim(description) AS description
FROM raw_clickup.time_entries;
CREATE OR REPLACE TABLE hand_stg.lists AS
SELECT id AS list_id, name, folder.id AS folder_id, folder.name AS folder_name, space.id AS space_id,
    task_count, archived
FROM raw_clickup.lists;
CREATE OR REPLACE TABLE hand_mart.tasks_by_status AS
SELECT list_id, list_name, status, status_type, count(*) AS tasks, count(due_at) AS tasks_with_due_date,
    sum(time_estimate_hours) AS estimated_hours, min(due_at) AS next_due_at
FROM hand_stg.tasks GROUP BY ALL ORDER BY ALL;
CREATE OR REPLACE TABLE hand_mart.hours_per_member_per_week AS
SELECT user_id, username, CAST(date_trunc('week', started_at) AS DATE) AS week,
    sum(duration_hours) AS hours, count(*) AS entries, count(DISTINCT task_id) AS tasks
FROM hand_stg.time_entries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
CREATE OR REPLACE TABLE hand_mart.hours_per_list_per_week AS
SELECT t.list_id, t.list_name, CAST(date_trunc('week', CAST(e.started_at AS DATE)) AS DATE) AS week,
    sum(e.duration_hours) AS hours
FROM hand_stg.time_entries AS e LEFT JOIN hand_stg.tasks AS t ON e.task_id = t.task_id
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
CREATE OR REPLACE TABLE hand_mart.overdue_tasks AS
SELECT task_id, name, list_name, status, assignee_usernames, due_at,
    date_diff('day', due_at, CAST(timezone('UTC', now()) AS TIMESTAMP)) AS days_overdue
FROM hand_stg.tasks
WHERE due_at < CAST(timezone('UTC', now()) AS TIMESTAMP) AND status_type NOT IN ('closed', 'done')
ORDER BY days_overdue DESC, task_id;
"""

PAIRS = {
    "stg_clickup.tasks": "hand_stg.tasks",
    "stg_clickup.task_assignees": "hand_stg.task_assignees",
    "stg_clickup.task_tags": "hand_stg.task_tags",
    "stg_clickup.task_custom_fields": "hand_stg.task_custom_fields",
    "stg_clickup.time_entries": "hand_stg.time_entries",
    "stg_clickup.lists": "hand_stg.lists",
    "mart_clickup.tasks_by_status": "hand_mart.tasks_by_status",
    "mart_clickup.hours_per_member_per_week": "hand_mart.hours_per_member_per_week",
    "mart_clickup.hours_per_list_per_week": "hand_mart.hours_per_list_per_week",
    "mart_clickup.overdue_tasks": "hand_mart.overdue_tasks",
}

SEED_MAPPING = """\
version: 1
outputs:
  stg.tasks:
    from: tasks
    fields:
      external_id: {from: id, apply: [to_string]}
      subject: {from: name, apply: [uppercase]}
      content: {from: text_content, apply: [trim]}
      author_id: {from: creator.id, apply: [to_int]}
"""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(str(path))
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def generate(path: Path, tasks: int) -> None:
    started = time.perf_counter()
    with connect(path) as connection:
        for statement in GENERATE.replace("{tasks}", str(tasks)).split(";"):
            if statement.strip():
                connection.execute(statement)
    print(f"generated {tasks:,} tasks and time entries in {time.perf_counter() - started:.1f} s")


def time_engine(path: Path) -> float:
    project = Project.load([REPO / "transforms" / "clickup"], display_root=REPO)
    with connect(path) as connection:
        started = time.perf_counter()
        results = run_models(connection, project.models)
        elapsed = time.perf_counter() - started
    rejected = sum(result.rejected for result in results)
    assert rejected == 0, f"{rejected} rows rejected from clean generated data"
    return elapsed


def time_hand(path: Path) -> float:
    with connect(path) as connection:
        started = time.perf_counter()
        for statement in HAND_SQL.split(";"):
            if statement.strip():
                connection.execute(statement)
        return time.perf_counter() - started


def compare_outputs(path: Path) -> None:
    with connect(path) as connection:
        for ours, hand in PAIRS.items():
            ours_relation, hand_relation = connection.table(ours), connection.table(hand)
            assert ours_relation.columns == hand_relation.columns, (
                ours,
                ours_relation.columns,
                hand_relation.columns,
            )
            assert [str(t) for t in ours_relation.dtypes] == [
                str(t) for t in hand_relation.dtypes
            ], ours
            # Sums of doubles depend on the order threads add them in: compare them rounded.
            items = ", ".join(
                f'round("{name}", 6)' if str(dtype) == "DOUBLE" else f'"{name}"'
                for name, dtype in zip(ours_relation.columns, ours_relation.dtypes, strict=True)
            )
            differing = connection.execute(
                f"SELECT count(*) FROM ((SELECT {items} FROM {ours} EXCEPT ALL SELECT {items} FROM {hand}) "  # noqa: S608
                f"UNION ALL (SELECT {items} FROM {hand} EXCEPT ALL SELECT {items} FROM {ours}))"
            ).fetchall()[0][0]
            rows = connection.execute(f"SELECT count(*) FROM {ours}").fetchall()[0][0]  # noqa: S608
            assert differing == 0, f"{ours} differs from {hand} in {differing} rows"
            print(f"  same rows: {ours} = {hand} ({rows:,} rows)")


def post_load(tasks: int, rounds: int) -> None:
    path = WORK / "warehouse.duckdb"
    for stale in (path, path.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    generate(path, tasks)
    engine, hand = [], []
    for number in range(rounds):
        order = [("engine", time_engine), ("hand", time_hand)]
        for name, function in order if number % 2 == 0 else reversed(order):
            seconds = function(path)
            (engine if name == "engine" else hand).append(seconds)
            print(f"  round {number + 1}: {name:<6} {seconds:6.2f} s")
    compare_outputs(path)
    engine_s, hand_s = statistics.median(engine), statistics.median(hand)
    print(f"post-load, {tasks:,} tasks: engine {engine_s:.2f} s, hand-written SQL {hand_s:.2f} s, "
          f"ratio {engine_s / hand_s:.2f}x (goal <= 1.2x)")  # fmt: skip


def write_stream(path: Path, source: Path, records: int) -> None:
    with connect(source) as connection:
        limit = int(records)
        relation = connection.table("raw_clickup.tasks").limit(limit)
        relation = relation.project(*[c for c in relation.columns if not c.startswith("_sdc_")])
        schema = {
            "type": "object",
            "properties": {
                name: json_schema(column_type(dtype))
                for name, dtype in zip(relation.columns, relation.dtypes, strict=True)
            },
        }
        relation.create_view("bench_stream")
        lines = connection.sql(
            "SELECT CAST(to_json(t) AS VARCHAR) FROM bench_stream AS t"
        ).fetchall()
    with path.open("w", encoding="utf-8") as out:
        out.write(
            json.dumps(
                {"type": "SCHEMA", "stream": "tasks", "schema": schema, "key_properties": ["id"]}
            )
            + "\n"
        )
        for (record,) in lines:
            out.write('{"type":"RECORD","stream":"tasks","record":' + record + "}\n")
        out.write(
            json.dumps(
                {"type": "STATE", "value": {"bookmarks": {"tasks": {"replication_key_value": "x"}}}}
            )
            + "\n"
        )


def timed(args: list[str], stdin: Path, cwd: Path) -> float:
    started = time.perf_counter()
    with stdin.open("rb") as source:
        subprocess.run(
            args,
            stdin=source,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            check=True,
        )
    return time.perf_counter() - started


def in_flight(records: int, rounds: int) -> None:
    stream = WORK / "tasks.singer.jsonl"
    write_stream(stream, WORK / "warehouse.duckdb", records)
    (WORK / "target.json").write_text(
        json.dumps({"path": str(WORK / "target.duckdb"), "default_target_schema": "raw_clickup"})
    )
    (WORK / "staging.json").write_text(
        json.dumps({"mapping_files": [str(REPO / "transforms" / "clickup" / "staging.yaml")]})
    )
    (WORK / "seed.json").write_text(json.dumps({"mapping_files": [SEED_MAPPING]}))
    runs: dict[str, list[float]] = {
        "target-duckdb": [],
        "mapper (staging.yaml)": [],
        "mapper (seed mapping)": [],
    }
    for number in range(rounds):
        shutil.rmtree(WORK / "target.duckdb", ignore_errors=True)
        (WORK / "target.duckdb").unlink(missing_ok=True)
        runs["target-duckdb"].append(
            timed([str(BIN / "target-duckdb"), "--config", "target.json"], stream, WORK)
        )
        runs["mapper (staging.yaml)"].append(
            timed([str(BIN / "mapper-duckdb"), "--config", "staging.json"], stream, WORK)
        )
        runs["mapper (seed mapping)"].append(
            timed([str(BIN / "mapper-duckdb"), "--config", "seed.json"], stream, WORK)
        )
        print(
            f"  round {number + 1}: "
            + ", ".join(f"{name} {values[-1]:.2f} s" for name, values in runs.items())
        )
    target_rate = records / statistics.median(runs["target-duckdb"])
    print(f"in flight, {records:,} task records: target-duckdb {target_rate:,.0f} records/s")
    for name in ("mapper (staging.yaml)", "mapper (seed mapping)"):
        rate = records / statistics.median(runs[name])
        print(
            f"  {name}: {rate:,.0f} records/s = {rate / target_rate:.0%} of target-duckdb (goal >= 50%)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--stream-records", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-post-load", action="store_true")
    parser.add_argument("--skip-in-flight", action="store_true")
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if not options.skip_post_load:
        post_load(options.tasks, options.rounds)
    elif not (WORK / "warehouse.duckdb").exists():
        generate(WORK / "warehouse.duckdb", max(options.tasks, options.stream_records))
    if not options.skip_in_flight:
        in_flight(min(options.stream_records, options.tasks), options.rounds)


if __name__ == "__main__":
    main()
