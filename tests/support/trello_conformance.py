"""Real values for the Trello conformance test: a generated id names nothing, and the
published spec types most choices as free strings, so path ids are replaced by ones of the
seeded account and query values Trello would refuse by ones it takes (the rest is in
:mod:`tests.support.conformance`)."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.trello import TrelloEmulator

#: Query parameters documented as free strings whose valid values Trello lists in prose:
#: a generated value outside ``accepted`` becomes ``replacement``.
CHOICES: dict[str, tuple[frozenset[str], str]] = {
    name: (frozenset(accepted.split()), replacement)
    for name, accepted, replacement in (
        ("filter", "all open closed none visible mine false true cover enabled", "all"),
        ("actions", "all none", "all"),
        ("cards", "all open closed none visible", "open"),
        ("lists", "all open closed none", "open"),
        ("boards", "all open closed members organization public starred", "open"),
        ("members", "all none normal admins owners true false", "all"),
        ("labels", "all none", "all"),
        ("checklists", "all none", "all"),
        ("memberships", "all none normal admins active", "all"),
        ("boardStars", "mine none true false", "none"),
        ("notifications", "all none", "all"),
        ("savedSearches", "true false", "true"),
        ("attachments", "true false cover", "true"),
        ("format", "list count", "list"),
        ("read_filter", "all read unread", "all"),
        ("modelTypes", "all actions boards cards members organizations", "all"),
        ("organizationsInvited", "all members none public", "none"),
    )
}
NUMBERS = {
    "limit": "10",
    "page": "0",
    "actions_limit": "10",
    "boards_limit": "5",
    "cards_limit": "5",
    "cards_page": "0",
    "members_limit": "5",
    "organizations_limit": "5",
}
#: Operations whose ``filter`` is not a choice of objects by state.
FILTERS = {
    "/boards/{boardId}/boardStars": "mine",
    "/boards/{id}/plugins": "enabled",
    "/cards/{id}/attachments": "false",
}
#: Free-text or id filters the test leaves out (their generated values name nothing).
DROPPED = (
    "before",
    "since",
    "idModels",
    "idBoards",
    "idOrganizations",
    "idCards",
    "idBoard",
    "idOrganization",
    "emoji_fields",
)


def _ids(emulator: TrelloEmulator) -> dict[str, Any]:
    store = emulator.store
    board = emulator.account.open_boards()[0]
    checklist = next(c for c in board.checklists if store.attachments[c["idCard"]])
    card = store.cards[checklist["idCard"]]
    comment = next(iter(store.reactions))
    priority = store.board_fields[board.id][0]
    org_id = board.json["idOrganization"]
    mine = store.mine
    return {
        "board": board,
        "card": card,
        "checklist": checklist,
        "comment": comment,
        "priority": priority,
        "org_id": org_id,
        "mine": mine,
        "notification": next(n for n in mine["notifications"] if n["idMemberCreator"]),
    }


def real_path_values(
    emulator: TrelloEmulator, path: str, generated: dict[str, Any]
) -> dict[str, Any]:
    """``generated`` path parameters of the operation at ``path`` made real."""
    ids = _ids(emulator)
    store = emulator.store
    board, card, checklist = ids["board"], ids["card"], ids["checklist"]
    kind = path.split("/")[1]
    first = {
        "batch": "",
        "emoji": "",
        "search": "",
        "actions": ids["comment"],
        "boards": board.id,
        "cards": card["id"],
        "checklists": checklist["id"],
        "customFields": ids["priority"]["id"],
        "labels": board.labels[0]["id"],
        "lists": board.lists[0]["id"],
        "members": "me",
        "notifications": ids["notification"]["id"],
        "organizations": ids["org_id"],
        "plugins": next(iter(store.plugins)),
    }[kind]
    if path == "/actions/{id}/member":
        first = next(a["id"] for a in board.actions if "idMember" in a["data"])
    mine = ids["mine"]
    by_collection = {
        "boardBackgrounds": mine["boardBackgrounds"][0]["id"],
        "customBoardBackgrounds": mine["customBoardBackgrounds"][0]["id"],
        "boardStars": mine["boardStars"][0]["id"],
        "customEmoji": mine["customEmoji"][0]["id"],
        "customStickers": mine["customStickers"][0]["id"],
        "savedSearches": mine["savedSearches"][0]["id"],
        "stickers": store.stickers[card["id"]][0]["id"],
        "reactions": store.reactions[ids["comment"]][0]["id"],
        "memberships": store.org_memberships[ids["org_id"]][0]["id"],
    }
    segments = path.split("/")
    out = {}
    for name, value in generated.items():
        where = segments.index("{" + name + "}")
        before = segments[where - 1]
        if where == 2:
            out[name] = first
        elif name == "field":
            out[name] = "id"
        elif name == "filter":
            out[name] = "all" if before == "cards" else "open"
        elif name == "idAttachment":
            out[name] = store.attachments[card["id"]][0]["id"]
        elif name == "idCheckItem":
            out[name] = checklist["checkItems"][0]["id"]
        elif name == "idCustomFieldOption":
            out[name] = ids["priority"]["options"][0]["id"]
        elif name == "channel":
            out[name] = "email"
        else:
            out[name] = by_collection.get(before, value)
    return out


def real_query_values(
    emulator: TrelloEmulator, path: str, generated: dict[str, Any]
) -> dict[str, Any]:
    """``generated`` query parameters of the operation at ``path`` with values Trello
    takes (see :data:`CHOICES`)."""
    board = emulator.account.open_boards()[0]
    out: dict[str, Any] = {}
    for name, value in generated.items():
        if name in DROPPED:
            continue
        if name == "filter" and path in FILTERS:
            out[name] = FILTERS[path]
            continue
        text = value if isinstance(value, str) else None
        if name in CHOICES:
            accepted, replacement = CHOICES[name]
            given = str(value).lower() if isinstance(value, bool) else text
            out[name] = given if given in accepted else replacement
        elif name in NUMBERS:
            out[name] = NUMBERS[name]
        elif name == "query":
            out[name] = "review"
        elif name == "urls":
            out[name] = f"/boards/{board.id},/members/me"
        elif name == "fields" and text is None:
            out[name] = "all"
        else:
            out[name] = value
    return out
