"""Emulators send signed webhooks on every change, and the receiver takes them: the
subscription is made through each vendor's own webhook API, the write goes through the
vendor's API, and the event arrives signed, committed and handed to the dispatcher."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.kit import KitEmulator
from brainhub.webhooks.dispatch import Target
from brainhub.webhooks.inbox import InboxEvent
from brainhub.webhooks.secrets import MemorySecrets
from brainhub.webhooks.service import RunningReceiver, start_receiver


@dataclass
class Receiving:
    """A receiver on a private project whose dispatcher records what it runs."""

    running: RunningReceiver
    secrets: MemorySecrets
    ran: list[Target]

    def events(self) -> list[InboxEvent]:
        return list(reversed(self.running.inbox.recent()))


@pytest.fixture
def receiving(tmp_path: Path) -> Iterator[Receiving]:
    (tmp_path / "syncs").mkdir()
    (tmp_path / "syncs" / "tasks.yaml").write_text(
        "left: {connector: clickup, object: tasks}\nright: {connector: github, object: issues}\n"
    )
    secrets = MemorySecrets()
    ran: list[Target] = []
    with start_receiver(tmp_path, secrets, action=ran.append, debounce_s=3600) as running:
        yield Receiving(running, secrets, ran)


def _call(base: str, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    response = requests.request(method, base + path, json=body, headers=headers, timeout=10)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _delivered(emulator: KitEmulator) -> list[int | None]:
    assert emulator.outbox.flush(timeout=30)
    return [attempt.status for attempt in emulator.outbox.attempts]


def test_clickup_task_update_arrives_signed(receiving: Receiving) -> None:
    from brainhub.sandbox.services.clickup import ClickUpEmulator

    emulator = ClickUpEmulator(size="tiny", generation=0, rate_limit=100_000)
    headers = {"Authorization": emulator.credentials["api_token"]}
    with serve(emulator) as served:
        team = emulator.data.tree.team_id
        created = _call(
            served.base_url,
            "POST",
            f"/team/{team}/webhook",
            headers,
            {"endpoint": receiving.running.url("clickup"), "events": ["taskUpdated"]},
        )
        receiving.secrets.remember("clickup", created["webhook"]["secret"])
        task_list = next(iter(emulator.data.tree.lists_by_id.values()))
        task = _call(served.base_url, "POST", f"/list/{task_list.id}/task", headers, {"name": "a"})
        _call(served.base_url, "PUT", f"/task/{task['id']}", headers, {"name": "Renamed"})
        assert _delivered(emulator) == [200]  # taskCreated was not asked for
    [event] = receiving.events()
    body = json.loads(event.body)
    assert event.event_type == "taskUpdated"
    assert body["task_id"] == task["id"]
    assert body["webhook_id"] == created["id"]
    assert [item["after"] for item in body["history_items"]] == ["Renamed"]
    assert receiving.running.dispatcher.next_due() is not None
    receiving.running.dispatcher.run_due(float("inf"))
    assert receiving.ran == [Target("sync", "tasks")]
    assert receiving.running.inbox.get(event.id).status == "processed"


def test_github_hook_pings_then_delivers_issue_events_signed(receiving: Receiving) -> None:
    from brainhub.sandbox.services.github import GitHubEmulator
    from brainhub.sandbox.services.github.dataset import ORG_LOGIN

    emulator = GitHubEmulator(size="tiny", generation=0, rate_limit=100_000)
    headers = {"Authorization": f"Bearer {emulator.credentials['api_token']}"}
    receiving.secrets.remember("github", "gh-hook-secret")
    with serve(emulator) as served:
        repo = f"{served.base_url}/repos/{ORG_LOGIN}/api"
        hook = _call(
            repo,
            "POST",
            "/hooks",
            headers,
            {
                "config": {"url": receiving.running.url("github"), "secret": "gh-hook-secret"},
                "events": ["issues"],
            },
        )
        issue = _call(repo, "POST", "/issues", headers, {"title": "From the sandbox"})
        _call(repo, "POST", f"/issues/{issue['number']}/comments", headers, {"body": "c"})
        _call(repo, "PATCH", f"/issues/{issue['number']}", headers, {"state": "closed"})
        assert _delivered(emulator) == [200, 200, 200]  # ping, opened, closed (no comments)
    assert hook["config"]["secret"] == "********"
    events = receiving.events()
    assert [e.event_type for e in events] == ["issues.opened", "issues.closed"]
    bodies = [json.loads(e.body) for e in events]
    assert {b["issue"]["number"] for b in bodies} == {issue["number"]}
    assert bodies[1]["issue"]["state"] == "closed"


def test_jira_admin_webhook_delivers_issue_updated_with_changelog(receiving: Receiving) -> None:
    from brainhub.sandbox.services.jira import JiraEmulator

    emulator = JiraEmulator(size="tiny", generation=0, rate_limit=100_000)
    pair = f"{emulator.credentials['email']}:{emulator.credentials['api_token']}"
    headers = {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode()}
    receiving.secrets.remember("jira", "jira-admin-secret")
    issue = emulator.data.projects[0].issues[0]
    with serve(emulator) as served:
        created = _call(
            served.base_url,
            "POST",
            "/rest/webhooks/1.0/webhook",
            headers,
            {
                "name": "brainhub",
                "url": receiving.running.url("jira"),
                "events": ["jira:issue_updated"],
                "secret": "jira-admin-secret",
            },
        )
        _call(
            served.base_url,
            "PUT",
            f"/rest/api/3/issue/{issue.key}",
            headers,
            {"fields": {"summary": "Renamed by a webhook test"}},
        )
        assert _delivered(emulator) == [200]
    assert "secret" not in created
    [event] = receiving.events()
    body = json.loads(event.body)
    assert event.event_type == "jira:issue_updated"
    assert body["issue"]["key"] == issue.key
    assert body["issue"]["fields"]["summary"] == "Renamed by a webhook test"
    assert {"field": "summary", "toString": "Renamed by a webhook test"}.items() <= body[
        "changelog"
    ]["items"][0].items()
