"""The scheduler's core with a fake clock and fake children: due schedules and sync
intervals fire, one run per integration at a time, paused and disabled ones are skipped,
changed files are picked up, a broken file keeps the last good schedules; stopping sends
SIGTERM to what runs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from brainhub.operate.record import RunStore
from brainhub.operate.scheduler.config import ScheduleConfig, ScheduleEntry
from brainhub.operate.scheduler.core import Scheduler

MELTANO_YML = """\
default_environment: sandbox
environments:
- name: sandbox
jobs:
- name: clickup-to-duckdb
  tasks: [tap-clickup target-duckdb]
- name: jira-to-duckdb
  tasks: [tap-jira target-duckdb]
schedules:
- name: clickup-often
  interval: "{interval}"
  job: clickup-to-duckdb
- name: jira-daily
  interval: "@daily"
  job: jira-to-duckdb
"""


@dataclass
class FakeChild:
    entry: ScheduleEntry
    code: int | None = None
    signals: list[str] = field(default_factory=list)
    settled: list[int] = field(default_factory=list)
    exits_on_sigterm: bool = True

    def poll(self) -> int | None:
        return self.code

    def terminate(self) -> None:
        self.signals.append("SIGTERM")
        if self.exits_on_sigterm:
            self.code = 143

    def kill(self) -> None:
        self.signals.append("SIGKILL")
        self.code = -9

    def finished(self, code: int) -> None:
        self.settled.append(code)


@dataclass
class FakeLauncher:
    started: list[FakeChild] = field(default_factory=list)

    def start(self, entry: ScheduleEntry) -> FakeChild:
        child = FakeChild(entry)
        self.started.append(child)
        return child

    def names(self) -> list[str]:
        return [c.entry.integration for c in self.started]


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def to(self, hh_mm_ss: str) -> None:
        h, m, s = (int(x) for x in hh_mm_ss.split(":"))
        self.now = self.now.replace(hour=h, minute=m, second=s)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "BRAINHUB_ERROR_AFTER"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "syncs").mkdir()
    (tmp_path / "meltano.yml").write_text(MELTANO_YML.replace("{interval}", "*/5 * * * *"))
    return tmp_path


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 10, 0, 30, tzinfo=UTC))


def scheduler_for(
    project: Path, clock: Clock, **options: object
) -> tuple[Scheduler, FakeLauncher, list[str]]:
    launcher = FakeLauncher()
    ran: list[str] = []
    scheduler = Scheduler(project, launcher, clock=clock, after_run=ran.append, **options)  # type: ignore[arg-type]
    return scheduler, launcher, ran


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "brainhub.scheduler"]


def test_cron_schedules_and_sync_intervals_fire_when_due_and_not_before(
    project: Path, clock: Clock
) -> None:
    (project / "syncs" / "tasks-both-ways.yaml").write_text(
        "name: tasks-both-ways\ninterval: 300\n"
    )
    (project / "syncs" / "by-hand.yaml").write_text("name: by-hand\n")  # no interval: never
    scheduler, launcher, _ = scheduler_for(project, clock)

    scheduler.tick()
    clock.to("10:04:59")
    scheduler.tick()
    assert launcher.names() == []

    clock.to("10:05:00")
    scheduler.tick()
    assert launcher.names() == ["clickup-to-duckdb"]
    assert launcher.started[0].entry.kind == "job"

    clock.to("10:05:30")  # the sync: 300 s after the scheduler loaded it
    scheduler.tick()
    assert launcher.names() == ["clickup-to-duckdb", "tasks-both-ways"]
    assert launcher.started[1].entry.kind == "sync"
    assert launcher.started[1].entry.every == 300


def test_a_scheduler_that_was_away_fires_once_not_once_per_missed_slot(
    project: Path, clock: Clock
) -> None:
    scheduler, launcher, _ = scheduler_for(project, clock)
    scheduler.tick()
    launcher_before = len(launcher.started)
    clock.to("10:31:00")  # six five-minute slots passed
    scheduler.tick()
    assert len(launcher.started) == launcher_before + 1
    assert scheduler.next_due() == clock.now.replace(minute=35, second=0)


def test_a_run_still_going_when_the_next_is_due_skips_that_turn(
    project: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "brainhub.scheduler")
    scheduler, launcher, ran = scheduler_for(project, clock)
    scheduler.tick()
    clock.to("10:05:00")
    scheduler.tick()
    clock.to("10:10:00")
    scheduler.tick()  # the 10:05 run goes on
    assert launcher.names() == ["clickup-to-duckdb"]
    skipped = [m for m in messages(caplog) if "skipped" in m]
    assert len(skipped) == 1
    assert "still going" in skipped[0]
    assert "2026-03-02 10:05:00" in skipped[0]
    assert "10:15:00" in skipped[0]  # the next turn

    launcher.started[0].code = 0
    clock.to("10:12:00")
    scheduler.tick()
    assert ran == ["clickup-to-duckdb"]  # alerts are checked after the run
    assert launcher.started[0].settled == [0]
    clock.to("10:15:00")
    scheduler.tick()
    assert launcher.names() == ["clickup-to-duckdb", "clickup-to-duckdb"]


@pytest.mark.parametrize(("status", "command"), [("paused", "resume"), ("disabled", "enable")])
def test_paused_and_disabled_integrations_are_skipped_with_a_line(
    project: Path, clock: Clock, caplog: pytest.LogCaptureFixture, status: str, command: str
) -> None:
    caplog.set_level(logging.INFO, "brainhub.scheduler")
    RunStore.of_project(project).set_integration_status("clickup-to-duckdb", status)
    scheduler, launcher, _ = scheduler_for(project, clock)
    scheduler.tick()
    clock.to("10:05:00")
    scheduler.tick()
    assert launcher.names() == []
    assert (
        f"schedule clickup-often: skipped clickup-to-duckdb: it is {status} "
        f"(`brainhub {command} clickup-to-duckdb` lets it run)"
    ) in messages(caplog)

    RunStore.of_project(project).set_integration_status("clickup-to-duckdb", "active")
    clock.to("10:10:00")
    scheduler.tick()
    assert launcher.names() == ["clickup-to-duckdb"]


def test_an_integration_in_error_still_runs_on_schedule(project: Path, clock: Clock) -> None:
    RunStore.of_project(project).set_integration_status("clickup-to-duckdb", "error")
    scheduler, launcher, _ = scheduler_for(project, clock)
    scheduler.tick()
    clock.to("10:05:00")
    scheduler.tick()
    assert launcher.names() == ["clickup-to-duckdb"]


def test_a_changed_schedule_is_picked_up_without_a_restart(
    project: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "brainhub.scheduler")
    (project / "meltano.yml").write_text(MELTANO_YML.replace("{interval}", "@hourly"))
    scheduler, launcher, _ = scheduler_for(project, clock)
    scheduler.tick()
    assert scheduler.next_due() == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)

    clock.to("10:01:00")
    (project / "meltano.yml").write_text(MELTANO_YML.replace("{interval}", "*/5 * * * *"))
    (project / "syncs" / "new-sync.yaml").write_text("name: new-sync\ninterval: 60\n")
    scheduler.tick()
    lines = messages(caplog)
    assert (
        "configuration meltano.yml: changed: schedule clickup-often @hourly → */5 * * * *" in lines
    )
    assert "configuration syncs/new-sync.yaml: loaded: sync new-sync (every 60 s)" in lines

    clock.to("10:02:00")
    scheduler.tick()
    assert launcher.names() == ["new-sync"]
    clock.to("10:05:00")
    scheduler.tick()
    assert launcher.names() == ["new-sync", "clickup-to-duckdb"]

    lines_before = len(messages(caplog))
    scheduler.tick()  # nothing changed: nothing said
    assert not [m for m in messages(caplog)[lines_before:] if m.startswith("configuration")]


def test_a_broken_file_is_reported_once_and_the_last_good_schedules_kept(
    project: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "brainhub.scheduler")
    scheduler, launcher, _ = scheduler_for(project, clock)
    scheduler.tick()

    text = MELTANO_YML.replace("{interval}", "*/5 * * * *")
    (project / "meltano.yml").write_text(text.replace('interval: "@daily"', "interval: [oops"))
    for second in ("10:01:00", "10:02:00", "10:03:00"):
        clock.to(second)
        scheduler.tick()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    line = errors[0].getMessage()
    assert line.startswith("configuration meltano.yml:")
    assert "not valid YAML" in line
    assert "keeping its last good schedules" in line
    assert "\n" not in line

    clock.to("10:05:00")
    scheduler.tick()
    assert launcher.names() == ["clickup-to-duckdb"]  # the last good schedule still fires

    (project / "meltano.yml").write_text(text.replace("@daily", "61 * * * *"))
    clock.to("10:06:00")
    scheduler.tick()
    bad_interval = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR][-1]
    assert bad_interval.startswith("configuration meltano.yml:14: schedule 'jira-daily'")
    assert "outside 0-59" in bad_interval

    (project / "meltano.yml").write_text(text.replace("*/5 * * * *", "*/2 * * * *"))
    clock.to("10:06:30")
    scheduler.tick()
    assert any("*/5 * * * * → */2 * * * *" in m for m in messages(caplog))


def test_a_sync_interval_that_is_not_a_number_of_seconds_is_one_line(project: Path) -> None:
    (project / "syncs" / "odd.yaml").write_text("name: odd\n\ninterval: 5 minutes\n")
    config = ScheduleConfig(project)
    _, problems = config.refresh()
    assert problems == [
        "syncs/odd.yaml:3: interval '5 minutes' is not valid (expected a positive number of "
        "seconds, e.g. interval: 300)"
    ]
    assert [e.key for e in config.entries()] == ["schedule clickup-often", "schedule jira-daily"]


def test_stopping_starts_nothing_more_and_sends_sigterm_to_running_children(
    project: Path, clock: Clock
) -> None:
    (project / "syncs" / "slow.yaml").write_text("name: slow\ninterval: 30\n")
    scheduler, launcher, ran = scheduler_for(project, clock)
    scheduler.tick()
    clock.to("10:05:00")
    scheduler.tick()
    stubborn = launcher.started[1]
    stubborn.exits_on_sigterm = False

    scheduler.stop(timeout=0.05, poll_s=0.01)

    assert launcher.started[0].signals == ["SIGTERM"]
    assert stubborn.signals == ["SIGTERM", "SIGKILL"]
    assert scheduler.running == {}
    assert sorted(ran) == ["clickup-to-duckdb", "slow"]
    clock.now += timedelta(hours=1)
    scheduler.tick()
    assert len(launcher.started) == 2


def test_a_file_broken_again_after_a_fix_is_reported_again(project: Path) -> None:
    path = project / "meltano.yml"
    good = path.read_text()
    config = ScheduleConfig(project)
    config.refresh()
    reports = []
    for text in (good + "schedules: [\n", good, good + "schedules: [\n"):
        path.write_text(text)
        reports.append(config.refresh()[1])
    assert [len(r) for r in reports] == [1, 0, 1]


def test_a_run_started_elsewhere_and_still_going_skips_the_turn_a_dead_one_does_not(
    project: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "brainhub.scheduler")
    store = RunStore.of_project(project)
    store.begin("by-hand-1", integration="clickup-to-duckdb", trigger="manual", environment="x")
    scheduler, launcher, _ = scheduler_for(project, clock)
    scheduler.tick()
    clock.to("10:05:00")
    scheduler.tick()
    assert launcher.names() == []
    (skipped,) = [m for m in messages(caplog) if "skipped" in m]
    assert skipped.startswith(
        "schedule clickup-often: skipped clickup-to-duckdb: a run it did not start is going on "
        "(run by-hand-, manual, started "
    )

    store.settle("by-hand-1", failed=False)
    store.begin(  # its process was killed long ago: no sign of life since
        "killed-1",
        integration="clickup-to-duckdb",
        trigger="manual",
        environment="x",
        started_at="2020-01-01T00:00:00+00:00",
    )
    clock.to("10:10:00")
    scheduler.tick()
    assert launcher.names() == ["clickup-to-duckdb"]
    killed = store.run("killed-1")
    assert killed is not None
    assert killed.status == "failed"
