"""Syncs that survive the network: injected faults, kills, permanent failures (Meltano + DuckDB)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import time

import pytest

from brainhub.operate.record import RunStore
from tests.pipeline.conftest import BIN, MeltanoProject

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]

TINY = "sandbox://clickup?size=tiny&seed=1"


def table_rows(project: MeltanoProject) -> dict[str, list[tuple]]:
    """Every raw_clickup table's rows (metadata columns left out), sorted."""
    rows = {}
    for table in project.counts("raw_clickup"):
        data = project.query(
            f"SELECT COLUMNS(lambda c: NOT starts_with(c, '_sdc_')) FROM raw_clickup.{table}"  # noqa: S608
        )
        rows[table] = sorted(map(repr, data))
    return rows


def emulator_counts(project: MeltanoProject) -> dict[str, int]:
    return json.loads(project.brainhub("sandbox", "counts", "clickup", "--size", "tiny").stdout)


def test_faults_on_a_fifth_of_requests_change_nothing(
    meltano_project: MeltanoProject, tmp_path
) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=TINY)
    clean = table_rows(meltano_project)

    faulty = meltano_project
    faulty.warehouse.unlink()
    (faulty.root / ".meltano" / "meltano.db").unlink()
    faults = f"{TINY}&fault_rate=0.2&fault_seed=11&stall_s=1.5"
    result = faulty.run(
        "run",
        "tap-clickup",
        "target-duckdb",
        TAP_CLICKUP_BASE_URL=faults,
        TAP_CLICKUP_REQUEST_TIMEOUT="0.5",
        # A fifth of requests failing can put five failures in a row and open the circuit
        # (default settings): that only pauses the run, here for a short cooldown.
        TAP_CLICKUP_CIRCUIT_BREAKER_COOLDOWN="2",
    )
    retries = sum(int(n) for n in re.findall(r"brainhub summary: .* retries=(\d+)", result.stderr))
    assert retries > 0, "no fault was injected, so the test proved nothing"
    assert table_rows(faulty) == clean


