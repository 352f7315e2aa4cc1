"""GitHub writes through plain ``requests`` and PyGithub against a served emulator, read
back; writes outlive the process (the change journal), ``reset`` forgets them, the tap's
next incremental read picks them up, bad writes get GitHub's error bodies and content
creation meets the secondary rate limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from github import Auth, Github, GithubException

from brainhub.cli import main
from brainhub.errors import EmulatorError
from brainhub.redaction import hidden
from brainhub.sandbox import serve, state
from brainhub.sandbox.services.github import GitHubEmulator
from brainhub.sandbox.services.github.sizes import BASE_S, iso
from tests.support.sandbox_process import serve_in_process
from tests.support.taps import final_state, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "github")
ORG = "octo-sandbox"
VALIDATION_DOCS = "https://docs.github.com/rest/issues/issues"


class Api:
    """``requests`` against one served GitHub emulator, paths under ``/repos/{org}/{repo}``."""

    def __init__(self, base_url: str, token: str, repo: str = "api") -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"}
        self.repo = repo

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        return requests.request(
            method,
            f"{self.base_url}/repos/{ORG}/{self.repo}{path}",
            headers=self.headers,
            json=body,
            params=params,
            timeout=10,
        )


def _emulator(state_dir: Path, **options: Any) -> GitHubEmulator:
    return GitHubEmulator(size="tiny", state_dir=state_dir, rate_limit=100_000, **options)


@contextmanager
def served(state_dir: Path, **options: Any) -> Iterator[tuple[GitHubEmulator, Api]]:
    emulator = _emulator(state_dir, **options)
    with serve(emulator) as running:
        yield emulator, Api(running.base_url, running.credentials["api_token"])


@contextmanager
def serve_process(state_dir: Path) -> Iterator[Api]:
    """``brainhub sandbox serve github --size tiny`` in its own process on ``state_dir``."""
    with serve_in_process("github", state_dir) as info:
        yield Api(info["base_url"], info["credentials"]["api_token"])


def _validation(*problems: dict[str, Any], docs: str = VALIDATION_DOCS) -> dict[str, Any]:
    return {
        "message": "Validation Failed",
        "errors": list(problems),
        "documentation_url": docs,
        "status": "422",
    }


# --------------------------------------------------------------------------- issues


def test_create_issue_with_every_documented_field_reads_back(tmp_path):
    with served(tmp_path) as (emulator, api):
        before = emulator.counts()
        body = {
            "title": "Ship the exporter",
            "body": "Details.",
            "assignees": ["ada", "bruno"],
            "labels": ["bug", {"name": "Needs Triage"}],
            "milestone": 1,
        }
        created = api("POST", "/issues", body)
        assert created.status_code == 201
        issue = created.json()
        number = issue["number"]
        assert created.headers["Location"] == issue["url"]
        assert issue["url"].startswith(api.base_url)  # API URLs point at the emulator
        read = api("GET", f"/issues/{number}").json()
        assert read == issue
        assert (read["title"], read["body"], read["state"]) == (
            "Ship the exporter",
            "Details.",
            "open",
        )
        assert [a["login"] for a in read["assignees"]] == ["ada", "bruno"]
        assert read["assignee"]["login"] == "ada"
        assert [label["name"] for label in read["labels"]] == ["bug", "Needs Triage"]
        assert read["milestone"]["number"] == 1
        assert read["user"]["login"] == emulator.data.users[0].login
        assert read["updated_at"] == read["created_at"] > iso(BASE_S)
        # the new label now exists in the repository, grey as GitHub makes it
        labels = {lb["name"]: lb for lb in api("GET", "/labels").json()}
        assert labels["Needs Triage"]["color"] == "ededed"
        listed = api("GET", "/issues", state="all", per_page=100).json()
        assert number in [i["number"] for i in listed]
        assert emulator.counts() == {
            **before,
            "issues": before["issues"] + 1,
            "labels": before["labels"] + 1,
        }


def test_update_issue_fields_state_reason_labels_and_assignees(tmp_path):
    with served(tmp_path) as (_served, api):
        number = api("POST", "/issues", {"title": "t", "labels": ["bug"]}).json()["number"]
        changed = api(
            "PATCH",
            f"/issues/{number}",
            {
                "title": "Renamed",
                "body": "New body",
                "state": "closed",
                "state_reason": "not_planned",
                "labels": ["question"],
                "assignees": ["chen"],
            },
        )
        assert changed.status_code == 200
        read = api("GET", f"/issues/{number}").json()
        assert read == changed.json()
        assert (read["title"], read["body"], read["state"]) == ("Renamed", "New body", "closed")
        assert (read["state_reason"], read["closed_by"]["login"]) == ("not_planned", "ada")
        assert read["closed_at"] == read["updated_at"]
        assert [label["name"] for label in read["labels"]] == ["question"]
        assert [a["login"] for a in read["assignees"]] == ["chen"]
        assert api("GET", "/issues", state="closed", per_page=100).json()[0]["number"] == number
        reopened = api("PATCH", f"/issues/{number}", {"state": "open"}).json()
        assert (reopened["state"], reopened["state_reason"], reopened["closed_at"]) == (
            "open",
            "reopened",
            None,
        )
        assert reopened["updated_at"] > read["updated_at"]


def test_labels_are_added_set_and_removed(tmp_path):
    with served(tmp_path) as (_served, api):
        number = api("POST", "/issues", {"title": "t"}).json()["number"]
        added = api("POST", f"/issues/{number}/labels", {"labels": ["bug", "enhancement"]})
        assert (added.status_code, [lb["name"] for lb in added.json()]) == (
            200,
            ["bug", "enhancement"],
        )
        again = api("POST", f"/issues/{number}/labels", ["BUG", "question"]).json()
        assert [lb["name"] for lb in again] == ["bug", "enhancement", "question"]
        left = api("DELETE", f"/issues/{number}/labels/enhancement")
        assert [lb["name"] for lb in left.json()] == ["bug", "question"]
        assert [lb["name"] for lb in api("GET", f"/issues/{number}/labels").json()] == [
            "bug",
            "question",
        ]
        replaced = api("PUT", f"/issues/{number}/labels", {"labels": ["documentation"]})
        assert [lb["name"] for lb in replaced.json()] == ["documentation"]
        cleared = api("DELETE", f"/issues/{number}/labels")
        assert (cleared.status_code, cleared.content) == (204, b"")
        assert api("GET", f"/issues/{number}").json()["labels"] == []


def test_comments_are_created_updated_and_deleted(tmp_path):
    with served(tmp_path) as (_served, api):
        issue = api("POST", "/issues", {"title": "t"}).json()
        number = issue["number"]
        made = api("POST", f"/issues/{number}/comments", {"body": "First"})
        assert made.status_code == 201
        comment = made.json()
        assert made.headers["Location"] == comment["url"]
        assert api("GET", f"/issues/comments/{comment['id']}").json() == comment
        assert [c["body"] for c in api("GET", f"/issues/{number}/comments").json()] == ["First"]
        read = api("GET", f"/issues/{number}").json()
        assert (read["comments"], read["updated_at"]) == (1, comment["created_at"])
        edited = api("PATCH", f"/issues/comments/{comment['id']}", {"body": "Edited"})
        assert (edited.status_code, edited.json()["body"]) == (200, "Edited")
        assert edited.json()["updated_at"] > comment["updated_at"]
        gone = api("DELETE", f"/issues/comments/{comment['id']}")
        assert (gone.status_code, gone.content) == (204, b"")
        assert api("GET", f"/issues/comments/{comment['id']}").status_code == 404
        assert api("GET", f"/issues/{number}").json()["comments"] == 0


def test_pygithub_creates_edits_and_comments(tmp_path):
    with served(tmp_path) as (emulator, api):
        client = Github(
            auth=Auth.Token(emulator.credentials["api_token"]),
            base_url=api.base_url,
            retry=None,
            seconds_between_requests=None,
        )
        repo = client.get_repo(f"{ORG}/api")
        issue = repo.create_issue(title="From PyGithub", body="b", labels=["bug"], assignee="dana")
        issue.edit(state="closed")
        comment = issue.create_comment("Closing")
        assert comment.body == "Closing"
        with pytest.raises(GithubException) as refused:
            repo.create_issue(title="")
        assert refused.value.status == 422
        client.close()
        read = api("GET", f"/issues/{issue.number}").json()
        assert (read["title"], read["state"], read["state_reason"]) == (
            "From PyGithub",
            "closed",
            "completed",
        )
        assert (read["assignee"]["login"], read["comments"]) == ("dana", 1)
        assert api("GET", f"/issues/{issue.number}/comments").json()[0]["id"] == comment.id


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "answer"),
    [
        (
            "POST",
            "/issues",
            {"body": "no title"},
            422,
            _validation({"resource": "Issue", "code": "missing_field", "field": "title"}),
        ),
        (
            "POST",
            "/issues",
            {"title": "t", "assignees": ["nobody"]},
            422,
            _validation(
                {"value": "nobody", "resource": "Issue", "code": "invalid", "field": "assignees"}
            ),
        ),
        (
            "POST",
            "/issues",
            {"title": "t", "milestone": 99},
            422,
            _validation(
                {"value": 99, "resource": "Issue", "code": "invalid", "field": "milestone"}
            ),
        ),
        (
            "PATCH",
            "/issues/1",
            {"state": "done"},
            422,
            {
                "message": "Invalid request.\n\nFor 'properties/state', \"done\" is not one of "
                '["open", "closed"].',
                "documentation_url": VALIDATION_DOCS,
                "status": "422",
            },
        ),
        (
            "POST",
            "/issues/1/comments",
            {},
            422,
            {
                "message": 'Invalid request.\n\n"body" wasn\'t supplied.',
                "documentation_url": "https://docs.github.com/rest/issues/comments",
                "status": "422",
            },
        ),
        (
            "DELETE",
            "/issues/1/labels/no-such-label",
            None,
            404,
            {
                "message": "Label does not exist",
                "documentation_url": "https://docs.github.com/rest/issues/labels",
                "status": "404",
            },
        ),
        (
            "PATCH",
            "/issues/99999",
            {"title": "x"},
            404,
            {
                "message": "Not Found",
                "documentation_url": "https://docs.github.com/rest",
                "status": "404",
            },
        ),
    ],
)
def test_bad_writes_get_githubs_exact_error_bodies(tmp_path, method, path, body, status, answer):
    with served(tmp_path) as (emulator, api):
        before = api("GET", "/issues/1").json()
        refused = api(method, path, body)
        assert (refused.status_code, refused.json()) == (status, answer)
        assert api("GET", "/issues/1").json() == before
        assert emulator.journal is not None
        assert emulator.journal.read_all() == []


def test_a_repository_with_issues_disabled_answers_410(tmp_path):
    with served(tmp_path, issues_disabled=["web"]) as (_served, api):
        api.repo = "web"
        gone = {
            "message": "Issues are disabled for this repo",
            "documentation_url": VALIDATION_DOCS,
            "status": "410",
        }
        for method, path, body in (
            ("POST", "/issues", {"title": "t"}),
            ("PATCH", "/issues/1", {"title": "t"}),
            ("POST", "/issues/1/comments", {"body": "b"}),
            ("GET", "/issues", None),
        ):
            answer = api(method, path, body)
            assert (answer.status_code, answer.json()) == (410, gone), (method, path)
        repo = requests.get(f"{api.base_url}/repos/{ORG}/web", headers=api.headers, timeout=10)
        assert repo.json()["has_issues"] is False


def test_content_creation_meets_the_secondary_rate_limit(tmp_path):
    now = [float(BASE_S)]
    with served(tmp_path, content_limit=2, clock=lambda: now[0]) as (_served, api):
        number = api("POST", "/issues", {"title": "one"}).json()["number"]
        assert api("POST", f"/issues/{number}/comments", {"body": "two"}).status_code == 201
        now[0] += 20
        assert api("PATCH", f"/issues/{number}", {"title": "edits are not content"}).ok
        refused = api("POST", "/issues", {"title": "three"})
        assert refused.status_code == 403
        assert refused.headers["retry-after"] == "40"
        assert refused.json()["message"].startswith(
            "You have exceeded a secondary rate limit. Please wait a few minutes before you "
            "try again."
        )
        assert refused.json()["documentation_url"].endswith("#about-secondary-rate-limits")
        titles = [i["title"] for i in api("GET", "/issues", per_page=100).json()]
        assert "three" not in titles
        now[0] += 40
        assert api("POST", "/issues", {"title": "three"}).status_code == 201


def test_writes_count_against_the_rate_limit_and_are_logged_with_secrets_hidden(tmp_path):
    emulator = GitHubEmulator(size="tiny", state_dir=tmp_path, rate_limit=3)
    with serve(emulator) as running:
        token = running.credentials["api_token"]
        api = Api(running.base_url, token)
        body = {"body": f"my token is {token}", "api_token": "s3cret-value"}
        answers = [api("POST", "/issues/1/comments", body) for _ in range(4)]
        assert [a.status_code for a in answers[:3]] == [201, 201, 201]
        assert answers[3].status_code in (403, 429)
        assert answers[2].headers["x-ratelimit-remaining"] == "0"
        logged = emulator.request_log[0]
        assert logged.body == {
            "body": "my token is <redacted>",
            "api_token": hidden("s3cret-value"),
        }
        assert token not in json.dumps(logged.as_dict())


# --------------------------------------------------------------------------- persistence


def test_writes_persist_across_serve_processes_and_reset_forgets_them(tmp_path, monkeypatch):
    state_dir = tmp_path / "sandbox"
    monkeypatch.setenv(state.STATE_DIR_ENV, str(state_dir))
    fresh_counts = GitHubEmulator(size="tiny", generation=0).counts()
    with serve_process(state_dir) as first, serve_process(state_dir) as second:
        created = first("POST", "/issues", {"title": "From process one"}).json()
        number = created["number"]
        # the other, already running process catches up with the journal
        assert second("GET", f"/issues/{number}").json()["title"] == "From process one"
        assert second("PATCH", f"/issues/{number}", {"title": "Renamed by two"}).ok
        assert second("POST", f"/issues/{number}/comments", {"body": "c"}).status_code == 201
        assert first("GET", f"/issues/{number}").json()["title"] == "Renamed by two"
    with serve_process(state_dir) as third:  # a new process replays the journal
        read = third("GET", f"/issues/{number}").json()
        assert (read["title"], read["comments"]) == ("Renamed by two", 1)
    lines = state.changes_file("github", state_dir).read_text().splitlines()
    changes = [json.loads(line) for line in lines]
    assert [(c["seq"], c["op"], c["object"]) for c in changes] == [
        (1, "create", "issue"),
        (2, "update", "issue"),
        (3, "create", "comment"),
    ]
    counted = CliRunner().invoke(main, ["sandbox", "counts", "github", "--size", "tiny"])
    assert json.loads(counted.output) == {
        **fresh_counts,
        "issues": fresh_counts["issues"] + 1,
        "issue_comments": fresh_counts["issue_comments"] + 1,
    }

    result = CliRunner().invoke(main, ["sandbox", "reset", "github"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes_cleared"] == 3
    fresh = _emulator(state_dir)
    assert fresh.data.repos[0].find_issue(number) is None
    assert fresh.counts() == fresh_counts


def test_mutate_after_writes_keeps_them_and_numbers_do_not_collide(tmp_path):
    with served(tmp_path) as (emulator, api):
        issue = api("POST", "/issues", {"title": "kept"}).json()
        state.write_generation("github", 1, tmp_path)
        after = api("GET", f"/issues/{issue['number']}").json()
        assert (emulator.generation, after["title"], after["id"]) == (1, "kept", issue["id"])
        numbers = [i.number for r in emulator.data.repos for i in r.issues if r.name == "api"]
        assert len(numbers) == len(set(numbers))


def test_the_taps_next_incremental_read_picks_up_a_write_made_by_another_process(tmp_path):
    state_dir = tmp_path / "sandbox"
    reader = _emulator(state_dir)
    with serve(reader) as running:
        config = {"base_url": running.base_url, **running.credentials}
        first, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr
        seen = {(r["repository_full_name"], r["number"]) for r in records(first, "issues")}
        with serve_process(state_dir) as writer:
            created = writer("POST", "/issues", {"title": "Written"}).json()
            writer("PATCH", "/issues/1", {"title": "Edited elsewhere"})
            writer("POST", "/issues/1/comments", {"body": "Commented elsewhere"})
        reader.clear_request_log()
        second, stderr, code = run_tap(tmp_path, config, final_state(first))
        assert code == 0, stderr
    issues = {(r["repository_full_name"], r["number"]): r for r in records(second, "issues")}
    assert issues[(f"{ORG}/api", created["number"])]["title"] == "Written"
    assert issues[(f"{ORG}/api", 1)]["title"] == "Edited elsewhere"
    assert (f"{ORG}/api", created["number"]) not in seen
    comments = [r["body"] for r in records(second, "issue_comments")]
    assert "Commented elsewhere" in comments
    reads = [e for e in reader.request_log if e.path == f"/repos/{ORG}/api/issues"]
    assert reads[0].query["since"][0] < created["updated_at"]


def test_reset_without_a_service_clears_the_github_journal(tmp_path, monkeypatch):
    monkeypatch.setenv(state.STATE_DIR_ENV, str(tmp_path))
    with served(tmp_path) as (_served, api):
        api("POST", "/issues/1/comments", {"body": "one"})
    result = CliRunner().invoke(main, ["sandbox", "reset"])
    assert result.exit_code == 0, result.output
    assert {
        "service": "github",
        "previous_generation": 0,
        "generation": 0,
        "changes_cleared": 1,
    } in [json.loads(line) for line in result.output.splitlines()]
    assert _emulator(tmp_path).counts() == GitHubEmulator(size="tiny", generation=0).counts()


def test_a_content_limit_below_one_is_refused_with_what_is_valid(tmp_path):
    with pytest.raises(EmulatorError, match=r"github: content_limit must be >= 1, got 0"):
        _emulator(tmp_path, content_limit=0)
