"""target-github against the GitHub emulator: the calls it makes (request log), reruns that
call nothing, one update per edited row, closing by state and reason, comments, rejects with
GitHub's message, an interrupted create found by title, the content-creation budget, secrets
kept out of every output and bad config in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.github import GitHubEmulator
from targets.runtime.cli import load_writer_spec
from tests.support.targets import run_target, run_target_process, schema, table_rows

ORG = "octo-sandbox"
REPO = "api"
ISSUES_PATH = f"/repos/{ORG}/{REPO}/issues"
ISSUE_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string"},
    "repository": {"type": "string"},
    "title": {"type": "string"},
    "body": {"type": ["string", "null"]},
    "state": {"type": ["string", "null"]},
    "state_reason": {"type": ["string", "null"]},
    "labels": {"type": ["array", "null"], "items": {"type": "string"}},
    "assignees": {"type": ["array", "null"], "items": {"type": "string"}},
    "milestone": {"type": ["integer", "null"]},
}
ISSUES_SCHEMA = schema("issues", ISSUE_PROPERTIES)
COMMENTS_SCHEMA = schema(
    "issue_comments",
    {
        "key": {"type": "string"},
        "repository": {"type": "string"},
        "issue_number": {"type": "integer"},
        "body": {"type": "string"},
    },
)


@dataclass
class GitHub:
    """A served emulator and a target config pointing at it."""

    emulator: GitHubEmulator
    base_url: str
    token: str
    warehouse: Path

    @property
    def config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_token": self.token,
            "owner": ORG,
            "warehouse": str(self.warehouse),
        }

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.method != "GET"]

    def issue(self, number: str | int) -> dict[str, Any]:
        answer = requests.get(
            f"{self.base_url}{ISSUES_PATH}/{number}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        return dict(answer.json())

    def titles(self) -> list[str]:
        answer = requests.get(
            f"{self.base_url}{ISSUES_PATH}",
            params={"state": "all", "per_page": 100},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        return [issue["title"] for issue in answer.json()]

    def remote_id(self, stream: str, key: str) -> str:
        rows = table_rows(
            self.warehouse, "SELECT stream, source_key, remote_id FROM writes_github._id_map"
        )
        (remote_id,) = [r for s, k, r in rows if (s, k) == (stream, key)]
        return str(remote_id)


@pytest.fixture
def github(tmp_path: Path) -> Iterator[GitHub]:
    emulator = GitHubEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        yield GitHub(
            emulator,
            running.base_url,
            running.credentials["api_token"],
            tmp_path / "warehouse.duckdb",
        )


def issue(key: str, **fields: Any) -> dict[str, Any]:
    record = {"key": key, "repository": REPO, "title": f"Issue {key}", **fields}
    return {"type": "RECORD", "stream": "issues", "record": record}


def comment(key: str, number: str, body: str) -> dict[str, Any]:
    record = {"key": key, "repository": REPO, "issue_number": int(number), "body": body}
    return {"type": "RECORD", "stream": "issue_comments", "record": record}


def test_creates_send_the_declared_calls_and_reruns_send_none(
    github: GitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = [
        ISSUES_SCHEMA,
        issue("a", body="Details.", labels=["bug"], assignees=["ada"], milestone=1),
        issue("b", state="closed", state_reason="not_planned"),
        {"type": "STATE", "value": {"bookmarks": {"issues": {"n": 2}}}},
    ]

    first = run_target("github", github.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert first.states == [{"bookmarks": {"issues": {"n": 2}}}]
    number_a, number_b = github.remote_id("issues", "a"), github.remote_id("issues", "b")
    assert [(e.method, e.path, e.body) for e in github.writes()] == [
        (
            "POST",
            ISSUES_PATH,
            {
                "title": "Issue a",
                "body": "Details.",
                "assignees": ["ada"],
                "labels": ["bug"],
                "milestone": 1,
            },
        ),
        ("POST", ISSUES_PATH, {"title": "Issue b"}),
        # the create cannot close: a follow-up closes with the reason
        (
            "PATCH",
            f"{ISSUES_PATH}/{number_b}",
            {"state": "closed", "state_reason": "not_planned"},
        ),
    ]
    assert github.issue(number_a)["milestone"]["number"] == 1
    closed = github.issue(number_b)
    assert (closed["state"], closed["state_reason"]) == ("closed", "not_planned")

    github.emulator.clear_request_log()
    again = run_target("github", github.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert github.emulator.request_log == []
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in again.stderr
    assert github.titles().count("Issue a") == 1


def test_an_edited_row_makes_exactly_one_update_and_reopens(
    github: GitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [issue("a"), issue("b", state="closed"), issue("c")]
    assert run_target("github", github.config, [ISSUES_SCHEMA, *rows], tmp_path, capsys).code == 0
    number_b = github.remote_id("issues", "b")
    github.emulator.clear_request_log()
    rows[1] = issue("b", title="Issue b renamed", state="open", labels=["question"])

    run = run_target("github", github.config, [ISSUES_SCHEMA, *rows], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path, e.body) for e in github.emulator.request_log] == [
        (
            "PATCH",
            f"{ISSUES_PATH}/{number_b}",
            {"title": "Issue b renamed", "labels": ["question"], "state": "open"},
        )
    ]
    reopened = github.issue(number_b)
    assert (reopened["title"], reopened["state"], reopened["state_reason"]) == (
        "Issue b renamed",
        "open",
        "reopened",
    )


def test_mirror_closes_the_issues_of_rows_gone_as_not_planned(
    github: GitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {**github.config, "modes": {"issues": "mirror"}}
    version = {"type": "ACTIVATE_VERSION", "stream": "issues", "version": 1}
    assert (
        run_target(
            "github", config, [ISSUES_SCHEMA, issue("a"), issue("b"), version], tmp_path, capsys
        ).code
        == 0
    )
    number_b = github.remote_id("issues", "b")
    github.emulator.clear_request_log()

    run = run_target("github", config, [ISSUES_SCHEMA, issue("a"), version], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path, e.body) for e in github.emulator.request_log] == [
        ("PATCH", f"{ISSUES_PATH}/{number_b}", {"state": "closed", "state_reason": "not_planned"})
    ]
    assert github.issue(number_b)["state_reason"] == "not_planned"


def test_comments_are_created_edited_and_deleted_in_place(
    github: GitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run_target("github", github.config, [ISSUES_SCHEMA, issue("a")], tmp_path, capsys).code == 0
    )
    number = github.remote_id("issues", "a")
    github.emulator.clear_request_log()
    config = {**github.config, "modes": {"issue_comments": "mirror"}}

    created = run_target(
        "github", config, [COMMENTS_SCHEMA, comment("c1", number, "First")], tmp_path, capsys
    )
    comment_id = github.remote_id("issue_comments", "c1")
    edited = run_target(
        "github", config, [COMMENTS_SCHEMA, comment("c1", number, "Edited")], tmp_path, capsys
    )
    gone = {"_sdc_deleted_at": "2026-01-01T00:00:00Z"}
    deleted_message = comment("c1", number, "Edited")
    deleted_message["record"].update(gone)
    deleted = run_target("github", config, [COMMENTS_SCHEMA, deleted_message], tmp_path, capsys)

    assert (created.code, edited.code, deleted.code) == (0, 0, 0), deleted.stderr
    comment_path = f"/repos/{ORG}/{REPO}/issues/comments/{comment_id}"
    assert [(e.method, e.path, e.body) for e in github.writes()] == [
        ("POST", f"{ISSUES_PATH}/{number}/comments", {"body": "First"}),
        ("PATCH", comment_path, {"body": "Edited"}),
        ("DELETE", comment_path, None),
    ]


def test_a_validation_error_lands_in_the_rejects_table_and_fails_the_run(
    github: GitHub, tmp_path: Path
) -> None:
    messages = [
        ISSUES_SCHEMA,
        issue("good"),
        issue("bad", assignees=["nobody-here"]),
        issue("after"),
        {"type": "STATE", "value": {"bookmarks": {"issues": {"n": 3}}}},
    ]

    run = run_target_process("github", github.config, messages, tmp_path)

    assert run.code == 1
    assert run.stderr.strip().splitlines()[-1] == (
        "target-github: 1 record rejected by the service; each is in "
        f"writes_github._write_rejects of {github.warehouse} with the call, the status and "
        "the service's error"
    )
    assert "Traceback" not in run.stderr
    assert run.states == [{"bookmarks": {"issues": {"n": 3}}}]
    ((key, call, status, error),) = table_rows(
        github.warehouse, "SELECT source_key, call, status, error FROM writes_github._write_rejects"
    )
    assert (key, call, status) == (
        "bad",
        "POST /repos/{config.owner}/{record.repository}/issues",
        422,
    )
    answer = json.loads(error)
    assert answer["message"] == "Validation Failed"
    assert answer["errors"] == [
        {"value": "nobody-here", "resource": "Issue", "code": "invalid", "field": "assignees"}
    ]
    titles = github.titles()
    assert ("Issue good" in titles, "Issue after" in titles, "Issue bad" in titles) == (
        True,
        True,
        False,
    )


def test_an_interrupted_create_is_found_by_title_before_creating_again(
    github: GitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from targets.runtime.idmap import IdMap

    made = requests.post(
        f"{github.base_url}{ISSUES_PATH}",
        json={"title": "Issue lost"},
        headers={"Authorization": f"Bearer {github.token}"},
        timeout=10,
    ).json()
    id_map = IdMap(str(github.warehouse), "writes_github", lock_timeout=5)
    id_map.intend("issues", "lost", "issues")
    id_map.release()
    github.emulator.clear_request_log()

    run = run_target(
        "github", github.config, [ISSUES_SCHEMA, issue("lost", body="x")], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    assert [(e.method, e.path) for e in github.emulator.request_log] == [
        ("GET", ISSUES_PATH),
        ("PATCH", f"{ISSUES_PATH}/{made['number']}"),
    ]
    assert github.titles().count("Issue lost") == 1
    assert github.remote_id("issues", "lost") == str(made["number"])


def test_writes_spend_a_budget_that_keeps_under_the_content_creation_limit() -> None:
    """GitHub allows 80 content-creating requests a minute and 500 an hour; the spec's write
    budget, run on a fake clock, never puts more in any window."""
    from brainhub.http.ratelimit import RateLimitBucket

    limit = load_writer_spec("github").http.write_rate_limit
    assert limit is not None
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    bucket = RateLimitBucket(limit, clock=lambda: now[0], sleep=sleep)
    sent: list[float] = []
    for _ in range(600):
        bucket.acquire().release()
        sent.append(now[0])
    most_in_a_minute = max(sum(1 for t in sent if start <= t < start + 60) for start in sent)
    most_in_an_hour = max(sum(1 for t in sent if start <= t < start + 3600) for start in sent)
    assert most_in_a_minute <= 80
    assert most_in_an_hour <= 500
    assert sent[69] == 0.0  # a burst of small runs is not slowed


def test_writes_over_the_content_limit_wait_for_the_budget_instead_of_meeting_a_403(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The emulator and the write budget share a fake clock; both allow 2 writes a minute."""
    from brainhub.http.policy import RateLimit
    from brainhub.sandbox.services.github.sizes import BASE_S
    from targets.runtime import calls

    now = [float(BASE_S)]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    bucket = calls.RateLimitBucket

    def two_a_minute(limit: RateLimit | None) -> Any:
        return bucket(RateLimit(requests=2, per=60), clock=lambda: now[0], sleep=sleep)

    monkeypatch.setattr(calls, "RateLimitBucket", two_a_minute)
    emulator = GitHubEmulator(
        size="tiny",
        state_dir=tmp_path / "sandbox",
        rate_limit=100_000,
        content_limit=2,
        clock=lambda: now[0],
    )
    with serve(emulator) as running:
        config = {
            "base_url": running.base_url,
            "api_token": running.credentials["api_token"],
            "owner": ORG,
            "warehouse": str(tmp_path / "warehouse.duckdb"),
        }
        messages = [ISSUES_SCHEMA, *(issue(str(n)) for n in range(5))]
        run = run_target("github", config, messages, tmp_path, capsys)

        assert run.code == 0, run.stderr
        assert [e.status for e in emulator.request_log] == [201] * 5
        assert sum(waits) >= 120  # writes 3 and 5 each waited for a minute's room


def test_secrets_never_reach_the_output_or_the_warehouse(github: GitHub, tmp_path: Path) -> None:
    messages = [ISSUES_SCHEMA, issue("a"), issue("bad", milestone=999)]

    run = run_target_process("github", github.config, messages, tmp_path)

    assert run.code == 1
    assert github.token not in run.stdout + run.stderr
    dumped = table_rows(github.warehouse, "SELECT * FROM writes_github._write_rejects")
    dumped += table_rows(github.warehouse, "SELECT * FROM writes_github._id_map")
    assert github.token not in repr(dumped)


def test_a_missing_owner_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    config = {"api_token": "ghp_secret_value", "warehouse": str(tmp_path / "w.duckdb")}

    run = run_target_process("github", config, [ISSUES_SCHEMA, issue("a")], tmp_path)

    assert run.code != 0
    assert run.stderr.strip().splitlines()[-1] == (
        "target-github: invalid settings: 'owner' is a required property"
    )
    assert "Traceback" not in run.stderr
    assert "ghp_secret_value" not in run.stderr
