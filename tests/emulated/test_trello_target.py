"""target-trello against the Trello emulator: the calls it makes (request log) for cards,
comments and checklist items; reruns that call nothing; one update per edited row (moves
and archiving included); mirror deletes; Trello's plain-text 400 in the rejects table;
key and token kept out of every output; bad settings in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.trello import TrelloEmulator
from brainhub.sandbox.services.trello.boards import Board
from tests.support.targets import run_target, run_target_process, schema, table_rows

CARD_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string"},
    "list_id": {"type": "string"},
    "name": {"type": "string"},
    "desc": {"type": ["string", "null"]},
    "due": {"type": ["string", "null"], "format": "date-time"},
    "member_ids": {"type": ["array", "null"], "items": {"type": "string"}},
    "label_ids": {"type": ["array", "null"], "items": {"type": "string"}},
    "closed": {"type": ["boolean", "null"]},
}
CARDS_SCHEMA = schema("cards", CARD_PROPERTIES)
COMMENTS_SCHEMA = schema(
    "comments",
    {"key": {"type": "string"}, "card_id": {"type": "string"}, "text": {"type": "string"}},
)
ITEMS_SCHEMA = schema(
    "check_items",
    {
        "key": {"type": "string"},
        "card_id": {"type": "string"},
        "checklist_id": {"type": "string"},
        "name": {"type": "string"},
        "state": {"type": ["string", "null"]},
    },
)


@dataclass
class Trello:
    """A served emulator, one of its open boards, and a target config pointing at it."""

    emulator: TrelloEmulator
    base_url: str
    credentials: dict[str, str]
    warehouse: Path

    @property
    def config(self) -> dict[str, Any]:
        return {"base_url": self.base_url, **self.credentials, "warehouse": str(self.warehouse)}

    @property
    def board(self) -> Board:
        return self.emulator.account.open_boards()[0]

    @property
    def lists(self) -> list[dict[str, Any]]:
        return [x for x in self.board.lists if not x["closed"]]

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.method != "GET"]

    def get(self, path: str, **params: Any) -> Any:
        auth = {"key": self.credentials["api_key"], "token": self.credentials["api_token"]}
        answer = requests.get(self.base_url + path, params={**auth, **params}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture
def trello(tmp_path: Path) -> Iterator[Trello]:
    emulator = TrelloEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        yield Trello(emulator, running.base_url, running.credentials, tmp_path / "wh.duckdb")


def record(stream: str, **fields: Any) -> dict[str, Any]:
    return {"type": "RECORD", "stream": stream, "record": fields}


def card(trello: Trello, key: str, **fields: Any) -> dict[str, Any]:
    return record("cards", key=key, list_id=trello.lists[0]["id"], name=f"Card {key}", **fields)


def card_id(trello: Trello, key: str) -> str:
    rows = table_rows(
        trello.warehouse,
        f"SELECT remote_id FROM writes_trello._id_map WHERE stream = 'cards' AND source_key = '{key}'",  # noqa: S608
    )
    return str(rows[0][0])


def test_cards_send_the_declared_calls_and_reruns_send_none(
    trello: Trello, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = trello.board
    member, label = board.members[1]["id"], board.labels[2]["id"]
    messages = [
        CARDS_SCHEMA,
        card(
            trello,
            "a",
            desc="First",
            due="2027-03-01T12:00:00Z",
            member_ids=[member],
            label_ids=[label],
        ),
        card(trello, "b"),
        {"type": "STATE", "value": {"bookmarks": {"cards": {"n": 2}}}},
    ]

    run = run_target("trello", trello.config, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert run.states == [{"bookmarks": {"cards": {"n": 2}}}]
    writes = trello.writes()
    assert [(e.method, e.path) for e in writes] == [("POST", "/1/cards")] * 2
    list_id = trello.lists[0]["id"]
    assert [e.body for e in writes] == [
        {
            "idList": list_id,
            "name": "Card a",
            "desc": "First",
            "due": "2027-03-01T12:00:00Z",
            "idMembers": [member],
            "idLabels": [label],
        },
        {"idList": list_id, "name": "Card b"},
    ]
    for entry in writes:  # key and token travel in the query, as Trello takes them
        assert set(entry.query) == {"key", "token"}
    created = trello.get(f"/cards/{card_id(trello, 'a')}")
    assert (created["name"], created["desc"], created["idMembers"], created["idLabels"]) == (
        "Card a",
        "First",
        [member],
        [label],
    )
    assert created["due"].startswith("2027-03-01T12:00:00")

    rerun = run_target("trello", trello.config, messages, tmp_path, capsys)

    assert rerun.code == 0, rerun.stderr
    assert len(trello.writes()) == 2
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in rerun.stderr


def test_an_edited_row_makes_exactly_one_update_moving_and_archiving_and_mirror_deletes(
    trello: Trello, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = [CARDS_SCHEMA, card(trello, "a"), card(trello, "b")]
    assert run_target("trello", trello.config, first, tmp_path, capsys).code == 0
    a_id = card_id(trello, "a")
    second_list = trello.lists[1]["id"]
    moved = card(trello, "a", closed=True)
    moved["record"]["list_id"] = second_list

    edited = [CARDS_SCHEMA, moved, card(trello, "b")]
    run = run_target("trello", trello.config, edited, tmp_path, capsys)

    assert run.code == 0, run.stderr
    updates = trello.writes()[2:]
    assert [(e.method, e.path, e.body) for e in updates] == [
        ("PUT", f"/1/cards/{a_id}", {"idList": second_list, "name": "Card a", "closed": True})
    ]
    got = trello.get(f"/cards/{a_id}")
    assert (got["idList"], got["closed"]) == (second_list, True)

    gone = card(trello, "b")
    gone["record"]["_sdc_deleted_at"] = "2026-01-01T00:00:00Z"
    config = {**trello.config, "modes": {"cards": "mirror"}}
    b_id = card_id(trello, "b")
    run = run_target("trello", config, [CARDS_SCHEMA, gone], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path) for e in trello.writes()[3:]] == [("DELETE", f"/1/cards/{b_id}")]
    assert table_rows(trello.warehouse, "SELECT source_key FROM writes_trello._id_map") == [("a",)]


def test_comments_and_check_items_are_posted_then_checked_and_unchecked(
    trello: Trello, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checklist = trello.board.checklists[0]
    on_card, checklist_id = checklist["idCard"], checklist["id"]
    item = {"key": "i1", "card_id": on_card, "checklist_id": checklist_id, "name": "Test it"}
    messages = [
        COMMENTS_SCHEMA,
        record("comments", key="c1", card_id=on_card, text="Looks good"),
        ITEMS_SCHEMA,
        record("check_items", **item, state="complete"),
    ]

    run = run_target("trello", trello.config, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    item_id = str(
        table_rows(
            trello.warehouse,
            "SELECT remote_id FROM writes_trello._id_map WHERE stream = 'check_items'",
        )[0][0]
    )
    assert [(e.method, e.path, e.body) for e in trello.writes()] == [
        ("POST", f"/1/cards/{on_card}/actions/comments", {"text": "Looks good"}),
        ("POST", f"/1/checklists/{checklist_id}/checkItems", {"name": "Test it"}),
        ("PUT", f"/1/cards/{on_card}/checkItem/{item_id}", {"state": "complete"}),
    ]
    comments = trello.get(f"/cards/{on_card}/actions", filter="commentCard")
    assert comments[0]["data"]["text"] == "Looks good"
    items = {i["id"]: i for i in trello.get(f"/checklists/{checklist_id}/checkItems")}
    assert items[item_id]["state"] == "complete"

    unchecked = [ITEMS_SCHEMA, record("check_items", **item, state="incomplete")]
    run = run_target("trello", trello.config, unchecked, tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.body) for e in trello.writes()[3:]] == [
        ("PUT", {"name": "Test it", "state": "incomplete"})
    ]
    items = {i["id"]: i for i in trello.get(f"/checklists/{checklist_id}/checkItems")}
    assert items[item_id]["state"] == "incomplete"


def test_a_validation_error_lands_in_the_rejects_table_and_fails_the_run(
    trello: Trello, tmp_path: Path
) -> None:
    messages = [
        CARDS_SCHEMA,
        card(trello, "good"),
        card(trello, "bad", label_ids=["0" * 24]),  # no label of the board
        card(trello, "after"),
        {"type": "STATE", "value": {"bookmarks": {"cards": {"n": 3}}}},
    ]

    run = run_target_process("trello", trello.config, messages, tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "target-trello: 1 record rejected by the service; each is in "
        f"writes_trello._write_rejects of {trello.warehouse} with the call, the status and "
        "the service's error"
    )
    assert run.states == [{"bookmarks": {"cards": {"n": 3}}}]
    rejects = table_rows(
        trello.warehouse, "SELECT source_key, call, status, error FROM writes_trello._write_rejects"
    )
    assert rejects == [("bad", "POST /cards", 400, "invalid value for idLabels")]
    assert table_rows(
        trello.warehouse, "SELECT source_key FROM writes_trello._id_map ORDER BY 1"
    ) == [("after",), ("good",)]
    for secret in trello.credentials.values():
        assert secret not in run.stdout + run.stderr + json.dumps(rejects)


def test_refused_credentials_stop_the_run_in_one_line_without_showing_them(
    trello: Trello, tmp_path: Path
) -> None:
    wrong = "0" * 64
    config = {**trello.config, "api_token": wrong}

    run = run_target_process("trello", config, [CARDS_SCHEMA, card(trello, "a")], tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-trello: trello: Trello refused the credentials"), last
    assert wrong not in run.stderr + run.stdout


def test_missing_credentials_are_one_line_naming_the_settings(
    trello: Trello, tmp_path: Path
) -> None:
    config = {"base_url": trello.base_url, "warehouse": str(trello.warehouse)}

    run = run_target_process("trello", config, [CARDS_SCHEMA, card(trello, "a")], tmp_path)

    assert run.code != 0
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-trello: invalid settings:"), last
    assert "api_key" in last
    assert trello.writes() == []
