"""Streams read by sync token (``incremental: {type: sync_token}``) against a toy API.

The toy answers the three shapes Google's APIs use: a listing whose last page carries the
next token (Calendar's ``nextSyncToken``), a start-token request plus a changes feed
(Drive's ``startPageToken``/``changes``), and a history feed with deletions in their own list
(Gmail's ``history`` with ``messagesDeleted``). Generation 2 changes one item, deletes one
and adds one; tokens older than ``oldest`` are refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.errors import SpecError
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec, parse_spec
from taps.runtime.tap import tap_class

PAGE = 2


def _items(generation: int) -> list[dict[str, Any]]:
    """Items of a generation; deleted ones stay with ``status: cancelled`` from generation 2."""
    items = [
        {"id": "e1", "status": "confirmed", "summary": "one", "gen": 1},
        {"id": "e2", "status": "confirmed", "summary": "two", "gen": 1},
        {"id": "e3", "status": "confirmed", "summary": "three", "gen": 1},
    ]
    if generation >= 2:
        items[1] = {**items[1], "summary": "two, moved", "gen": 2}
        items[2] = {"id": "e3", "status": "cancelled", "gen": 2}
        items.append({"id": "e4", "status": "confirmed", "summary": "four", "gen": 2})
    return items


class ToySync(Emulator):
    service = "toysync"
    routes = (
        Rule("/cals", endpoint="calendars"),
        Rule("/cals/<cid>/events", endpoint="events"),
        Rule("/start", endpoint="start"),
        Rule("/files", endpoint="files"),
        Rule("/changes", endpoint="changes"),
        Rule("/profile", endpoint="profile"),
        Rule("/messages", endpoint="messages"),
        Rule("/history", endpoint="history"),
    )
    oldest = 1

    def _since(self, token: str) -> int | Response:
        since = int(token[1:])
        if since < self.oldest:
            body = {"error": {"code": 410, "errors": [{"reason": "fullSyncRequired"}]}}
            return self.json_response(body, status=410)
        return since

    def _page(self, items: list[Any], request: Request) -> tuple[list[Any], dict[str, Any]]:
        start = int(request.args.get("pageToken", "0") or 0)
        more = start + PAGE < len(items)
        return items[start : start + PAGE], {"nextPageToken": str(start + PAGE)} if more else {}

    def calendars(self, request: Request) -> dict[str, Any]:
        return {"items": [{"id": "c1"}]}

    def events(self, request: Request, cid: str) -> Any:
        token = request.args.get("syncToken")
        items = _items(self.generation)
        if token:
            since = self._since(token)
            if isinstance(since, Response):
                return since
            items = [i for i in items if i["gen"] > since]
        else:
            items = [i for i in items if i["status"] != "cancelled"]
        page, more = self._page(items, request)
        return {"items": page, **(more or {"nextSyncToken": f"g{self.generation}"})}

    def start(self, request: Request) -> dict[str, Any]:
        return {"startPageToken": f"s{self.generation}"}

    def files(self, request: Request) -> dict[str, Any]:
        live = [i for i in _items(self.generation) if i["status"] != "cancelled"]
        page, more = self._page(live, request)
        return {"files": page, **more}

    def changes(self, request: Request) -> Any:
        token = request.args["pageToken"]
        if token.startswith("s"):
            since = int(token[1:])
            changed = [i for i in _items(self.generation) if i["gen"] > since]
            feed = [
                {"fileId": i["id"], "removed": True}
                if i["status"] == "cancelled"
                else {"fileId": i["id"], "removed": False, "file": i}
                for i in changed
            ]
            request.environ["toy.feed"] = feed
            page, more = feed[:PAGE], {"nextPageToken": str(PAGE)} if len(feed) > PAGE else {}
        else:
            since = int(request.args.get("since", "1"))
            feed = [
                {"fileId": i["id"], "removed": True}
                if i["status"] == "cancelled"
                else {"fileId": i["id"], "removed": False, "file": i}
                for i in _items(self.generation)
                if i["gen"] > since
            ]
            page, more = feed[int(token) :], {}
        return {"changes": page, **(more or {"newStartPageToken": f"s{self.generation}"})}

    def profile(self, request: Request) -> dict[str, Any]:
        return {"historyId": str(self.generation * 100)}

    def messages(self, request: Request) -> dict[str, Any]:
        live = [{"id": i["id"]} for i in _items(self.generation) if i["status"] != "cancelled"]
        return {"messages": live}

    def history(self, request: Request) -> Any:
        since = int(request.args["startHistoryId"]) // 100
        if since < self.oldest:
            return self.json_response({"error": {"code": 404, "status": "NOT_FOUND"}}, 404)
        changed = [i for i in _items(self.generation) if i["gen"] > since]
        added = [{"message": {"id": i["id"]}} for i in changed if i["status"] != "cancelled"]
        gone = [{"message": {"id": i["id"]}} for i in changed if i["status"] == "cancelled"]
        entry = {"id": "h1", "messagesAdded": added, "messagesDeleted": gone}
        return {"history": [entry] if changed else [], "historyId": str(self.generation * 100)}


SPEC = """
name: toysync
base_url: http://localhost
defaults:
  paginator: {type: cursor, param: pageToken, from_body: nextPageToken}
