"""tap-bitbucket against the Bitbucket emulator: records, state and the request log, twice."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime
from typing import Any

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.bitbucket import BitbucketEmulator
from brainhub.sandbox.services.bitbucket.dataset import SIZES
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput as Run

INCREMENTAL = {"pull_requests": "updated_on", "issues": "updated_on", "commits": "date"}


def _bookmarks(run: Run, stream: str) -> dict[str, str]:
    """Each repository's bookmark of ``stream`` (a repository with no records has none)."""
    partitions = run.state["bookmarks"][stream]["partitions"]
    return {
        p["context"]["repository_full_name"]: p["replication_key_value"]
        for p in partitions
        if "replication_key_value" in p
    }


def _second(stamp: str) -> str:
    return datetime.fromisoformat(stamp).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sync(emulator: BitbucketEmulator, capsys: Any, state: dict[str, Any] | None = None) -> Run:
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials}
        tap_class(load_connector("bitbucket"))(config=config, state=state).sync_all()
    return Run(capsys.readouterr().out)


@pytest.fixture
def emulator() -> BitbucketEmulator:
    return BitbucketEmulator(size="tiny", seed=1, generation=0)


def test_first_run_reads_every_record_and_bookmarks_each_repository(
    emulator: BitbucketEmulator, capsys: Any
) -> None:
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    states = {p["state"] for p in run.records["pull_requests"]}
    assert states - {"OPEN"}, "pull requests in every state, not only the default OPEN"
    for stream, cursor in INCREMENTAL.items():
        bookmarks = _bookmarks(run, stream)
        for repo in {r["repository_full_name"] for r in run.records[stream]}:
            newest = max(
                r[cursor] for r in run.records[stream] if r["repository_full_name"] == repo
            )
            assert bookmarks[repo] == newest, f"{stream} bookmark of {repo}"


def test_first_run_request_log_shows_auth_paging_and_the_tracker_filter(
    emulator: BitbucketEmulator, capsys: Any
) -> None:
    _sync(emulator, capsys)
    log = emulator.request_log
    token = emulator.credentials["access_token"]
    assert {entry.headers["Authorization"] for entry in log} == {f"Bearer {hidden(token)}"}
    assert {e.status for e in log} == {200}
    commits = [e for e in log if e.path == "/2.0/repositories/sandbox-team-1/service-1/commits"]
    assert [e.query.get("page") for e in commits] == [None], "12 commits fit one page of 100"
    pulls = [e for e in log if e.path.endswith("/pullrequests")]
    assert all(
        e.query["state"] == ["OPEN", "MERGED", "DECLINED", "SUPERSEDED"] and "q" not in e.query
        for e in pulls
    )
    issues = {e.path for e in log if e.path.endswith("/issues")}
    assert issues == {"/2.0/repositories/sandbox-team-1/service-1/issues"}, (
        "service-2 keeps no issue tracker: its issues are never asked for"
    )


def test_pages_follow_the_next_url_in_the_body(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 150 commits per repository: two pages of 100
    monkeypatch.setitem(SIZES, "tiny", dataclasses.replace(SIZES["tiny"], commits=150))
    emulator = BitbucketEmulator(size="tiny", seed=1, generation=0)
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    commits = [e for e in emulator.request_log if e.path.endswith("/service-1/commits")]
    assert [(e.query.get("page"), e.query["pagelen"]) for e in commits] == [
        (None, ["100"]),
        (["2"], ["100"]),
    ], "the next URL is followed as given, with its pagelen"
    hashes = [c["hash"] for c in run.records["commits"]]
    assert len(hashes) == len(set(hashes)) == emulator.counts()["commits"] > 300


def test_second_run_sends_the_bookmarks_as_bbql_and_reads_only_changes(
    emulator: BitbucketEmulator, capsys: Any
) -> None:
    first = _sync(emulator, capsys)
    emulator.set_generation(1)
    emulator.clear_request_log()
    second = _sync(emulator, capsys, state=copy.deepcopy(first.state))

    for stream, suffix in (("pull_requests", "/pullrequests"), ("issues", "/issues")):
        bookmarks = _bookmarks(first, stream)
        sent = {
            e.path.removeprefix("/2.0/repositories/").removesuffix(suffix): e.query.get("q")
            for e in emulator.request_log
            if e.path.endswith(suffix)
        }
        # the bookmark to the second (``>=`` re-reads at most that second's changes); a
        # repository read for the first time (the new scratch one) gets no filter
        assert sent == {
            repo: [f'updated_on>="{_second(bookmarks[repo])}"'] if repo in bookmarks else None
            for repo in sent
        }
        assert set(bookmarks) <= set(sent)
        got = second.records[stream]
        assert got, f"{stream}: the generation's changes are read"
        assert len(got) < emulator.counts()[stream], f"{stream}: only the changes"
        assert all(r["updated_on"] >= bookmarks[r["repository_full_name"]] for r in got)
    new_commits = second.records["commits"]
    assert len(new_commits) < emulator.counts()["commits"]
    assert {c["date"][:10] for c in new_commits} >= {"2026-01-06"}
