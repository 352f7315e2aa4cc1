"""Id cursors and the ``after_id`` paginator against a toy API with 64-bit ids held as text.

The ids cross from 18 to 19 digits, where comparing them as text goes wrong ("999…" > "100…"),
and exceed 2^53, where a JSON number would lose them. The toy answers as Discord does: the
``limit`` ids right after ``after``, newest first within the page.
"""

from __future__ import annotations

import copy
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
from taps.runtime.changes import ChangedParents
from taps.runtime.ids import id_at, id_before, id_time, largest_id
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput

EPOCH_MS = 1_420_070_400_000
FIRST = 999_999_999_999_999_990  # 18 digits; the 11th id has 19
SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}}


class ToyIds(Emulator):
    """Items with snowflake-sized ids, paged Discord's way."""

    service = "toyids"
    routes = (Rule("/items", endpoint="items", methods=["GET"]),)

    def load(self) -> None:
        self.ids = [FIRST + n for n in range(25)]

    def items(self, request: Request) -> list[dict[str, Any]]:
        limit = int(request.args.get("limit", 50))
        after = int(request.args.get("after", 0))
        chosen = [i for i in sorted(self.ids) if i > after][:limit]
        return [{"id": str(i)} for i in sorted(chosen, reverse=True)]


def _spec(tmp_path: Path, incremental: str = "{cursor: id, format: id, param: after}") -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: toyids\nbase_url: http://localhost\nstreams:\n"
        + textwrap.indent(
            "items:\n  path: /items\n  primary_key: id\n  params: {after: '0'}\n"
            "  paginator: {type: after_id, size: 10, size_param: limit}\n"
            f"  incremental: {incremental}\n",
            "  ",
        )
    )
    return path


def _sync(
    api: ToyIds, spec: Path, capsys: Any, state: Any = None, config: Any = None
) -> SyncOutput:
    api.clear_request_log()
    capsys.readouterr()
    with serve(api) as served:
        settings = {"base_url": served.base_url, **(config or {})}
        tap_class(load_spec(spec))(config=settings, state=copy.deepcopy(state)).sync_all()
    return SyncOutput(capsys.readouterr().out)


def _afters(api: ToyIds) -> list[str]:
    return [entry.query["after"][0] for entry in api.request_log]


def test_pages_continue_from_the_largest_id_and_the_bookmark_is_numerically_largest(
    tmp_path: Path, capsys: Any
) -> None:
    api = ToyIds(generation=0)
    out = _sync(api, _spec(tmp_path), capsys)
    assert sorted(int(r["id"]) for r in out.records["items"]) == api.ids
    # Each page is newest first: the next one starts after the page's largest id.
    assert _afters(api) == ["0", str(FIRST + 9), str(FIRST + 19)]
    assert [e.query["limit"] for e in api.request_log] == [["10"]] * 3
    bookmark = out.state["bookmarks"]["items"]["replication_key_value"]
    assert bookmark == str(FIRST + 24)  # text comparison would keep "999999999999999999"


def test_a_second_run_starts_after_the_bookmark_and_reads_only_new_ids(
    tmp_path: Path, capsys: Any
) -> None:
    api = ToyIds(generation=0)
    spec = _spec(tmp_path)
    first = _sync(api, spec, capsys)
    api.ids += [FIRST + 25, FIRST + 26]
    second = _sync(api, spec, capsys, first.state)
    assert [r["id"] for r in second.records["items"]] == [str(FIRST + 26), str(FIRST + 25)]
    assert _afters(api) == [str(FIRST + 24)]
    assert second.state["bookmarks"]["items"]["replication_key_value"] == str(FIRST + 26)
    third = _sync(api, spec, capsys, second.state)
    assert third.records.get("items", []) == []
    assert third.state["bookmarks"]["items"]["replication_key_value"] == str(FIRST + 26)


def test_lookback_and_start_date_become_ids_when_ids_tell_time(tmp_path: Path, capsys: Any) -> None:
    api = ToyIds(generation=0)
    incremental = f"{{cursor: id, format: id, param: after, lookback: 1, id_epoch_ms: {EPOCH_MS}}}"
    spec = _spec(tmp_path, incremental)
    state = {"bookmarks": {"items": {"replication_key": "id", "replication_key_value": str(FIRST)}}}
    _sync(api, spec, capsys, state)
    assert _afters(api)[0] == str(FIRST - (1000 << 22))
    # A start_date later than the bookmark wins: it becomes the first id of that moment.
    start = "2030-01-01T00:00:00Z"
    _sync(api, spec, capsys, state, {"start_date": start})
    assert _afters(api)[0] == id_at(start, EPOCH_MS, 22)


def test_a_bookmark_that_is_no_id_is_named_and_the_stream_read_from_the_start(
    tmp_path: Path, capsys: Any, caplog: pytest.LogCaptureFixture
) -> None:
    api = ToyIds(generation=0)
    state = {
        "bookmarks": {"items": {"replication_key": "id", "replication_key_value": "2024-01-01"}}
    }
    out = _sync(api, _spec(tmp_path), capsys, state)
    assert len(out.records["items"]) == len(api.ids)
    assert _afters(api)[0] == "0"
    assert "the bookmark '2024-01-01' is not an id" in caplog.text


def test_changed_parents_compare_time_ordered_ids_as_numbers() -> None:
    # A parent's last message id crossing from 18 to 19 digits is news; as text it is not.
    marks = ChangedParents("last_message_id", str(FIRST + 9))
    assert marks.changed({"last_message_id": str(FIRST + 10)})
    assert not marks.changed({"last_message_id": str(FIRST + 8)})
    assert marks.highest == str(FIRST + 10)


def test_snowflake_arithmetic() -> None:
    discord_example = "175928847299117063"  # Discord's documented example snowflake
    assert id_time(discord_example, EPOCH_MS, 22).isoformat() == "2016-04-30T11:18:25.796000+00:00"
    assert int(id_at("2016-04-30T11:18:25.796Z", EPOCH_MS, 22)) >> 22 == 41944705796
    assert id_before("5", 10, 22) == "0"
    assert largest_id(["99", "100", None, "x", "²"]) == "100"  # "²" is a digit to str.isdigit


@pytest.mark.parametrize(
    ("incremental", "message"),
    [
        ("{cursor: id, format: id, lookback: 60}", "lookback with format: id needs id_epoch_ms"),
        ("{cursor: id, id_epoch_ms: 0}", "id_epoch_ms is only valid with format: id"),
        ("{cursor: id, format: id, param_format: '%Y'}", "param_format is not valid with format"),
    ],
)
def test_id_cursor_blocks_that_cannot_work_are_refused(
    tmp_path: Path, incremental: str, message: str
) -> None:
    with pytest.raises(SpecError, match=message):
        load_spec(_spec(tmp_path, incremental))
