"""GitLab, Bitbucket and Confluence send signed webhooks the receiver takes: the hook is
made through each vendor's own API, a write through the API delivers the vendor's event,
and a delivery that is unsigned or signed with another secret is refused with its reason.
``brainhub sandbox mutate`` delivers the events of a new generation for every emulator."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox import serve
from brainhub.sandbox.kit import KitEmulator
from brainhub.sandbox.kit.webhooks import SubscriptionBook
from brainhub.sandbox.registry import emulator_class
from tests.emulated.test_webhook_delivery import Receiving, receiving

__all__ = ["receiving"]


def _call(base: str, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    response = requests.request(method, base + path, json=body, headers=headers, timeout=10)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def _statuses(emulator: KitEmulator) -> list[int | None]:
    assert emulator.outbox.flush(timeout=30)
    return [attempt.status for attempt in emulator.outbox.attempts]


def _refusals(receiving: Receiving) -> list[str]:
    """The reasons of the receiver's audit entries for refused deliveries."""
    log = receiving.running.receiver.project_root / "data" / "audit" / "log.jsonl"
    entries = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return [e["detail"]["reason"] for e in entries if e["action"] == "webhook.signature_rejected"]


# ---------------------------------------------------------------------- GitLab


def test_gitlab_project_hook_delivers_issue_and_note_events_with_its_token(
    receiving: Receiving,
) -> None:
    from brainhub.sandbox.services.gitlab import GitLabEmulator

    emulator = GitLabEmulator(size="tiny", generation=0, rate_limit=100_000)
    headers = {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    project = emulator.data.projects[0]
    receiving.secrets.remember("gitlab", "gl-token")
    with serve(emulator) as served:
        base = f"{served.base_url}/projects/{project.id}"
        hook = _call(
            base,
            "POST",
            "/hooks",
            headers,
            {
                "url": receiving.running.url("gitlab"),
                "token": "gl-token",
                "issues_events": True,
                "note_events": True,
            },
        )
        issue = _call(base, "POST", "/issues", headers, {"title": "From a hook test"})
        _call(base, "PUT", f"/issues/{issue['iid']}", headers, {"state_event": "close"})
        _call(base, "POST", f"/issues/{issue['iid']}/notes", headers, {"body": "noted"})
        assert _statuses(emulator) == [200, 200, 200]
    assert "token" not in hook
    assert "gl-token" not in repr(emulator.request_log)  # the hook request is logged hidden
    [logged] = [e for e in emulator.request_log if e.path.endswith("/hooks")]
    assert logged.method == "POST"
    assert logged.body["url"] == receiving.running.url("gitlab")
    assert (hook["issues_events"], hook["note_events"], hook["push_events"]) == (True, True, True)
    events = receiving.events()
    assert [e.event_type for e in events] == ["issue.open", "issue.close", "note.create"]
    bodies = [json.loads(e.body) for e in events]
    assert {b["object_attributes"].get("iid", b.get("issue", {}).get("iid")) for b in bodies} == {
        issue["iid"]
    }
    assert bodies[1]["object_attributes"]["state"] == "closed"
    assert bodies[1]["changes"]["state_id"]["current"] == 2
    assert bodies[2]["object_attributes"]["note"] == "noted"
    assert bodies[2]["issue"]["iid"] == issue["iid"]
    assert all(b["project"]["id"] == project.id for b in bodies)
    assert all(e.delivery_id.count("-") == 4 for e in events)  # X-Gitlab-Event-UUID


def test_gitlab_hook_without_the_receivers_token_is_refused(receiving: Receiving) -> None:
    from brainhub.sandbox.services.gitlab import GitLabEmulator

    emulator = GitLabEmulator(size="tiny", generation=0, rate_limit=100_000)
    headers = {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    project = emulator.data.projects[0]
    receiving.secrets.remember("gitlab", "gl-token")
    with serve(emulator) as served:
        base = f"{served.base_url}/projects/{project.id}"
        url = receiving.running.url("gitlab")
        _call(base, "POST", "/hooks", headers, {"url": url, "issues_events": True})
        _call(base, "POST", "/hooks", headers, {"url": url, "token": "guess", "issues_events": 1})
        _call(base, "POST", "/issues", headers, {"title": "Unsigned"})
        assert _statuses(emulator) == [401, 401]  # GitLab does not retry
    assert receiving.events() == []
    assert sorted(_refusals(receiving)) == [
        "X-Gitlab-Token does not match the configured secret token",
        "missing X-Gitlab-Token header",
    ]


def test_gitlab_hooks_are_deleted_by_id_and_never_share_one(receiving: Receiving) -> None:
    from brainhub.sandbox.services.gitlab import GitLabEmulator

    emulator = GitLabEmulator(size="tiny", generation=0, rate_limit=100_000)
    headers = {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    project = emulator.data.projects[0]
    url = receiving.running.url("gitlab")
    with serve(emulator) as served:
        base = f"{served.base_url}/projects/{project.id}"
        first, second = (_call(base, "POST", "/hooks", headers, {"url": url}) for _ in range(2))
        gone = requests.delete(f"{base}/hooks/{first['id']}", headers=headers, timeout=10)
        again = requests.delete(f"{base}/hooks/{first['id']}", headers=headers, timeout=10)
        third = _call(base, "POST", "/hooks", headers, {"url": url})
        refused = requests.post(f"{base}/hooks", json={}, headers=headers, timeout=10)
    assert (gone.status_code, again.status_code) == (204, 404)
    assert len({first["id"], second["id"], third["id"]}) == 3
    assert [s.id for s in emulator.webhooks.all()] == [str(second["id"]), str(third["id"])]
    assert (refused.status_code, refused.json()) == (400, {"error": "url is missing"})


@pytest.mark.parametrize(
    ("kind", "fixture"),
    [("issue", "webhook-issue.json"), ("merge_request", "webhook-merge_request.json")],
)
def test_gitlab_hook_payloads_have_every_key_of_gitlabs_recorded_ones(
    kind: str, fixture: str
) -> None:
    from brainhub.sandbox.services.gitlab import GitLabEmulator
    from tests.emulated.test_gitlab_fixture_keys import FIXTURES, _missing

    if not FIXTURES.exists():
        pytest.skip("GitLab's recorded webhook bodies are kept outside the repository")
    moved = GitLabEmulator(size="tiny", generation=1)
    change = next(c for c in moved.generation_changes(0) if (c.object, c.op) == (kind, "update"))
    [event] = moved.webhook_events(change)
    recorded = json.loads((FIXTURES / fixture).read_text())
    # ``changes`` names what this update changed, not what the recorded one did
    gaps = [gap for gap in _missing(recorded, event.body) if not gap.startswith("changes.")]
    assert gaps == []
    hooks = {"issue": "Issue Hook", "merge_request": "Merge Request Hook"}
    assert (event.headers["X-Gitlab-Event"], event.body["object_kind"]) == (hooks[kind], kind)
    assert recorded["object_kind"] == kind


# ---------------------------------------------------------------------- Bitbucket


def _bitbucket_headers(emulator: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.credentials['access_token']}"}


def test_bitbucket_repository_hook_signs_pull_request_comments(receiving: Receiving) -> None:
    from brainhub.sandbox.services.bitbucket import BitbucketEmulator

    emulator = BitbucketEmulator(size="tiny", generation=0, rate_limit=100_000)
    repo = next(r for r in emulator.data.repositories.values() if r.pull_requests)
    pull = repo.pull_requests[0]
    receiving.secrets.remember("bitbucket", "bb-secret")
    with serve(emulator) as served:
        base = f"{served.base_url}/repositories/{repo.full_name}"
        hook = _call(
            base,
            "POST",
            "/hooks",
            _bitbucket_headers(emulator),
            {
                "url": receiving.running.url("bitbucket"),
                "description": "brainhub",
                "active": True,
                "events": ["pullrequest:comment_created"],
                "secret": "bb-secret",
            },
        )
        comment = _call(
            base,
            "POST",
            f"/pullrequests/{pull['id']}/comments",
            _bitbucket_headers(emulator),
            {"content": {"raw": "Looks good"}},
        )
        assert _statuses(emulator) == [200]
    assert (hook["secret_set"], hook["events"]) == (True, ["pullrequest:comment_created"])
    assert "secret" not in hook
    assert "bb-secret" not in repr(emulator.request_log)
    [event] = receiving.events()
    body = json.loads(event.body)
    assert event.event_type == "pullrequest:comment_created"
    assert body["comment"]["id"] == comment["id"]
    assert body["pullrequest"]["id"] == pull["id"]
    assert body["repository"]["full_name"] == repo.full_name
    [attempt] = emulator.outbox.attempts
    assert attempt.delivery.headers["X-Hook-UUID"] == hook["uuid"].strip("{}")
    assert event.delivery_id == attempt.delivery.headers["X-Request-UUID"]


def test_bitbucket_hook_without_a_secret_is_delivered_unsigned_and_refused(
    receiving: Receiving,
) -> None:
    from brainhub.sandbox.services.bitbucket import BitbucketEmulator

    emulator = BitbucketEmulator(size="tiny", generation=0, rate_limit=100_000)
    repo = next(r for r in emulator.data.repositories.values() if r.pull_requests)
    receiving.secrets.remember("bitbucket", "bb-secret")
    with serve(emulator) as served:
        base = f"{served.base_url}/repositories/{repo.full_name}"
        hook = _call(
            base,
            "POST",
            "/hooks",
            _bitbucket_headers(emulator),
            {"url": receiving.running.url("bitbucket"), "events": ["pullrequest:comment_created"]},
        )
        _call(
            base,
            "POST",
            f"/pullrequests/{repo.pull_requests[0]['id']}/comments",
            _bitbucket_headers(emulator),
            {"content": {"raw": "unsigned"}},
        )
        assert set(_statuses(emulator)) == {401}
    assert hook["secret_set"] is False
    assert receiving.events() == []
    assert set(_refusals(receiving)) == {"missing X-Hub-Signature header"}


# ---------------------------------------------------------------------- Confluence


def _confluence_headers(emulator: Any) -> dict[str, str]:
    creds = emulator.credentials
    pair = f"{creds['email']}:{creds['api_token']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _modules(url: str, *events: str) -> dict[str, Any]:
    return {
        "webhooks": [
            {"key": f"bh-{event}", "event": event, "url": f"{url}?event={event}"}
            for event in events
        ]
    }


def test_confluence_connect_webhooks_carry_a_jwt_of_the_shared_secret(
    receiving: Receiving,
) -> None:
    from brainhub.sandbox.services.confluence import ConfluenceEmulator

    emulator = ConfluenceEmulator(size="tiny", generation=0, rate_limit=100_000)
    emulator.webhooks.set_app_secret("connect-shared-secret")
    receiving.secrets.remember("confluence", "connect-shared-secret")
    space = emulator.wiki.spaces[0]
    headers = _confluence_headers(emulator)
    with serve(emulator) as served:
        site = served.base_url.removesuffix("/wiki/api/v2")
        _call(
            site,
            "POST",
            "/wiki/rest/atlassian-connect/1/app/module/dynamic",
            headers,
            _modules(
                receiving.running.url("confluence"),
                "page_created",
                "page_updated",
                "comment_created",
            ),
        )
        page = _call(
            served.base_url,
            "POST",
            "/pages",
            headers,
            {
                "spaceId": space["id"],
                "status": "current",
                "title": "Hooked",
                "body": {"representation": "storage", "value": "<p>v1</p>"},
            },
        )
        _call(
            served.base_url,
            "PUT",
            f"/pages/{page['id']}",
            headers,
            {
                "id": page["id"],
                "status": "current",
                "title": "Hooked again",
                "body": {"representation": "storage", "value": "<p>v2</p>"},
                "version": {"number": 2},
            },
        )
        _call(
            served.base_url,
            "POST",
            "/footer-comments",
            headers,
            {"pageId": page["id"], "body": {"representation": "storage", "value": "<p>c</p>"}},
        )
        assert _statuses(emulator) == [200, 200, 200]
    events = receiving.events()
    assert [e.event_type for e in events] == ["page_created", "page_updated", "comment_created"]
    bodies = [json.loads(e.body) for e in events]
    assert bodies[1]["page"]["title"] == "Hooked again"
    assert bodies[1]["page"]["version"] == 2
    assert bodies[2]["comment"]["parent"]["id"] == int(page["id"])
    assert all(b["page" if "page" in b else "comment"]["id"] for b in bodies)
    [first, *_rest] = emulator.outbox.attempts
    assert first.delivery.headers["Authorization"].startswith("JWT ")


def test_confluence_delivery_signed_with_another_secret_is_refused(receiving: Receiving) -> None:
    from brainhub.sandbox.services.confluence import ConfluenceEmulator

    emulator = ConfluenceEmulator(size="tiny", generation=0, rate_limit=100_000)
    emulator.webhooks.set_app_secret("not-the-installed-secret")
    receiving.secrets.remember("confluence", "connect-shared-secret")
    headers = _confluence_headers(emulator)
    space = emulator.wiki.spaces[0]
    with serve(emulator) as served:
        site = served.base_url.removesuffix("/wiki/api/v2")
        modules = "/wiki/rest/atlassian-connect/1/app/module/dynamic"
        bad = requests.post(
            site + modules, json={"webhooks": [{"key": "k"}]}, headers=headers, timeout=10
        )
        assert bad.status_code == 400
        assert "webhooks[0].event must be one of" in bad.text
        _call(
            site,
            "POST",
            modules,
            headers,
            _modules(receiving.running.url("confluence"), "page_created"),
        )
        _call(
            served.base_url,
            "POST",
            "/pages",
            headers,
            {
                "spaceId": space["id"],
                "title": "Forged",
                "body": {"representation": "storage", "value": "<p>x</p>"},
            },
        )
        assert set(_statuses(emulator)) == {401}
    assert receiving.events() == []
    assert set(_refusals(receiving)) == {
        "Authorization JWT signature does not match (wrong secret or altered token)"
    }


# ---------------------------------------------------------------------- Notion


def test_notion_page_created_through_the_api_is_announced_by_its_id(receiving: Receiving) -> None:
    from brainhub.sandbox.services.notion import NotionEmulator

    emulator = NotionEmulator(size="tiny", generation=0, rate_limit=100_000)
    emulator.webhooks.add(receiving.running.url("notion"), secret="secret_tok")
    receiving.secrets.remember("notion", "secret_tok")
    database = emulator.workspace.live_databases()[0]
    title = next(k for k, v in database.json["properties"].items() if v["type"] == "title")
    headers = {
        "Authorization": f"Bearer {emulator.credentials['api_token']}",
        "Notion-Version": "2022-06-28",
    }
    text = [{"type": "text", "text": {"content": "Announced"}}]
    with serve(emulator) as served:
        page = _call(
            served.base_url,
            "POST",
            "/pages",
            headers,
            {"parent": {"database_id": database.id}, "properties": {title: {"title": text}}},
        )
        assert _statuses(emulator) == [200]
    [event] = receiving.events()
    body = json.loads(event.body)
    assert event.event_type == "page.created"
    assert body["entity"] == {"id": page["id"], "type": "page"}
    assert body["data"]["parent"] == {"id": database.id, "type": "database"}


def test_notion_mutate_announces_trashed_pages_as_deleted() -> None:
    from brainhub.sandbox.services.notion import NotionEmulator

    moved = NotionEmulator(size="tiny", generation=1)
    names = [e.name for c in moved.generation_changes(0) for e in moved.webhook_events(c)]
    counted = moved.changes(0)
    assert names.count("page.created") == counted["pages_created"]
    assert names.count("page.properties_updated") == counted["pages_updated"]
    assert names.count("page.deleted") == counted["pages_deleted"] > 0


# ---------------------------------------------------------------------- mutate, every emulator


def _scopes(service: str, emulator: Any) -> list[dict[str, Any]]:
    """One subscription scope per model a vendor's hooks are bound to (all of them)."""
    if service == "gitlab":  # a hook per project, and one of every project (no scope)
        return [{"project_id": p.id} for p in emulator.data.projects] + [{}]
    if service == "bitbucket":
        return [{"full_name": name} for name in emulator.data.repositories] + [{}]
    if service == "trello":
        return [{"idModel": board.id} for board in emulator.account.open_boards()]
    return [{}]


#: The event names each vendor's mutate deliveries may carry (as the receiver lists them).
MUTATE_EVENTS = {
    "clickup": {"taskCreated", "taskUpdated", "taskDeleted"}
    | {"taskCommentPosted", "taskCommentUpdated", "taskCommentDeleted"},
    "github": {"issues.opened", "issues.edited", "issues.closed", "issues.reopened"}
    | {"issue_comment.created", "issue_comment.edited", "issue_comment.deleted"},
    "jira": {"jira:issue_created", "jira:issue_updated", "jira:issue_deleted"}
    | {"comment_created", "comment_updated", "comment_deleted"},
    "slack": {"message"},
    "asana": {"added", "changed", "deleted"},
    "notion": {"page.created", "page.properties_updated", "page.deleted", "page.undeleted"},
    "trello": {"createCard", "updateCard", "deleteCard", "commentCard"},
    "gitlab": {"issue.open", "issue.update", "issue.close", "issue.reopen", "note.create"}
    | {"merge_request.open", "merge_request.update", "merge_request.close"}
    | {"merge_request.merge", "merge_request.reopen"},
    "bitbucket": {"issue:created", "issue:updated", "pullrequest:created"}
    | {"pullrequest:updated", "pullrequest:fulfilled", "pullrequest:rejected"}
    | {"pullrequest:comment_created", "pullrequest:comment_updated"},
    "confluence": {"page", "comment", "blogpost"},
}


@pytest.mark.parametrize("service", sorted(MUTATE_EVENTS))
def test_sandbox_mutate_delivers_signed_events_of_the_generation_for_every_emulator(
    receiving: Receiving, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service: str
) -> None:
    directory = tmp_path / "sandbox"
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(directory))
    secret = f"{service}-mutate-secret"
    receiving.secrets.remember(service, secret)
    book = SubscriptionBook(service, directory)
    pinned = emulator_class(service)(size="tiny", generation=0)
    for scope in _scopes(service, pinned):
        book.add(receiving.running.url(service), secret=secret, scope=scope)
    mutated = CliRunner().invoke(main, ["sandbox", "mutate", service, "--size", "tiny"])
    assert mutated.exit_code == 0, mutated.output
    report = json.loads(mutated.output)
    events = receiving.running.inbox.recent(limit=10_000)
    assert report["webhooks_sent"] == len(events) > 0  # every delivery was accepted
    assert _refusals(receiving) == []
    assert {e.event_type for e in events} <= MUTATE_EVENTS[service]
    # one delivery per event of each change the generation made, to each hook it concerns
    moved = emulator_class(service)(size="tiny", generation=1)
    changes = moved.generation_changes(0)
    assert {c.op for c in changes} & {"create", "update"}
    expected = [
        event.name
        for change in changes
        for event in moved.webhook_events(change)
        for subscription in book.all()
        if subscription.wants(event.name) and moved.address_event(event, subscription)
    ]
    assert len(events) == len(expected)
