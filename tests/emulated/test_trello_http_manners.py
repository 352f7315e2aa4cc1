"""Trello's HTTP manners on the wire: content types, plain-text errors, gzip, HEAD, ``//``,
``fields=`` and nested resources, ``{"_value": …}`` field reads, the 429 body."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox.server import serve
from brainhub.sandbox.services.trello import TrelloEmulator
from brainhub.sandbox.services.trello.errors import ERRORS

JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
UNKNOWN = "0123456789abcdef01234567"
EMULATOR = TrelloEmulator(size="tiny", generation=1, rate_limit=100_000)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with serve(EMULATOR) as running:
        yield running.root_url + "/1"


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        credentials = EMULATOR.credentials
        session.params = {"key": credentials["api_key"], "token": credentials["api_token"]}
        yield session


def _board() -> Any:
    return EMULATOR.account.open_boards()[0]


def test_json_is_sent_as_trello_sends_it(base, http):
    answer = http.get(f"{base}/boards/{_board().id}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == JSON


@pytest.mark.parametrize(
    ("path", "status", "body"),
    [
        (f"/boards/{UNKNOWN}", 404, "The requested resource was not found."),
        ("/cards/not-an-id", 400, "invalid id"),
        ("/members/nobody-at-all", 404, "model not found"),
        ("/boards/x/stickers/all/more", 404, "Cannot GET /1/boards/x/stickers/all/more"),
    ],
)
def test_errors_are_plain_text(base, http, path, status, body):
    answer = http.get(base + path)
    assert (answer.status_code, answer.text) == (status, body)
    assert answer.headers["Content-Type"] == TEXT


def test_every_named_error_is_plain_text_with_its_status():
    for name in ERRORS.errors:
        response = ERRORS.response(name)
        assert response.headers["Content-Type"] == TEXT
        assert response.status_code in (400, 401, 404, 500)
        assert response.get_data(as_text=True)


def test_auth_failures_in_plain_text(base):
    key = EMULATOR.credentials["api_key"]
    for params, message in (
        ({}, "invalid key"),
        ({"key": key}, "unauthorized permission requested"),
        ({"key": key, "token": "nope"}, "invalid token"),
    ):
        answer = requests.get(f"{base}/members/me", params=params, timeout=10)
        assert (answer.status_code, answer.text) == (401, message)
        assert answer.headers["Content-Type"] == TEXT


def test_gzip_when_asked_and_not_otherwise(base, http):
    path = f"{base}/boards/{_board().id}/cards/all"
    plain = http.get(path, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    raw = http.get(path, headers={"Accept-Encoding": "gzip"}, stream=True)
    assert raw.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(raw.raw.read()) == plain.content


def test_head_answers_the_headers_of_get_without_a_body(base, http):
    path = f"{base}/boards/{_board().id}/lists"
    head = http.head(path)
    assert head.status_code == 200
    assert head.headers["Content-Type"] == JSON
    assert head.content == b""


def test_doubled_slashes_are_read_as_one(base, http):
    board = _board()
    assert (
        http.get(f"{base}//boards//{board.id}//lists").json()
        == http.get(f"{base}/boards/{board.id}/lists").json()
    )


def test_fields_choose_what_an_object_and_a_listing_answer(base, http):
    board = _board()
    assert http.get(f"{base}/boards/{board.id}", params={"fields": "name"}).json() == {
        "id": board.id,
        "name": board.json["name"],
    }
    cards = http.get(f"{base}/boards/{board.id}/cards", params={"fields": "name,idList"}).json()
    assert cards
    assert all(set(card) == {"id", "name", "idList"} for card in cards)
    whole = http.get(f"{base}/boards/{board.id}", params={"fields": "all"}).json()
    assert whole["memberships"]
    assert whole["prefs"]
    assert "limits" in whole


def test_nested_resources_come_with_the_board_and_the_card(base, http):
    board = _board()
    params = {
        "fields": "name",
        "cards": "all",
        "card_fields": "name,closed",
        "lists": "open",
        "members": "all",
        "member_fields": "username",
        "organization": "true",
        "organization_fields": "displayName",
        "customFields": "true",
        "labels": "all",
        "actions": "commentCard",
        "actions_limit": "5",
    }
    nested = http.get(f"{base}/boards/{board.id}", params=params).json()
    assert len(nested["cards"]) == len(board.cards)
    assert all(set(card) == {"id", "name", "closed"} for card in nested["cards"])
    assert [x["id"] for x in nested["lists"]] == [x["id"] for x in board.lists if not x["closed"]]
    assert all(set(m) == {"id", "username"} for m in nested["members"])
    assert nested["organization"] == {
        "id": board.json["idOrganization"],
        "displayName": EMULATOR.store.organizations[board.json["idOrganization"]]["displayName"],
    }
    assert [f["name"] for f in nested["customFields"]] == ["Priority", "Estimate"]
    assert len(nested["labels"]) == 6
    assert 0 < len(nested["actions"]) <= 5
    assert {a["type"] for a in nested["actions"]} == {"commentCard"}

    checklist = board.checklists[0]
    card = http.get(
        f"{base}/cards/{checklist['idCard']}",
        params={
            "fields": "name",
            "checklists": "all",
            "board": "true",
            "board_fields": "name",
            "list": "true",
            "attachments": "true",
            "stickers": "true",
        },
    ).json()
    assert [c["id"] for c in card["checklists"]] == [checklist["id"]]
    assert card["board"] == {"id": board.id, "name": board.json["name"]}
    assert card["list"]["id"] == EMULATOR.store.cards[checklist["idCard"]]["idList"]
    assert isinstance(card["attachments"], list)
    assert isinstance(card["stickers"], list)
    refused = http.get(f"{base}/boards/{board.id}", params={"cards": "some"})
    assert (refused.status_code, refused.text) == (400, "invalid value for cards")


def test_a_field_read_answers_its_value(base, http):
    board = _board()
    assert http.get(f"{base}/boards/{board.id}/name").json() == {"_value": board.json["name"]}
    card = board.cards[0]
    assert http.get(f"{base}/cards/{card['id']}/idList").json() == {"_value": card["idList"]}
    missing = http.get(f"{base}/cards/{card['id']}/noSuchField")
    assert (missing.status_code, missing.headers["Content-Type"]) == (404, TEXT)


def test_ids_resolve_across_objects(base, http):
    store = EMULATOR.store
    action = next(a for a in _board().actions if a["type"] == "commentCard")
    card = http.get(f"{base}/actions/{action['id']}/card").json()
    assert card["id"] == action["data"]["card"]["id"]
    listed = http.get(f"{base}/lists/{card['idList']}").json()
    assert listed["idBoard"] == card["idBoard"]
    org = http.get(f"{base}/boards/{card['idBoard']}/idOrganization").json()["_value"]
    boards = http.get(f"{base}/organizations/{org}/boards").json()
    assert card["idBoard"] in [b["id"] for b in boards]
    me = http.get(f"{base}/members/me").json()
    assert set(me["idBoards"]) == {b.id for b in store.member_boards(me["id"])}
    assert set(me["idOrganizations"]) <= set(store.organizations)
    with_attachment = next(c for c in store.cards.values() if store.attachments[c["id"]])
    assert with_attachment["badges"]["attachments"] == len(store.attachments[with_attachment["id"]])


def test_over_the_limit_trello_answers_its_429_body():
    emulator = TrelloEmulator(size="tiny", generation=0, rate_limit=1)
    credentials = emulator.credentials
    params = {"key": credentials["api_key"], "token": credentials["api_token"]}
    with serve(emulator) as running:
        first = requests.get(f"{running.root_url}/1/members/me", params=params, timeout=10)
        second = requests.get(f"{running.root_url}/1/members/me", params=params, timeout=10)
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json() == {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    assert second.headers["Content-Type"] == JSON
    assert "Retry-After" not in second.headers


def test_batch_answers_each_read_with_its_status(base, http):
    board = _board()
    urls = f"/boards/{board.id},/cards/{UNKNOWN},/members/me"
    answers = http.get(f"{base}/batch", params={"urls": urls}).json()
    assert answers[0]["200"]["id"] == board.id
    assert answers[1] == {"404": "The requested resource was not found."}
    assert answers[2]["200"]["id"] == EMULATOR.account.me["id"]


def test_notifications_page_newest_first_with_before_and_since(base, http):
    every = http.get(f"{base}/members/me/notifications", params={"limit": "1000"}).json()
    assert len(every) > 3
    dates = [n["date"] for n in every]
    assert dates == sorted(dates, reverse=True)
    middle = every[2]
    older = http.get(f"{base}/members/me/notifications", params={"before": middle["date"]})
    assert [n["id"] for n in older.json()] == [n["id"] for n in every if n["date"] < middle["date"]]
    newer = http.get(f"{base}/members/me/notifications", params={"since": middle["date"]})
    assert [n["id"] for n in newer.json()] == [n["id"] for n in every if n["date"] > middle["date"]]
    unread = http.get(f"{base}/members/me/notifications", params={"read_filter": "unread"})
    assert all(n["unread"] for n in unread.json())
    refused = http.get(f"{base}/members/me/notifications", params={"since": "last week"})
    assert (refused.status_code, refused.text) == (400, "invalid value for since")
