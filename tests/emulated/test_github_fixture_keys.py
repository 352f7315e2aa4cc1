"""The emulator's REST objects have every key GitHub's recorded webhook objects have.

The recorded deliveries (``../shared/apis/github/fixtures``, real payloads) carry
``issue``, ``pull_request``, ``comment``, ``repository``, ``sender`` and ``release``
objects. For each, the emulator's REST answer for the same kind of object must have the
same keys, recursively through nested objects and array items. REST objects may have
more keys; where a webhook object legitimately differs from the REST one, the key is
listed in :data:`WEBHOOK_ONLY` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.github import GitHubEmulator
from tests.support.github_reference import ABSENT_REASON, FIXTURES, load_fixture

pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason=ABSENT_REASON)

ORG = "octo-sandbox"
EVENTS = ("issues", "issue_comment", "pull_request", "pull_request_review", "release", "push")

#: Keys only webhooks send, by ``(event, dotted path)``, and why.
WEBHOOK_ONLY: dict[tuple[str, str], str] = {
    # push deliveries describe the repository in the legacy push format: its owner as a
    # git identity (name, email), a stargazers count and master_branch; REST answers
    # never use that format
    ("push", "repository.owner.name"): "push format: owner as a git identity",
    ("push", "repository.owner.email"): "push format: owner as a git identity",
    ("push", "repository.stargazers"): "push format: a stargazers count",
    ("push", "repository.master_branch"): "push format: the default branch's old name",
}


def _answers(emulator: GitHubEmulator) -> dict[str, Callable[[], Any]]:
    client = Client(emulator)
    headers = {"Authorization": f"Bearer {emulator.credentials['api_token']}"}
    repo = next(r for r in emulator.data.repos if r.comments and r.releases)
    pull = next(i for i in repo.issues if i.is_pull and i.assignee is not None and i.milestone)
    issue = next(i for i in repo.issues if not i.is_pull and i.labels and i.milestone)
    base = f"/repos/{ORG}/{repo.name}"

    def get(path: str) -> Any:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
        return response.get_json()

    return {
        "issue": lambda: get(f"{base}/issues/{issue.number}"),
        "pull_request": lambda: get(f"{base}/pulls/{pull.number}"),
        "comment": lambda: get(f"{base}/issues/comments/{repo.comments[0].id}"),
        "repository": lambda: get(base),
        "sender": lambda: get(f"/users/{emulator.data.users[1].login}"),
        "release": lambda: get(f"{base}/releases")[0],
    }


def _missing(webhook: Any, rest: Any, path: str) -> list[str]:
    """Dotted paths of keys ``webhook`` has and ``rest`` lacks (array items: the first
    item of each, as objects in one array share their keys)."""
    if isinstance(webhook, dict) and isinstance(rest, dict):
        found = []
        for key, value in webhook.items():
            where = f"{path}.{key}"
            if key not in rest:
                found.append(where)
            else:
                found += _missing(value, rest[key], where)
        return found
    if isinstance(webhook, list) and isinstance(rest, list) and webhook and rest:
        return _missing(webhook[0], rest[0], path + "[]")
    return []


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    emulator = GitHubEmulator(size="demo", generation=1, rate_limit=100_000)
    return {kind: answer() for kind, answer in _answers(emulator).items()}


@pytest.mark.parametrize("event", EVENTS)
def test_rest_objects_have_every_key_of_the_recorded_webhook_objects(event, answers):
    compared = 0
    problems = []
    for delivery in load_fixture(event):
        for kind, rest in answers.items():
            webhook = delivery.get(kind)
            if not isinstance(webhook, dict):
                continue
            compared += 1
            for where in _missing(webhook, rest, kind):
                if (event, where) not in WEBHOOK_ONLY:
                    problems.append(where)
    assert compared, f"no {event} delivery holds an object to compare"
    assert not sorted(set(problems)), f"REST objects lack keys GitHub sends: {problems}"


def test_the_listed_differences_are_all_still_differences(answers):
    seen = set()
    for event in EVENTS:
        for delivery in load_fixture(event):
            for kind, rest in answers.items():
                if isinstance(delivery.get(kind), dict):
                    seen |= {(event, w) for w in _missing(delivery[kind], rest, kind)}
    assert set(WEBHOOK_ONLY) <= seen, "a listed difference no longer exists: drop it"
