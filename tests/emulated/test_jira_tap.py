"""tap-jira against the Jira emulator: records, state and the request log, twice."""

from __future__ import annotations

import base64
import copy
from typing import Any, ClassVar

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.jira import JiraEmulator
from brainhub.sandbox.services.jira.sizes import jira_time
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput as Run

SEARCH = "/rest/api/3/search/jql"


def _config(served: Any) -> dict[str, Any]:
    # the emulator serves the site's root: base_url replaces https://{domain}
    return {"base_url": served.base_url, **served.credentials}


def _sync(emulator: JiraEmulator, capsys: Any, state: dict[str, Any] | None = None) -> Run:
    with serve(emulator) as served:
        tap_class(load_connector("jira"))(config=_config(served), state=state).sync_all()
    return Run(capsys.readouterr().out)


@pytest.fixture
def emulator() -> JiraEmulator:
    return JiraEmulator(size="tiny", seed=1, generation=0)


def _minute(jira_timestamp: str) -> str:
    return jira_timestamp[:10] + " " + jira_timestamp[11:16]


def test_first_run_reads_every_record_and_bookmarks_issues(
    emulator: JiraEmulator, capsys: Any
) -> None:
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    newest = max(issue["fields"]["updated"] for issue in run.records["issues"])
    bookmark = run.state["bookmarks"]["issues"]
    assert bookmark["replication_key"] == "updated"
    assert bookmark["replication_key_value"] == newest
    assert all(i["updated"] == i["fields"]["updated"] for i in run.records["issues"])
    issue_ids = {i["id"] for i in run.records["issues"]}
    assert {c["issue_id"] for c in run.records["issue_comments"]} <= issue_ids


def test_first_run_request_log_shows_basic_auth_search_and_start_at_paging(
    emulator: JiraEmulator, capsys: Any
) -> None:
    _sync(emulator, capsys)
    log = emulator.request_log
    creds = emulator.credentials
    basic = base64.b64encode(f"{creds['email']}:{creds['api_token']}".encode()).decode()
    assert {entry.headers["Authorization"] for entry in log} == {f"Basic {hidden(basic)}"}
    (search,) = [e for e in log if e.path == SEARCH]
    assert search.query["jql"] == ["project IS NOT EMPTY ORDER BY updated ASC"]
    assert search.query["maxResults"] == ["100"]
    assert search.query["fields"] == ["*navigable,comment,worklog"], "for the totals"
    long_thread = next(i for i in emulator.data.issues() if i.key == "ENG-1")
    pages = [
        e.query.get("startAt")
        for e in log
        if e.path == f"/rest/api/3/issue/{long_thread.id}/comment"
    ]
    assert pages == [["0"], ["100"]]
    sprints = [e for e in log if e.path.endswith("/sprint")]
    assert sorted(e.status for e in sprints) == [200, 400], "kanban board skipped"


def test_second_run_filters_with_jql_on_the_bookmark_minute(
    emulator: JiraEmulator, capsys: Any
) -> None:
    first = _sync(emulator, capsys)
    bookmark = first.state["bookmarks"]["issues"]["replication_key_value"]
    emulator.set_generation(1)
    emulator.clear_request_log()
    second = _sync(emulator, capsys, state=copy.deepcopy(first.state))

    (search,) = [e for e in emulator.request_log if e.path == SEARCH]
    assert search.query["jql"] == [f'updated >= "{_minute(bookmark)}" ORDER BY updated ASC']
    expected = {
        i.key for i in emulator.data.issues() if _minute(jira_time(i.updated)) >= _minute(bookmark)
    }
    got = {i["key"] for i in second.records["issues"]}
    assert got == expected
    assert len(got) < emulator.counts()["issues"], "not a full re-read"
    assert len(got) >= emulator.changes(0)["issues_created"]
    mark = first.state["bookmarks"]["issue_comments"]["parents_changed_since"]
    for child, field in (("comment", "comment"), ("worklog", "worklog")):
        read_for = {e.path.split("/")[5] for e in emulator.request_log if e.path.endswith(child)}
        changed = {
            i["id"]
            for i in second.records["issues"]
            if i["fields"][field]["total"] > 0 and i["updated"] >= mark
        }
        assert read_for == changed, f"{child}s only of changed issues that have some"
    newest = max(i["fields"]["updated"] for i in second.records["issues"])
    assert second.state["bookmarks"]["issues"]["replication_key_value"] == newest


class QuickJira(JiraEmulator):
    """Jira with a one-second burst window, so Retry-After waits are short."""

    rate_limit_window_s: ClassVar[float] = 1.0  # type: ignore[misc]


def test_429_with_retry_after_is_waited_out(capsys: Any) -> None:
    emulator = QuickJira(size="tiny", generation=0, rate_limit=15)
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    assert 429 in {e.status for e in emulator.request_log}


def test_the_api_token_never_reaches_the_logs(
    emulator: JiraEmulator, capsys: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with serve(emulator) as served:
        tap_class(load_connector("jira"))(config=_config(served)).sync_all()
    captured = capsys.readouterr()
    token = emulator.credentials["api_token"]
    for text in (captured.err, captured.out, caplog.text):
        assert token not in text


def test_a_demo_sync_stays_inside_a_minute_of_budget(capsys: Any) -> None:
    emulator = JiraEmulator(size="demo", generation=0)
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    assert len(emulator.request_log) < 90
