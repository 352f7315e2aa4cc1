"""``incremental.body``: a POST query gets its cursor filter only when there is a cursor."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class

SPEC = """
name: toyquery
base_url: https://api.example.com
auth: none
streams:
  items:
    path: /query
    method: POST
    records: $.results[*]
    primary_key: id
    body:
      page_size: 2
      sorts: [{timestamp: edited, direction: ascending}]
    incremental:
      cursor: edited
      body:
        filter: {timestamp: edited, edited: {on_or_after: "{cursor}"}}
"""

SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}, "edited": {"type": "string"}}}
ITEMS = [
    {"id": "a", "edited": "2024-01-01T00:00:00Z"},
    {"id": "b", "edited": "2024-02-01T00:00:00Z"},
]


class QueryEmulator(Emulator):
    """Answers POST /query with every item whose ``edited`` passes the body's filter."""

    service = "toyquery"
    routes = (Rule("/query", endpoint="query", methods=["POST"]),)

    def load(self) -> None:
        self.bodies: list[dict[str, Any]] = []

    def query(self, request: Request) -> dict[str, Any]:
        body = request.get_json()
        self.bodies.append(body)
        since = (body.get("filter") or {}).get("edited", {}).get("on_or_after", "")
        return {"results": [item for item in ITEMS if item["edited"] >= since]}


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(SPEC))
    return path


def _sync(spec_file: Path, config: dict[str, Any], state: dict[str, Any] | None = None) -> None:
    tap = tap_class(load_spec(spec_file))(config=config, state=state)
    tap.sync_all()


def test_without_a_cursor_the_body_has_no_filter(spec_file: Path, capsys: Any) -> None:
    emulator = QueryEmulator(generation=0)
    with serve(emulator) as served:
        _sync(spec_file, {"base_url": served.base_url})
    (body,) = emulator.bodies
    assert body == {"page_size": 2, "sorts": [{"timestamp": "edited", "direction": "ascending"}]}
    assert capsys.readouterr().out.count('"type":"RECORD"') == 2


def test_the_bookmark_goes_into_the_body_filter(spec_file: Path, capsys: Any) -> None:
    emulator = QueryEmulator(generation=0)
    state = {
        "bookmarks": {
            "items": {
                "replication_key": "edited",
                "replication_key_value": "2024-01-15T00:00:00Z",
            }
        }
    }
    with serve(emulator) as served:
        _sync(spec_file, {"base_url": served.base_url, "start_date": "2020-01-01T00:00:00Z"}, state)
    (body,) = emulator.bodies
    assert body["filter"] == {
        "timestamp": "edited",
        "edited": {"on_or_after": "2024-01-15T00:00:00Z"},
    }
    assert body["page_size"] == 2, "the stream's own body keys are kept"
    records = [line for line in capsys.readouterr().out.splitlines() if '"RECORD"' in line]
    assert [json.loads(line)["record"]["id"] for line in records] == ["b"]


def test_loader_rejects_unknown_settings_inside_the_incremental_body(tmp_path: Path) -> None:
    from brainhub.errors import SpecError

    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(SPEC).replace('"{cursor}"', '"{config.nope}"'))
    with pytest.raises(SpecError, match=r"config\.nope"):
        load_spec(path)
