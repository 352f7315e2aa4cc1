"""What hangs off boards and cards, derived from their ids (see :mod:`.store`):

- per board: its memberships, two custom fields (a ``list`` "Priority", a ``number``
  "Estimate") and the board-level defaults Trello sends;
- per card: custom field items (every third card), a link attachment and a sticker (every
  fourth card; the attachment counted in ``badges.attachments``), the states of its
  completed check items (``/cards/{id}/checkItemStates``; the card's own
  ``checkItemStates`` stays empty, as Trello leaves it);
- per comment: a reaction on every third one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from brainhub.sandbox.services.trello.boards import Board
from brainhub.sandbox.services.trello.store import STICKERS, THUMBS_UP, Store, derived_id


def index_board(store: Store, board: Board) -> None:
    store.boards[board.id] = board
    store.short_links[board.json["shortLink"]] = board.id
    uses: dict[str, int] = {}
    checked: dict[str, list[dict[str, Any]]] = {}
    for checklist in board.checklists:
        states = checked.setdefault(checklist["idCard"], [])
        for item in checklist["checkItems"]:
            if item["state"] == "complete":
                states.append({"idCheckItem": item["id"], "state": "complete"})
    for card in board.cards:
        store.cards[card["id"]] = card
        store.short_links[card["shortLink"]] = card["id"]
        for label_id in card["idLabels"]:
            uses[label_id] = uses.get(label_id, 0) + 1
        store.check_item_states[card["id"]] = checked.get(card["id"], [])
        _card_extras(store, board, card)
    for label in board.labels:
        label["uses"] = uses.get(label["id"], 0)
        store.labels[label["id"]] = label
    for trello_list in board.lists:
        store.lists[trello_list["id"]] = trello_list
    for checklist in board.checklists:
        store.checklists[checklist["id"]] = checklist
        for item in checklist["checkItems"]:
            store.check_items[item["id"]] = item
    for action in board.actions:
        store.actions[action["id"]] = action
        if action["type"] == "commentCard" and len(store.actions) % 3 == 0:
            _reaction(store, board, action)
    store.memberships[board.id] = [
        {
            "id": derived_id(board.id, "membership", member["id"]),
            "idMember": member["id"],
            "memberType": "admin" if index == 0 else "normal",
            "unconfirmed": False,
            "deactivated": False,
        }
        for index, member in enumerate(board.members)
    ]
    board.json["memberships"] = store.memberships[board.id]
    board.json.setdefault("subscribed", False)
    board.json.setdefault("enterpriseOwned", False)
    board.json.setdefault("creationMethod", None)
    board.json.setdefault("datePluginDisable", None)
    board.json.setdefault("templateGallery", None)
    board.json.setdefault("idTags", [])
    board.json.setdefault("powerUps", [])
    board.json.setdefault("ixUpdate", len(board.actions))
    _custom_fields(store, board)


def _card_extras(store: Store, board: Board, card: dict[str, Any]) -> None:
    number = card["idShort"]
    when = card["dateLastActivity"]
    attachments = []
    if number % 4 == 0:
        attachments.append(
            {
                "id": derived_id(card["id"], "attachment"),
                "bytes": None,
                "date": when,
                "edgeColor": None,
                "idMember": board.members[0]["id"],
                "isUpload": False,
                "mimeType": "",
                "name": f"Spec for {card['name'].lower()}",
                "previews": [],
                "url": f"https://example.com/specs/{card['shortLink']}",
                "pos": 16384,
                "fileName": None,
            }
        )
    store.attachments[card["id"]] = attachments
    card["badges"]["attachments"] = len(attachments)
    stickers = []
    if number % 4 == 0:
        image = STICKERS[number % len(STICKERS)]
        url = f"https://d2k1ftgv7pobq7.cloudfront.net/images/stickers/{image}.png"
        stickers.append(
            {
                "id": derived_id(card["id"], "sticker"),
                "top": 10,
                "left": 20 + number % 50,
                "zIndex": 1,
                "rotate": 0,
                "image": image,
                "imageUrl": url,
                "imageScaled": [
                    {
                        "id": derived_id(card["id"], "scaled"),
                        "width": 64,
                        "height": 64,
                        "url": url,
                        "scaled": False,
                    }
                ],
            }
        )
    store.stickers[card["id"]] = stickers
    card.setdefault("address", None)
    card.setdefault("coordinates", None)
    card.setdefault("locationName", None)
    card.setdefault("creationMethod", None)
    card.setdefault("mirrorSourceId", None)
    card["badges"].setdefault("location", False)
    card["badges"].setdefault("fogbugz", "")
    card["badges"].setdefault("attachmentsByType", {"trello": {"board": 0, "card": 0}})


def _custom_fields(store: Store, board: Board) -> None:
    priority_id = derived_id(board.id, "field", "priority")
    options = [
        {
            "id": derived_id(priority_id, "option", text),
            "idCustomField": priority_id,
            "value": {"text": text},
            "color": color,
            "pos": 16384 * (index + 1),
        }
        for index, (text, color) in enumerate(
            (("High", "red"), ("Medium", "yellow"), ("Low", "green"))
        )
    ]
    estimate_id = derived_id(board.id, "field", "estimate")
    fields = []
    for field_id, name, kind, pos in (
        (priority_id, "Priority", "list", 16384),
        (estimate_id, "Estimate", "number", 32768),
    ):
        display: dict[str, Any] = {"cardFront": True, "name": name, "pos": str(pos)}
        custom: dict[str, Any] = {
            "id": field_id,
            "idModel": board.id,
            "modelType": "board",
            "fieldGroup": hashlib.sha256(field_id.encode()).hexdigest(),
            "display": display,
            "name": name,
            "pos": pos,
            "type": kind,
            "isSuggestedField": False,
        }
        if kind == "list":
            custom["options"] = options
            display["options"] = options
        fields.append(custom)
        store.custom_fields[field_id] = custom
    store.board_fields[board.id] = fields
    for card in board.cards:
        items: list[dict[str, Any]] = []
        if card["idShort"] % 3 == 0:
            option = options[card["idShort"] % len(options)]
            items.append(
                {
                    "id": derived_id(card["id"], "item", priority_id),
                    "idValue": option["id"],
                    "idCustomField": priority_id,
                    "idModel": card["id"],
                    "modelType": "card",
                }
            )
            items.append(
                {
                    "id": derived_id(card["id"], "item", estimate_id),
                    "value": {"number": str(card["idShort"] % 8 + 1)},
                    "idCustomField": estimate_id,
                    "idModel": card["id"],
                    "modelType": "card",
                }
            )
        store.field_items[card["id"]] = items


def _reaction(store: Store, board: Board, action: dict[str, Any]) -> None:
    fan = next((m for m in board.members if m["id"] != action["idMemberCreator"]), None)
    if fan is None:
        return
    store.reactions[action["id"]] = [
        {
            "id": derived_id(action["id"], "reaction"),
            "idMember": fan["id"],
            "idModel": action["id"],
            "idEmoji": THUMBS_UP["unified"],
            "member": _member_ref(fan),
            "emoji": dict(THUMBS_UP),
        }
    ]


def _member_ref(person: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": person["id"],
        "fullName": person["fullName"],
        "username": person["username"],
        "initials": person["initials"],
        "avatarHash": person["avatarHash"],
        "avatarUrl": person["avatarUrl"],
    }
