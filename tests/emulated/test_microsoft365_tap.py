"""tap-microsoft365 against the Graph emulator: a whole read, then delta runs, with the
request log, deletions through the delta and a resync after expired delta links."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.microsoft365 import Microsoft365Emulator
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class

DELTA_STREAMS = ("users", "messages", "events", "drive_items", "channel_messages")
FULL_STREAMS = ("mailbox_owners", "mail_folders", "drives", "teams", "channels")
TOKEN_PATH = "/2432b57b-0abd-43db-aa7b-16eadd115d34/oauth2/v2.0/token"


class Run:
    """What one sync wrote: records by stream, the last state, the activated streams."""

    def __init__(self, output: str) -> None:
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.state: dict[str, Any] = {}
        self.activated: set[str] = set()
        for line in output.splitlines():
            message = json.loads(line)
            if message["type"] == "RECORD":
                self.records.setdefault(message["stream"], []).append(message["record"])
            elif message["type"] == "STATE":
                self.state = message["value"]
            elif message["type"] == "ACTIVATE_VERSION":
                self.activated.add(message["stream"])

    def counts(self) -> dict[str, int]:
        return {stream: len(rows) for stream, rows in sorted(self.records.items())}

    def delta_links(self, stream: str) -> list[str]:
        bookmark = self.state["bookmarks"][stream]
        partitions = bookmark.get("partitions", [bookmark])
        return [p["delta_link"] for p in partitions if "delta_link" in p]


def _sync(emulator: Microsoft365Emulator, capsys: Any, state: dict[str, Any] | None = None) -> Run:
    emulator.clear_request_log()
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials}
        tap_class(load_connector("microsoft365"))(config=config, state=state).sync_all()
    return Run(capsys.readouterr().out)


@pytest.fixture
def emulator() -> Microsoft365Emulator:
    return Microsoft365Emulator(size="tiny", seed=1, generation=0)


def test_first_run_reads_everything_and_keeps_a_delta_link_per_partition(emulator, capsys):
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    assert run.activated == set(DELTA_STREAMS) | set(FULL_STREAMS)  # whole reads
    assert len(run.delta_links("users")) == 1
    assert len(run.delta_links("messages")) == emulator.counts()["mail_folders"]
    assert len(run.delta_links("events")) == emulator.counts()["users"]
    assert len(run.delta_links("channel_messages")) == emulator.counts()["channels"]
    # links are kept relative to the base URL: the next run's emulator has another port
    assert all(link.startswith("/users/") for link in run.delta_links("messages"))

    log = emulator.request_log
    assert log[0].method == "POST"
    assert log[0].path == TOKEN_PATH
    assert [e.path for e in log].count(TOKEN_PATH) == 1  # one app-only token for the run
    token = {e.headers["Authorization"] for e in log[1:]}
    assert len(token) == 1
    assert token.pop().startswith("Bearer ")
    assert {e.status for e in log} == {200}
    assert all("$deltatoken" not in e.query for e in log)


def test_a_second_run_requests_only_the_delta_links_and_reads_no_changes(emulator, capsys):
    first = _sync(emulator, capsys)
    second = _sync(emulator, capsys, first.state)
    assert set(second.records) == set(FULL_STREAMS)
    assert second.activated == set(FULL_STREAMS)  # delta reads retire nothing
    delta_requests = [e for e in emulator.request_log if e.path.endswith("/delta")]
    partitions = sum(len(first.delta_links(s)) for s in DELTA_STREAMS)
    assert len(delta_requests) == partitions
    assert all("$deltatoken" in e.query and "$skiptoken" not in e.query for e in delta_requests)


def test_a_mutation_shows_up_as_changes_and_removals_in_the_next_delta(emulator, capsys):
    first = _sync(emulator, capsys)
    emulator.set_generation(1)
    changes = emulator.changes(0)
    run = _sync(emulator, capsys, first.state)
    removed_in_all = 0
    for stream in DELTA_STREAMS:
        rows = run.records.get(stream, [])
        removed = [r for r in rows if r.get("_sdc_deleted_at")]
        # OneDrive marks a deleted item with its `deleted` facet, the others with @removed
        mark = "deleted" if stream == "drive_items" else "@removed"
        assert all(r.get(mark) for r in removed), stream
        # what a deleted user owned is not read at all (their mailbox is gone)
        assert len(removed) <= changes[f"{stream}_deleted"], stream
        assert len(rows) - len(removed) == changes[f"{stream}_changed"], stream
        removed_in_all += len(removed)
    assert removed_in_all >= 3
    assert any(r.get("deleted") for r in run.records["drive_items"])
    assert [r["@removed"] for r in run.records["users"] if r.get("_sdc_deleted_at")] == [
        {"reason": "changed"}
    ]


def test_expired_delta_links_are_read_whole_again_and_retire_stale_rows(emulator, capsys, caplog):
    first = _sync(emulator, capsys)
    emulator.set_generation(5)  # the links of generation 0 have expired
    run = _sync(emulator, capsys, first.state)
    gone = [e for e in emulator.request_log if e.status == 410]
    assert gone, "the saved links were refused"
    assert all("$deltatoken" in e.query for e in gone)
    expected = emulator.counts()
    assert {s: run.counts().get(s, 0) for s in DELTA_STREAMS} == {
        s: expected[s] for s in DELTA_STREAMS
    }
    assert not any(r.get("_sdc_deleted_at") for s in DELTA_STREAMS for r in run.records[s])
    # every partition was read whole: rows deleted meanwhile retire downstream
    assert run.activated >= set(DELTA_STREAMS)
    assert "refused the saved delta link (HTTP 410, syncStateNotFound)" in caplog.text


def test_the_client_secret_never_reaches_the_output_or_the_request_log(emulator, capsys):
    run = _sync(emulator, capsys)
    secret = emulator.credentials["client_secret"]
    assert secret not in json.dumps(run.state)
    token_request = emulator.request_log[0]
    assert secret not in json.dumps(token_request.query)
    assert hidden(secret) != secret
