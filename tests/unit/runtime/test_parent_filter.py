"""``parent_filter``: a child stream is read only for the parent records that pass a test.

Slack needs it twice: history only of channels the app is a member of, and thread replies
only for messages that started a thread. Parent records that fail cause no request at all.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from brainhub.errors import SpecError
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.conditions import passes
from taps.runtime.tap import tap_class

SPEC = """
name: toyparents
base_url: http://localhost
streams:
  rooms:
    path: /rooms
    records: $.rooms[*]
    primary_key: id
  posts:
    parent: rooms
    parent_filter: {field: joined, equals: true}
    path: /rooms/{parent.id}/posts
    records: $.posts[*]
    primary_key: id
  notes:
    parent: rooms
    parent_filter: {field: notes, exists: true}
    path: /rooms/{parent.id}/notes
    records: $.notes[*]
    primary_key: id
"""
ROOMS = [
    {"id": "r1", "joined": True, "notes": 2},
    {"id": "r2", "joined": False, "notes": None},
    {"id": "r3", "joined": 1},
]
SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}}


class RoomsEmulator(Emulator):
    service = "toyparents"
    routes = (
        Rule("/rooms", endpoint="rooms", methods=["GET"]),
        Rule("/rooms/<room>/posts", endpoint="posts", methods=["GET"]),
        Rule("/rooms/<room>/notes", endpoint="notes", methods=["GET"]),
    )

    def rooms(self, request: Request) -> dict[str, Any]:
        return {"rooms": ROOMS}

    def posts(self, request: Request, room: str) -> dict[str, Any]:
        return {"posts": [{"id": f"{room}-p"}]}

    def notes(self, request: Request, room: str) -> dict[str, Any]:
        return {"notes": [{"id": f"{room}-n"}]}


def _write_spec(tmp_path: Path, text: str = SPEC) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    for name in ("rooms", "posts", "notes"):
        (tmp_path / "schemas" / f"{name}.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("workers", [1, 4])
def test_children_are_read_only_for_passing_parents(
    tmp_path: Path, capsys: Any, workers: int
) -> None:
    emulator = RoomsEmulator(generation=0)
    with serve(emulator) as served:
        tap = tap_class(load_spec(_write_spec(tmp_path)))
        tap(config={"base_url": served.base_url, "max_workers": workers}).sync_all()
    paths = [entry.path for entry in emulator.request_log]
    assert sorted(paths) == ["/rooms", "/rooms/r1/notes", "/rooms/r1/posts"], (
        "r2 is not joined and has null notes; r3's joined is 1, not true, and it has no notes"
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    records = {(m["stream"], m["record"]["id"]) for m in lines if m["type"] == "RECORD"}
    assert ("posts", "r1-p") in records
    assert ("notes", "r1-n") in records
    assert len(records) == 5


def test_a_numeric_comparison_skips_parents_with_nothing_to_read(
    tmp_path: Path, capsys: Any
) -> None:
    """Jira's comments only for issues whose ``fields.comment.total`` is above 0."""
    text = SPEC.replace("{field: notes, exists: true}", "{field: notes, greater_than: 0}")
    emulator = RoomsEmulator(generation=0)
    with serve(emulator) as served:
        tap = tap_class(load_spec(_write_spec(tmp_path, text)))
        tap(config={"base_url": served.base_url}).sync_all()
    notes = [entry.path for entry in emulator.request_log if entry.path.endswith("/notes")]
    assert notes == ["/rooms/r1/notes"], "r2's notes are null and r3 has none"


@pytest.mark.parametrize(
    ("condition", "record", "expected"),
    [
        ({"field": "a.b", "exists": True}, {"a": {"b": 0}}, True),
        ({"field": "a.b", "exists": True}, {"a": {}}, False),
        ({"field": "a", "exists": False}, {"a": None}, True),
        ({"field": "a", "equals": False}, {"a": 0}, False),
        ({"field": "a", "equals": "open"}, {"a": "open"}, True),
        ({"field": "a.total", "greater_than": 0}, {"a": {"total": 3}}, True),
        ({"field": "a.total", "greater_than": 0}, {"a": {"total": 0}}, False),
        ({"field": "a.total", "greater_than": 0}, {"a": {}}, False),
        ({"field": "a", "greater_than": 0}, {"a": "3"}, False),
        ({"field": "a", "greater_than": 0}, {"a": True}, False),
        ({"field": "a", "greater_than": 0.5}, {"a": 0.75}, True),
        ({"field": "a", "less_than": 1}, {"a": 0}, True),
        ({"field": "a", "less_than": 1}, {"a": 1}, False),
        ({"field": "a", "less_than": 1}, {"a": None}, False),
    ],
)
def test_conditions(condition: dict[str, Any], record: dict[str, Any], expected: bool) -> None:
    assert passes(condition, record) is expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("{field: joined, equals: true}", "{field: joined}"), "parent_filter"),
        (("  posts:\n    parent: rooms\n", "  posts:\n"), "parent_filter needs a parent"),
        (("{field: joined, equals: true}", "{field: joined, greater_than: '0'}"), "parent_filter"),
        (
            ("{field: joined, equals: true}", "{field: joined, greater_than: 0, equals: 1}"),
            "parent_filter",
        ),
    ],
)
def test_loader_rejects_misuse(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = textwrap.dedent(SPEC)
    assert change[0] in text
    with pytest.raises(SpecError, match=message):
        load_spec(_write_spec(tmp_path, text.replace(*change)))
