"""The dispatcher finds the syncs (or jobs) a service's events concern and runs each once
per burst of events, with a fake action and a hand-driven clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from brainhub.errors import ConfigError
from brainhub.webhooks.dispatch import Dispatcher, Target, targets_of
from brainhub.webhooks.inbox import Inbox


@pytest.fixture
def project(tmp_path: Path) -> Path:
    syncs = tmp_path / "syncs"
    syncs.mkdir()
    (syncs / "tasks.yaml").write_text(
        "left: {connector: clickup, object: tasks, scope: {list_id: '1'}}\n"
        "right: {connector: github, object: issues, scope: {repo: api}}\n"
        "fields: {ignored: by the receiver}\n"
    )
    (syncs / "tickets.yaml").write_text(
        "left: {connector: jira, object: issues}\nright: {connector: github, object: issues}\n"
    )
    return tmp_path


def test_syncs_naming_the_service_on_either_side_are_its_targets(project: Path) -> None:
    assert targets_of(project, "clickup") == [Target("sync", "tasks")]
    assert targets_of(project, "github") == [Target("sync", "tasks"), Target("sync", "tickets")]
    assert targets_of(project, "slack") == []


def test_webhooks_yaml_maps_a_service_to_jobs_instead(project: Path) -> None:
    (project / "webhooks.yaml").write_text("github:\n  jobs: [github-to-warehouse]\n")
    assert targets_of(project, "github") == [Target("job", "github-to-warehouse")]
    assert targets_of(project, "clickup") == [Target("sync", "tasks")]


def test_a_broken_webhooks_yaml_names_file_and_line(project: Path) -> None:
    (project / "webhooks.yaml").write_text("github:\n  jobs: [a\n")
    with pytest.raises(ConfigError, match=r"webhooks.yaml:\d+: not valid YAML"):
        targets_of(project, "github")
    (project / "webhooks.yaml").write_text("github:\n  jobs: github-to-warehouse\n")
    with pytest.raises(ConfigError, match=r"github\.jobs must be a list of Meltano job names"):
        targets_of(project, "github")


def test_the_default_commands_run_brainhub_with_this_python() -> None:
    # a sync waits for a run under way (which may have read before the change) and runs after
    assert Target("sync", "tasks").command()[-4:] == ["sync", "run", "tasks", "--wait"]
    assert Target("job", "nightly").command()[-2:] == ["run", "nightly"]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _dispatcher(tmp_path: Path, action, clock: Clock) -> tuple[Dispatcher, Inbox]:  # type: ignore[no-untyped-def]
    inbox = Inbox(tmp_path / "inbox.sqlite")
    targets = {
        "clickup": [Target("sync", "tasks")],
        "github": [Target("sync", "tasks"), Target("sync", "tickets")],
    }
    dispatcher = Dispatcher(
        inbox, lambda s: targets.get(s, []), action, debounce_s=1.0, retry_s=30.0, clock=clock
    )
    return dispatcher, inbox


def test_a_burst_of_events_runs_each_target_once_after_the_debounce(tmp_path: Path) -> None:
    ran: list[Target] = []
    clock = Clock()
    dispatcher, inbox = _dispatcher(tmp_path, ran.append, clock)
    ids = [inbox.accept("clickup", f"d{i}", "taskUpdated", b"{}", 0) for i in range(5)]
    ids.append(inbox.accept("github", "g1", "issues.edited", b"{}", 0))
    for event in inbox.pending():
        dispatcher.submit(event)
    assert dispatcher.run_due(100.5) == []
    assert sorted(map(str, dispatcher.run_due(101.0))) == ["sync tasks", "sync tickets"]
    assert sorted(map(str, ran)) == ["sync tasks", "sync tickets"]
    assert inbox.pending() == []
    assert {inbox.get(i).status for i in ids if i} == {"processed"}  # type: ignore[union-attr]
    inbox.close()


def test_a_failing_action_keeps_events_pending_and_retries(tmp_path: Path) -> None:
    calls: list[Target] = []

    def flaky(target: Target) -> None:
        calls.append(target)
        if len(calls) == 1:
            raise RuntimeError("sync run tasks exited with 1: boom")

    clock = Clock()
    dispatcher, inbox = _dispatcher(tmp_path, flaky, clock)
    event_id = inbox.accept("clickup", "d1", "taskUpdated", b"{}", 0)
    dispatcher.submit(inbox.pending()[0])
    dispatcher.run_due(101.0)
    [pending] = inbox.pending()
    assert pending.last_error == "sync tasks: sync run tasks exited with 1: boom"
    assert dispatcher.run_due(120.0) == []
    dispatcher.run_due(131.0)
    assert len(calls) == 2
    assert inbox.get(event_id).status == "processed"  # type: ignore[union-attr]
    inbox.close()


def test_an_event_without_targets_is_processed_at_once(tmp_path: Path) -> None:
    dispatcher, inbox = _dispatcher(tmp_path, lambda t: None, Clock())
    inbox.accept("slack", "Ev1", "message", b"{}", 0)
    dispatcher.submit(inbox.pending()[0])
    assert inbox.pending() == []
    inbox.close()
