"""Spec features for APIs whose cursor is nested or whose filter is a query language.

- ``add_fields`` with ``{record.x}`` copies a nested field to the top level (before filters);
- ``filter: {field, exists}`` keeps records that have (or lack) a field;
- ``incremental.param_template`` writes the filter value into query text (JQL);
- ``base_url`` may use ``{config.x}``.
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
from taps.runtime.tap import tap_class

SPEC = """
name: toyjql
base_url: "http://{config.site}"
settings:
  site: {type: string}
streams:
  items:
    path: /search
    records: $.items[*]
    primary_key: id
    params: {q: "kind = item ORDER BY changed ASC"}
    add_fields: {changed: "{record.meta.changed}"}
    filter: {field: link, exists: false}
    incremental:
      cursor: changed
      param: q
      param_format: "%Y-%m-%d %H:%M"
      param_template: 'kind = item AND changed >= "{cursor}" ORDER BY changed ASC'
"""

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "changed": {"type": "string"},
        "meta": {"type": "object"},
        "link": {"type": ["string", "null"]},
    },
}
ITEMS = [
    {"id": "a", "meta": {"changed": "2024-01-01T00:00:00Z"}},
    {"id": "b", "meta": {"changed": "2024-02-01T10:30:00Z"}, "link": None},
    {"id": "c", "meta": {"changed": "2024-03-01T00:00:00Z"}, "link": "https://x/c"},
]


class SearchEmulator(Emulator):
    """Answers GET /search with every item; records the query text it was sent."""

    service = "toyjql"
    routes = (Rule("/search", endpoint="search", methods=["GET"]),)

    def load(self) -> None:
        self.queries: list[str] = []

    def search(self, request: Request) -> dict[str, Any]:
        self.queries.append(request.args["q"])
        return {"items": [dict(item) for item in ITEMS]}


def _write_spec(tmp_path: Path, text: str = SPEC) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def _records(output: str) -> list[dict[str, Any]]:
    messages = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [m["record"] for m in messages if m["type"] == "RECORD"]


def _sync(spec: Path, config: dict[str, Any], state: dict[str, Any] | None = None) -> None:
    tap_class(load_spec(spec))(config=config, state=state).sync_all()


def test_without_a_cursor_the_plain_query_is_sent(tmp_path: Path, capsys: Any) -> None:
    emulator = SearchEmulator(generation=0)
    with serve(emulator) as served:
        site = served.root_url.removeprefix("http://")
        _sync(_write_spec(tmp_path), {"site": site})
    assert emulator.queries == ["kind = item ORDER BY changed ASC"]
    records = _records(capsys.readouterr().out)
    assert [r["id"] for r in records] == ["a", "b"], "c has a link: dropped by exists: false"
    assert records[0]["changed"] == "2024-01-01T00:00:00Z", "copied from meta.changed"


def test_the_bookmark_is_written_into_the_query_template(tmp_path: Path, capsys: Any) -> None:
    emulator = SearchEmulator(generation=0)
    state = {
        "bookmarks": {
            "items": {"replication_key": "changed", "replication_key_value": "2024-02-01T10:30:00Z"}
        }
    }
    with serve(emulator) as served:
        _sync(_write_spec(tmp_path), {"base_url": served.base_url}, state)
    assert emulator.queries == [
        'kind = item AND changed >= "2024-02-01 10:30" ORDER BY changed ASC'
    ]
    output = capsys.readouterr().out
    states = [json.loads(line) for line in output.splitlines() if '"type":"STATE"' in line]
    final = states[-1]["value"]["bookmarks"]["items"]
    assert final["replication_key_value"] == "2024-02-01T10:30:00Z", "cursor read from the copy"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("filter: {field: link, exists: false}", "filter: {field: link}"), "one of in or exists"),
        (('params: {q: "kind', 'params: {q: "{record.id}'), r"\{record\.id\} is only valid"),
        (("      param: q\n", ""), "param_template needs param"),
    ],
)
def test_loader_rejects_misuse(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = textwrap.dedent(SPEC)
    assert change[0] in text
    with pytest.raises(SpecError, match=message):
        load_spec(_write_spec(tmp_path, text.replace(*change)))
