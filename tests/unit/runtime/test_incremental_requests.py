"""A second sync costs requests in proportion to what changed, each mechanism on its own.

- ``incremental.newest_first``: paging stops at the first record older than the bookmark;
- ``only_changed_parents``: a child is read only for parents changed since the last run;
- ``conditional_requests``: ``If-None-Match`` with the last ETag, a 304 reads nothing;
- the end-of-run line comparing this run's requests with the last run's.

One toy API serves them all; its request log shows what each run sent.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import textwrap
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.errors import SpecError
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput

PAGE = 10
SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "updated": {"type": "string", "format": "date-time"},
        "room_id": {"type": ["string", "null"]},
    },
}


def _day(n: int) -> str:
    return f"2024-01-{n:02d}T00:00:00Z"


class ToyChanges(Emulator):
    """Events newest first in pages, rooms with notes, and tags answering conditionally."""

    service = "toychanges"
    routes = (
        Rule("/events", endpoint="events", methods=["GET"]),
        Rule("/rooms", endpoint="rooms", methods=["GET"]),
        Rule("/rooms/<room>/notes", endpoint="notes", methods=["GET"]),
        Rule("/rooms/<room>/tags", endpoint="tags", methods=["GET"]),
    )

    def load(self) -> None:
        self.event_list = [{"id": f"e{n:02d}", "updated": _day(n)} for n in range(1, 26)]
        self.room_list = [{"id": f"r{n}", "updated": _day(n)} for n in range(1, 4)]
        self.tag_lists = {room["id"]: [{"id": f"{room['id']}-t"}] for room in self.room_list}

    def events(self, request: Request) -> Response:
        newest = sorted(self.event_list, key=lambda e: e["updated"], reverse=True)
        page = int(request.args.get("page", 1))
        chunk = newest[(page - 1) * PAGE : page * PAGE]
        return _conditional(request, {"items": chunk, "last": page * PAGE >= len(newest)})

    def rooms(self, request: Request) -> dict[str, Any]:
        return {"items": self.room_list}

    def notes(self, request: Request, room: str) -> dict[str, Any]:
        return {"items": [{"id": f"{room}-n", "updated": _day(1)}]}

    def tags(self, request: Request, room: str) -> Response:
        return _conditional(request, {"items": self.tag_lists[room]})


def _conditional(request: Request, body: Any) -> Response:
    """The body with an ETag, or 304 when ``If-None-Match`` names it."""
    data = json.dumps(body)
    etag = f'"{hashlib.sha256(data.encode()).hexdigest()[:16]}"'
    if request.headers.get("If-None-Match") == etag:
        return Response(status=304, headers={"ETag": etag})
    return Response(data, content_type="application/json", headers={"ETag": etag})


def _spec(tmp_path: Path, streams: str) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    for name in ("events", "rooms", "notes", "tags"):
        (tmp_path / "schemas" / f"{name}.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: toychanges\nbase_url: http://localhost\nstreams:\n"
        + textwrap.indent(textwrap.dedent(streams), "  ")
    )
    return path


def _sync(
    api: ToyChanges,
    spec: Path,
    capsys: Any,
    state: dict[str, Any] | None = None,
    workers: int = 1,
) -> SyncOutput:
    api.clear_request_log()
    capsys.readouterr()
    with serve(api) as served:
        config = {"base_url": served.base_url, "max_workers": workers}
        tap_class(load_spec(spec))(config=config, state=copy.deepcopy(state)).sync_all()
    return SyncOutput(capsys.readouterr().out)


# ---- newest first ------------------------------------------------------------------------

EVENTS = """
events:
  path: /events
  records: $.items[*]
  primary_key: id
  paginator: {type: page_number, stop: {when_true: last}}
  incremental: {cursor: updated, newest_first: true}
