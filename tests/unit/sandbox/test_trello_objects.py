"""The Trello emulator's objects are complete and consistent: every documented field is
present, ids resolve to served objects, counts match what they count, timestamps are in
order."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.trello import TrelloEmulator
from brainhub.sandbox.services.trello.boards import created_at
from brainhub.sandbox.services.trello.store import KIND_SHAPES

EMULATOR = TrelloEmulator(size="tiny", generation=2)


def _objects(kind: str) -> list[dict[str, Any]]:
    store = EMULATOR.store
    every: dict[str, Any] = {
        "boards": [b.json for b in store.boards.values()],
        "cards": store.cards.values(),
        "lists": store.lists.values(),
        "members": store.members.values(),
        "actions": store.actions.values(),
        "organizations": store.organizations.values(),
        "custom_fields": store.custom_fields.values(),
        "notifications": store.notifications.values(),
        "attachments": [a for items in store.attachments.values() for a in items],
    }
    return list(every[kind])


@pytest.mark.parametrize("kind", sorted(KIND_SHAPES))
def test_every_documented_field_is_present(kind):
    shape = EMULATOR.surface()[KIND_SHAPES[kind]].shape
    documented = set(shape.get("a", shape)["o"])
    objects = _objects(kind)
    assert objects
    for obj in objects:
        assert documented <= set(obj), f"{kind} {obj['id']} lacks {documented - set(obj)}"


def test_ids_resolve_to_served_objects():
    store = EMULATOR.store
    for card in store.cards.values():
        assert card["idBoard"] in store.boards
        assert store.lists[card["idList"]]["idBoard"] == card["idBoard"]
        assert set(card["idLabels"]) <= set(store.labels)
        assert set(card["idMembers"]) <= set(store.members)
        assert all(store.checklists[c]["idCard"] == card["id"] for c in card["idChecklists"])
    for items in store.field_items.values():
        for item in items:
            assert item["idCustomField"] in store.custom_fields
            assert item["idModel"] in store.cards
    for board in store.boards.values():
        assert board.json["idOrganization"] in store.organizations
        assert {m["idMember"] for m in store.memberships[board.id]} == {
            m["id"] for m in board.members
        }
    for notification in store.notifications.values():
        assert notification["data"]["card"]["id"] in store.cards


def test_counts_match_what_they_count():
    store = EMULATOR.store
    for board in store.boards.values():
        comments: dict[str, int] = {}
        for action in board.actions:
            if action["type"] == "commentCard":
                card_id = action["data"]["card"]["id"]
                comments[card_id] = comments.get(card_id, 0) + 1
        for card in board.cards:
            badges = card["badges"]
            items = [
                i for c in board.checklists if c["idCard"] == card["id"] for i in c["checkItems"]
            ]
            assert badges["checkItems"] == len(items)
            assert badges["checkItemsChecked"] == sum(i["state"] == "complete" for i in items)
            assert badges["attachments"] == len(store.attachments[card["id"]])
            assert badges["comments"] == comments.get(card["id"], 0)
        for label in board.labels:
            assert label["uses"] == sum(label["id"] in c["idLabels"] for c in board.cards)


def test_timestamps_are_in_order():
    for card in EMULATOR.store.cards.values():
        assert card["dateLastActivity"] >= created_at(card["id"]).isoformat()[:19]
    for action in EMULATOR.store.actions.values():
        assert action["date"].startswith(created_at(action["id"]).isoformat()[:19])


def test_served_answers_are_the_complete_objects():
    credentials = EMULATOR.credentials
    query = {"key": credentials["api_key"], "token": credentials["api_token"]}
    card = next(iter(EMULATOR.store.cards.values()))
    served = Client(EMULATOR).get(f"/1/cards/{card['id']}", query_string=query).json
    assert served == card


def test_every_object_id_is_unique_across_kinds():
    store = EMULATOR.store
    ids = [
        *store.boards,
        *store.lists,
        *store.cards,
        *store.checklists,
        *store.check_items,
        *store.labels,
        *store.actions,
        *store.members,
        *store.custom_fields,
        *store.notifications,
        *(a["id"] for items in store.attachments.values() for a in items),
        *(s["id"] for items in store.stickers.values() for s in items),
    ]
    assert len(ids) == len(set(ids))
    listed = [n["id"] for n in store.mine["notifications"]]
    assert len(listed) == len(set(listed)) == len(store.notifications)
    kinds = {n["type"] for n in store.mine["notifications"]}
    assert kinds == {"cardDueSoon", "commentCard"}
