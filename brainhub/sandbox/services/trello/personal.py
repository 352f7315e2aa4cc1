"""Workspaces, Power-Ups and the token's member's own things (see :mod:`.store`):

- one workspace (organization) per ``idOrganization`` the boards name, with the boards'
  members as its members;
- the Custom Fields Power-Up enabled on every board;
- every member's documented profile fields;
- for the token's member: stars of the starred boards, board backgrounds, a custom emoji
  and sticker, saved searches, notification channel settings, and notifications: a
  ``cardDueSoon`` one for each due card it is a member of, a ``commentCard`` one for each
  comment someone else made on such a card.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from brainhub.sandbox.services.trello.boards import Account, Board, created_at, iso
from brainhub.sandbox.services.trello.store import (
    BACKGROUNDS,
    CHANNELS,
    PLUGINS,
    Store,
    derived_id,
)


def complete_member(person: dict[str, Any], account: Account) -> None:
    member_id = person["id"]
    person.setdefault("initials", "".join(part[0] for part in person["fullName"].split()))
    person.setdefault("avatarHash", member_id[::-1][:32])
    person.setdefault("avatarUrl", f"https://trello-members.s3.amazonaws.com/{member_id}")
    person.setdefault("activityBlocked", False)
    person.setdefault("bio", "")
    person.setdefault("bioData", {"emoji": {}})
    person.setdefault("confirmed", True)
    person.setdefault("idEnterprise", None)
    person.setdefault("idEnterprisesDeactivated", [])
    person.setdefault("idMemberReferrer", None)
    person.setdefault("idPremOrgsAdmin", [])
    person.setdefault("memberType", "normal")
    person.setdefault("nonPublic", {})
    person.setdefault("nonPublicAvailable", True)
    person.setdefault("status", "disconnected")
    person.setdefault("url", f"https://trello.com/{person['username']}")
    person.setdefault("products", [])
    person.setdefault("aaId", None)
    person.setdefault(
        "email", None if person is not account.me else f"{person['username']}@example.com"
    )


def add_organization(store: Store, board: Board) -> None:
    org_id = board.json["idOrganization"]
    existing = store.organizations.get(org_id)
    if existing is not None:
        existing["idBoards"].append(board.id)
        return
    boards = store.org_boards(org_id)
    members: dict[str, dict[str, Any]] = {}
    for each in boards:
        for member in each.members:
            members.setdefault(member["id"], member)
    slug = board.json["name"].lower().replace(" ", "") + "team"
    created = created_at(org_id)
    memberships = [
        {
            "id": derived_id(org_id, "membership", member_id),
            "idMember": member_id,
            "memberType": "admin" if index == 0 else "normal",
            "unconfirmed": False,
            "deactivated": False,
        }
        for index, member_id in enumerate(members)
    ]
    store.org_memberships[org_id] = memberships
    store.organizations[org_id] = {
        "id": org_id,
        "name": slug,
        "displayName": f"{board.json['name']} team",
        "desc": f"The people behind {board.json['name'].lower()}.",
        "descData": {"emoji": {}},
        "url": f"https://trello.com/w/{slug}",
        "website": None,
        "teamType": "engineering-it",
        "logoHash": None,
        "logoUrl": None,
        "offering": "trello.standard",
        "products": [],
        "powerUps": [],
        "premiumFeatures": [],
        "idEnterprise": None,
        "idBoards": [board.id],
        "memberships": [m["id"] for m in memberships],
        "dateLastActivity": iso(created + timedelta(days=200)),
    }


def add_plugins(store: Store) -> None:
    owner = next(iter(store.organizations))
    for plugin_id, name in PLUGINS:
        store.plugins[plugin_id] = {
            "id": plugin_id,
            "idOrganizationOwner": owner,
            "name": name,
            "public": True,
            "moderatedState": None,
            "url": f"https://trello.com/power-ups/{plugin_id}",
            "capabilities": ["card-badges", "card-detail-badges"],
            "categories": ["board-utilities"],
            "tags": ["made-by-trello"],
            "iframeConnectorUrl": f"https://trello.com/power-ups/{plugin_id}/connector",
            "privacyUrl": "https://trello.com/privacy",
            "supportEmail": "support@trello.com",
            "author": "Trello",
            "icon": {"url": f"https://trello.com/power-ups/{plugin_id}/icon.svg"},
        }
    custom_fields_plugin = PLUGINS[0][0]
    for board in store.account.boards:
        store.board_plugins[board.id] = [
            {
                "id": derived_id(board.id, "boardPlugin", custom_fields_plugin),
                "idBoard": board.id,
                "idPlugin": custom_fields_plugin,
            }
        ]


def add_member_things(store: Store) -> None:
    me = store.account.me
    stars = [
        {"id": derived_id(b.id, "star"), "idBoard": b.id, "pos": 16384 * (index + 1)}
        for index, b in enumerate(b for b in store.account.boards if b.json["starred"])
    ]
    backgrounds = []
    for index, color in enumerate(BACKGROUNDS):
        url = f"https://trello-backgrounds.s3.amazonaws.com/{color}.png"
        backgrounds.append(
            {
                "id": derived_id(me["id"], "background", color),
                "brightness": "dark" if index % 2 == 0 else "light",
                "fullSizeUrl": url,
                "scaled": [{"width": 100, "height": 64, "url": url}],
                "tile": False,
                "type": "default" if index else "custom",
            }
        )
    emoji_id = derived_id(me["id"], "emoji")
    sticker_id = derived_id(me["id"], "customSticker")
    sticker_url = f"https://trello-stickers.s3.amazonaws.com/{sticker_id}.png"
    notifications = _due_soon(store) + _comments_on_my_cards(store)
    for notification in notifications:
        store.notifications[notification["id"]] = notification
    store.mine = {
        "boardStars": stars,
        "boardBackgrounds": [b for b in backgrounds if b["type"] == "default"],
        "customBoardBackgrounds": [b for b in backgrounds if b["type"] == "custom"],
        "customEmoji": [
            {
                "id": emoji_id,
                "name": "shipit",
                "url": f"https://trello-emoji.s3.amazonaws.com/{emoji_id}.png",
            }
        ],
        "customStickers": [
            {
                "id": sticker_id,
                "url": sticker_url,
                "scaled": [{"width": 140, "height": 140, "url": sticker_url}],
            }
        ],
        "savedSearches": [
            {
                "id": derived_id(me["id"], "search", 1),
                "name": "My cards",
                "query": "@me",
                "pos": 16384,
            },
            {
                "id": derived_id(me["id"], "search", 2),
                "name": "Due this week",
                "query": "due:week",
                "pos": 32768,
            },
        ],
        "notificationsChannelSettings": [
            {
                "id": derived_id(me["id"], "channel", channel),
                "idMember": me["id"],
                "blockedKeys": [],
                "channel": channel,
            }
            for channel in CHANNELS
        ],
        "notifications": notifications,
    }


#: How many notifications of each kind the token's member has at most.
MAX_NOTIFICATIONS = 20


def _due_soon(store: Store) -> list[dict[str, Any]]:
    """A ``cardDueSoon`` notification for each due card the token's member is on."""
    me = store.account.me
    notifications: list[dict[str, Any]] = []
    for board in store.account.open_boards():
        for card in board.cards:
            if not card["due"] or me["id"] not in card["idMembers"]:
                continue
            data = {
                "board": {
                    "id": board.id,
                    "name": board.json["name"],
                    "shortLink": board.json["shortLink"],
                },
                "card": {
                    "id": card["id"],
                    "name": card["name"],
                    "idShort": card["idShort"],
                    "shortLink": card["shortLink"],
                    "due": card["due"],
                },
            }
            notifications.append(
                {
                    "id": derived_id(card["id"], "notification"),
                    "unread": len(notifications) % 2 == 0,
                    "type": "cardDueSoon",
                    "date": card["due"],
                    "dateRead": None,
                    "data": data,
                    "idMemberCreator": None,
                    "idAction": None,
                    "reactions": [],
                    "board": data["board"],
                    "card": data["card"],
                }
            )
    return notifications[:MAX_NOTIFICATIONS]


def _comments_on_my_cards(store: Store) -> list[dict[str, Any]]:
    """A ``commentCard`` notification for each comment someone else made on a card the
    token's member is on."""
    me = store.account.me
    notifications: list[dict[str, Any]] = []
    for board in store.account.open_boards():
        for action in board.actions:
            card_ref = action["data"].get("card")
            commented = store.cards.get(card_ref["id"]) if card_ref else None
            if (
                action["type"] != "commentCard"
                or commented is None
                or me["id"] not in commented["idMembers"]
                or action["idMemberCreator"] == me["id"]
            ):
                continue
            notifications.append(
                {
                    "id": derived_id(action["id"], "notification"),
                    "unread": True,
                    "type": "commentCard",
                    "date": action["date"],
                    "dateRead": None,
                    "data": action["data"],
                    "idMemberCreator": action["idMemberCreator"],
                    "idAction": action["id"],
                    "reactions": [],
                    "memberCreator": action["memberCreator"],
                    "board": action["data"]["board"],
                    "card": card_ref,
                }
            )
    return notifications[:MAX_NOTIFICATIONS]
