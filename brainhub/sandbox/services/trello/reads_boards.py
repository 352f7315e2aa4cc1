"""Trello reads of boards and what is on them: lists, cards, checklists, labels, custom
fields, memberships and Power-Ups (handlers of :class:`~.emulator.TrelloEmulator`)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from brainhub.sandbox.services.trello import errors
from brainhub.sandbox.services.trello.boards import Board
from brainhub.sandbox.services.trello.lookups import BOOLEAN, Nested, TrelloLookups
from brainhub.sandbox.services.trello.select import choice, page_actions, passes, pick, whole

LIST_FILTERS = ("all", "closed", "none", "open")
CARD_FILTERS = ("all", "closed", "none", "open", "visible")
MEMBER_FILTERS = ("admins", "all", "none", "normal", "owners")
MEMBERSHIP_FILTERS = ("active", "admin", "admins", "all", "deactivated", "me", "none", "normal")
ALL_OR_NONE = ("all", "none")
#: Parameters of a card listing that nest something in each card.
LISTED_CARD_PARTS = (
    "customFieldItems",
    "attachments",
    "checklists",
    "members",
    "stickers",
    "pluginData",
)
ACTION_TYPES = (
    "all",
    "none",
    "addMemberToBoard",
    "commentCard",
    "createCard",
    "createList",
    "deleteCard",
    "updateCard",
)


def cards_passing(cards: list[dict[str, Any]], chosen: set[str]) -> list[dict[str, Any]]:
    """Cards through a card filter (``visible`` is the open ones)."""
    wanted = {"open" if value == "visible" else value for value in chosen}
    return [card for card in cards if passes(card["closed"], wanted)]


class BoardReads(TrelloLookups):
    """Board, list, card, checklist, label and custom-field handlers."""

    # ------------------------------------------------------------------ boards

    def _board_nested(self, request: Request, board: Board) -> dict[str, Any]:
        org = self.store.organizations.get(board.json["idOrganization"])
        me = self.store.account.me
        stars = [s for s in self.store.mine["boardStars"] if s["idBoard"] == board.id]
        nested = {
            "actions": (
                "action_fields",
                ACTION_TYPES,
                lambda chosen: page_actions(_actions_args(request, chosen), board.actions),
            ),
            "boardStars": ("", ("mine", "none"), lambda _c: stars),
            "cards": ("card_fields", CARD_FILTERS, lambda c: cards_passing(board.cards, c)),
            "checklists": ("checklist_fields", ALL_OR_NONE, lambda _c: board.checklists),
            "customFields": ("", BOOLEAN, lambda _c: self.store.board_fields[board.id]),
            "labels": ("label_fields", ALL_OR_NONE, lambda _c: board.labels),
            "lists": (
                "list_fields",
                LIST_FILTERS,
                lambda c: [x for x in board.lists if passes(x["closed"], c)],
            ),
            "members": ("member_fields", MEMBER_FILTERS, lambda c: _members(board, c)),
            "memberships": ("", MEMBERSHIP_FILTERS, lambda c: self._memberships(board, c)),
            "organization": ("organization_fields", BOOLEAN, lambda _c: org or {}),
            "pluginData": ("", BOOLEAN, lambda _c: []),
            "myPrefs": ("", BOOLEAN, lambda _c: _my_prefs(me["id"])),
            "tags": ("", BOOLEAN, lambda _c: []),
        }
        return self._nest(request.args, self._one(request, board.json), nested)

    def get_board(self, request: Request, board_id: str) -> Any:
        return self._board_nested(request, self._board(board_id))

    def board_field(self, request: Request, board_id: str, field: str) -> Any:
        return self._value(request, self._board(board_id).json, field)

    def board_actions(self, request: Request, board_id: str) -> Any:
        return page_actions(request.args, self._board(board_id).actions)

    def board_stars(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        choice(request.args, "filter", ("mine", "none"), "mine")
        return [s for s in self.store.mine["boardStars"] if s["idBoard"] == board.id]

    def board_checklists(self, request: Request, board_id: str) -> Any:
        return self._each(request, self._board(board_id).checklists)

    def board_cards(self, request: Request, board_id: str, card_filter: str = "") -> Any:
        board = self._board(board_id)
        value = card_filter or request.args.get("filter", "visible")
        if value not in CARD_FILTERS:
            errors.refuse_value("filter")
        return self._cards_answer(request, cards_passing(board.cards, {value}))

    def _cards_answer(self, request: Request, cards: list[dict[str, Any]]) -> Any:
        """Cards as a listing answers them, with what each card's nested parameters ask
        (``customFieldItems=true``, ``attachments=true``, ``checklists=all``,
        ``members=true``, ``stickers=true``, ``pluginData=true``)."""
        answers = self._each(request, cards)
        if not any(name in request.args for name in LISTED_CARD_PARTS):
            return answers
        for answer, card in zip(answers, cards, strict=True):
            self._nest(request.args, answer, self._card_parts(card))
        return answers

    def _card_parts(self, card: dict[str, Any]) -> dict[str, tuple[str, tuple[str, ...], Nested]]:
        """What a card listing may nest in each card."""
        store = self.store
        return {
            "customFieldItems": ("", BOOLEAN, lambda _c: store.field_items[card["id"]]),
            "attachments": (
                "attachment_fields",
                (*BOOLEAN, "cover"),
                lambda _c: store.attachments[card["id"]],
            ),
            "checklists": (
                "checklist_fields",
                ALL_OR_NONE,
                lambda _c: _card_checklists(self._board_of(card), card),
            ),
            "members": ("member_fields", BOOLEAN, lambda _c: self._members_of(card["idMembers"])),
            "stickers": ("sticker_fields", BOOLEAN, lambda _c: store.stickers[card["id"]]),
            "pluginData": ("", BOOLEAN, lambda _c: []),
        }

    def board_custom_fields(self, request: Request, board_id: str) -> Any:
        return self.store.board_fields[self._board(board_id).id]

    def board_labels(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        return self._each(request, board.labels[: whole(request.args, "limit", 50, 0, 1000)])

    def board_lists(self, request: Request, board_id: str, list_filter: str = "") -> Any:
        board = self._board(board_id)
        if list_filter:
            if list_filter not in LIST_FILTERS:
                errors.refuse_value("filter")
            chosen = {list_filter}
        else:
            chosen = choice(request.args, "filter", LIST_FILTERS, "open")
        lists = self._each(request, [x for x in board.lists if passes(x["closed"], chosen)])
        cards_value = request.args.get("cards")
        if cards_value and cards_value != "none":
            wanted = choice(request.args, "cards", LIST_FILTERS, "none")
            card_fields = request.args.get("card_fields")
            for answer in lists:
                answer["cards"] = [
                    pick(card, card_fields)
                    for card in cards_passing(board.cards, wanted)
                    if card["idList"] == answer["id"]
                ]
        return lists

    def board_members(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        chosen = choice(request.args, "filter", MEMBER_FILTERS, "all")
        return [] if "none" in chosen else self._each(request, _members(board, chosen))

    def board_memberships(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        chosen = choice(request.args, "filter", MEMBERSHIP_FILTERS, "all")
        memberships = self._memberships(board, chosen)
        if request.args.get("member") == "true":
            fields = request.args.get("member_fields")
            return [
                {**m, "member": pick(self.store.members[m["idMember"]], fields)}
                for m in memberships
            ]
        return memberships

    def _memberships(self, board: Board, chosen: set[str]) -> list[dict[str, Any]]:
        memberships = self.store.memberships[board.id]
        if chosen & {"all", "active"}:
            return memberships
        if "me" in chosen:
            return [m for m in memberships if m["idMember"] == self.store.account.me["id"]]
        kinds = {"admin" if value in ("admin", "admins") else value for value in chosen}
        return [m for m in memberships if m["memberType"] in kinds]

    def board_plugins(self, request: Request, board_id: str) -> Any:
        return self.store.board_plugins[self._board(board_id).id]

    def board_plugin_list(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        chosen = choice(request.args, "filter", ("enabled", "available"), "enabled")
        if "available" in chosen:
            return list(self.store.plugins.values())
        enabled = {p["idPlugin"] for p in self.store.board_plugins[board.id]}
        return [p for p in self.store.plugins.values() if p["id"] in enabled]

    # ------------------------------------------------------------------ cards

    def get_card(self, request: Request, card_id: str) -> Any:
        card = self._card(card_id)
        board = self._board_of(card)
        card_list = self.store.lists[card["idList"]]
        nested = {
            "actions": (
                "action_fields",
                ACTION_TYPES,
                lambda chosen: page_actions(
                    _actions_args(request, chosen), _card_actions(board, card)
                ),
            ),
            "attachments": (
                "attachment_fields",
                (*BOOLEAN, "cover"),
                lambda _c: self.store.attachments[card["id"]],
            ),
            "members": ("member_fields", BOOLEAN, lambda _c: self._members_of(card["idMembers"])),
            "membersVoted": (
                "memberVoted_fields",
                BOOLEAN,
                lambda _c: self._members_of(card["idMembersVoted"]),
            ),
            "checkItemStates": ("", BOOLEAN, lambda _c: self.store.check_item_states[card["id"]]),
            "checklists": (
                "checklist_fields",
                ALL_OR_NONE,
                lambda _c: _card_checklists(board, card),
            ),
            "board": ("board_fields", BOOLEAN, lambda _c: board.json),
            "list": ("list_fields", BOOLEAN, lambda _c: card_list),
            "pluginData": ("", BOOLEAN, lambda _c: []),
            "stickers": ("sticker_fields", BOOLEAN, lambda _c: self.store.stickers[card["id"]]),
            "customFieldItems": ("", BOOLEAN, lambda _c: self.store.field_items[card["id"]]),
        }
        return self._nest(request.args, self._one(request, card), nested)

    def card_field(self, request: Request, card_id: str, field: str) -> Any:
        return self._value(request, self._card(card_id), field)

    def card_actions(self, request: Request, card_id: str) -> Any:
        card = self._card(card_id)
        args = request.args.copy()
        args.setdefault("filter", "commentCard,updateCard:idList")
        return page_actions(_known_types(args), _card_actions(self._board_of(card), card))

    def card_attachments(self, request: Request, card_id: str) -> Any:
        card = self._card(card_id)
        choice(request.args, "filter", ("false", "true", "cover"), "false")
        return self._each(request, self.store.attachments[card["id"]])

    def card_attachment(self, request: Request, card_id: str, attachment_id: str) -> Any:
        card = self._card(card_id)
        return self._one(request, self._in(self.store.attachments[card["id"]], attachment_id))

    def card_board(self, request: Request, card_id: str) -> Any:
        return self._one(request, self._board_of(self._card(card_id)).json)

    def card_check_item_states(self, request: Request, card_id: str) -> Any:
        return self._each(request, self.store.check_item_states[self._card(card_id)["id"]])

    def card_checklists(self, request: Request, card_id: str) -> Any:
        card = self._card(card_id)
        choice(request.args, "filter", ALL_OR_NONE, "all")
        return self._checklists_answer(request, _card_checklists(self._board_of(card), card))

    def card_check_item(self, request: Request, card_id: str, check_item_id: str) -> Any:
        card = self._card(card_id)
        items = [i for c in _card_checklists(self._board_of(card), card) for i in c["checkItems"]]
        return self._one(request, self._in(items, check_item_id))

    def card_list(self, request: Request, card_id: str) -> Any:
        return self._one(request, self.store.lists[self._card(card_id)["idList"]])

    def card_members(self, request: Request, card_id: str) -> Any:
        return self._each(request, self._members_of(self._card(card_id)["idMembers"]))

    def card_members_voted(self, request: Request, card_id: str) -> Any:
        return self._each(request, self._members_of(self._card(card_id)["idMembersVoted"]))

    def card_plugin_data(self, request: Request, card_id: str) -> Any:
        self._card(card_id)
        return []

    def card_stickers(self, request: Request, card_id: str) -> Any:
        return self._each(request, self.store.stickers[self._card(card_id)["id"]])

    def card_sticker(self, request: Request, card_id: str, sticker_id: str) -> Any:
        stickers = self.store.stickers[self._card(card_id)["id"]]
        return self._one(request, self._in(stickers, sticker_id))

    def card_custom_field_items(self, request: Request, card_id: str) -> Any:
        return self.store.field_items[self._card(card_id)["id"]]

    # ------------------------------------------------------------------ checklists

    def _checklists_answer(self, request: Request, checklists: list[dict[str, Any]]) -> Any:
        out = self._each(request, checklists)
        items = choice(request.args, "checkItems", ALL_OR_NONE, "all")
        item_fields = request.args.get("checkItem_fields")
        for answer, checklist in zip(out, checklists, strict=True):
            if "none" in items:
                answer.pop("checkItems", None)
            else:
                answer["checkItems"] = [pick(i, item_fields) for i in checklist["checkItems"]]
        return out

    def get_checklist(self, request: Request, checklist_id: str) -> Any:
        checklist = self._checklist(checklist_id)
        (answer,) = self._checklists_answer(request, [checklist])
        card = self.store.cards[checklist["idCard"]]
        nested = {"cards": ("card_fields", CARD_FILTERS, lambda c: cards_passing([card], c))}
        return self._nest(request.args, answer, nested)

    def checklist_field(self, request: Request, checklist_id: str, field: str) -> Any:
        return self._value(request, self._checklist(checklist_id), field)

    def checklist_board(self, request: Request, checklist_id: str) -> Any:
        return self._one(request, self._board_of(self._checklist(checklist_id)).json)

    def checklist_cards(self, request: Request, checklist_id: str) -> Any:
        return self._each(request, [self.store.cards[self._checklist(checklist_id)["idCard"]]])

    def checklist_check_items(self, request: Request, checklist_id: str) -> Any:
        checklist = self._checklist(checklist_id)
        if "none" in choice(request.args, "filter", ALL_OR_NONE, "all"):
            return []
        return self._each(request, checklist["checkItems"])

    def checklist_check_item(self, request: Request, checklist_id: str, check_item_id: str) -> Any:
        checklist = self._checklist(checklist_id)
        return self._one(request, self._in(checklist["checkItems"], check_item_id))

    # ------------------------------------------------------------------ the rest

    def get_custom_field(self, request: Request, custom_field_id: str) -> Any:
        return self._found(self.store.custom_fields, custom_field_id)

    def custom_field_options(self, request: Request, custom_field_id: str) -> Any:
        return self._found(self.store.custom_fields, custom_field_id).get("options", [])

    def custom_field_option(self, request: Request, custom_field_id: str, option_id: str) -> Any:
        custom = self._found(self.store.custom_fields, custom_field_id)
        return self._in(custom.get("options", []), option_id)

    def get_label(self, request: Request, label_id: str) -> Any:
        return self._one(request, self._found(self.store.labels, label_id))

    def get_list(self, request: Request, list_id: str) -> Any:
        return self._one(request, self._list(list_id))

    def list_actions(self, request: Request, list_id: str) -> Any:
        trello_list = self._list(list_id)
        board = self._board_of(trello_list)
        return page_actions(request.args, _list_actions(board, trello_list["id"]))

    def list_board(self, request: Request, list_id: str) -> Any:
        return self._one(request, self._board_of(self._list(list_id)).json)

    def list_cards(self, request: Request, list_id: str) -> Any:
        trello_list = self._list(list_id)
        board = self._board_of(trello_list)
        chosen = choice(request.args, "filter", CARD_FILTERS, "open")
        cards = [c for c in cards_passing(board.cards, chosen) if c["idList"] == list_id.lower()]
        return self._cards_answer(request, cards)


def _members(board: Board, chosen: set[str]) -> list[dict[str, Any]]:
    if chosen & {"all", "normal"}:
        return board.members
    return board.members[:1]  # the creator is the board's one admin (and owner)


def _card_checklists(board: Board, card: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in board.checklists if c["idCard"] == card["id"]]


def _card_actions(board: Board, card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in board.actions if a["data"].get("card", {}).get("id") == card["id"]]


def _list_actions(board: Board, list_id: str) -> list[dict[str, Any]]:
    def names_list(action: dict[str, Any]) -> bool:
        data = action["data"]
        return any(
            data.get(key, {}).get("id") == list_id for key in ("list", "listBefore", "listAfter")
        )

    return [a for a in board.actions if names_list(a)]


def _known_types(args: Any) -> Any:
    """``updateCard:idList`` (an update of one field) reads as ``updateCard``."""
    args["filter"] = ",".join(part.split(":")[0] for part in args["filter"].split(","))
    return args


def _actions_args(request: Request, chosen: set[str]) -> Any:
    """The query of a nested ``actions=`` read, as an actions listing reads it."""
    args = request.args.copy()
    args["filter"] = ",".join(sorted(chosen))
    args["limit"] = request.args.get("actions_limit", "50")
    args.pop("page", None)
    args.pop("fields", None)
    return args


def _my_prefs(member_id: str) -> dict[str, Any]:
    return {
        "showSidebar": True,
        "showSidebarMembers": True,
        "showSidebarBoardActions": True,
        "showSidebarActivity": True,
        "showListGuide": False,
        "idEmailKey": member_id,
        "emailKey": member_id[-8:],
        "emailPosition": "bottom",
    }
