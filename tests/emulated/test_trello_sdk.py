"""py-trello, the most-used Python client of Trello, reads the emulated account unchanged
and gets what ``brainhub sandbox counts trello`` says.

py-trello builds every URL on ``https://api.trello.com/1`` inside ``fetch_json``; the one
way its API offers to point it elsewhere is the documented ``http_service`` argument of
``TrelloClient`` (the object it sends requests through, ``requests`` by default). The test
passes a ``requests.Session`` that sends Trello's base URL to the emulator instead, and
touches nothing else in the library.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from trello import TrelloClient
from trello.exceptions import ResourceUnavailable, Unauthorized

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.trello import TrelloEmulator

SEED, SIZE, GENERATION = 4, "tiny", 1
TRELLO_BASE = "https://api.trello.com/1"


class EmulatedTrello(requests.Session):
    """A session that sends requests for Trello's API to the emulator."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        text = url.decode() if isinstance(url, bytes) else url
        if text.startswith(TRELLO_BASE):
            text = self.base + text[len(TRELLO_BASE) :]
        return super().request(method, text, *args, **kwargs)


@pytest.fixture(scope="module")
def emulator() -> TrelloEmulator:
    return TrelloEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)


@pytest.fixture(scope="module")
def base(emulator: TrelloEmulator) -> Iterator[str]:
    with serve(emulator) as served:
        yield served.root_url + "/1"


@pytest.fixture(scope="module")
def trello(emulator: TrelloEmulator, base: str) -> Iterator[TrelloClient]:
    credentials = emulator.credentials
    with EmulatedTrello(base) as session:
        yield TrelloClient(
            credentials["api_key"], token=credentials["api_token"], http_service=session
        )


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    result = CliRunner().invoke(
        main,
        [
            "sandbox",
            "counts",
            "trello",
            "--seed",
            str(SEED),
            "--size",
            SIZE,
            "--generation",
            str(GENERATION),
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_client_lists_boards_lists_cards_checklists_members_and_labels(trello, counts):
    boards = [b for b in trello.list_boards(board_filter="all") if not b.closed]
    assert len(boards) == counts["boards"]
    assert len(trello.list_boards(board_filter="closed")) == 1
    lists = [x for board in boards for x in board.all_lists()]
    assert len(lists) == counts["lists"]
    cards = [card for board in boards for card in board.all_cards()]
    assert len(cards) == counts["cards"]
    assert {card.closed for card in cards} == {True, False}, "closed cards are listed too"
    assert len({card.id for card in cards}) == len(cards)
    checklists = [c for board in boards for c in board.get_checklists()]
    assert len(checklists) == counts["checklists"]
    members = [m for board in boards for m in board.all_members()]
    assert len(members) == counts["members"]
    labels = [label for board in boards for label in board.get_labels()]
    assert len(labels) == 6 * len(boards)
    assert all(label.color for label in labels)


def test_cards_carry_their_custom_fields_checklists_and_labels(trello):
    board = next(b for b in trello.list_boards() if not b.closed)
    definitions = board.get_custom_field_definitions()
    assert [d.name for d in definitions] == ["Priority", "Estimate"]
    cards = board.all_cards()
    with_fields = [card for card in cards if card.customFields]
    assert with_fields, "every third card has custom field items"
    priority = with_fields[0].get_custom_field_by_name("Priority")
    assert priority.value in ("High", "Medium", "Low")
    with_checklist = next(card for card in cards if card.countCheckLists)
    (checklist,) = with_checklist.checklists
    assert checklist.items
    assert all(item["state"] in ("complete", "incomplete") for item in checklist.items)
    labelled = next(card for card in cards if card.idLabels)
    assert {label.id for label in labelled.labels} == set(labelled.idLabels)
    assert with_checklist.get_list().id == with_checklist.idList


def test_the_client_pages_every_action_back_with_before(trello, counts):
    total = 0
    for board in (b for b in trello.list_boards() if not b.closed):
        before = None
        seen: list[str] = []
        while True:
            page = board.fetch_actions("all", action_limit=100, before=before)
            seen += [action["id"] for action in page]
            if len(page) < 100:
                break
            before = page[-1]["id"]
        assert seen == sorted(seen, reverse=True)
        assert len(seen) == len(set(seen))
        total += len(seen)
    assert total == counts["actions"]


def test_members_organizations_and_comments_resolve(trello):
    me = trello.get_member("me")
    assert me.username
    organizations = trello.list_organizations()
    assert organizations
    assert all(org.name for org in organizations)
    board = next(b for b in trello.list_boards() if not b.closed)
    commented = next(card for card in board.all_cards() if card.badges["comments"])
    comments = commented.fetch_comments()
    assert len(comments) == commented.badges["comments"]
    assert all(comment["type"] == "commentCard" for comment in comments)


def test_the_clients_errors_are_trellos(emulator, base):
    with EmulatedTrello(base) as session:
        wrong = TrelloClient(emulator.credentials["api_key"], token="nope", http_service=session)
        with pytest.raises(Unauthorized, match="invalid token"):
            wrong.list_boards()
        right = TrelloClient(
            emulator.credentials["api_key"],
            token=emulator.credentials["api_token"],
            http_service=session,
        )
        with pytest.raises(ResourceUnavailable, match="The requested resource was not found"):
            right.get_board("0123456789abcdef01234567")
