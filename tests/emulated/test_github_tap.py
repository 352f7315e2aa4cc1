"""tap-github against the GitHub emulator: records, state and the request log, twice."""

from __future__ import annotations

import copy
import dataclasses
import logging
from typing import Any, ClassVar

import pytest
from werkzeug.test import Client

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.github import GitHubEmulator
from brainhub.sandbox.services.github.sizes import SIZES
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput as Run

INCREMENTAL = {
    "issues": "updated_at",
    "pull_requests": "updated_at",
    "issue_comments": "updated_at",
    "commits": "commit_timestamp",
}


def _sync(emulator: GitHubEmulator, capsys: Any, state: dict[str, Any] | None = None) -> Run:
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials}
        tap_class(load_connector("github"))(config=config, state=state).sync_all()
    return Run(capsys.readouterr().out)


@pytest.fixture
def emulator() -> GitHubEmulator:
    return GitHubEmulator(size="tiny", seed=1, generation=0)


def test_first_run_reads_every_record_and_bookmarks_each_repository(
    emulator: GitHubEmulator, capsys: Any
) -> None:
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    assert not any("pull_request" in issue for issue in run.records["issues"])
    for stream, cursor in INCREMENTAL.items():
        bookmarks = run.bookmarks(stream, "repository_full_name")
        for repo in {r["full_name"] for r in run.records["repositories"]}:
            newest = max(
                r[cursor] for r in run.records[stream] if r["repository_full_name"] == repo
            )
            assert bookmarks[repo] == newest, f"{stream} bookmark of {repo}"
    commit = run.records["commits"][0]
    assert commit["commit_timestamp"] == commit["commit"]["committer"]["date"]


def test_first_run_request_log_shows_auth_paging_and_filters(
    emulator: GitHubEmulator, capsys: Any
) -> None:
    _sync(emulator, capsys)
    log = emulator.request_log
    token = emulator.credentials["api_token"]
    assert {entry.headers["Authorization"] for entry in log} == {f"Bearer {hidden(token)}"}
    assert {entry.headers["X-Github-Api-Version"] for entry in log} == {"2022-11-28"}
    assert all(entry.query.get("per_page") == ["100"] for entry in log)
    commits = [e for e in log if e.path == "/repos/octo-sandbox/api/commits"]
    assert [e.query.get("page") for e in commits] == [None, ["2"]], "Link header followed"
    issues = [e for e in log if e.path.endswith("/issues")]
    assert all(e.query["state"] == ["all"] and "since" not in e.query for e in issues)
    assert {e.status for e in log} == {200}


def test_second_run_sends_the_bookmarks_and_reads_only_changes(
    emulator: GitHubEmulator, capsys: Any
) -> None:
    first = _sync(emulator, capsys)
    emulator.set_generation(1)
    emulator.clear_request_log()
    second = _sync(emulator, capsys, state=copy.deepcopy(first.state))

    since = {
        e.path.split("/")[3]: e.query["since"][0]
        for e in emulator.request_log
        if e.path.endswith("/issues")
    }
    bookmarks = first.bookmarks("issues", "repository_full_name")
    assert since == {repo.split("/")[1]: value for repo, value in bookmarks.items()}

    expected = {
        (f"octo-sandbox/{repo.name}", issue.number)
        for repo in emulator.data.repos
        for issue in repo.issues
        if not issue.is_pull and _iso(issue.updated_at) >= bookmarks[f"octo-sandbox/{repo.name}"]
    }
    got = {(r["repository_full_name"], r["number"]) for r in second.records["issues"]}
    assert got == expected
    assert len(got) < emulator.counts()["issues"], "not a full re-read"
    first_seen = {(r["repository_full_name"], r["number"]): r for r in first.records["issues"]}
    news = [
        r
        for r in second.records["issues"]
        if r != first_seen.get((r["repository_full_name"], r["number"]))
    ]
    assert news, "the generation's new and changed issues are read"
    assert len(second.records["commits"]) < emulator.counts()["commits"]
    pulls = second.records.get("pull_requests", [])
    pull_marks = first.bookmarks("pull_requests", "repository_full_name")
    assert all(p["updated_at"] >= pull_marks[p["repository_full_name"]] for p in pulls)


