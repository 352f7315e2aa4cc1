"""Trello writes (cards, comments, check items) through plain ``requests`` and py-trello
against a served emulator, read back through its GETs; writes outlive the process (the
change journal), ``reset`` forgets them, the tap's next incremental read picks them up,
and bad writes get Trello's plain-text errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from trello import TrelloClient

from brainhub.cli import main
from brainhub.redaction import hidden
from brainhub.sandbox import serve, state
from brainhub.sandbox.services.trello import TrelloEmulator
from brainhub.sandbox.services.trello.boards import Board
from tests.emulated.test_trello_sdk import EmulatedTrello
from tests.support.sandbox_process import serve_in_process
from tests.support.taps import final_state, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "trello")


class Api:
    """``requests`` against one served Trello emulator (key and token in the query)."""

    def __init__(self, base_url: str, credentials: dict[str, str]) -> None:
        self.base_url = base_url
        self.auth = {"key": credentials["api_key"], "token": credentials["api_token"]}

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        return requests.request(
            method,
            self.base_url + path,
            params={**self.auth, **params},
            json=body,
            timeout=10,
        )


def _emulator(state_dir: Path, **options: Any) -> TrelloEmulator:
    return TrelloEmulator(size="tiny", state_dir=state_dir, rate_limit=100_000, **options)


@contextmanager
def served(state_dir: Path, **options: Any) -> Iterator[tuple[TrelloEmulator, Api]]:
    emulator = _emulator(state_dir, **options)
    with serve(emulator) as running:
        yield emulator, Api(running.base_url, running.credentials)


@contextmanager
def serve_process(state_dir: Path) -> Iterator[Api]:
    """``brainhub sandbox serve trello --size tiny`` in its own process on ``state_dir``."""
    with serve_in_process("trello", state_dir) as info:
        yield Api(info["base_url"], info["credentials"])


def _board(emulator: TrelloEmulator) -> Board:
    return emulator.account.open_boards()[0]


def _open_lists(board: Board) -> list[dict[str, Any]]:
    return [x for x in board.lists if not x["closed"]]


# --------------------------------------------------------------------------- each write


def test_create_card_with_fields_reads_back_and_records_create_card(tmp_path):
    with served(tmp_path) as (emulator, api):
        board = _board(emulator)
        target = _open_lists(board)[0]
        member = board.members[1]["id"]
        label = board.labels[2]["id"]
        before = emulator.counts()["cards"]
        body = {
            "idList": target["id"],
            "name": "Write the launch post",
            "desc": "Draft first",
            "due": "2027-01-15T12:00:00Z",
            "idMembers": [member],
            "idLabels": label,
            "pos": "top",
        }
        created = api("POST", "/cards", body)
        assert created.status_code == 200, created.text
        card = created.json()
        assert (card["name"], card["desc"], card["idList"]) == (
            "Write the launch post",
            "Draft first",
            target["id"],
        )
        assert (card["due"], card["badges"]["due"]) == ("2027-01-15T12:00:00.000Z",) * 2
        assert (card["idMembers"], card["idLabels"]) == ([member], [label])
        assert card["labels"][0]["id"] == label
        assert card["closed"] is False
        assert api("GET", f"/cards/{card['id']}").json() == card
        assert api("GET", f"/cards/{card['shortLink']}").json()["id"] == card["id"]
        listed = api("GET", f"/lists/{target['id']}/cards").json()
        assert listed[0]["id"] == card["id"], "pos=top puts it first"
        actions = api("GET", f"/boards/{board.id}/actions", filter="createCard").json()
        assert actions[0]["data"]["card"]["id"] == card["id"]
        assert actions[0]["date"] == card["dateLastActivity"]
        assert emulator.counts()["cards"] == before + 1


def test_update_moves_closes_and_reassigns_a_card_and_reads_back(tmp_path):
    with served(tmp_path) as (emulator, api):
        board = _board(emulator)
        first, second = _open_lists(board)[:2]
        card = api("POST", "/cards", {"idList": first["id"], "name": "t"}).json()
        body = {
            "idList": second["id"],
            "closed": True,
            "due": None,
            "idMembers": f"{board.members[0]['id']},{board.members[1]['id']}",
            "idLabels": [],
            "name": "Renamed",
        }
        updated = api("PUT", f"/cards/{card['id']}", body)
        assert updated.status_code == 200, updated.text
        got = api("GET", f"/cards/{card['id']}").json()
        assert got == updated.json()
        assert (got["idList"], got["closed"], got["due"], got["name"]) == (
            second["id"],
            True,
            None,
            "Renamed",
        )
        assert got["idMembers"] == [board.members[0]["id"], board.members[1]["id"]]
        assert got["dateLastActivity"] > card["dateLastActivity"]
        moved = api("GET", f"/boards/{board.id}/actions", filter="updateCard").json()[0]
        assert moved["data"]["listBefore"]["id"] == first["id"]
        assert moved["data"]["listAfter"]["id"] == second["id"]
        assert moved["data"]["old"]["closed"] is False


def test_delete_card_answers_limits_and_the_card_is_gone(tmp_path):
    with served(tmp_path) as (emulator, api):
        board = _board(emulator)
        victim = board.cards[0]
        before = emulator.counts()["cards"]
        deleted = api("DELETE", f"/cards/{victim['id']}")
        assert (deleted.status_code, deleted.json()) == (200, {"limits": {}})
        gone = api("GET", f"/cards/{victim['id']}")
        assert (gone.status_code, gone.text) == (404, "The requested resource was not found.")
        assert emulator.counts()["cards"] == before - 1
        newest = api("GET", f"/boards/{board.id}/actions", filter="deleteCard").json()[0]
        assert newest["data"]["card"]["id"] == victim["id"]


def test_comments_and_check_items_are_added_and_checked(tmp_path):
    with served(tmp_path) as (emulator, api):
        board = _board(emulator)
        checklist = board.checklists[0]
        card_id = checklist["idCard"]
        comments_before = api("GET", f"/cards/{card_id}").json()["badges"]["comments"]
        comment = api("POST", f"/cards/{card_id}/actions/comments", text="Ship it").json()
        assert (comment["type"], comment["data"]["text"]) == ("commentCard", "Ship it")
        assert api("GET", f"/cards/{card_id}/actions").json()[0]["id"] == comment["id"]
        card = api("GET", f"/cards/{card_id}").json()
        assert card["badges"]["comments"] == comments_before + 1

        item = api("POST", f"/checklists/{checklist['id']}/checkItems", {"name": "Test it"})
        assert item.status_code == 200, item.text
        item = item.json()
        assert (item["name"], item["state"], item["idChecklist"]) == (
            "Test it",
            "incomplete",
            checklist["id"],
        )
        items = api("GET", f"/checklists/{checklist['id']}/checkItems").json()
        assert items[-1]["id"] == item["id"]
        checked = api("PUT", f"/cards/{card_id}/checkItem/{item['id']}", state="complete")
        assert checked.status_code == 200, checked.text
        assert checked.json()["state"] == "complete"
        states = api("GET", f"/cards/{card_id}/checkItemStates").json()
        assert {"idCheckItem": item["id"], "state": "complete"} in states
        badges = api("GET", f"/cards/{card_id}").json()["badges"]
        assert badges["checkItems"] == len(items)
        action = api("GET", f"/boards/{board.id}/actions").json()[0]
        assert action["type"] == "updateCheckItemStateOnCard"
        assert action["data"]["checkItem"] == {
            "id": item["id"],
            "name": "Test it",
            "state": "complete",
        }


def test_py_trello_adds_a_card_and_comments_on_it(tmp_path):
    with served(tmp_path) as (emulator, api), EmulatedTrello(api.base_url) as session:
        credentials = emulator.credentials
        client = TrelloClient(
            credentials["api_key"], token=credentials["api_token"], http_service=session
        )
        target = _open_lists(_board(emulator))[0]
        card = client.get_list(target["id"]).add_card("From py-trello", desc="via the SDK")
        card.comment("First!")
        fetched = client.get_card(card.id)
        assert (fetched.name, fetched.desc, fetched.list_id) == (
            "From py-trello",
            "via the SDK",
            target["id"],
        )
        assert fetched.due is None
        assert [c["data"]["text"] for c in fetched.comments] == ["First!"]


# --------------------------------------------------------------------------- errors


def _places(emulator: TrelloEmulator) -> dict[str, str]:
    board = _board(emulator)
    other = emulator.account.open_boards()[1]
    checklist = board.checklists[0]
    return {
        "list": _open_lists(board)[0]["id"],
        "card": board.cards[1]["id"],
        "foreign_list": _open_lists(other)[0]["id"],
        "checklist": checklist["id"],
        "checklist_card": checklist["idCard"],
        "item": checklist["checkItems"][0]["id"],
    }


MISSING = "0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "text"),
    [
        ("POST", "/cards", {"name": "x"}, 400, "invalid value for idList"),
        ("POST", "/cards", {"idList": "nope"}, 400, "invalid value for idList"),
        ("POST", "/cards", {"idList": MISSING}, 400, "invalid value for idList"),
        ("POST", "/cards", {"idList": "{list}", "due": "soon"}, 400, "invalid value for due"),
        ("POST", "/cards", {"idList": "{list}", "idMembers": MISSING}, 400,
         "invalid value for idMembers"),
        ("POST", "/cards", {"idList": "{list}", "idLabels": MISSING}, 400,
         "invalid value for idLabels"),
        ("POST", "/cards", {"idList": "{list}", "pos": "middle"}, 400, "invalid value for pos"),
        ("PUT", "/cards/{card}", {"closed": "maybe"}, 400, "invalid value for closed"),
        ("PUT", "/cards/{card}", {"idList": "{foreign_list}"}, 400, "invalid value for idList"),
        ("PUT", "/cards/nope", {"name": "x"}, 400, "invalid id"),
        ("PUT", f"/cards/{MISSING}", {"name": "x"}, 404, "The requested resource was not found."),
        ("DELETE", f"/cards/{MISSING}", None, 404, "The requested resource was not found."),
        ("POST", "/cards/{card}/actions/comments", {}, 400, "invalid value for text"),
        ("POST", "/checklists/{checklist}/checkItems", {"name": ""}, 400,
         "invalid value for name"),
        ("PUT", "/cards/{checklist_card}/checkItem/{item}", {"state": "done"}, 400,
         "invalid value for state"),
        ("PUT", "/cards/{card}/checkItem/" + MISSING, {"state": "complete"}, 404,
         "The requested resource was not found."),
    ],
)  # fmt: skip
def test_bad_writes_get_trellos_plain_text_errors(tmp_path, method, path, body, status, text):
    with served(tmp_path) as (emulator, api):
        places = _places(emulator)
        sent = {k: v.format(**places) if isinstance(v, str) else v for k, v in (body or {}).items()}
        before = emulator.counts()
        answer = api(method, path.format(**places), sent if body is not None else None)
        assert (answer.status_code, answer.text) == (status, text)
        assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert emulator.counts() == before
    assert not state.changes_file("trello", tmp_path).exists()


def test_writes_count_against_the_rate_limit_and_are_logged_with_secrets_hidden(tmp_path):
    emulator = TrelloEmulator(size="tiny", state_dir=tmp_path, rate_limit=2)
    with serve(emulator) as running:
        api = Api(running.base_url, running.credentials)
        token = running.credentials["api_token"]
        card = _board(emulator).cards[0]["id"]
        answers = [
            api("POST", f"/cards/{card}/actions/comments", {"text": f"t {token}"}).status_code
            for _ in range(3)
        ]
        assert answers == [200, 200, 429]
        logged = emulator.request_log[0]
        assert logged.body == {"text": "t <redacted>"}
        assert logged.query["token"] == [hidden(token)]
        assert token not in json.dumps(logged.as_dict())


# --------------------------------------------------------------------------- persistence


def test_writes_persist_across_serve_processes_and_reset_forgets_them(tmp_path, monkeypatch):
    state_dir = tmp_path / "sandbox"
    monkeypatch.setenv(state.STATE_DIR_ENV, str(state_dir))
    target = _open_lists(_board(_emulator(state_dir)))[0]["id"]
    with serve_process(state_dir) as first, serve_process(state_dir) as second:
        card = first("POST", "/cards", {"idList": target, "name": "From process one"}).json()
        # the other, already running process catches up with the journal
        assert second("GET", f"/cards/{card['id']}").json()["name"] == "From process one"
        assert second("PUT", f"/cards/{card['id']}", {"name": "Renamed"}).status_code == 200
        assert first("GET", f"/cards/{card['id']}").json()["name"] == "Renamed"
    with serve_process(state_dir) as third:  # a new process replays the journal
        assert third("GET", f"/cards/{card['id']}").json()["name"] == "Renamed"
    lines = state.changes_file("trello", state_dir).read_text().splitlines()
    changes = [json.loads(line) for line in lines]
    assert [(c["op"], c["object"], c["id"]) for c in changes] == [
        ("create", "card", card["id"]),
        ("update", "card", card["id"]),
    ]
    seeded = TrelloEmulator(size="tiny", generation=0).counts()
    counted = CliRunner().invoke(main, ["sandbox", "counts", "trello", "--size", "tiny"])
    assert counted.exit_code == 0, counted.output
    assert json.loads(counted.output)["cards"] == seeded["cards"] + 1
    result = CliRunner().invoke(main, ["sandbox", "reset", "trello"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes_cleared"] == 2
    assert _emulator(state_dir).counts() == seeded


def test_the_taps_next_incremental_read_picks_up_writes_made_by_another_process(tmp_path):
    state_dir = tmp_path / "sandbox"
    reader = _emulator(state_dir)
    with serve(reader) as running:
        config = {
            "base_url": running.base_url,
            **running.credentials,
            "start_date": "2020-01-01T00:00:00Z",
        }
        first, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr[-2000:]
        board = _board(reader)
        target = _open_lists(board)[0]["id"]
        with serve_process(state_dir) as writer:
            card = writer("POST", "/cards", {"idList": target, "name": "Written"}).json()
            writer("POST", f"/cards/{card['id']}/actions/comments", {"text": "Noted"})
        second, stderr, code = run_tap(tmp_path, config, final_state(first))
        assert code == 0, stderr[-2000:]
    new_actions = {(r["type"], r["data"]["card"]["id"]) for r in records(second, "actions")}
    assert new_actions == {("createCard", card["id"]), ("commentCard", card["id"])}
    assert card["id"] in {r["id"] for r in records(second, "cards")}
