"""Everything the Trello emulator serves, indexed by id, around one seeded :class:`Account`.

:mod:`.boards` builds the boards, lists, cards, checklists, members and actions (and their
generations); :mod:`.build` indexes them here and adds the objects that hang off them
(:mod:`.attached`: on boards and cards; :mod:`.personal`: workspaces, Power-Ups and the
token's member's own things), derived deterministically from those ids so they never
change what the boards hold.

Every object then carries every field Trello documents for it: the hand-modelled fields
are kept and the rest are filled by :class:`TrelloShaper` from the documented schema
(:func:`complete`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from brainhub.sandbox.kit.shapes import Shaper
from brainhub.sandbox.kit.surface import DocumentedOperation
from brainhub.sandbox.services.trello.boards import BASE, Account, Board, iso

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


def complete(store: Store, shapes: Mapping[str, DocumentedOperation]) -> None:
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