def start_and_kill(meltano_project: MeltanoProject, *args: str, **env: str) -> None:
    """``meltano run <args>``, SIGKILLed (with its plugins) once the tap is syncing."""
    process = subprocess.Popen(
        [str(BIN / "meltano"), "run", *args],
        cwd=meltano_project.root,
        env=meltano_project.env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # the run is recorded as running once its plugins start
        if "Beginning sync of 'tasks'" in line:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()


def run_states(meltano_project: MeltanoProject) -> list[tuple[str, str, str]]:
    """(pipeline, state, error) of every run in Meltano's system database, oldest first."""
    database = meltano_project.root / ".meltano" / "meltano.db"
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT job_name, state, payload FROM runs ORDER BY id").fetchall()
    return [
        (name, state, json.loads(payload or "{}").get("error", "")) for name, state, payload in rows
    ]


def test_a_killed_run_does_not_block_the_next_one(meltano_project: MeltanoProject) -> None:
    slow = f"{TINY}&latency_ms=25"
    start_and_kill(meltano_project, "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=slow)
    # Meltano alone takes the killed run for a live one for five minutes...
    refused = meltano_project.run(
        "run", "tap-clickup", "target-duckdb", check=False, TAP_CLICKUP_BASE_URL=TINY
    )
    assert refused.returncode != 0
    assert "pipeline is already running" in refused.stderr
    # ...brainhub:repair-runs sees its heartbeat stand still and lets the run start
    result = meltano_project.run(
        "run", "brainhub:repair-runs", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=TINY
    )
    assert "as failed: its process is gone" in result.stderr
    pipeline = "sandbox:tap-clickup-to-target-duckdb"
    states = [(name, state) for name, state, _ in run_states(meltano_project)]
    assert states == [(pipeline, "FAIL"), (pipeline, "SUCCESS")]
    assert "the process was gone" in run_states(meltano_project)[0][2]
    assert meltano_project.counts("raw_clickup") == emulator_counts(meltano_project)


def start_throttled_run(meltano_project: MeltanoProject) -> subprocess.Popen[str]:
    """Start ``meltano run tap-clickup target-duckdb`` at six requests a minute and return it
    once the tap is about to wait for its rate-limit window (it stays alive, waiting)."""
    env = meltano_project.env(
        TAP_CLICKUP_BASE_URL=TINY,
        TAP_CLICKUP_RATE_LIMIT_REQUESTS="6",
        TAP_CLICKUP_RATE_LIMIT_PER="60",
    )
    process = subprocess.Popen(
        [str(BIN / "meltano"), "run", "tap-clickup", "target-duckdb"],
        cwd=meltano_project.root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "Beginning sync of 'spaces'" in line:
            break
    return process


def test_a_run_that_is_alive_is_not_repaired(meltano_project: MeltanoProject) -> None:
    process = start_throttled_run(meltano_project)
    try:
        repair = meltano_project.brainhub("runs", "repair")
        assert repair.stdout.strip() == "no dead run found"
        assert [state for _, state, _ in run_states(meltano_project)] == ["RUNNING"]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stderr.close()  # type: ignore[union-attr]


def test_ctrl_c_stops_a_throttled_run_at_once_and_it_is_recorded_as_stopped(
    meltano_project: MeltanoProject,
) -> None:
    process = start_throttled_run(meltano_project)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    try:
        _, stderr = process.communicate(timeout=60)  # not the minutes of a drained window
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode != 0
    assert "stopped by SIGINT" in stderr
    assert [state for _, state, _ in run_states(meltano_project)] == ["FAIL"]  # Meltano's own
    # brainhub's run store: stopped, not failed
    (run,) = RunStore.of_project(meltano_project.root).runs()
    assert (run.status, run.parts) == (
        "interrupted",
        {"tap": "interrupted", "target": "interrupted"},
    )
    assert run.error == "stopped by SIGINT"
    # nothing blocks the next run, which resumes and completes
    meltano_project.run("run", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=TINY)
    assert meltano_project.counts("raw_clickup") == emulator_counts(meltano_project)


def test_a_killed_run_resumes_to_exactly_the_source(meltano_project: MeltanoProject) -> None:
    slow = f"{TINY}&latency_ms=25"
    rng = random.Random(5)
    env = meltano_project.env(TAP_CLICKUP_BASE_URL=slow)
    # Meltano creates its system database on first use; a kill in the middle of that
    # would break the database, not the pipeline this test is about.
    meltano_project.run("run", "brainhub:repair-runs")
    for _ in range(3):
        process = subprocess.Popen(
            # each run begins by marking the run killed before it as failed, as jobs do
            [str(BIN / "meltano"), "run", "brainhub:repair-runs", "tap-clickup", "target-duckdb"],
            cwd=meltano_project.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(rng.uniform(2.5, 6.0))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    meltano_project.run(
        "run", "brainhub:repair-runs", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=slow
    )
    assert meltano_project.counts("raw_clickup") == emulator_counts(meltano_project)
    duplicates = meltano_project.query(
        "SELECT count(*) FROM (SELECT id FROM raw_clickup.tasks GROUP BY id HAVING count(*) > 1)"
    )
    assert duplicates == [(0,)]


def test_a_rejected_token_fails_clearly_and_keeps_what_was_loaded(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=TINY)
    before = meltano_project.counts("raw_clickup")
    secret = "pk_4242_NOTAVALIDTOKEN"
    result = meltano_project.run(
        "run",
        "tap-clickup",
        "target-duckdb",
        check=False,
        TAP_CLICKUP_BASE_URL=TINY,
        TAP_CLICKUP_API_TOKEN=secret,
    )
    assert result.returncode != 0
    assert "check the api_token setting" in result.stderr
    assert "Traceback" not in result.stderr
    assert secret not in result.stderr
    assert meltano_project.counts("raw_clickup") == before


def test_an_endpoint_that_always_fails_stops_the_run_and_keeps_what_was_loaded(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb", TAP_CLICKUP_BASE_URL=TINY)
    before = meltano_project.counts("raw_clickup")
    broken = f"{TINY}&fault_rate=1&faults=500"
    result = meltano_project.run(
        "run",
        "tap-clickup",
        "target-duckdb",
        check=False,
        TAP_CLICKUP_BASE_URL=broken,
        TAP_CLICKUP_MAX_TRIES="3",
    )
    assert result.returncode != 0
    assert "500" in result.stderr
    assert "Traceback" not in result.stderr.split("tap-clickup: ")[-1]
    assert meltano_project.counts("raw_clickup") == before
