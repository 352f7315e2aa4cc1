"""Trello reads of members, their own things and their notifications (handlers of
:class:`~.emulator.TrelloEmulator`)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from brainhub.sandbox.services.trello import errors
from brainhub.sandbox.services.trello.boards import Board
from brainhub.sandbox.services.trello.lookups import BOOLEAN, TrelloLookups
from brainhub.sandbox.services.trello.reads_boards import CARD_FILTERS, cards_passing
from brainhub.sandbox.services.trello.select import between, choice, flag, page_actions, pick, whole

BOARD_FILTERS = ("all", "closed", "members", "open", "organization", "public", "starred")
ORG_FILTERS = ("all", "members", "none", "public")
MEMBER_CARD_FILTERS = (*CARD_FILTERS, "complete", "incomplete")
SEARCH_MODELS = ("actions", "boards", "cards", "members", "organizations")


class PeopleReads(TrelloLookups):
    """Member and notification handlers."""

    # ------------------------------------------------------------------ members

    def _member_boards(self, person: dict[str, Any], chosen: set[str]) -> list[Board]:
        boards = self.store.member_boards(person["id"])
        if "all" in chosen:
            return boards
        return [
            b
            for b in boards
            if ("open" in chosen and not b.json["closed"])
            or ("closed" in chosen and b.json["closed"])
            or ("starred" in chosen and b.json["starred"])
            or bool(chosen & {"members", "organization"})
        ]

    def _member_orgs(self, person: dict[str, Any]) -> list[dict[str, Any]]:
        ids = {b.json["idOrganization"] for b in self.store.member_boards(person["id"])}
        return [o for o in self.store.organizations.values() if o["id"] in ids]

    def _mine(self, person: dict[str, Any], kind: str) -> list[dict[str, Any]]:
        """The member's own things of ``kind``; only the token's member has any."""
        return self.store.mine[kind] if person is self.store.account.me else []

    def get_member(self, request: Request, member: str) -> Any:
        person = self._member(member)
        args = request.args
        nested = {
            "boards": (
                "board_fields",
                BOARD_FILTERS,
                lambda c: [b.json for b in self._member_boards(person, c)],
            ),
            "organizations": (
                "organization_fields",
                ORG_FILTERS,
                lambda _c: self._member_orgs(person),
            ),
            "cards": (
                "card_fields",
                MEMBER_CARD_FILTERS,
                lambda c: self._member_cards(person, c),
            ),
            "actions": (
                "action_fields",
                ("all", "none"),
                lambda _c: self._member_actions(person, args),
            ),
            "notifications": (
                "notification_fields",
                ("all", "none"),
                lambda _c: self._mine(person, "notifications"),
            ),
            "boardStars": ("", BOOLEAN, lambda _c: self._mine(person, "boardStars")),
            "savedSearches": ("", BOOLEAN, lambda _c: self._mine(person, "savedSearches")),
            "customEmoji": ("", ("all", "none"), lambda _c: self._mine(person, "customEmoji")),
            "customStickers": (
                "",
                ("all", "none"),
                lambda _c: self._mine(person, "customStickers"),
            ),
            "boardBackgrounds": (
                "",
                ("all", "custom", "default", "none", "premium"),
                lambda c: self._backgrounds(person, c),
            ),
            "customBoardBackgrounds": (
                "",
                ("all", "none"),
                lambda _c: self._mine(person, "customBoardBackgrounds"),
            ),
            "boardsInvited": (
                "boardsInvited_fields",
                (*BOARD_FILTERS, "pinned", "unpinned"),
                lambda _c: [],
            ),
            "organizationsInvited": ("organizationsInvited_fields", ORG_FILTERS, lambda _c: []),
        }
        return self._nest(args, self._one(request, person), nested)

    def member_field(self, request: Request, member: str, field: str) -> Any:
        return self._value(request, self._member(member), field)

    def _member_actions(self, person: dict[str, Any], args: Any) -> Any:
        actions = [a for a in self.store.all_actions() if a["idMemberCreator"] == person["id"]]
        return page_actions(args, actions)

    def member_actions(self, request: Request, member: str) -> Any:
        return self._member_actions(self._member(member), request.args)

    def _backgrounds(self, person: dict[str, Any], chosen: set[str]) -> list[dict[str, Any]]:
        every = [
            *self._mine(person, "customBoardBackgrounds"),
            *self._mine(person, "boardBackgrounds"),
        ]
        if "all" in chosen:
            return every
        return [b for b in every if b["type"] in chosen]

    def member_board_backgrounds(self, request: Request, member: str) -> Any:
        person = self._member(member)
        chosen = choice(
            request.args, "filter", ("all", "custom", "default", "none", "premium"), "all"
        )
        return self._backgrounds(person, chosen)

    def member_board_background(self, request: Request, member: str, thing_id: str) -> Any:
        every = self._backgrounds(self._member(member), {"all"})
        return self._one(request, self._in(every, thing_id))

    def _member_thing(self, request: Request, member: str, kind: str, thing_id: str) -> Any:
        return self._one(request, self._in(self._mine(self._member(member), kind), thing_id))

    def member_board_stars(self, request: Request, member: str) -> Any:
        return self._mine(self._member(member), "boardStars")

    def member_board_star(self, request: Request, member: str, thing_id: str) -> Any:
        return self._member_thing(request, member, "boardStars", thing_id)

    def member_boards(self, request: Request, member: str) -> Any:
        person = self._member(member)
        chosen = choice(request.args, "filter", BOARD_FILTERS, "all")
        boards = self._member_boards(person, chosen)
        answers = self._each(request, [b.json for b in boards])
        lists = request.args.get("lists")
        if lists and lists != "none":
            wanted = choice(request.args, "lists", ("all", "closed", "none", "open"), "none")
            for answer, board in zip(answers, boards, strict=True):
                answer["lists"] = [
                    x
                    for x in board.lists
                    if "all" in wanted or ("closed" in wanted) == bool(x["closed"])
                ]
        if flag(request.args, "organization", False):
            fields = request.args.get("organization_fields")
            for answer, board in zip(answers, boards, strict=True):
                org = self.store.organizations[board.json["idOrganization"]]
                answer["organization"] = pick(org, fields)
        return answers

    def member_boards_invited(self, request: Request, member: str) -> Any:
        self._member(member)
        return []

    def _member_cards(self, person: dict[str, Any], chosen: set[str]) -> list[dict[str, Any]]:
        cards = [
            card
            for board in self.store.member_boards(person["id"])
            for card in board.cards
            if person["id"] in card["idMembers"]
        ]
        if chosen & {"complete", "incomplete"}:
            done = "complete" in chosen
            return [c for c in cards if bool(c["dueComplete"]) == done and not c["closed"]]
        return cards_passing(cards, chosen)

    def member_cards(self, request: Request, member: str) -> Any:
        person = self._member(member)
        chosen = choice(request.args, "filter", MEMBER_CARD_FILTERS, "visible")
        return self._each(request, self._member_cards(person, chosen))

    def member_custom_backgrounds(self, request: Request, member: str) -> Any:
        return self._mine(self._member(member), "customBoardBackgrounds")

    def member_custom_background(self, request: Request, member: str, thing_id: str) -> Any:
        return self._member_thing(request, member, "customBoardBackgrounds", thing_id)

    def member_custom_emoji(self, request: Request, member: str) -> Any:
        return self._mine(self._member(member), "customEmoji")

    def member_custom_emoji_one(self, request: Request, member: str, thing_id: str) -> Any:
        return self._member_thing(request, member, "customEmoji", thing_id)

    def member_custom_stickers(self, request: Request, member: str) -> Any:
        return self._mine(self._member(member), "customStickers")

    def member_custom_sticker(self, request: Request, member: str, thing_id: str) -> Any:
        return self._member_thing(request, member, "customStickers", thing_id)

    def member_notifications(self, request: Request, member: str) -> Any:
        person = self._member(member)
        args = request.args
        notifications = sorted(
            self._mine(person, "notifications"), key=lambda n: (n["date"], n["id"]), reverse=True
        )
        notifications = between(args, notifications)
        read = choice(args, "read_filter", ("all", "read", "unread"), "all")
        if "all" not in read:
            notifications = [n for n in notifications if n["unread"] == ("unread" in read)]
        types = args.get("filter", "all") or "all"
        if types != "all":
            notifications = [n for n in notifications if n["type"] in types.split(",")]
        limit = whole(args, "limit", 50, 1, 1000)
        page = whole(args, "page", 0, 0, 100)
        return self._each(request, notifications[page * limit : (page + 1) * limit])

    def member_organizations(self, request: Request, member: str) -> Any:
        person = self._member(member)
        chosen = choice(request.args, "filter", ORG_FILTERS, "all")
        return [] if "none" in chosen else self._each(request, self._member_orgs(person))

    def member_organizations_invited(self, request: Request, member: str) -> Any:
        self._member(member)
        return []

    def member_saved_searches(self, request: Request, member: str) -> Any:
        return self._mine(self._member(member), "savedSearches")

    def member_saved_search(self, request: Request, member: str, thing_id: str) -> Any:
        return self._member_thing(request, member, "savedSearches", thing_id)

    def member_channel_settings(self, request: Request, member: str) -> Any:
        return self._mine(self._member(member), "notificationsChannelSettings")

    def member_channel_setting(self, request: Request, member: str, channel: str) -> Any:
        settings = self._mine(self._member(member), "notificationsChannelSettings")
        found = next((s for s in settings if s["channel"] == channel), None)
        if found is None:
            errors.refuse_value("channel")
        return found

    # ------------------------------------------------------------------ notifications

    def get_notification(self, request: Request, notification_id: str) -> Any:
        notification = self._notification(notification_id)
        card = self.store.cards.get(notification["data"]["card"]["id"], {})
        board = self._board(notification["data"]["board"]["id"])
        nested = {
            "board": ("board_fields", BOOLEAN, lambda _c: board.json),
            "card": ("card_fields", BOOLEAN, lambda _c: card),
            "list": ("", BOOLEAN, lambda _c: self.store.lists.get(card.get("idList", ""), {})),
            "member": ("member_fields", BOOLEAN, lambda _c: self.store.account.me),
            "memberCreator": (
                "memberCreator_fields",
                BOOLEAN,
                lambda _c: self.store.members.get(notification["idMemberCreator"] or "", {}),
            ),
            "organization": (
                "organization_fields",
                BOOLEAN,
                lambda _c: self.store.organizations[board.json["idOrganization"]],
            ),
        }
        return self._nest(request.args, self._one(request, notification), nested)

    def notification_field(self, request: Request, notification_id: str, field: str) -> Any:
        return self._value(request, self._notification(notification_id), field)

    def _notified_card(self, notification_id: str) -> dict[str, Any]:
        return self._card(self._notification(notification_id)["data"]["card"]["id"])

    def notification_board(self, request: Request, notification_id: str) -> Any:
        return self._one(request, self._board_of(self._notified_card(notification_id)).json)

    def notification_card(self, request: Request, notification_id: str) -> Any:
        return self._one(request, self._notified_card(notification_id))

    def notification_list(self, request: Request, notification_id: str) -> Any:
        card = self._notified_card(notification_id)
        return self._one(request, self.store.lists[card["idList"]])

    def notification_member(self, request: Request, notification_id: str) -> Any:
        self._notification(notification_id)
        return self._one(request, self.store.account.me)

    def notification_member_creator(self, request: Request, notification_id: str) -> Any:
        # a due-date reminder is sent by Trello itself: no member created it
        creator = self._notification(notification_id)["idMemberCreator"]
        if creator is None:
            errors.fail(errors.NOT_FOUND)
        return self._one(request, self._member(creator))

    def notification_organization(self, request: Request, notification_id: str) -> Any:
        board = self._board_of(self._notified_card(notification_id))
        return self._one(request, self._organization(board.json["idOrganization"]))