"""


def test_newest_first_stops_paging_at_the_bookmark(tmp_path: Path, capsys: Any) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, EVENTS)
    first = _sync(api, spec, capsys)
    assert len(first.records["events"]) == 25
    assert len(api.request_log) == 3, "no bookmark: every page"
    assert first.state["bookmarks"]["events"]["replication_key_value"] == _day(25)

    api.event_list.append({"id": "e26", "updated": _day(26)})
    second = _sync(api, spec, capsys, first.state)
    assert [e.query["page"] for e in api.request_log] == [["1"]], "page 1 reaches the bookmark"
    assert [r["id"] for r in second.records["events"]] == ["e26", "e25"]
    assert second.state["bookmarks"]["events"]["replication_key_value"] == _day(26)


def test_without_newest_first_every_page_is_read_again(tmp_path: Path, capsys: Any) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, EVENTS.replace("newest_first", "client_filter"))
    first = _sync(api, spec, capsys)
    _sync(api, spec, capsys, first.state)
    assert len(api.request_log) == 3


def test_newest_first_stops_inside_a_later_page(tmp_path: Path, capsys: Any) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, EVENTS)
    state = {
        "bookmarks": {"events": {"replication_key": "updated", "replication_key_value": _day(12)}}
    }
    run = _sync(api, spec, capsys, state)
    assert [e.query["page"] for e in api.request_log] == [["1"], ["2"]]
    assert [r["id"] for r in run.records["events"]] == [f"e{n}" for n in range(25, 11, -1)]


# ---- only changed parents ----------------------------------------------------------------

NOTES = """
rooms:
  path: /rooms
  records: $.items[*]
  primary_key: id
notes:
  parent: rooms
  path: /rooms/{parent.id}/notes
  records: $.items[*]
  primary_key: id
  only_changed_parents: {field: updated}
"""


@pytest.mark.parametrize("workers", [1, 4])
def test_children_are_read_only_for_changed_parents(
    tmp_path: Path, capsys: Any, workers: int
) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, NOTES)
    first = _sync(api, spec, capsys, workers=workers)
    assert {r["id"] for r in first.records["notes"]} == {"r1-n", "r2-n", "r3-n"}
    assert first.state["bookmarks"]["notes"]["parents_changed_since"] == _day(3)

    api.room_list[0]["updated"] = _day(9)
    second = _sync(api, spec, capsys, first.state, workers=workers)
    notes = sorted(e.path for e in api.request_log if e.path.endswith("/notes"))
    assert notes == ["/rooms/r1/notes", "/rooms/r3/notes"], (
        "r1 changed; r3 is at the mark (a change in the same second could follow it)"
    )
    assert {r["id"] for r in second.records["notes"]} == {"r1-n", "r3-n"}
    assert second.state["bookmarks"]["notes"]["parents_changed_since"] == _day(9)

    _sync(api, spec, capsys, second.state, workers=workers)
    assert [e.path for e in api.request_log if e.path.endswith("/notes")] == ["/rooms/r1/notes"]


def test_a_stream_reading_only_changed_parents_retires_no_rows(tmp_path: Path, capsys: Any) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, NOTES)
    _sync(api, spec, capsys)
    capsys.readouterr()
    with serve(api) as served:
        tap_class(load_spec(spec))(config={"base_url": served.base_url}).sync_all()
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    activated = {m["stream"] for m in lines if m["type"] == "ACTIVATE_VERSION"}
    assert activated == {"rooms"}, "notes sees only changed rooms: rows it skips are kept"


def test_only_changed_parents_true_compares_the_parents_cursor(tmp_path: Path, capsys: Any) -> None:
    streams = NOTES.replace("only_changed_parents: {field: updated}", "only_changed_parents: true")
    streams = streams.replace(
        "  primary_key: id\nnotes:",
        "  primary_key: id\n  incremental: {cursor: updated, client_filter: true}\nnotes:",
    )
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, streams)
    first = _sync(api, spec, capsys)
    assert first.state["bookmarks"]["notes"]["parents_changed_since"] == _day(3)
    api.room_list[1]["updated"] = _day(7)
    _sync(api, spec, capsys, first.state)
    notes = sorted(e.path for e in api.request_log if e.path.endswith("/notes"))
    assert notes == ["/rooms/r2/notes", "/rooms/r3/notes"]


# ---- conditional requests ----------------------------------------------------------------

TAGS = """
rooms:
  path: /rooms
  records: $.items[*]
  primary_key: id
tags:
  parent: rooms
  path: /rooms/{parent.id}/tags
  records: $.items[*]
  primary_key: id
  conditional_requests: true