def test_second_run_pulls_stop_at_the_bookmark_and_unchanged_lists_answer_304(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # three pages of pull requests per repository, so stopping early shows
    monkeypatch.setitem(SIZES, "tiny", dataclasses.replace(SIZES["tiny"], pulls=250))
    emulator = GitHubEmulator(size="tiny", seed=1, generation=0)
    first = _sync(emulator, capsys)
    first_pulls = [e for e in emulator.request_log if e.path.endswith("/pulls")]
    assert len(first_pulls) == 2 * 3
    first_requests = len(emulator.request_log)
    emulator.set_generation(1)
    emulator.clear_request_log()
    second = _sync(emulator, capsys, state=copy.deepcopy(first.state))
    log = emulator.request_log

    pulls = [e for e in log if e.path.endswith("/pulls")]
    assert [e.query.get("page") for e in pulls] == [None, None], "page 1 reaches the bookmark"
    assert all(e.query["direction"] == ["desc"] for e in pulls)
    marks = first.bookmarks("pull_requests", "repository_full_name")
    changed = {
        (f"octo-sandbox/{repo.name}", issue.number)
        for repo in emulator.data.repos
        for issue in repo.issues
        if issue.is_pull and _iso(issue.updated_at) >= marks[f"octo-sandbox/{repo.name}"]
    }
    got = {(p["repository_full_name"], p["number"]) for p in second.records["pull_requests"]}
    assert got == changed

    lists = [e for e in log if e.path.endswith(("/releases", "/labels", "/milestones"))]
    assert len(lists) == 2 * 3
    assert all("If-None-Match" in e.headers for e in lists)
    labels = [e for e in log if e.path.endswith("/labels")]
    assert {e.status for e in labels} == {304}, "labels did not change"
    assert "labels" not in second.records
    # the generation deleted one release: that repository's listing changed, the other's not
    assert emulator.changes(0)["releases_deleted"] == 1
    releases = [e for e in log if e.path.endswith("/releases")]
    assert sorted(e.status for e in releases) == [200, 304]
    token = emulator.credentials["api_token"]
    spent = emulator.rate_limiter.limit - emulator.rate_limiter.peek(token).remaining
    charged = sum(1 for e in log if e.status != 304)
    assert 304 in {e.status for e in log}
    assert spent == first_requests + charged, "304s do not count against the rate limit"


def test_the_second_run_reports_its_requests_against_the_first(
    emulator: GitHubEmulator, capsys: Any, caplog: pytest.LogCaptureFixture
) -> None:
    first = _sync(emulator, capsys)
    first_requests = len(emulator.request_log)
    emulator.set_generation(1)
    emulator.clear_request_log()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        _sync(emulator, capsys, state=copy.deepcopy(first.state))
    second_requests = len(emulator.request_log)
    assert f"tap-github: {second_requests} requests this run, {first_requests} last run" in (
        caplog.text
    )


def _iso(epoch_s: int) -> str:
    from brainhub.sandbox.services.github.sizes import iso

    return iso(epoch_s)


class QuickResetGitHub(GitHubEmulator):
    """GitHub with a one-second rate-limit window, so waiting for the reset is quick."""

    rate_limit_window_s: ClassVar[float] = 1.0  # type: ignore[misc]


def test_an_exhausted_budget_is_waited_out_not_failed(capsys: Any) -> None:
    emulator = QuickResetGitHub(size="tiny", generation=0, rate_limit=12)
    # another client with the same token has just spent the budget: the tap's first
    # request meets GitHub's 403 with x-ratelimit-remaining 0 and must wait for the reset
    other_client = Client(emulator)
    headers = {"Authorization": f"Bearer {emulator.credentials['api_token']}"}
    for _ in range(12):
        assert other_client.get("/orgs/octo-sandbox/repos", headers=headers).status_code == 200
    emulator.clear_request_log()
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    statuses = [e.status for e in emulator.request_log]
    assert statuses[0] == 403
    assert set(statuses) <= {200, 403, 429}
    assert statuses[-1] == 200


def test_the_token_never_reaches_the_logs(
    emulator: GitHubEmulator, capsys: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials}
        tap_class(load_connector("github"))(config=config).sync_all()
    captured = capsys.readouterr()
    token = emulator.credentials["api_token"]
    assert token not in captured.err
    assert token not in caplog.text
    assert token not in captured.out


def test_a_demo_sync_stays_far_inside_the_rate_limit(capsys: Any) -> None:
    emulator = GitHubEmulator(size="demo", generation=0)
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    assert len(emulator.request_log) < 90
