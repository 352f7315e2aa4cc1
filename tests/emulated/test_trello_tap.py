"""tap-trello against the Trello emulator: records, state, the request log, a second run."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.trello import TrelloEmulator
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import moment, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "trello")
START = "2020-01-01T00:00:00Z"


def action_bookmarks(messages: list[dict[str, Any]], board_ids: list[str]) -> dict[str, str]:
    """The bookmark each board's actions resume from (per partition, or one per stream)."""
    bookmark = [m for m in messages if m["type"] == "STATE"][-1]["value"]["bookmarks"]["actions"]
    if "partitions" in bookmark:
        return {
            p["context"]["board_id"]: p["replication_key_value"] for p in bookmark["partitions"]
        }
    return dict.fromkeys(board_ids, bookmark["replication_key_value"])


@pytest.fixture
def served() -> Any:
    with serve(TrelloEmulator(size="tiny", generation=0)) as running:
        yield running


def test_first_and_incremental_second_run(served: Any, tmp_path: Path) -> None:
    emulator: TrelloEmulator = served.emulator
    key, token = emulator.credentials["api_key"], emulator.credentials["api_token"]
    config = {"base_url": served.base_url, "api_key": key, "api_token": token, "start_date": START}

    messages, stderr, code = run_tap(tmp_path, config)
    assert code == 0, stderr
    assert dict(Counter(m["stream"] for m in messages if m["type"] == "RECORD")) == (
        emulator.counts()
    )
    assert key not in stderr
    assert token not in stderr
    open_ids = {b.id for b in emulator.account.open_boards()}
    assert {r["board_id"] for r in records(messages, "members")} == open_ids
    boards = emulator.account.open_boards()
    bookmarks = action_bookmarks(messages, [b.id for b in boards])
    last_state = [m for m in messages if m["type"] == "STATE"][-1]["value"]
    per_board = "partitions" in last_state["bookmarks"]["actions"]
    for board in boards:
        actions = board.actions if per_board else [a for b in boards for a in b.actions]
        assert moment(bookmarks[board.id]) == max(moment(a["date"]) for a in actions)

    log = emulator.request_log
    assert all(e.query["key"] == [hidden(key)] and e.query["token"] == [hidden(token)] for e in log)
    assert [e.query.get("filter") for e in log if e.path.endswith("/boards")] == [["open"]]
    busy = emulator.account.open_boards()[0]
    pages = [e for e in log if e.path == f"/1/boards/{busy.id}/actions"]
    assert len(pages) == 2, "more than 100 actions: a second page"
    assert all(e.query["limit"] == ["100"] and e.query["filter"] == ["all"] for e in pages)
    assert all(moment(e.query["since"][0]) == moment(START) for e in pages)
    newest_first = sorted(busy.actions, key=lambda a: a["id"], reverse=True)
    assert "before" not in pages[0].query
    assert pages[1].query["before"] == [newest_first[99]["id"]]

    # second run after one generation: actions since the bookmark only, all else again
    emulator.set_generation(1)
    emulator.clear_request_log()
    messages, stderr, code = run_tap(tmp_path, config, {"bookmarks": _bookmarks(messages)})
    assert code == 0, stderr
    calls = [e for e in emulator.request_log if e.path.endswith("/actions")]
    assert {e.path.split("/")[3] for e in calls} == open_ids
    for entry in calls:
        board_id = entry.path.split("/")[3]
        assert moment(entry.query["since"][0]) == moment(bookmarks[board_id])
    expected = {
        a["id"]
        for board in emulator.account.open_boards()
        for a in board.actions
        if moment(a["date"]) > moment(bookmarks[board.id])
    }
    second = {a["id"] for a in records(messages, "actions")}
    assert second == expected
    changed = emulator.changes(0)
    assert len(second) == (
        2 * changed["cards_updated"] + changed["cards_created"] + changed["cards_deleted"]
    ), "a move and a comment per update, a createCard per new card, a deleteCard per deletion"
    assert len(records(messages, "cards")) == emulator.counts()["cards"]


def _bookmarks(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return [m for m in messages if m["type"] == "STATE"][-1]["value"]["bookmarks"]


def test_a_bad_token_fails_with_a_clear_message_and_no_secret(served: Any, tmp_path: Path) -> None:
    key = served.emulator.credentials["api_key"]
    wrong = "ATTAwrongwrongwrong0123456789abcdef"
    config = {"base_url": served.base_url, "api_key": key, "api_token": wrong}
    messages, stderr, code = run_tap(tmp_path, config)
    assert code != 0
    assert "check the api_key and api_token settings" in stderr
    assert wrong not in stderr
    assert key not in stderr
    assert "Traceback" not in stderr
    assert not [m for m in messages if m["type"] == "RECORD"]


def test_demo_sync_stays_within_the_rate_limit(capsys: pytest.CaptureFixture[str]) -> None:
    emulator = TrelloEmulator(size="demo", generation=0)
    with serve(emulator) as running:
        config = {"base_url": running.base_url, **emulator.credentials}
        tap_class(load_connector("trello"))(config=config).sync_all()
    out = capsys.readouterr().out
    messages = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()
    assert len(emulator.request_log) < 90
    assert all(entry.status == 200 for entry in emulator.request_log)
