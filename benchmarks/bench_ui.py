"""The monitoring page under load: 10,000 recorded runs and a 1,000,000-row warehouse table.

Seeds a private project (benchmarks/.work/ui-project) with 10,000 runs of six integrations
over 30 days (one in twenty failed, three to five streams each) and a warehouse whose
``raw_clickup.tasks`` holds 1,000,000 rows, with target-duckdb's registries and rejects and a
sync's conflicts; serves the page on a loopback port and times the median of 20 loads of
each page beside a trivial static page (``/health``), in the same run. The goal is below
300 ms per page.

    .venv/bin/python benchmarks/bench_ui.py [--runs 10000] [--rows 1000000] [--loads 20]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import requests
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import WORK

from brainhub.operate.record.store import RunStore
from brainhub.ui.app import create_app

REPO = Path(__file__).resolve().parents[1]
INTEGRATIONS = {
    "clickup-to-duckdb": ("tasks", "lists", "folders", "time_entries", "task_comments"),
    "github-issues-to-clickup": ("issues", "comments", "labels"),
    "jira-issues-to-clickup": ("issues", "worklogs", "comments"),
    "overdue-digest-to-slack": ("messages", "channels", "users"),
    "tap-asana→target-duckdb": ("tasks", "projects", "users", "stories"),
    "tap-notion→target-duckdb": ("pages", "databases", "blocks"),
}
GOAL_MS = 300


def seed_runs(root: Path, count: int) -> str:
    """``count`` runs in the project's run store; the id of the newest."""
    store = RunStore.of_project(root)
    store.begin("seed", integration="clickup-to-duckdb", trigger="manual", environment="sandbox")
    rng = random.Random(7)
    now = datetime.now(tz=UTC)
    runs, streams = [], []
    names = list(INTEGRATIONS)
    for n in range(count):
        integration = names[n % len(names)]
        started = now - timedelta(minutes=(count - n) * 30 * 24 * 60 / count)
        failed = rng.random() < 0.05
        run_id = f"{n:08x}-0000-4000-8000-000000000000"
        runs.append(
            (
                run_id,
                integration,
                "schedule",
                "sandbox",
                "failed" if failed else "success",
                started.isoformat(),
                (started + timedelta(seconds=rng.uniform(5, 300))).isoformat(),
                f"HTTP 50{n % 4} from the API after 5 tries" if failed else None,
                "Traceback (most recent call last):\n  ..." if failed else None,
                '{"tap": "success", "target": "success"}',
                1,
                None,
                started.isoformat(),
            )
        )
        for stream in INTEGRATIONS[integration]:
            read = rng.randint(0, 5000)
            streams.append(
                (
                    run_id,
                    stream,
                    read,
                    read // 2,
                    read // 3,
                    rng.randint(0, 3),
                    0,
                    rng.randint(1, 60),
                    rng.randint(0, 3),
                    rng.randint(0, 2),
                    rng.uniform(0, 9),
                    rng.randint(1, 50),
                    started.isoformat(),
                )
            )
    with sqlite3.connect(store.path) as conn:
        conn.execute("DELETE FROM runs")
        conn.executemany(f"INSERT INTO runs VALUES ({', '.join('?' * 13)})", runs)  # noqa: S608
        conn.executemany(
            "INSERT INTO streams (run_id, stream, read, inserted, updated, rejected, failed, "  # noqa: S608
            "requests, retries, throttled, waited, pages, updated_at) "
            f"VALUES ({', '.join('?' * 13)})",
            streams,
        )
    return runs[-1][0]


def seed_warehouse(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE SCHEMA raw_clickup; CREATE SCHEMA sync_clickup_jira")
        conn.execute(
            "CREATE TABLE raw_clickup.tasks AS SELECT range::VARCHAR AS id, 'task ' || range "
            "AS name, now() - to_seconds(range) AS date_updated FROM range(?)",
            [rows],
        )
        conn.execute(
            "CREATE TABLE raw_clickup._streams AS SELECT 'tasks' AS stream, "
            "'tasks' AS table_name, now() AS recorded_at"
        )
        conn.execute(
            "CREATE TABLE raw_clickup._columns AS SELECT 'tasks' AS table_name, "
            "c AS property, c AS column_name, now() AS recorded_at "
            "FROM unnest(['id', 'name', 'date_updated']) t(c)"
        )
        conn.execute(
            "CREATE TABLE raw_clickup._rejected AS SELECT 'tasks' AS stream, "
            "range AS line, ['schema', 'key'][range % 2 + 1] AS reason, "
            "'bad value' AS message, now() AS rejected_at FROM range(10000)"
        )
        conn.execute(
            "CREATE TABLE sync_clickup_jira.conflicts AS SELECT 'k' || range AS "
            "conflict_id, 't' || range AS left_id, 'ENG-' || range AS right_id, "
            "'status' AS field, 'done' AS left_value, 'open' AS right_value, "
            "now()::TIMESTAMP AS detected_at, NULL::VARCHAR AS resolution, "
            "CASE WHEN range % 3 = 0 THEN now()::TIMESTAMP END AS resolved_at "
            "FROM range(300)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loads", type=int, default=20)
    args = parser.parse_args()
    root = WORK / "ui-project"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    (root / "transforms").symlink_to(REPO / "transforms")
    started = time.perf_counter()
    newest = seed_runs(root, args.runs)
    seed_warehouse(root / "data" / "sandbox.duckdb", args.rows)
    print(
        f"seeded {args.runs:,} runs and {args.rows:,} rows in {time.perf_counter() - started:.1f} s"
    )
    server = make_server("127.0.0.1", 0, create_app(root, "sandbox"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = {
        "static (/health)": "/health",
        "overview": "/",
        "integration": "/integrations/clickup-to-duckdb",
        "run": f"/runs/{newest}",
        "API usage": "/usage",
        "errors": "/errors",
        "data quality": "/quality",
        "conflicts": "/conflicts",
        "lineage": "/lineage",
        "/api/status": "/api/status",
        "/api/runs": "/api/runs",
    }
    results = {}
    try:
        with requests.Session() as http:
            for name, path in pages.items():
                http.get(base + path, timeout=60).raise_for_status()  # warm (first reads)
                times = []
                for _ in range(args.loads):
                    start = time.perf_counter()
                    http.get(base + path, timeout=60).raise_for_status()
                    times.append((time.perf_counter() - start) * 1000)
                results[name] = (statistics.median(times), max(times))
    finally:
        server.shutdown()
        server.server_close()
    print(f"\n{'page':<20} {'median ms':>10} {'max ms':>8}  goal < {GOAL_MS} ms")
    for name, (median, worst) in results.items():
        verdict = "" if name.startswith("static") else ("ok" if median < GOAL_MS else "SLOW")
        print(f"{name:<20} {median:>10.1f} {worst:>8.1f}  {verdict}")


if __name__ == "__main__":
    main()
