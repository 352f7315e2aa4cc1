"""tap-confluence against the Confluence emulator: records, state and the request log,
on a first run and an incremental one."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.confluence import ConfluenceEmulator
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput as Run

API = "/wiki/api/v2"


def _sync(
    emulator: ConfluenceEmulator,
    capsys: Any,
    state: dict[str, Any] | None = None,
    only: set[str] | None = None,
) -> Run:
    """One sync; ``only`` selects some streams (the others, children too, are not read)."""
    tap = tap_class(load_connector("confluence"))
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials}
        catalog = None
        if only is not None:
            catalog = tap(config=config).catalog_dict
            for entry in catalog["streams"]:
                root = next(m for m in entry["metadata"] if m["breadcrumb"] == [])
                root["metadata"]["selected"] = entry["tap_stream_id"] in only
        tap(config=config, state=state, catalog=catalog).sync_all()
    return Run(capsys.readouterr().out)


@pytest.fixture
def emulator() -> ConfluenceEmulator:
    return ConfluenceEmulator(size="demo", seed=1, generation=0)


def test_first_run_reads_every_record_with_storage_bodies(
    emulator: ConfluenceEmulator, capsys: Any
) -> None:
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    pages = run.records["pages"]
    assert all(p["body"]["storage"]["value"].startswith("<p>") for p in pages)
    assert all(p["version_created_at"] == p["version"]["createdAt"] for p in pages)
    bookmark = run.state["bookmarks"]["pages"]
    assert bookmark["replication_key"] == "version_created_at"
    assert bookmark["replication_key_value"] == max(p["version_created_at"] for p in pages)
    page_ids = {p["id"] for p in pages}
    assert {c["pageId"] for c in run.records["footer_comments"]} <= page_ids
    assert {label["page_id"] for label in run.records["page_labels"]} <= page_ids


def test_first_run_follows_the_relative_next_links_with_basic_auth(capsys: Any) -> None:
    emulator = ConfluenceEmulator(size="large", seed=1, generation=0)
    _sync(emulator, capsys, only={"pages"})
    log = emulator.request_log
    creds = emulator.credentials
    basic = base64.b64encode(f"{creds['email']}:{creds['api_token']}".encode()).decode()
    assert {entry.headers["Authorization"] for entry in log} == {f"Basic {hidden(basic)}"}
    listing = [e for e in log if e.path == f"{API}/pages"]
    assert len(listing) == 2, "480 pages at 250 a page"
    assert {e.path for e in log} == {f"{API}/pages"}, "no other stream read"
    assert listing[0].query == {
        "limit": ["250"],
        "body-format": ["storage"],
        "sort": ["-modified-date"],
    }
    assert "cursor" in listing[1].query, "the second page is the body's _links.next"
    assert listing[1].query["body-format"] == ["storage"]
    assert all(e.status == 200 for e in log)


def test_second_run_reads_only_the_changed_pages_and_their_labels(
    emulator: ConfluenceEmulator, capsys: Any
) -> None:
    first = _sync(emulator, capsys)
    emulator.set_generation(2)
    emulator.clear_request_log()
    second = _sync(emulator, capsys, state=first.state)
    changed = {p["id"] for p in second.records["pages"]}
    assert second.records["pages"], "two new pages and two new versions"
    bookmark = first.state["bookmarks"]["pages"]["replication_key_value"]
    assert all(p["version_created_at"] >= bookmark for p in second.records["pages"])
    newer = [p for p in second.records["pages"] if p["version_created_at"] > bookmark]
    assert len(newer) == 4, "generations 1 and 2: a new version and a new page each"
    assert len(changed) == 5, "and the page at the bookmark, read again (inclusive)"
    labels_read = {e.path for e in emulator.request_log if e.path.endswith("/labels")}
    assert labels_read == {f"{API}/pages/{page_id}/labels" for page_id in changed}
    assert len([e for e in emulator.request_log if e.path == f"{API}/pages"]) == 1
    assert second.counts()["footer_comments"] == emulator.counts()["footer_comments"]
