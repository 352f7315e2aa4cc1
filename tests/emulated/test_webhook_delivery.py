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


def test_asana_webhook_makes_the_handshake_then_signs_task_changes(receiving: Receiving) -> None:
    from brainhub.sandbox.services.asana import AsanaEmulator

    emulator = AsanaEmulator(size="tiny", generation=0, rate_limit=100_000)
    headers = {"Authorization": f"Bearer {emulator.credentials['access_token']}"}
    project = next(p for p in emulator.org.projects if not p["archived"])
    task = emulator.org.tasks[project["gid"]][0]
    with serve(emulator) as served:
        created = _call(
            served.base_url,
            "POST",
            "/webhooks",
            headers,
            {"data": {"resource": project["gid"], "target": receiving.running.url("asana")}},
        )
        [subscription] = emulator.webhooks.all()
        assert receiving.secrets.get("asana") == subscription.secret  # learnt by the handshake
        _call(served.base_url, "PUT", f"/tasks/{task['gid']}", headers, {"data": {"name": "R"}})
        assert _delivered(emulator) == [200]
    assert created["data"]["resource_type"] == "webhook"
    [event] = receiving.events()
    [item] = json.loads(event.body)["events"]
    assert (item["action"], item["resource"]["gid"], item["change"]["field"]) == (
        "changed",
        task["gid"],
        "name",
    )


def test_asana_webhook_is_refused_when_the_target_does_not_echo(receiving: Receiving) -> None:
    from brainhub.sandbox.services.asana import AsanaEmulator

    emulator = AsanaEmulator(size="tiny", generation=0, rate_limit=100_000)
    headers = {"Authorization": f"Bearer {emulator.credentials['access_token']}"}
    receiving.secrets.remember("asana", "already-known")  # the receiver refuses a 2nd handshake
    with serve(emulator) as served:
        response = requests.post(
            served.base_url + "/webhooks",
            json={"data": {"resource": "1", "target": receiving.running.url("asana")}},
            headers=headers,
            timeout=10,
        )
    assert response.status_code == 400
    assert "handshake" in response.json()["errors"][0]["message"]
    assert emulator.webhooks.all() == []


def test_trello_webhook_checks_the_callback_then_signs_with_the_app_secret(
    receiving: Receiving,
) -> None:
    from brainhub.sandbox.services.trello import TrelloEmulator

    emulator = TrelloEmulator(size="tiny", generation=0, rate_limit=100_000)
    auth = {"key": emulator.credentials["api_key"], "token": emulator.credentials["api_token"]}
    board = emulator.account.open_boards()[0]
    first_list = next(x for x in board.lists if not x["closed"])
    receiving.secrets.remember("trello", emulator.webhooks.app_secret())
    with serve(emulator) as served:
        hook = requests.post(
            served.base_url + "/webhooks",
            params={**auth, "callbackURL": receiving.running.url("trello"), "idModel": board.id},
            timeout=10,
        )
        assert hook.status_code == 200, hook.text
        card = requests.post(
            served.base_url + "/cards",
            params={**auth, "idList": first_list["id"], "name": "From a webhook test"},
            timeout=10,
        ).json()
        assert _delivered(emulator) == [200]
    [event] = receiving.events()
    body = json.loads(event.body)
    assert event.event_type == "createCard"
    assert body["action"]["data"]["card"]["id"] == card["id"]
    assert body["model"] == {"id": board.id}
    assert body["webhook"]["id"] == hook.json()["id"]


def test_slack_events_from_the_sandbox_settings_are_signed_with_a_timestamp(
    receiving: Receiving,
) -> None:
    from brainhub.sandbox.services.slack import SlackEmulator

    emulator = SlackEmulator(size="tiny", generation=0, rate_limit=100_000, post_limit=0)
    emulator.webhooks.add(receiving.running.url("slack"), secret="slack-signing")
    receiving.secrets.remember("slack", "slack-signing")
    channel = next(
        c for c in emulator.workspace.visible_channels() if c.readable and not c.data["is_archived"]
    )
    headers = {"Authorization": f"Bearer {emulator.credentials['api_token']}"}
    with serve(emulator) as served:
        _call(
            served.base_url,
            "POST",
            "/chat.postMessage",
            headers,
            {"channel": channel.id, "text": "hi"},
        )
        assert _delivered(emulator) == [200]
    [event] = receiving.events()
    body = json.loads(event.body)
    assert (body["type"], body["event"]["type"], body["event"]["text"]) == (
        "event_callback",
        "message",
        "hi",
    )
    assert event.delivery_id == body["event_id"]


def test_notion_events_from_the_sandbox_settings_are_signed(receiving: Receiving) -> None:
    from brainhub.sandbox.services.notion import NotionEmulator

    emulator = NotionEmulator(size="tiny", generation=0, rate_limit=100_000)
    subscription = emulator.webhooks.add(receiving.running.url("notion"), secret="secret_tok")
    receiving.secrets.remember("notion", "secret_tok")
    page = emulator.workspace.live_pages()[0]
    headers = {
        "Authorization": f"Bearer {emulator.credentials['api_token']}",
        "Notion-Version": "2022-06-28",
    }
    text = [{"type": "text", "text": {"content": "Looks good"}}]
    with serve(emulator) as served:
        _call(
            served.base_url,
            "POST",
            "/comments",
            headers,
            {"parent": {"page_id": page["id"]}, "rich_text": text},
        )
        assert _delivered(emulator) == [200]
    [event] = receiving.events()
    body = json.loads(event.body)
    assert (event.event_type, body["subscription_id"]) == ("comment.created", subscription.id)
    assert body["data"]["page_id"] == page["id"]


def test_sandbox_mutate_sends_the_webhooks_of_the_new_generation(
    receiving: Receiving, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from brainhub.cli import main

    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox"))
    monkeypatch.setenv("BRAINHUB_WEBHOOK_SECRET_CLICKUP", "from-the-settings")
    receiving.secrets.remember("clickup", "from-the-settings")
    runner = CliRunner()
    added = runner.invoke(
        main, ["sandbox", "webhooks", "add", "clickup", "--url", receiving.running.url("clickup")]
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["sandbox", "webhooks", "list", "clickup"])
    assert "from-the-settings" not in listed.output
    mutated = runner.invoke(main, ["sandbox", "mutate", "clickup", "--size", "tiny"])
    assert mutated.exit_code == 0, mutated.output
    report = json.loads(mutated.output)
    events = receiving.events()
    assert report["webhooks_sent"] == len(events) > 0
    counted = report["changes"]
    kinds = [e.event_type for e in events]
    assert kinds.count("taskUpdated") == counted["tasks_updated"]
    assert kinds.count("taskCreated") == counted["tasks_created"]
    assert kinds.count("taskDeleted") == counted["tasks_deleted"]
    assert kinds.count("taskCommentPosted") == counted["comments_created"]
