"""tap-google-workspace against the Google Workspace emulator: a first run, a run after
``sandbox mutate`` (a new generation) resumed from each API's sync token, deletions through
the sync, and an expired token read whole again; the request log shows what was asked."""

from __future__ import annotations

from typing import Any

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.google_workspace import GoogleWorkspaceEmulator
from brainhub.sandbox.services.google_workspace.emulator import TOKENS_KEPT
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput as Run

CAL, GMAIL, DRIVE = "/calendar/v3", "/gmail/v1/users/me", "/drive/v3"


def _sync(
    emulator: GoogleWorkspaceEmulator, capsys: Any, state: dict[str, Any] | None = None
) -> Run:
    tap = tap_class(load_connector("google_workspace"))
    with serve(emulator) as served:
        tap(config={"base_url": served.base_url, **served.credentials}, state=state).sync_all()
    return Run(capsys.readouterr().out)


def _paths(emulator: GoogleWorkspaceEmulator) -> list[str]:
    return [entry.path for entry in emulator.request_log]


def test_a_first_run_reads_every_api_on_its_host_and_keeps_each_sync_token(
    capsys: Any,
) -> None:
    emulator = GoogleWorkspaceEmulator(size="tiny", generation=1)
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    paths = _paths(emulator)
    # one token exchange for the whole run, then every API under its own path
    assert paths.count("/token") == 1
    assert paths[0] == "/token"
    assert f"{CAL}/users/me/calendarList" in paths
    assert f"{DRIVE}/changes/startPageToken" in paths
    assert paths.index(f"{DRIVE}/changes/startPageToken") < paths.index(f"{DRIVE}/files")
    assert paths.index(f"{GMAIL}/profile") < paths.index(f"{GMAIL}/messages")
    assert not any(p.endswith("/history") or p == f"{DRIVE}/changes" for p in paths)
    documents = [p for p in paths if p.startswith("/v1/documents/")]
    assert len(documents) == emulator.counts()["documents"]
    data = [e for e in emulator.request_log if e.path != "/token"]
    assert all(e.headers["Authorization"].startswith("Bearer ") for e in data)
    assert all(e.headers["Authorization"] != "Bearer " + hidden("") for e in data)
    bookmarks = run.state["bookmarks"]
    assert bookmarks["files"]["sync_token"] == "1"
    assert bookmarks["messages"]["sync_token"] == "1999"
    assert bookmarks["events"]["partitions"][0]["sync_token"].startswith("CP")
    # nothing is marked deleted on a whole read, and no table version retires rows
    assert all(r["_sdc_deleted_at"] is None for r in run.records["events"])
    assert all(r.get("_sdc_deleted_at") is None for r in run.records["files"])


def test_a_run_after_mutate_reads_only_what_changed_deletions_included(capsys: Any) -> None:
    first = GoogleWorkspaceEmulator(size="tiny", generation=1)
    state = _sync(first, capsys).state
    later = GoogleWorkspaceEmulator(size="tiny", generation=2)
    run = _sync(later, capsys, state)
    log = later.request_log
    events = [e for e in log if e.path.endswith("/events")]
    assert [e.query.get("syncToken") is not None for e in events] == [True]
    assert not any(e.path == f"{DRIVE}/files" for e in log)
    changes = [e for e in log if e.path == f"{DRIVE}/changes"]
    assert changes[0].query["pageToken"] == ["1"]
    history = [e for e in log if e.path == f"{GMAIL}/history"]
    assert history[0].query["startHistoryId"] == ["1999"]
    assert not any(e.path in (f"{GMAIL}/profile", f"{GMAIL}/messages") for e in log)

    changed = later.changes(1)
    cancelled = [r for r in run.records["events"] if r["_sdc_deleted_at"] is not None]
    assert len(cancelled) == changed["events_deleted"] == 1
    assert cancelled[0]["status"] == "cancelled"
    assert len(run.records["events"]) == changed["events_changed"] + changed["events_deleted"]
    removed = [r for r in run.records["files"] if r["_sdc_deleted_at"] is not None]
    assert len(removed) == changed["files_deleted"] == 1
    assert removed[0]["id"] == removed[0]["fileId"]  # the key of a removed file
    deleted = [r for r in run.records["messages"] if r["_sdc_deleted_at"] is not None]
    assert len(deleted) == changed["messages_deleted"] == 1
    # only added messages are read in full; the deleted one is not asked for
    details = [e.path for e in log if e.path.startswith(f"{GMAIL}/messages/")]
    assert len(details) == changed["messages_added"] == 1
    assert run.state["bookmarks"]["files"]["sync_token"] == "2"
    assert run.state["bookmarks"]["messages"]["sync_token"] == "2999"


def test_expired_tokens_read_each_stream_whole_again(capsys: Any) -> None:
    first = GoogleWorkspaceEmulator(size="tiny", generation=1)
    state = _sync(first, capsys).state
    old_token = state["bookmarks"]["events"]["partitions"][0]["sync_token"]
    much_later = GoogleWorkspaceEmulator(size="tiny", generation=TOKENS_KEPT + 2)
    run = _sync(much_later, capsys, state)
    statuses = [(e.path, e.status) for e in much_later.request_log]
    events = [s for p, s in statuses if p.endswith("/events")]
    assert events == [410, 200]  # Calendar's fullSyncRequired, then a whole read
    history = [s for p, s in statuses if p.endswith("/history")]
    assert history == [404]  # Gmail's answer to a history id too old
    assert (f"{GMAIL}/profile", 200) in statuses
    counts = much_later.counts()
    assert len(run.records["events"]) == counts["events"]
    assert len(run.records["messages"]) == counts["messages"]
    token = run.state["bookmarks"]["events"]["partitions"][0]["sync_token"]
    assert token != old_token
