"""tap-gitlab against the GitLab emulator: records, state and the request log, twice."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, ClassVar

import pytest
from werkzeug.test import Client

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.gitlab import GitLabEmulator
from brainhub.sandbox.services.gitlab.dataset import SIZES
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput as Run
from tests.support.taps import moment

INCREMENTAL = {
    "issues": "updated_at",
    "merge_requests": "updated_at",
    "commits": "committed_date",
    "pipelines": "updated_at",
}


def _sync(emulator: GitLabEmulator, capsys: Any, state: dict[str, Any] | None = None) -> Run:
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials}
        tap_class(load_connector("gitlab"))(config=config, state=state).sync_all()
    return Run(capsys.readouterr().out)


@pytest.fixture
def emulator() -> GitLabEmulator:
    return GitLabEmulator(size="tiny", seed=1, generation=0)


def test_first_run_reads_every_record_and_bookmarks_each_project(
    emulator: GitLabEmulator, capsys: Any
) -> None:
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    for stream, cursor in INCREMENTAL.items():
        bookmarks = run.bookmarks(stream, "project_id")
        for project in emulator.data.projects:
            newest = max(r[cursor] for r in run.records[stream] if r["project_id"] == project.id)
            assert bookmarks[project.id] == newest, f"{stream} bookmark of {project.id}"
    notes = run.records["issue_notes"]
    assert {n["noteable_type"] for n in notes} == {"Issue"}
    assert {n["noteable_type"] for n in run.records["merge_request_notes"]} == {"MergeRequest"}


def test_first_run_request_log_shows_auth_keyset_paging_and_filters(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # more users than a page holds, so keyset paging shows
    monkeypatch.setitem(SIZES, "tiny", dataclasses.replace(SIZES["tiny"], users=150))
    emulator = GitLabEmulator(size="tiny", seed=1, generation=0)
    run = _sync(emulator, capsys)
    assert len(run.records["users"]) == 150
    log = emulator.request_log
    token = emulator.credentials["api_token"]
    assert {entry.headers["Private-Token"] for entry in log} == {hidden(token)}
    assert all(entry.query.get("per_page") == ["100"] for entry in log)
    users = [e for e in log if e.path == "/api/v4/users"]
    assert [e.query.get("id_after") for e in users] == [None, ["100"]], "keyset Link followed"
    assert all(e.query["pagination"] == ["keyset"] for e in users)
    issues = [e for e in log if e.path.endswith("/issues")]
    assert issues
    assert all(
        e.query["state"] == ["all"] and e.query["order_by"] == ["updated_at"] for e in issues
    )
    # first run: the start_date-less sync sends no filter
    assert all("updated_after" not in e.query for e in issues)
    assert {e.status for e in log} == {200}


def test_second_run_sends_the_bookmarks_and_reads_only_changes(
    emulator: GitLabEmulator, capsys: Any
) -> None:
    first = _sync(emulator, capsys)
    emulator.set_generation(1)
    emulator.clear_request_log()
    second = _sync(emulator, capsys, state=copy.deepcopy(first.state))
    log = emulator.request_log

    bookmarks = {str(k): v for k, v in first.bookmarks("issues", "project_id").items()}
    sent = {
        e.path.split("/")[4]: moment(e.query["updated_after"][0])
        for e in log
        if e.path.endswith("/issues")
    }
    assert sent == {project: moment(value) for project, value in bookmarks.items()}
    expected = {
        i["id"]
        for p in emulator.data.projects
        for i in p.issues
        if i["updated_at"] >= bookmarks[str(p.id)]
    }
    got = {r["id"] for r in second.records["issues"]}
    assert got == expected
    assert len(got) < emulator.counts()["issues"], "not a full re-read"
    # notes are read again only for the issues that changed
    noted = {
        e.path.split("/")[6] for e in log if e.path.endswith("/notes") and "/issues/" in e.path
    }
    changed = {str(r["iid"]) for r in second.records["issues"] if r["user_notes_count"]}
    assert noted == changed
    pipelines = [e for e in log if e.path.endswith("/pipelines")]
    assert all("updated_after" in e.query for e in pipelines)


class QuickResetGitLab(GitLabEmulator):
    """GitLab with a one-second rate-limit window, so waiting for the reset is quick."""

    rate_limit_window_s: ClassVar[float] = 1.0  # type: ignore[misc]


def test_a_429_is_waited_out_not_failed(capsys: Any) -> None:
    emulator = QuickResetGitLab(size="tiny", generation=0, rate_limit=12)
    other_client = Client(emulator)
    headers = {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    for _ in range(12):
        assert other_client.get("/api/v4/projects", headers=headers).status_code == 200
    throttled = other_client.get("/api/v4/projects", headers=headers)
    assert throttled.status_code == 429
    assert throttled.get_data(as_text=True) == "Retry later\n"
    assert int(throttled.headers["Retry-After"]) >= 1
    emulator.clear_request_log()
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    statuses = [e.status for e in emulator.request_log]
    assert 429 in statuses
    assert statuses[-1] == 200
