"""Parquet BATCH messages for fields that hold several types.

ClickUp's ``custom_fields[].value`` is text, a number, a list or an object depending on the
field; Arrow inferring one column type from the values used to fail the whole sync. Parts
whose schema allows several types are written as JSON text, and read back equal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.batches import arrow_table
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class

VALUES: list[Any] = ["10", 4, ["a", "b"], {"x": 1}, None, True, 2.5]
TASKS = [
    {"id": f"t{n}", "points": n, "custom_fields": [{"id": "f", "value": value}]}
    for n, value in enumerate(VALUES)
]
SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "points": {"type": ["integer", "null"]},
        "custom_fields": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "value": {}},
            },
        },
    },
}


class ToyAPI(Emulator):
    service = "toybatches"
    routes = (Rule("/tasks", endpoint="tasks"),)

    def tasks(self, request: Request) -> list[dict[str, Any]]:
        return TASKS


def _batch_config(root: Path) -> dict[str, Any]:
    return {
        "encoding": {"format": "parquet", "compression": "gzip"},
        "storage": {"root": root.as_uri(), "prefix": "part-"},
    }


def _batch_files(capsys: Any, stream: str) -> list[str]:
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    batches = [m for m in messages if m["type"] == "BATCH" and m["stream"] == stream]
    assert batches, [m["type"] for m in messages]
    return [url.removeprefix("file://") for m in batches for url in m["manifest"]]


def test_mixed_type_values_are_written_as_json_text(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "tasks.json").write_text(json.dumps(SCHEMA))
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "name: toybatches\nbase_url: http://localhost\n"
        "streams:\n  tasks: {path: /tasks, primary_key: id}\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    with serve(ToyAPI(generation=0)) as served:
        tap = tap_class(load_spec(spec))
        tap(config={"base_url": served.base_url, "batch_config": _batch_config(out)}).sync_all()
    rows = [row for f in _batch_files(capsys, "tasks") for row in pq.read_table(f).to_pylist()]
    assert [row["points"] for row in rows] == list(range(len(VALUES)))  # typed stays typed
    values = [row["custom_fields"][0]["value"] for row in rows]
    assert [None if v is None else json.loads(v) for v in values] == VALUES


def test_a_column_against_its_schema_falls_back_to_json_text() -> None:
    table = arrow_table([{"id": "a", "points": 1}, {"id": "b", "points": "many"}])
    assert table.column("id").to_pylist() == ["a", "b"]
    assert table.column("points").to_pylist() == ["1", '"many"']


def test_clickup_sandbox_syncs_to_parquet(tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox"))
    out = tmp_path / "out"
    out.mkdir()
    config = {
        "base_url": "sandbox://clickup?size=demo&seed=1",
        "start_date": "2020-01-01T00:00:00Z",
        "batch_config": _batch_config(out),
    }
    tap_class(load_connector("clickup"))(config=config).sync_all()
    rows = [row for f in _batch_files(capsys, "tasks") for row in pq.read_table(f).to_pylist()]
    values = {
        type(json.loads(field["value"])).__name__
        for row in rows
        for field in row["custom_fields"] or []
        if field["value"] is not None
    }
    assert len(values) > 1, values  # the demo data mixes text and numbers
