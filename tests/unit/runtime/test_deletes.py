"""Deletes reach the warehouse: table versions for streams read whole, ``deleted:`` for the rest.

A full-table stream (under full-table parents only) tags its records with a table version and
ends with one ACTIVATE_VERSION after its last record, so the target retires rows the API no
longer returns. A stream whose records carry the API's own deletion flag (``archived``,
``in_trash``) sets ``_sdc_deleted_at`` on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.errors import SpecError
from brainhub.http.stop import reset_stop
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class

PROJECTS = [{"id": "p1", "name": "One"}, {"id": "p2", "name": "Two"}]
TASKS = {
    "p1": [
        {"id": "t1", "updated": "2024-01-02T00:00:00Z", "archived": False},
        {"id": "t2", "updated": "2024-01-03T00:00:00Z", "archived": True},
    ],
    "p2": [{"id": "t3", "updated": "2024-01-04T00:00:00Z"}],
}
SCHEMAS = {
    "projects": {"id": {"type": "string"}, "name": {"type": "string"}},
    "members": {"id": {"type": "string"}},
    "tasks": {
        "id": {"type": "string"},
        "updated": {"type": "string"},
        "archived": {"type": ["boolean", "null"]},
    },
    "notes": {"id": {"type": "string"}},
}


class ToyAPI(Emulator):
    service = "toydeletes"
    routes = (
        Rule("/projects", endpoint="projects"),
        Rule("/projects/<pid>/members", endpoint="members"),
        Rule("/projects/<pid>/tasks", endpoint="tasks"),
        Rule("/tasks/<tid>/notes", endpoint="notes"),
    )
    broken_members = False
    nameless_project = False

    def projects(self, request: Request) -> list[dict[str, Any]]:
        return [*PROJECTS, {"id": "p3"}] if self.nameless_project else PROJECTS

    def members(self, request: Request, pid: str) -> Any:
        if self.broken_members and pid == "p2":
            return Response("no", status=400)
        return [{"id": f"{pid}-m"}]

    def tasks(self, request: Request, pid: str) -> list[dict[str, Any]]:
        return TASKS[pid]

    def notes(self, request: Request, tid: str) -> list[dict[str, Any]]:
        return [{"id": f"{tid}-n"}]


STREAMS = """\
  projects: {path: /projects}
  members: {parent: projects, path: '/projects/{parent.id}/members'}
  tasks:
    parent: projects
    path: '/projects/{parent.id}/tasks'
    incremental: {cursor: updated}
    deleted: {field: archived, equals: true}
  notes: {parent: tasks, path: '/tasks/{parent.id}/notes'}
"""


def _spec(tmp_path: Path, streams: str = STREAMS) -> Path:
    schemas = tmp_path / "schemas"
    schemas.mkdir(exist_ok=True)
    for name, properties in SCHEMAS.items():
        (schemas / f"{name}.json").write_text(
            json.dumps({"type": "object", "properties": properties})
        )
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: toydeletes\nbase_url: http://localhost\ndefaults: {primary_key: id}\n"
        f"streams:\n{streams}"
    )
    return path


@pytest.fixture(autouse=True)
def _no_stop_left_behind() -> Iterator[None]:
    """A failed run stops its workers through the process-wide stop request (as the tap's
    entry point does); later tests in this process must not inherit it."""
    yield
    reset_stop()


def _messages(capsys: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def _sync(tmp_path: Path, api: ToyAPI, **config: Any) -> None:
    with serve(api) as served:
        tap = tap_class(load_spec(_spec(tmp_path)))
        tap(config={"base_url": served.base_url, **config}).sync_until_stopped()


def test_full_table_streams_end_with_one_activate_version(tmp_path: Path, capsys: Any) -> None:
    _sync(tmp_path, ToyAPI(generation=0))
    messages = _messages(capsys)
    activations = [m for m in messages if m["type"] == "ACTIVATE_VERSION"]
    # members: full-table under a full-table parent, once for both partitions. tasks are
    # incremental; notes are full-table but read only for changed tasks: no version.
    assert sorted(m["stream"] for m in activations) == ["members", "projects"]
    for activation in activations:
        stream, version = activation["stream"], activation["version"]
        position = messages.index(activation)
        records = [
            (i, m)
            for i, m in enumerate(messages)
            if m["type"] == "RECORD" and m["stream"] == stream
        ]
        assert records
        assert all(m["version"] == version for _, m in records)
        assert all(i < position for i, _ in records)  # activated after its last record
    untagged = [m for m in messages if m["type"] == "RECORD" and m["stream"] in ("tasks", "notes")]
    assert untagged
    assert all("version" not in m for m in untagged)


def test_a_failed_run_activates_nothing(tmp_path: Path, capsys: Any) -> None:
    api = ToyAPI(generation=0)
    api.broken_members = True
    with pytest.raises(Exception, match="400"):
        _sync(tmp_path, api)
    assert not [m for m in _messages(capsys) if m["type"] == "ACTIVATE_VERSION"]


def test_a_skipped_parent_keeps_rows_instead_of_retiring_them(
    tmp_path: Path, capsys: Any, caplog: Any
) -> None:
    streams = "  projects: {path: /projects}\n" + (
        "  members: {parent: projects, path: '/projects/{parent.name}/members'}\n"
    )
    api = ToyAPI(generation=0)
    api.nameless_project = True
    with serve(api) as served:
        tap = tap_class(load_spec(_spec(tmp_path, streams)))
        tap(config={"base_url": served.base_url}).sync_until_stopped()
    activated = [m["stream"] for m in _messages(capsys) if m["type"] == "ACTIVATE_VERSION"]
    assert activated == ["projects"]
    assert "rows missing from this run are kept" in caplog.text


def test_batch_files_carry_no_version_so_nothing_is_activated(tmp_path: Path, capsys: Any) -> None:
    batch = {
        "encoding": {"format": "jsonl", "compression": "none"},
        "storage": {"root": tmp_path.as_uri()},
    }
    _sync(tmp_path, ToyAPI(generation=0), batch_config=batch)
    types = {m["type"] for m in _messages(capsys)}
    assert "BATCH" in types
    assert "ACTIVATE_VERSION" not in types


def test_the_sdk_setting_turns_versions_off(tmp_path: Path, capsys: Any) -> None:
    _sync(tmp_path, ToyAPI(generation=0), emit_activate_version_messages=False)
    assert "ACTIVATE_VERSION" not in {m["type"] for m in _messages(capsys)}


def test_records_the_api_marks_deleted_get_sdc_deleted_at(tmp_path: Path, capsys: Any) -> None:
    _sync(tmp_path, ToyAPI(generation=0))
    messages = _messages(capsys)
    tasks = {
        m["record"]["id"]: m["record"]
        for m in messages
        if m["type"] == "RECORD" and m["stream"] == "tasks"
    }
    assert tasks["t2"]["_sdc_deleted_at"] == "2024-01-03T00:00:00Z"  # when it was archived
    assert tasks["t1"]["_sdc_deleted_at"] is None
    assert tasks["t3"]["_sdc_deleted_at"] is None  # no flag at all: not deleted
    schema = next(m for m in messages if m["type"] == "SCHEMA" and m["stream"] == "tasks")
    assert "_sdc_deleted_at" in schema["schema"]["properties"]


def test_deleted_field_must_be_in_the_schema(tmp_path: Path) -> None:
    streams = STREAMS.replace("field: archived", "field: trashed")
    with pytest.raises(SpecError, match="field 'trashed' is not in the stream's schema"):
        load_spec(_spec(tmp_path, streams))
