"""The scheduler with nothing faked: the shipped ``clickup-hourly`` schedule starts the real
``brainhub run`` of ``clickup-to-duckdb`` (Meltano, the tap, target-duckdb) with trigger
``schedule``; a run that fails opens one alert, the next scheduled success closes it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from brainhub.environments import load_project
from brainhub.operate.alerts.check import checker_after_runs
from brainhub.operate.alerts.store import AlertStore
from brainhub.operate.record import RunStore
from brainhub.operate.scheduler.core import Scheduler
from brainhub.operate.scheduler.process import ProcessLauncher
from brainhub.operate.status import set_status
from tests.pipeline.conftest import MeltanoProject

pytestmark = [pytest.mark.pipeline]

TINY = "sandbox://clickup?size=tiny&seed=1"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 59, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def next_hour(scheduler: Scheduler, clock: Clock) -> None:
    clock.now += timedelta(hours=1)
    scheduler.tick()
    assert list(scheduler.running) == ["clickup-to-duckdb"]
    deadline = time.monotonic() + 300
    while scheduler.running and time.monotonic() < deadline:
        scheduler.reap()
        time.sleep(0.2)
    assert not scheduler.running, "the scheduled run did not end"


def test_the_shipped_schedule_runs_the_job_and_alerts_on_its_failure(
    meltano_project: MeltanoProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = meltano_project.root
    for name, value in meltano_project.env().items():
        monkeypatch.setenv(name, value)
    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "MELTANO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    (root / "alerts.yaml").write_text("rules:\n  - run_failed: true\n")
    # every other shipped schedule is paused: only the job under test runs (and pausing
    # through the status API is what keeps the scheduler away from them)
    for schedule in load_project(root).get("schedules") or []:
        if schedule.get("job") != "clickup-to-duckdb":
            set_status(root, schedule["job"], "pause")
    clock = Clock()
    scheduler = Scheduler(
        root,
        ProcessLauncher(root, "sandbox"),
        clock=clock,
        after_run=checker_after_runs(root, "sandbox"),
    )
    scheduler.tick()

    monkeypatch.setenv("TAP_CLICKUP_BASE_URL", "sandbox://no-such-service")
    next_hour(scheduler, clock)
    (failed,) = RunStore.of_project(root).runs(integration="clickup-to-duckdb")
    assert (failed.trigger, failed.status, failed.environment) == ("schedule", "failed", "sandbox")
    (alert,) = AlertStore(RunStore.of_project(root).path).alerts()
    assert alert.is_open
    assert alert.integration == "clickup-to-duckdb"
    assert alert.message.startswith(f"run {failed.id[:8]} failed: ")
    assert alert.notified == ["log"]

    monkeypatch.setenv("TAP_CLICKUP_BASE_URL", TINY)
    next_hour(scheduler, clock)
    newest = RunStore.of_project(root).runs(integration="clickup-to-duckdb")[0]
    assert (newest.trigger, newest.status) == ("schedule", "success")
    assert newest.total("inserted") > 0
    (alert,) = AlertStore(RunStore.of_project(root).path).alerts()
    assert alert.closed_at is not None
    assert alert.recovery_notified == ["log"]
