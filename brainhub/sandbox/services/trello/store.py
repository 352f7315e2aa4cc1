"""Everything the Trello emulator serves, indexed by id, around one seeded :class:`Account`.

:mod:`.boards` builds the boards, lists, cards, checklists, members and actions (and their
generations); this module adds the objects that hang off them, derived deterministically
from those ids so they never change what the boards hold:

- one workspace (organization) per ``idOrganization`` the boards name, with the boards'
  members as its members;
- per board: its memberships, two custom fields (a ``list`` "Priority", a ``number``
  "Estimate"), the Custom Fields Power-Up enabled;
- per card: custom field items (every third card), a link attachment and a sticker (every fourth
  card; the attachment counted in ``badges.attachments``), the states of its
  completed check items (``/cards/{id}/checkItemStates``; the card's own
  ``checkItemStates`` stays empty, as Trello leaves it);
- per comment: a reaction on every third one;
- for the token's member: stars of the starred boards, board backgrounds, a custom emoji
  and sticker, saved searches, notification channel settings, and notifications: a
  ``cardDueSoon`` one for each due card it is a member of, a ``commentCard`` one for each
  comment someone else made on such a card.

Every object then carries every field Trello documents for it: the hand-modelled fields
are kept and the rest are filled by :class:`TrelloShaper` from the documented schema.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from brainhub.sandbox.kit.shapes import Shaper
from brainhub.sandbox.kit.surface import DocumentedOperation
from brainhub.sandbox.services.trello.boards import BASE, Account, Board, created_at, iso

#: The Custom Fields Power-Up and one more public Power-Up every board can enable.
PLUGINS = (
    ("56d5e249a98895a9797bebb9", "Custom Fields"),
    ("57b47fb862d25a30298459b1", "Card Repeater"),
)
STICKERS = ("taco-cool", "pete-happy", "thumbsup")
BACKGROUNDS = ("blue", "orange", "green")
CHANNELS = ("email",)
THUMBS_UP = {
    "unified": "1F44D",
    "native": "\U0001f44d",
    "name": "THUMBS UP SIGN",
    "skinVariation": None,
    "shortName": "+1",
}


def derived_id(*parts: object) -> str:
    """A 24-hex Trello id for an object derived from others (stable per ``parts``); its
    time prefix is that of the first part when it is an id."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).hexdigest()
    first = str(parts[0])
    prefix = first[:8] if len(first) == 24 else f"{int(BASE.timestamp()):08x}"
    return prefix + digest


class TrelloShaper(Shaper):
    """Fills documented fields the way Trello writes them: ids are 24-hex object ids
    (``id``, ``idBoard``, ``idMembers``…), dates ISO 8601 with milliseconds."""

    def _string(
        self, fmt: str | None, name: str, parent: str, number: int, context: Mapping[str, Any]
    ) -> str:
        if (
            name in ("id", "_id")
            or name.endswith("Id")
            or (name.startswith("id") and name[2:3].isupper())
        ):
            return f"{int(BASE.timestamp()):08x}{number:016x}"
        lowered = name.lower()
        if fmt in ("date", "date-time") or "date" in lowered or lowered.startswith("time"):
            return iso(BASE - timedelta(days=number % 90))
        return super()._string(fmt, name, parent, number, context)


@dataclass
class Store:
    """The account, and every object by id (see the module doc)."""

    account: Account
    boards: dict[str, Board] = field(default_factory=dict)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    checklists: dict[str, dict[str, Any]] = field(default_factory=dict)
    check_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    custom_fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Per board id.
    memberships: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    board_plugins: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    board_fields: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Per card id.
    attachments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stickers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    field_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    check_item_states: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Card and board short links to their ids.
    short_links: dict[str, str] = field(default_factory=dict)
    #: Per action id.
    reactions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Per organization id.
    org_memberships: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: The token's member's own things, by kind (``boardStars``, ``savedSearches``…).
    mine: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    # ------------------------------------------------------------------ lookups

    def board_of(self, object_with_board: Mapping[str, Any]) -> Board | None:
        return self.boards.get(str(object_with_board.get("idBoard", "")))

    def member(self, member: str) -> dict[str, Any] | None:
        """``me``, a member id or a username."""
        if member == "me":
            return self.account.me
        found = self.members.get(member.lower())
        if found is not None:
            return found
        return next((p for p in self.members.values() if p["username"] == member), None)

    def member_boards(self, member_id: str) -> list[Board]:
        return [b for b in self.account.boards if any(m["id"] == member_id for m in b.members)]

    def org_boards(self, org_id: str) -> list[Board]:
        return [b for b in self.account.boards if b.json["idOrganization"] == org_id]

    def all_actions(self) -> Iterator[dict[str, Any]]:
        return iter(self.actions.values())


