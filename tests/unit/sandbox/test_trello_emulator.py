"""The Trello emulator answers like Trello: bare arrays, action paging, plain-text 401s, 429s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeClock
from jsonschema import Draft202012Validator
from werkzeug.test import Client

from brainhub.sandbox.services.trello import TrelloEmulator
from brainhub.sandbox.services.trello.boards import BASE, created_at, iso

SWAGGER = Path(__file__).resolve().parents[3].parent / "shared/apis/trello/trello-swagger.v3.json"

#: Where Trello's published schema disagrees with what Trello sends, and what Trello sends.
PUBLISHED_SCHEMA_DEVIATIONS = {
    ("Card", "labels"): "label objects ({id, idBoard, name, color, uses}); the spec says ids",
    ("TrelloList", "softLimit"): "null when the list has no limit; the spec says string",
    ("Board", "descData"): "null without emoji; the spec says string",
    (
        "Board",
        "memberships",
    ): "membership objects ({id, idMember, memberType…}); the spec says string",
    ("Board", "powerUps"): "an array of enabled Power-Up names; the spec says string",
    ("Board", "idTags"): "an array of collection ids; the spec says string",
    ("Member", "idEnterprise"): "null for a member of no Enterprise; the spec says an id",
    ("Member", "email"): "null but for the token's own member; the spec says string",
}


@pytest.fixture
def trello() -> tuple[TrelloEmulator, Client, dict[str, str]]:
    emulator = TrelloEmulator(size="tiny", generation=0)
    creds = emulator.credentials
    return emulator, Client(emulator), {"key": creds["api_key"], "token": creds["api_token"]}


def get(client: Client, path: str, auth: dict[str, str], **params: Any) -> Any:
    return client.get(f"/1{path}", query_string={**auth, **params})


def test_member_boards_filter_open_and_closed(trello: Any) -> None:
    emulator, client, auth = trello
    every = get(client, "/members/me/boards", auth).json
    assert isinstance(every, list)
    assert len(every) == 3, "filter defaults to all"
    opened = get(client, "/members/me/boards", auth, filter="open").json
    assert [b["id"] for b in opened] == [b.id for b in emulator.account.open_boards()]
    closed = get(client, "/members/me/boards", auth, filter="closed").json
    assert [b["closed"] for b in closed] == [True]
    bad = get(client, "/members/me/boards", auth, filter="mine")
    assert (bad.status_code, bad.text) == (400, "invalid value for filter")


def test_lists_and_cards_honour_their_filters(trello: Any) -> None:
    emulator, client, auth = trello
    board = emulator.account.open_boards()[0]
    assert len(get(client, f"/boards/{board.id}/lists", auth).json) == 3, "open by default"
    assert len(get(client, f"/boards/{board.id}/lists", auth, filter="all").json) == 4
    every = get(client, f"/boards/{board.id}/cards/all", auth).json
    visible = get(client, f"/boards/{board.id}/cards", auth).json
    assert len(every) == len(board.cards) == 12
    assert len(visible) == len([c for c in board.cards if not c["closed"]]) < 12


def test_actions_page_newest_first_with_before_and_limit(trello: Any) -> None:
    emulator, client, auth = trello
    board = emulator.account.open_boards()[0]
    assert len(board.actions) > 100
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = get(client, f"/boards/{board.id}/actions", auth, **params).json
        seen += page
        if len(page) < 100:
            break
        params["before"] = page[-1]["id"]
    ids = [a["id"] for a in seen]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == len(set(ids)) == len(board.actions)
    assert [a["date"] for a in seen] == sorted((a["date"] for a in seen), reverse=True)
    assert all(created_at(a["id"]) <= BASE for a in seen), "ids encode the creation time"


def test_actions_since_is_exclusive_and_takes_dates_or_ids(trello: Any) -> None:
    emulator, client, auth = trello
    board = emulator.account.open_boards()[0]
    newest = sorted(board.actions, key=lambda a: a["id"])[-3:]
    by_date = get(client, f"/boards/{board.id}/actions", auth, since=newest[0]["date"]).json
    assert [a["id"] for a in by_date] == [newest[2]["id"], newest[1]["id"]]
    by_id = get(client, f"/boards/{board.id}/actions", auth, since=newest[0]["id"]).json
    assert by_id == by_date
    micro = newest[0]["date"].replace("Z", "000Z")
    assert get(client, f"/boards/{board.id}/actions", auth, since=micro).json == by_date


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "1001"}, "invalid value for limit"),
        ({"since": "yesterday"}, "invalid value for since"),
    ],
)
def test_actions_refuse_bad_parameters_in_plain_text(
    trello: Any, params: dict[str, str], message: str
) -> None:
    emulator, client, auth = trello
    board = emulator.account.open_boards()[0]
    response = get(client, f"/boards/{board.id}/actions", auth, **params)
    assert (response.status_code, response.text) == (400, message)


def test_unknown_and_malformed_ids(trello: Any) -> None:
    _, client, auth = trello
    missing = get(client, "/boards/0123456789abcdef01234567/lists", auth)
    assert (missing.status_code, missing.text) == (404, "The requested resource was not found.")
    malformed = get(client, "/boards/xyz/lists", auth)
    assert (malformed.status_code, malformed.text) == (400, "invalid id")
    route = get(client, "/boards/xyz/stickers/all/more", auth)
    assert (route.status_code, route.text) == (404, "Cannot GET /1/boards/xyz/stickers/all/more")


def test_auth_failures_are_plain_text_401s(trello: Any) -> None:
    emulator, client, auth = trello
    cases = [
        ({}, "invalid key"),
        ({"key": "nope", "token": auth["token"]}, "invalid key"),
        ({"key": auth["key"]}, "unauthorized permission requested"),
        ({"key": auth["key"], "token": "nope"}, "invalid token"),
    ]
    for params, message in cases:
        response = client.get("/1/members/me", query_string=params)
        assert response.status_code == 401
        assert response.text == message
        assert response.content_type.startswith("text/plain")
    header = f'OAuth oauth_consumer_key="{auth["key"]}", oauth_token="{auth["token"]}"'
    ok = client.get("/1/members/me", headers={"Authorization": header})
    assert ok.status_code == 200
    assert ok.json["id"] == emulator.account.me["id"]


def test_token_rate_limit_headers_and_429_body() -> None:
    clock = FakeClock()
    emulator = TrelloEmulator(size="tiny", generation=0, rate_limit=2, clock=clock)
    client = Client(emulator)
    auth = {"key": emulator.credentials["api_key"], "token": emulator.credentials["api_token"]}
    first = get(client, "/members/me", auth)
    assert first.headers["x-rate-limit-api-token-max"] == "2"
    assert first.headers["x-rate-limit-api-token-remaining"] == "1"
    assert first.headers["x-rate-limit-api-token-interval-ms"] == "10000"
    assert first.headers["x-rate-limit-api-key-max"] == "300"
    assert first.headers["x-rate-limit-api-key-remaining"] == "299"
    get(client, "/members/me", auth)
    throttled = get(client, "/members/me", auth)
    assert throttled.status_code == 429
    assert throttled.json == {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
    assert "Retry-After" not in throttled.headers
    assert throttled.headers["x-rate-limit-api-token-remaining"] == "0"
    clock.now += 10
    assert get(client, "/members/me", auth).status_code == 200


def test_data_is_deterministic_and_generations_add_work() -> None:
    assert (
        TrelloEmulator(size="tiny", generation=2).account
        == TrelloEmulator(size="tiny", generation=2).account
    )
    before, after = (
        TrelloEmulator(size="tiny", generation=0),
        TrelloEmulator(size="tiny", generation=1),
    )
    changes = after.changes(0)
    assert changes == {
        "cards_updated": 2,
        "cards_created": 2,
        "cards_deleted": 1,
        "checklists_deleted": changes["checklists_deleted"],
    }
    grown = {k: after.counts()[k] - before.counts()[k] for k in before.counts()}
    assert grown["cards"] == 2 - 1
    assert grown["actions"] == 2 * 2 + 2 + 1, (
        "a move and a comment per update, a createCard per new, a deleteCard per deletion"
    )
    base = iso(BASE)
    new_actions = [a for b in after.account.open_boards() for a in b.actions if a["date"] > base]
    assert len(new_actions) == grown["actions"]
    touched = [
        c for b in after.account.open_boards() for c in b.cards if c["dateLastActivity"] > base
    ]
    assert 2 < len(touched) <= 4


def _openapi_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 → JSON Schema: ``nullable``, and ``$ref`` siblings dropped (3.0 rules)."""
    if isinstance(node, list):
        return [_openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = {"$ref": node["$ref"].replace("#/components/schemas/", "#/$defs/")}
        return {"anyOf": [ref, {"type": "null"}]} if node.get("nullable") else ref
    out = {key: _openapi_to_json_schema(value) for key, value in node.items()}
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


@pytest.mark.skipif(not SWAGGER.is_file(), reason="Trello's published OpenAPI is not available")
def test_responses_validate_against_trellos_published_schemas(trello: Any) -> None:
    emulator, client, auth = trello
    schemas = json.loads(SWAGGER.read_text())["components"]["schemas"]
    defs = _openapi_to_json_schema(schemas)
    board = emulator.account.open_boards()[0]
    answers = {
        "Board": get(client, "/members/me/boards", auth).json,
        "TrelloList": get(client, f"/boards/{board.id}/lists", auth, filter="all").json,
        "Card": get(client, f"/boards/{board.id}/cards/all", auth).json,
        "Member": get(client, f"/boards/{board.id}/members", auth).json,
        "Action": get(client, f"/boards/{board.id}/actions", auth, limit=1000).json,
        "Checklist": get(client, f"/boards/{board.id}/checklists", auth).json,
    }
    hit: set[tuple[str, Any]] = set()
    for name, items in answers.items():
        validator = Draft202012Validator({"$defs": defs, "$ref": f"#/$defs/{name}"})
        for item in items:
            for error in validator.iter_errors(item):
                field = error.absolute_path[0] if error.absolute_path else None
                hit.add((name, field))
                assert (name, field) in PUBLISHED_SCHEMA_DEVIATIONS, (
                    f"{name}.{'.'.join(map(str, error.absolute_path))}: {error.message}"
                )
    assert hit == set(PUBLISHED_SCHEMA_DEVIATIONS), "every listed deviation is still real"


def test_mutate_deletes_cards_as_trello_does() -> None:
    before = TrelloEmulator(size="tiny", generation=0)
    after = TrelloEmulator(size="tiny", generation=1)
    creds = after.credentials
    auth = {"key": creds["api_key"], "token": creds["api_token"]}
    client = Client(after)
    (deleted,) = after.account.deleted_card_ids
    board = next(b for b in before.account.boards if any(c["id"] == deleted for c in b.cards))
    assert get(Client(before), f"/cards/{deleted}", auth).json["id"] == deleted
    gone = get(client, f"/cards/{deleted}", auth)
    assert (gone.status_code, gone.text) == (404, "The requested resource was not found.")
    listed = get(client, f"/boards/{board.id}/cards/all", auth).json
    assert deleted not in {card["id"] for card in listed}
    checklists = get(client, f"/boards/{board.id}/checklists", auth).json
    assert deleted not in {checklist["idCard"] for checklist in checklists}
    actions = get(client, f"/boards/{board.id}/actions", auth, filter="deleteCard").json
    assert [a["data"]["card"]["id"] for a in actions] == [deleted]
    shorts = [c["idShort"] for b in after.account.boards for c in b.cards if b.id == board.id]
    assert len(shorts) == len(set(shorts)), "idShort is never reused after a deletion"


@pytest.mark.parametrize(
    "path", ["//members/me/boards", "/members//me/boards", "/members/me//boards"]
)
def test_doubled_slashes_are_served_as_trellos_servers_serve_them(trello: Any, path: str) -> None:
    """Trello answers a path with ``//`` as if it had one slash; some clients build such URLs."""
    _, client, auth = trello
    plain = get(client, "/members/me/boards", auth)
    doubled = get(client, path, auth)
    assert doubled.status_code == 200
    assert doubled.json == plain.json


def _board_activity(emulator: TrelloEmulator) -> dict[str, str]:
    creds = emulator.credentials
    auth = {"key": creds["api_key"], "token": creds["api_token"]}
    boards = get(Client(emulator), "/members/me/boards", auth, filter="open").json
    return {board["id"]: board["dateLastActivity"] for board in boards}


def test_a_boards_date_last_activity_moves_with_changes_on_it() -> None:
    """Trello moves a board's ``dateLastActivity`` whenever something on it changes: a
    tap may read a board's cards again only when it moved."""
    before = TrelloEmulator(size="tiny", generation=0)
    after = TrelloEmulator(size="tiny", generation=1)
    old, new = _board_activity(before), _board_activity(after)
    base = iso(BASE)
    changed = {
        b.id for b in after.account.open_boards() if any(a["date"] > base for a in b.actions)
    }
    assert changed, "generation 1 changes something"
    for board in after.account.open_boards():
        newest = max(a["date"] for a in board.actions)
        if board.id in changed:
            assert new[board.id] == newest > old[board.id]
        else:
            assert new[board.id] == old[board.id]


def test_a_write_moves_its_boards_date_last_activity() -> None:
    emulator = TrelloEmulator(size="tiny", generation=0)
    creds = emulator.credentials
    auth = {"key": creds["api_key"], "token": creds["api_token"]}
    board = emulator.account.open_boards()[0]
    card = next(c for c in board.cards if not c["closed"])
    before = _board_activity(emulator)[board.id]
    posted = Client(emulator).post(
        f"/1/cards/{card['id']}/actions/comments", query_string={**auth, "text": "Seen"}
    )
    assert posted.status_code == 200, posted.text
    assert _board_activity(emulator)[board.id] == posted.json["date"] > before
