"""The scheduler with real child processes, end to end: a scheduled sync that fails gives
exactly one message in the Slack emulator's channel, posted by the real target-slack, and a
recovery message after the next success; a job is started through ``brainhub run`` with
trigger schedule; SIGTERM stops the scheduler and its running child cleanly, both through a
driver and through ``brainhub scheduler`` itself.

The child commands are :mod:`tests.support.fake_brainhub` (the point is the scheduling);
the run store, the alert check and target-slack are the real ones.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.operate.alerts.check import checker_after_runs
from brainhub.operate.alerts.store import AlertStore
from brainhub.operate.record import RunStore
from brainhub.operate.scheduler.core import Scheduler
from brainhub.operate.scheduler.process import ProcessLauncher
from brainhub.sandbox import serve
from brainhub.sandbox.services.slack import SlackEmulator

SUPPORT = Path(__file__).resolve().parents[1] / "support"
FAKE = SUPPORT / "fake_brainhub.py"
REPO = SUPPORT.parents[1]
MELTANO_YML = """\
default_environment: sandbox
environments:
- name: sandbox
jobs:
- name: nightly
  tasks: [tap-clickup target-duckdb]
schedules:
- name: nightly-at-two
  interval: "0 2 * * *"
  job: nightly
"""
#: How long a test waits for a child process it expects (never reached when things work).
PATIENCE_S = 60


@dataclass
class Slack:
    base_url: str
    token: str
    channel_id: str
    channel_name: str

    def messages(self) -> list[str]:
        answer = requests.get(
            f"{self.base_url}/conversations.history",
            params={"channel": self.channel_id, "limit": 999},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        ).json()
        assert answer["ok"] is True, answer
        return [m["text"] for m in answer["messages"]]


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[Slack]:
    emulator = SlackEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        channel = next(
            c
            for c in emulator.workspace.visible_channels()
            if c.readable and not c.data["is_archived"]
        )
        yield Slack(
            running.base_url, running.credentials["api_token"], channel.id, channel.data["name"]
        )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "syncs").mkdir(parents=True)
    (root / "meltano.yml").write_text(MELTANO_YML)
    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "BRAINHUB_ERROR_AFTER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAKE_BRAINHUB_LOG", str(tmp_path / "starts.jsonl"))
    monkeypatch.setenv("FAKE_BRAINHUB_EXIT", str(tmp_path / "exit-code"))
    return root


def starts(project: Path) -> list[dict[str, Any]]:
    log = project.parent / "starts.jsonl"
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines()]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def fire_and_wait(scheduler: Scheduler, clock: Clock, seconds: float) -> None:
    """Move the clock on, start what is due and wait (real time) for it to end."""
    clock.now += timedelta(seconds=seconds)
    scheduler.tick()
    assert scheduler.running, "nothing was started"
    deadline = time.monotonic() + PATIENCE_S
    while scheduler.running and time.monotonic() < deadline:
        scheduler.reap()
        time.sleep(0.02)
    assert not scheduler.running, "the child did not end"


def test_a_failed_scheduled_run_gives_one_slack_alert_and_a_recovery_notice(
    project: Path, slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TARGET_SLACK_API_TOKEN", slack.token)
    (project / "syncs" / "tasks.yaml").write_text("name: tasks\ninterval: 60\n")
    (project / "alerts.yaml").write_text(
        "channels:\n"
        f"  ops: {{type: slack, channel: '#{slack.channel_name}', base_url: '{slack.base_url}'}}\n"
        "rules:\n"
        "  - run_failed: true\n"
    )
    exit_code = project.parent / "exit-code"
    clock = Clock()
    launcher = ProcessLauncher(project, "sandbox", command=[sys.executable, str(FAKE)])
    scheduler = Scheduler(
        project, launcher, clock=clock, after_run=checker_after_runs(project, "sandbox")
    )
    scheduler.tick()
    before = slack.messages()

    exit_code.write_text("1")
    fire_and_wait(scheduler, clock, 60)
    fire_and_wait(scheduler, clock, 60)  # still failing: the same incident

    (first,) = [{k: v for k, v in s.items() if k != "env"} for s in starts(project)][:1]
    assert first["args"] == ["sync", "run", "tasks", "--project", str(project), "-e", "sandbox"]
    assert starts(project)[0]["env"]["BRAINHUB_TRIGGER"] == "schedule"
    assert starts(project)[0]["env"]["BRAINHUB_INTEGRATION"] == "tasks"
    runs = RunStore.of_project(project).runs(integration="tasks")
    assert [(r.status, r.trigger) for r in runs] == [("failed", "schedule")] * 2
    new = [m for m in slack.messages() if m not in before]
    assert len(new) == 1
    assert new[0].startswith("Alert [sandbox]: tasks: run-failed: run ")
    assert new[0].endswith("failed: brainhub sync run tasks exited with code 1")

    exit_code.write_text("0")
    fire_and_wait(scheduler, clock, 60)
    new = [m for m in slack.messages() if m not in before]
    assert len(new) == 2
    assert next(m for m in new if m.startswith("Recovered [sandbox]: tasks: run-failed no longer"))
    (alert,) = AlertStore(RunStore.of_project(project).path).alerts()
    assert alert.closed_at is not None
    assert alert.notified == ["ops"]
    assert alert.recovery_notified == ["ops"]


def test_a_scheduled_job_goes_through_brainhub_run_with_trigger_schedule(project: Path) -> None:
    clock = Clock()
    launcher = ProcessLauncher(project, "prod", command=[sys.executable, str(FAKE)])
    scheduler = Scheduler(project, launcher, clock=clock)
    scheduler.tick()
    fire_and_wait(scheduler, clock, 3600)  # 02:00
    (start,) = starts(project)
    assert start["args"] == ["run", "--project", str(project), "-e", "prod", "nightly"]
    assert start["env"]["BRAINHUB_TRIGGER"] == "schedule"


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_sigterm_stops_the_scheduler_and_its_running_child_cleanly(project: Path) -> None:
    (project / "syncs" / "held.yaml").write_text("name: held\ninterval: 0.1\n")
    env = {**os.environ, "FAKE_BRAINHUB_HOLD": "1", "PYTHONPATH": str(REPO)}
    driver = subprocess.Popen(
        [sys.executable, str(SUPPORT / "scheduler_driver.py"), str(project)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: starts(project), "the held sync to start")
        driver.send_signal(signal.SIGTERM)
        _, stderr = driver.communicate(timeout=PATIENCE_S)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.communicate()
    assert driver.returncode == 0, stderr
    assert [s.get("signal") for s in starts(project)] == [None, "SIGTERM"]  # one start only
    lines = [line.split(" ", 3)[-1] for line in stderr.splitlines()]
    assert "sync held: started held (trigger schedule)" in lines
    assert "SIGTERM received: no new runs; stopping" in lines
    assert "stopping: asking 1 running run(s) to stop: held" in lines
    assert "sync held: held interrupted (exit code 143)" in lines
    assert lines[-1] == "scheduler stopped"
    (run,) = RunStore.of_project(project).runs(integration="held")
    assert (run.status, run.trigger) == ("interrupted", "schedule")


def test_brainhub_scheduler_reports_a_broken_sync_once_and_stops_on_sigint(
    project: Path,
) -> None:
    (project / "syncs" / "broken.yaml").write_text("name: broken\ninterval: -5\n")
    command = [str(Path(sys.executable).with_name("brainhub")), "scheduler", "--poll", "0.05"]
    scheduler = subprocess.Popen(
        [*command, "--project", str(project)], stderr=subprocess.PIPE, text=True
    )
    seen: list[str] = []
    try:
        assert scheduler.stderr is not None

        def read_until(text: str) -> None:
            while not any(text in line for line in seen):
                line = scheduler.stderr.readline()  # type: ignore[union-attr]
                assert line, f"the scheduler ended before saying {text!r}: {seen}"
                seen.append(line.rstrip("\n"))

        read_until("syncs/broken.yaml")
        # a later change proves later polls happened, with the broken file unchanged
        (project / "syncs" / "later.yaml").write_text("name: later\ninterval: 3600\n")
        read_until("syncs/later.yaml: loaded")
        scheduler.send_signal(signal.SIGINT)
        rest = scheduler.communicate(timeout=PATIENCE_S)[1]
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.communicate()
    lines = seen + rest.splitlines()
    assert scheduler.returncode == 0, lines
    problems = [line for line in lines if " ERROR " in line]
    assert len(problems) == 1
    assert problems[0].endswith(
        "configuration syncs/broken.yaml:2: interval -5 is not valid (expected a positive "
        "number of seconds, e.g. interval: 300)"
    )
    assert any(line.endswith("SIGINT received: no new runs; stopping") for line in lines)
    assert lines[-1].endswith("scheduler stopped")
    assert not any("Traceback" in line for line in lines)
