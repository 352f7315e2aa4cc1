"""Job tracking and warehouse reads of the Python API, with small stand-in processes."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import duckdb
import pytest

from brainhub.hub.jobs import JobTracker
from brainhub.hub.warehouse import read_table

SECRET = "xoxb-job-tracker-secret-5521"

PIPELINE = f"""
import sys
print('2026-12-06T10:00:00Z [info     ] tap-clickup  METRIC: {{"type":"counter","metric":"record_count","value":3,"tags":{{"stream":"tasks"}}}}')
print('2026-12-06T10:00:00Z [info     ] hub-mappings METRIC: {{"type":"counter","metric":"record_count","value":3,"tags":{{"stream":"x-tasks"}}}}')
print("2026-12-06T10:00:01Z [info     ] target-duckdb Stream 'x-tasks': 3 rows loaded, 0 records rejected")
print("2026-12-06T10:00:01Z [info     ] target-duckdb Stream 'tags': 2 rows loaded, 0 records rejected")
print("token in a line: {SECRET}")
if sys.argv[1] == "fail":
    print("2026-12-06T10:00:02Z [error    ] tap-clickup  ClickUp rejected the token {SECRET}")
    sys.exit(1)
"""


def _run(tmp_path: Path, mode: str) -> JobTracker:
    tracker = JobTracker(tmp_path / "jobs")
    job = tracker.start(
        "demo",
        "sandbox",
        [sys.executable, "-c", PIPELINE, mode],
        cwd=tmp_path,
        env={},
        secrets=[SECRET],
        tables={"tags": "raw_clickup.tags", "tasks": "x.tasks"},
    )
    tracker.wait(job.id)
    return tracker


def test_a_job_reports_progress_and_results(tmp_path: Path) -> None:
    tracker = _run(tmp_path, "ok")
    (job,) = tracker.jobs()
    status = job.status()
    assert status["state"] == "succeeded"
    assert status["exit_code"] == 0
    assert status["records_read"] == {"tasks": 3}  # the tap's count, not the mapper's again
    assert status["rows_loaded"] == {"x.tasks": 3, "raw_clickup.tags": 2}
    log = job.log.read_text()
    assert SECRET not in log
    assert "token in a line:" in log
    assert job.log.stat().st_mode & 0o077 == 0


def test_a_failed_job_names_the_failure_without_the_secret(tmp_path: Path) -> None:
    (job,) = _run(tmp_path, "fail").jobs()
    assert job.state == "failed"
    assert job.exit_code == 1
    assert job.error is not None
    assert job.error.startswith("tap-clickup  ClickUp rejected the token")
    assert SECRET not in job.error


def test_an_unknown_job_lists_the_known_ones(tmp_path: Path) -> None:
    tracker = _run(tmp_path, "ok")
    with pytest.raises(KeyError, match="jobs of this hub: demo-"):
        tracker.get("nope")


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


def test_a_read_waits_for_a_sync_holding_the_warehouse(tmp_path: Path) -> None:
    """A notebook reading while a writer holds the file gets its rows once the writer is done."""
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw; CREATE TABLE raw.t AS SELECT range AS id FROM range(5)")
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLDER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None
    assert writer.stdin is not None
    assert writer.stdout.readline().strip() == "holding"
    waiting = threading.Event()

    class Waiting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "waiting" in record.getMessage():
                waiting.set()

    handler = Waiting()
    logger = logging.getLogger("brainhub.hub.warehouse")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    rows: list[tuple[int]] = []
    reader = threading.Thread(target=lambda: rows.extend(read_table(path, "raw.t").fetchall()))
    try:
        reader.start()
        assert waiting.wait(60), "the read never waited for the lock"
        writer.stdin.write("done\n")
        writer.stdin.flush()
        reader.join(60)
    finally:
        logger.removeHandler(handler)
        writer.stdin.close()
        writer.wait(10)
        writer.stdout.close()
    assert sorted(rows) == [(i,) for i in range(5)]
    with duckdb.connect(str(path)) as con:  # the reader left nothing open
        assert con.execute("SELECT count(*) FROM raw.t").fetchone() == (5,)