def build_store(account: Account, shapes: Mapping[str, DocumentedOperation]) -> Store:
    """The store of ``account``; ``shapes`` is the derived surface (for completion)."""
    store = Store(account)
    for person in account.people:
        store.members[person["id"]] = person
        _member_fields(person, account)
    for board in account.boards:
        _index_board(store, board)
    for board in account.boards:
        _organization(store, board)
    for person in account.people:
        boards = store.member_boards(person["id"])
        person["idBoards"] = [b.id for b in boards]
        person["idBoardsPinned"] = []
        person["idOrganizations"] = sorted({b.json["idOrganization"] for b in boards})
    _plugins(store)
    _mine(store)
    _complete(store, shapes)
    return store


def _index_board(store: Store, board: Board) -> None:
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


def _member_fields(person: dict[str, Any], account: Account) -> None:
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


def _organization(store: Store, board: Board) -> None:
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


def _plugins(store: Store) -> None:
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


def _mine(store: Store) -> None:
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
    notifications: list[dict[str, Any]] = []
    for board in store.account.open_boards():
        for card in board.cards:
            if card["due"] and me["id"] in card["idMembers"] and len(notifications) < 20:
                notification = {
                    "id": derived_id(card["id"], "notification"),
                    "unread": len(notifications) % 2 == 0,
                    "type": "cardDueSoon",
                    "date": card["due"],
                    "dateRead": None,
                    "data": {
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
                    },
                    "idMemberCreator": None,
                    "idAction": None,
                    "reactions": [],
                }
                notification["board"] = notification["data"]["board"]
                notification["card"] = notification["data"]["card"]
        for action in board.actions:
            card_ref = action["data"].get("card")
            commented = store.cards.get(card_ref["id"]) if card_ref else None
            if (
                action["type"] == "commentCard"
                and commented is not None
                and me["id"] in commented["idMembers"]
                and action["idMemberCreator"] != me["id"]
                and len(notifications) < 40
            ):
                notification = {
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
                notifications.append(notification)
                store.notifications[notification["id"]] = notification
                notifications.append(notification)
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


#: Which documented operation's 200 shape describes each kind of object.
KIND_SHAPES = {
    "boards": "GET /boards/{}",
    "cards": "GET /cards/{}",
    "lists": "GET /boards/{}/lists",
    "members": "GET /members/{}",
    "actions": "GET /actions/{}/{}",
    "organizations": "GET /organizations/{}",
    "custom_fields": "GET /customFields/{}",
    "notifications": "GET /notifications/{}",
    "attachments": "GET /cards/{}/attachments",
}


def _complete(store: Store, shapes: Mapping[str, DocumentedOperation]) -> None:
    """Add every documented field each object lacks, in place (objects are shared).

    What varies per object is modelled by hand above; the rest (``limits``, an action's
    ``display``, a member's ``prefs``…) is the same documented shape for every object of a
    kind, so it is filled once per kind and set of missing fields.
    """
    shaper = TrelloShaper(int(BASE.timestamp() * 1000), "trello.com")
    collections: dict[str, Any] = {
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
    for kind, objects in collections.items():
        shape = shapes[KIND_SHAPES[kind]].shape
        fields = shape.get("a", shape).get("o", {})
        filled: dict[tuple[str, ...], dict[str, Any]] = {}
        for obj in objects:
            missing = tuple(key for key in fields if key not in obj)
            if not missing:
                continue
            if missing not in filled:
                wanted = {"o": {key: fields[key] for key in missing}}
                filled[missing] = shaper.fill(wanted, {}, f"{kind}|{'|'.join(missing)}")
            obj.update(filled[missing])