streams:
  calendars: {path: /cals, records: '$.items[*]', primary_key: id}
  events:
    parent: calendars
    path: /cals/{parent.id}/events
    params: {timeMin: '2020-01-01T00:00:00Z'}
    records: '$.items[*]'
    primary_key: id
    deleted: {field: status, equals: cancelled}
    incremental: {type: sync_token, param: syncToken, token_from: nextSyncToken, params: {}}
  files:
    path: /files
    records: '$.files[*]'
    primary_key: id
    deleted: {field: removed, equals: true}
    incremental:
      type: sync_token
      param: pageToken
      token_from: newStartPageToken
      start: {path: /start, token_from: startPageToken}
      path: /changes
      params: {includeRemoved: true}
      records: '$.changes[*]'
      unwrap: file
      add_fields: {id: '{record.fileId}'}
  messages:
    path: /messages
    records: '$.messages[*]'
    primary_key: id
    incremental:
      type: sync_token
      param: startHistoryId
      token_from: historyId
      start: {path: /profile, token_from: historyId}
      path: /history
      records: '$.history[*].messagesAdded[*].message'
      deleted_records: '$.history[*].messagesDeleted[*].message'
      expired: [404]
"""
SCHEMAS = {
    "calendars": {"id": {"type": "string"}},
    "events": {
        "id": {"type": "string"},
        "status": {"type": "string"},
        "summary": {"type": ["string", "null"]},
    },
    "files": {
        "id": {"type": ["string", "null"]},
        "fileId": {"type": ["string", "null"]},
        "removed": {"type": ["boolean", "null"]},
        "summary": {"type": ["string", "null"]},
    },
    "messages": {"id": {"type": "string"}},
}


def _spec_path(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    for name, properties in SCHEMAS.items():
        (tmp_path / "schemas" / f"{name}.json").write_text(json.dumps({"properties": properties}))
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return path


def _run(
    tmp_path: Path, capsys: Any, api: ToySync, stream: str, state: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    spec = load_spec(_spec_path(tmp_path))
    tap_type = tap_class(spec)
    catalog = tap_type(config={}).catalog_dict
    for entry in catalog["streams"]:
        chosen = entry["tap_stream_id"] == stream or (
            stream == "events" and entry["tap_stream_id"] == "calendars"
        )
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == []:
                meta["metadata"]["selected"] = chosen
    with serve(api) as served:
        tap = tap_type(config={"base_url": served.base_url}, catalog=catalog, state=state)
        tap.sync_all()
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    records = [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    return records, states[-1]


def _partition_token(state: dict[str, Any], stream: str) -> Any:
    bookmark = state["bookmarks"][stream]
    partitions = bookmark.get("partitions")
    return partitions[0]["sync_token"] if partitions else bookmark["sync_token"]


def test_a_listing_resumes_from_its_last_pages_token_and_reports_deletions(
    tmp_path: Path, capsys: Any
) -> None:
    api = ToySync(generation=1)
    first, state = _run(tmp_path, capsys, api, "events")
    assert [r["id"] for r in first] == ["e1", "e2", "e3"]
    assert _partition_token(state, "events") == "g1"
    first_queries = [e.query for e in api.request_log if e.path.endswith("/events")]
    assert all("syncToken" not in q for q in first_queries)
    assert first_queries[0]["timeMin"] == ["2020-01-01T00:00:00Z"]

    api = ToySync(generation=2)
    second, state = _run(tmp_path, capsys, api, "events", state)
    assert [(r["id"], r["_sdc_deleted_at"] is not None) for r in second] == [
        ("e2", False),
        ("e3", True),
        ("e4", False),
    ]
    resumed = [e.query for e in api.request_log if e.path.endswith("/events")]
    assert resumed[0] == {"syncToken": ["g1"]}  # the resumed read's params replace timeMin
    assert resumed[1] == {"syncToken": ["g1"], "pageToken": ["2"]}
    assert _partition_token(state, "events") == "g2"


def test_an_expired_token_reads_the_stream_whole_again(tmp_path: Path, capsys: Any) -> None:
    api = ToySync(generation=2)
    api.oldest = 2
    state = {
        "bookmarks": {
            "events": {"partitions": [{"context": {"calendar_id": "c1"}, "sync_token": "g1"}]}
        }
    }
    records, state = _run(tmp_path, capsys, api, "events", state)
    assert [r["id"] for r in records] == ["e1", "e2", "e4"]
    statuses = [(e.status, "syncToken" in e.query) for e in api.request_log if "events" in e.path]
    assert statuses == [(410, True), (200, False), (200, False)]
    assert _partition_token(state, "events") == "g2"


def test_a_start_token_and_a_changes_feed_unwrap_files_and_mark_removals(
    tmp_path: Path, capsys: Any
) -> None:
    api = ToySync(generation=1)
    first, state = _run(tmp_path, capsys, api, "files")
    assert [r["id"] for r in first] == ["e1", "e2", "e3"]
    assert [e.path for e in api.request_log] == ["/start", "/files", "/files"]
    assert state["bookmarks"]["files"]["sync_token"] == "s1"

    api = ToySync(generation=2)
    second, state = _run(tmp_path, capsys, api, "files", state)
    removed = {r["id"]: r["_sdc_deleted_at"] is not None for r in second}
    assert removed == {"e2": False, "e3": True, "e4": False}
    assert next(r for r in second if r["fileId"] == "e2")["summary"] == "two, moved"
    assert api.request_log[0].query == {"includeRemoved": ["true"], "pageToken": ["s1"]}
    assert state["bookmarks"]["files"]["sync_token"] == "s2"


def test_a_history_feed_with_deletions_in_their_own_list(tmp_path: Path, capsys: Any) -> None:
    api = ToySync(generation=1)
    _, state = _run(tmp_path, capsys, api, "messages")
    assert state["bookmarks"]["messages"]["sync_token"] == "100"
    api = ToySync(generation=2)
    second, state = _run(tmp_path, capsys, api, "messages", state)
    assert [(r["id"], r["_sdc_deleted_at"] is not None) for r in second] == [
        ("e2", False),
        ("e4", False),
        ("e3", True),
    ]
    assert state["bookmarks"]["messages"]["sync_token"] == "200"
    # Gmail answers 404 for a history id too old to resume from: read whole again.
    api = ToySync(generation=2)
    api.oldest = 3
    again, _ = _run(tmp_path, capsys, api, "messages", state)
    assert [e.status for e in api.request_log] == [404, 200, 200]
    assert [r["id"] for r in again] == ["e1", "e2", "e4"]


def test_a_sync_token_block_without_its_token_field_is_refused(tmp_path: Path) -> None:
    broken = SPEC.replace("param: syncToken, token_from: nextSyncToken, ", "param: syncToken, ")
    with pytest.raises(SpecError) as caught:
        parse_spec(broken, _spec_path(tmp_path))
    assert "streams.events.incremental" in str(caught.value)
    assert "token_from" in str(caught.value)


def test_a_cursor_block_with_a_typo_is_still_explained_as_a_cursor_block(tmp_path: Path) -> None:
    broken = SPEC.replace(
        "incremental: {type: sync_token, param: syncToken, token_from: nextSyncToken, params: {}}",
        "incremental: {cursr: updated}",
    )
    with pytest.raises(SpecError) as caught:
        parse_spec(broken, _spec_path(tmp_path))
    assert (
        "streams.events.incremental: unknown key 'cursr' (valid keys: body, client_filter"
        in str(caught.value)
    )