"""


def _messages(capsys: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_unchanged_partitions_answer_304_and_read_nothing(tmp_path: Path, capsys: Any) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, TAGS)
    first = _sync(api, spec, capsys)
    etags = first.state["bookmarks"]["tags"]["etags"]
    assert len(etags) == 3
    assert not any("If-None-Match" in e.headers for e in api.request_log)

    second = _sync(api, spec, capsys, first.state)
    tags = [e for e in api.request_log if e.path.endswith("/tags")]
    assert {e.status for e in tags} == {304}
    assert all(e.headers["If-None-Match"] in etags.values() for e in tags)
    assert "tags" not in second.records
    assert second.state["bookmarks"]["tags"]["etags"] == etags, "304s keep their ETags"


def test_a_changed_partition_is_read_and_its_new_etag_kept(tmp_path: Path, capsys: Any) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, TAGS)
    first = _sync(api, spec, capsys)
    api.tag_lists["r2"].append({"id": "r2-t2"})
    second = _sync(api, spec, capsys, first.state)
    statuses = {e.path: e.status for e in api.request_log if e.path.endswith("/tags")}
    assert statuses == {"/rooms/r1/tags": 304, "/rooms/r2/tags": 200, "/rooms/r3/tags": 304}
    assert {r["id"] for r in second.records["tags"]} == {"r2-t", "r2-t2"}


def test_table_versions_with_conditional_requests(tmp_path: Path, capsys: Any) -> None:
    """Rows are retired only after a run that read the whole stream."""
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, TAGS)

    def run(state: dict[str, Any] | None) -> tuple[set[str], dict[str, Any]]:
        with serve(api) as served:
            tap_class(load_spec(spec))(
                config={"base_url": served.base_url}, state=copy.deepcopy(state)
            ).sync_all()
        lines = _messages(capsys)
        activated = {m["stream"] for m in lines if m["type"] == "ACTIVATE_VERSION"}
        return activated, [m for m in lines if m["type"] == "STATE"][-1]["value"]

    activated, state = run(None)
    assert "tags" in activated, "a first run reads everything"
    activated, state = run(state)
    assert "tags" not in activated, "all 304: nothing changed, the rows stay as they are"
    api.tag_lists["r2"] = []  # r2's tag deleted at the source
    activated, state = run(state)
    assert "tags" not in activated, "r1 and r3 answered 304: their rows were not re-sent"
    assert state["bookmarks"]["tags"]["etags"] == {}, "so the next run reads the stream whole"
    activated, state = run(state)
    assert "tags" in activated, "and retires r2's deleted tag"


def test_a_partition_of_several_pages_is_not_conditional(tmp_path: Path, capsys: Any) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(
        tmp_path,
        EVENTS.replace(
            "incremental: {cursor: updated, newest_first: true}", "conditional_requests: true"
        ),
    )
    first = _sync(api, spec, capsys)
    assert first.state["bookmarks"]["events"]["etags"] == {}
    _sync(api, spec, capsys, first.state)
    assert len(api.request_log) == 3


def test_newest_first_stopping_on_the_first_page_makes_it_conditional(
    tmp_path: Path, capsys: Any
) -> None:
    """Any change would show on the first page: its ETag stands for the whole answer."""
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, EVENTS + "  conditional_requests: true\n")
    first = _sync(api, spec, capsys)
    assert first.state["bookmarks"]["events"]["etags"] == {}, "three pages: not conditional"
    api.event_list.append({"id": "e26", "updated": _day(26)})
    second = _sync(api, spec, capsys, first.state)
    assert len(api.request_log) == 1
    assert len(second.state["bookmarks"]["events"]["etags"]) == 1
    third = _sync(api, spec, capsys, second.state)
    assert [e.status for e in api.request_log] == [304]
    assert "events" not in third.records


# ---- the request report ------------------------------------------------------------------


def test_each_run_reports_its_requests_against_the_last_ones(
    tmp_path: Path, capsys: Any, caplog: Any
) -> None:
    api = ToyChanges(generation=0)
    spec = _spec(tmp_path, EVENTS)
    with caplog.at_level(logging.INFO):
        first = _sync(api, spec, capsys)
    assert "toychanges: 3 requests this run, no earlier run in the state" in caplog.text
    assert first.state["bookmarks"]["events"]["requests_last_run"] == 3
    caplog.clear()
    with caplog.at_level(logging.INFO):
        second = _sync(api, spec, capsys, first.state)
    assert "toychanges: 1 requests this run, 3 last run" in caplog.text
    assert second.state["bookmarks"]["events"]["requests_last_run"] == 1


# ---- the loader --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("streams", "message"),
    [
        (NOTES.replace("{field: updated}", "true"), "the rooms stream has no incremental cursor"),
        (EVENTS + "  only_changed_parents: true\n", "only_changed_parents needs a parent stream"),
        (
            TAGS.replace(
                "  primary_key: id\ntags:", "  primary_key: id\n  conditional_requests: true\ntags:"
            ),
            "conditional_requests is only for streams without children",
        ),
        (EVENTS.replace("newest_first: true", "newest_first: yes please"), "newest_first"),
    ],
)
def test_the_loader_rejects_misuse(tmp_path: Path, streams: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        load_spec(_spec(tmp_path, streams))
