"""tap-notion against the Notion emulator: records, state, the request log, a second run."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.notion import NotionEmulator
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import final_state, moment, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "notion")


class RecordingNotion(NotionEmulator):
    """The emulator, also keeping the JSON body of every POST (the request log has none)."""

    def load(self) -> None:
        super().load()
        self.bodies: list[tuple[str, dict[str, Any]]] = getattr(self, "bodies", [])

    def query_database(self, request: Request, database_id: str) -> Any:
        self.bodies.append((database_id, request.get_json()))
        return super().query_database(request, database_id)


def page_bookmarks(state: dict[str, Any], database_ids: list[str]) -> dict[str, str]:
    """The bookmark each database's pages resume from (per partition, or one per stream)."""
    bookmark = state["bookmarks"]["pages"]
    if "partitions" in bookmark:
        return {
            p["context"]["database_id"]: p["replication_key_value"] for p in bookmark["partitions"]
        }
    return dict.fromkeys(database_ids, bookmark["replication_key_value"])


@pytest.fixture
def served() -> Any:
    with serve(RecordingNotion(size="tiny", generation=0)) as running:
        yield running


def test_first_and_incremental_second_run(served: Any, tmp_path: Path) -> None:
    emulator: RecordingNotion = served.emulator
    token = emulator.credentials["api_token"]
    config = {"base_url": served.base_url, "api_token": token, "page_size": 2}

    messages, stderr, code = run_tap(tmp_path, config)
    assert code == 0, stderr
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()
    assert token not in stderr
    assert all(
        page["database_id"] == page["parent"]["database_id"] for page in records(messages, "pages")
    )
    assert {b["page_id"] for b in records(messages, "blocks")} == {
        p["id"] for p in records(messages, "pages")
    }
    nesting = {b["id"] for b in records(messages, "blocks") if b["has_children"]}
    assert {c["block_id"] for c in records(messages, "block_children")} == nesting
    children_calls = {e.path.split("/")[3] for e in emulator.request_log if "/blocks/" in e.path}
    leaves = {b["id"] for b in records(messages, "blocks")} - nesting
    assert not children_calls & leaves, "no request for blocks without children"

    database_ids = [db.id for db in emulator.workspace.live_databases()]
    bookmarks = page_bookmarks(final_state(messages), database_ids)
    partitioned = "partitions" in final_state(messages)["bookmarks"]["pages"]
    for database in emulator.workspace.live_databases():
        pages = database.pages if partitioned else emulator.workspace.live_pages()
        live = [p["last_edited_time"] for p in pages if not p["archived"]]
        assert moment(bookmarks[database.id]) == moment(max(live))

    log = emulator.request_log
    assert all(entry.headers["Authorization"] == f"Bearer {hidden(token)}" for entry in log)
    assert all(entry.headers["Notion-Version"] == "2022-06-28" for entry in log)
    users = [e for e in log if e.path == "/v1/users"]
    assert [e.query.get("start_cursor") for e in users] == [
        None,
        [emulator.workspace.users[2]["id"]],
    ]
    assert all(e.query["page_size"] == ["2"] for e in users)
    first_bodies = [body for _, body in emulator.bodies]
    assert all("filter" not in body for body in first_bodies), "no start_date, no bookmark"
    assert any("start_cursor" in body for body in first_bodies), "queries paged in the body"
    assert all(body["page_size"] == 2 for body in first_bodies)
    assert len(log) < 90, "well within Notion's limit"

    # second run after one generation: only pages edited since the bookmark come back
    emulator.set_generation(1)
    emulator.clear_request_log()
    emulator.bodies.clear()
    messages, stderr, code = run_tap(tmp_path, config, final_state(messages))
    assert code == 0, stderr
    assert emulator.bodies
    for database_id, body in emulator.bodies:
        assert body["filter"]["timestamp"] == "last_edited_time"
        sent = body["filter"]["last_edited_time"]["on_or_after"]
        assert moment(sent) == moment(bookmarks[database_id])
    expected = {
        p["id"]
        for db in emulator.workspace.live_databases()
        for p in db.pages
        if not p["archived"] and moment(p["last_edited_time"]) >= moment(bookmarks[db.id])
    }
    second = {p["id"] for p in records(messages, "pages")}
    assert second == expected
    assert len(second) < emulator.counts()["pages"]
    changed = emulator.changes(0)
    assert len(second) >= changed["pages_updated"] + changed["pages_created"]
    block_requests = {e.path.split("/")[3] for e in emulator.request_log if "/blocks/" in e.path}
    toggles = {
        b["id"]
        for page_id in second
        for b in emulator.workspace.blocks[page_id]
        if b["has_children"]
    }
    assert block_requests == second | toggles, "blocks are re-read only for pages read again"
    new_bookmarks = page_bookmarks(final_state(messages), database_ids)
    assert all(moment(new_bookmarks[k]) >= moment(v) for k, v in bookmarks.items())
    assert max(map(moment, new_bookmarks.values())) > max(map(moment, bookmarks.values()))


def test_a_bad_token_fails_with_a_clear_message_and_no_secret(served: Any, tmp_path: Path) -> None:
    wrong = "secret_wrongwrongwrong0123456789"
    config = {"base_url": served.base_url, "api_token": wrong}
    messages, stderr, code = run_tap(tmp_path, config)
    assert code != 0
    assert "check the api_token setting" in stderr
    assert wrong not in stderr
    assert "Traceback" not in stderr
    assert records(messages) == []


def test_demo_sync_stays_within_the_rate_limit(capsys: pytest.CaptureFixture[str]) -> None:
    emulator = NotionEmulator(size="demo", generation=0)
    with serve(emulator) as running:
        config = {"base_url": running.base_url, "api_token": emulator.credentials["api_token"]}
        tap_class(load_connector("notion"))(config=config).sync_all()
    out = capsys.readouterr().out
    messages = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert dict(Counter(m["stream"] for m in messages if m["type"] == "RECORD")) == (
        emulator.counts()
    )
    assert len(emulator.request_log) < 90
    assert all(entry.status == 200 for entry in emulator.request_log)
