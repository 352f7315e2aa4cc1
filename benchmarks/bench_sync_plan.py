"""Planning a two-way sync over 10,000 linked pairs, 10% changed on each side.

Generates ``raw_clickup.tasks`` and ``raw_github.issues`` (10,000 rows each by default, in
the layout target-duckdb loads: STRUCTs, lists of STRUCTs, epoch-ms strings) for the shipped
``syncs/clickup-github.yaml``, links every pair and agrees their values (a first plan and
apply that writes nothing), then edits 10% of the tasks and a different 10% of the issues
(names, statuses, assignees) and 1% of the pairs on both sides (their descriptions
become manual conflicts). Times, in alternating
rounds of the same run:

* **plan** — ``build_plan``: both projections, links, field decisions, creates, deletes;
* **re-read** — DuckDB reading the same rows of both sides whole (what a full re-read
  costs before any comparison).

Prints each median with the plan's totals and the peak memory of the process. Goal: plan
< 2 s.

    python benchmarks/bench_sync_plan.py [--pairs 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.common import peak_rss_kib  # noqa: E402
from brainhub.sync.apply import apply_plan  # noqa: E402
from brainhub.sync.connections import Connections  # noqa: E402
from brainhub.sync.definition import load_definition  # noqa: E402
from brainhub.sync.engine import build_plan  # noqa: E402
from brainhub.sync.store import SyncStore  # noqa: E402

WORK = Path(__file__).resolve().parent / ".work" / "sync"
GENERATE = """
CREATE SCHEMA IF NOT EXISTS raw_clickup;
CREATE SCHEMA IF NOT EXISTS raw_github;
CREATE OR REPLACE TABLE raw_clickup.tasks AS
SELECT 'cu' || i AS id, 'Task ' || i AS name,
       {'id': 's' || (i % 4), 'status': ['to do', 'in progress', 'review', 'complete'][1 + i % 4], 'color': '#000', 'type': 'custom',
        'orderindex': i % 4} AS status,
       'Description of task ' || i AS description,
       [{'id': 80001000 + (i % 5), 'username': 'User', 'email': 'u@example.com'}] AS assignees,
       CAST(1767225600000 + i AS VARCHAR) AS date_updated,
       {'id': '901601000000', 'name': 'Backlog'} AS list,
       CASE WHEN i % 3 = 0 THEN [{'name': 'docs'}, {'name': 'customer'}] ELSE [] END AS tags
FROM range(?) t(i);
CREATE OR REPLACE TABLE raw_github.issues AS
SELECT 'gh' || i AS id, i + 1 AS number, 'Task ' || i AS title,
       CASE WHEN i % 4 = 3 THEN 'closed' ELSE 'open' END AS state,
       'Description of task ' || i AS body,
       [{'login': ['bruno', 'chen', 'dana', 'emeka', 'farah'][1 + i % 5], 'id': i % 5}] AS assignees,
       CASE WHEN i % 3 = 0 THEN [{'id': 1, 'name': 'enhancement'}, {'id': 2, 'name': 'documentation'}]
            ELSE [{'id': 1, 'name': 'enhancement'}] END AS labels,
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (i) SECOND AS updated_at,
       'octo-sandbox/api' AS repository_full_name
FROM range(?) t(i);
"""

EDIT = """
UPDATE raw_clickup.tasks SET name = name || ' (edited)',
       status = struct_pack(id := 's3', status := 'complete', color := '#000', type := 'custom',
                            orderindex := 3),
       date_updated = CAST(1769904000000 + CAST(substr(id, 3) AS BIGINT) AS VARCHAR)
WHERE CAST(substr(id, 3) AS BIGINT) % 10 = 1;
UPDATE raw_github.issues SET title = title || ' (renamed)', state = 'closed',
       assignees = [{'login': 'chen', 'id': 1}],
       updated_at = TIMESTAMPTZ '2026-02-02 00:00:00+00'
WHERE (number - 1) % 10 = 2 OR (number - 1) % 100 = 1;
UPDATE raw_clickup.tasks SET description = 'Edited in ClickUp'
WHERE CAST(substr(id, 3) AS BIGINT) % 100 = 1;
UPDATE raw_github.issues SET body = 'Edited on GitHub' WHERE (number - 1) % 100 = 1;
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    warehouse = WORK / "warehouse.duckdb"
    definition = load_definition(REPO / "syncs" / "clickup-github.yaml")
    store = SyncStore(warehouse, definition.schema)
    connections = Connections(REPO, "sandbox", warehouse, parse_env=False)
    with store.open() as con:
        for statement in GENERATE.split(";\n"):
            if statement.strip():
                params = [args.pairs] if "range(?)" in statement else []
                con.execute(statement, params)
        first = build_plan(con, definition, store)  # links every pair by match; agrees values
        assert first.totals()["links"] == args.pairs, first.totals()
        assert not first.creates, first.totals()
        assert not first.updates, first.totals()
        apply_plan(con, definition, first, store, connections)
        again = build_plan(con, definition, store)
        assert again.empty, again.totals()
        assert not again.conflicts, again.totals()
        for statement in EDIT.split(";\n"):
            if statement.strip():
                con.execute(statement)
        plans, reads = [], []
        totals = {}
        for _ in range(args.rounds):
            started = time.perf_counter()
            plan = build_plan(con, definition, store)
            plans.append(time.perf_counter() - started)
            totals = plan.totals()
            started = time.perf_counter()
            con.execute(
                "CREATE OR REPLACE TEMP TABLE reread_left AS SELECT * FROM raw_clickup.tasks"
            )
            con.execute(
                "CREATE OR REPLACE TEMP TABLE reread_right AS SELECT * FROM raw_github.issues"
            )
            reads.append(time.perf_counter() - started)
    plan_s, read_s = statistics.median(plans), statistics.median(reads)
    print(f"pairs: {args.pairs:,}; changed: 10% of tasks, 10% of issues, 1% on both sides")
    print(f"plan: {totals}")
    print(f"plan (build_plan, DuckDB):        {plan_s:.3f} s median of {args.rounds}")
    print(f"re-read of both sides (DuckDB):   {read_s:.3f} s median of {args.rounds}")
    print(f"peak memory: {peak_rss_kib() / 1024:.0f} MiB")
    print(f"goal plan < 2 s: {'met' if plan_s < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
