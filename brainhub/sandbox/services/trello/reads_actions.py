"""Trello reads of actions and their reactions, workspaces (organizations), Power-Ups,
emoji and search (handlers of :class:`~.emulator.TrelloEmulator`)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from brainhub.sandbox.services.trello import errors
from brainhub.sandbox.services.trello.boards import Board
from brainhub.sandbox.services.trello.lookups import TrelloLookups
from brainhub.sandbox.services.trello.reads_boards import CARD_FILTERS
from brainhub.sandbox.services.trello.select import choice, flag, page_actions, pick, whole
from brainhub.sandbox.services.trello.store import THUMBS_UP

BOARD_FILTERS = ("all", "closed", "members", "open", "organization", "public", "starred")
ORG_FILTERS = ("all", "members", "none", "public")
MEMBER_CARD_FILTERS = (*CARD_FILTERS, "complete", "incomplete")
SEARCH_MODELS = ("actions", "boards", "cards", "members", "organizations")


class ActionReads(TrelloLookups):
    """Action, organization, Power-Up, emoji and search handlers."""

    # ------------------------------------------------------------------ actions

    def _action_answer(self, request: Request, action: dict[str, Any]) -> dict[str, Any]:
        answer = self._one(request, action)
        if not flag(request.args, "memberCreator", True):
            answer.pop("memberCreator", None)
        member_id = action["data"].get("idMember")
        if flag(request.args, "member", True) and member_id in self.store.members:
            answer["member"] = pick(
                self.store.members[member_id], request.args.get("member_fields")
            )
        return answer

    def get_action(self, request: Request, action_id: str) -> Any:
        return self._action_answer(request, self._action(action_id))

    def action_field(self, request: Request, action_id: str, field: str) -> Any:
        return self._value(request, self._action(action_id), field)

    def _action_board(self, action: dict[str, Any]) -> Board:
        return self._board(action["data"]["board"]["id"])

    def action_board(self, request: Request, action_id: str) -> Any:
        return self._one(request, self._action_board(self._action(action_id)).json)

    def action_card(self, request: Request, action_id: str) -> Any:
        card = self._action(action_id)["data"].get("card")
        return self._one(request, self._card(card["id"] if card else "0" * 24))

    def action_list(self, request: Request, action_id: str) -> Any:
        data = self._action(action_id)["data"]
        named = data.get("list") or data.get("listAfter")
        if named is None and "card" in data and data["card"]["id"] in self.store.cards:
            named = {"id": self.store.cards[data["card"]["id"]]["idList"]}
        return self._one(request, self._list(named["id"] if named else "0" * 24))

    def action_member(self, request: Request, member_action_id: str) -> Any:
        member_id = self._action(member_action_id)["data"].get("idMember")
        if member_id is None:
            errors.fail(errors.NOT_FOUND)
        return self._one(request, self._member(member_id))

    def action_member_creator(self, request: Request, action_id: str) -> Any:
        return self._one(request, self._member(self._action(action_id)["idMemberCreator"]))

    def action_organization(self, request: Request, action_id: str) -> Any:
        board = self._action_board(self._action(action_id))
        return self._one(request, self._organization(board.json["idOrganization"]))

    def action_reactions(self, request: Request, comment_id: str) -> Any:
        reactions = self.store.reactions.get(self._action(comment_id)["id"], [])
        return [self._reaction_answer(request, r) for r in reactions]

    def action_reaction(self, request: Request, comment_id: str, reaction_id: str) -> Any:
        reactions = self.store.reactions.get(self._action(comment_id)["id"], [])
        return self._reaction_answer(request, self._in(reactions, reaction_id))

    @staticmethod
    def _reaction_answer(request: Request, reaction: dict[str, Any]) -> dict[str, Any]:
        answer = dict(reaction)
        if not flag(request.args, "member", False):
            answer.pop("member")
        if not flag(request.args, "emoji", False):
            answer.pop("emoji")
        return answer

    def action_reactions_summary(self, request: Request, comment_id: str) -> Any:
        action = self._action(comment_id)
        reactions = self.store.reactions.get(action["id"], [])
        by_emoji: dict[str, list[dict[str, Any]]] = {}
        for reaction in reactions:
            by_emoji.setdefault(reaction["idEmoji"], []).append(reaction)
        return [
            {
                "id": group[0]["idEmoji"],
                "idEmoji": group[0]["idEmoji"],
                "idReaction": group[0]["id"],
                "idModel": action["id"],
                "count": len(group),
                "firstReacted": action["date"],
                "emoji": group[0]["emoji"],
            }
            for group in by_emoji.values()
        ]

    # ------------------------------------------------------------------ organizations

    def get_organization(self, request: Request, org_id: str) -> Any:
        return self._one(request, self._organization(org_id))

    def organization_field(self, request: Request, org_id: str, field: str) -> Any:
        return self._value(request, self._organization(org_id), field)

    def organization_actions(self, request: Request, org_id: str) -> Any:
        org = self._organization(org_id)
        boards = self.store.org_boards(org["id"])
        return page_actions(request.args, [a for b in boards for a in b.actions])

    def organization_boards(self, request: Request, org_id: str) -> Any:
        org = self._organization(org_id)
        chosen = choice(
            request.args,
            "filter",
            ("all", "open", "closed", "members", "organization", "public"),
            "all",
        )
        boards = [
            b.json
            for b in self.store.org_boards(org["id"])
            if "all" in chosen
            or chosen & {"members", "organization", "public"}
            or ("open" in chosen) != bool(b.json["closed"])
        ]
        return self._each(request, boards)

    def organization_members(self, request: Request, org_id: str) -> Any:
        memberships = self.store.org_memberships[self._organization(org_id)["id"]]
        return self._each(request, [self.store.members[m["idMember"]] for m in memberships])

    def _org_memberships(self, request: Request, memberships: list[dict[str, Any]]) -> Any:
        if not flag(request.args, "member", False):
            return memberships
        return [{**m, "member": self.store.members[m["idMember"]]} for m in memberships]

    def organization_memberships(self, request: Request, org_id: str) -> Any:
        memberships = self.store.org_memberships[self._organization(org_id)["id"]]
        chosen = choice(
            request.args, "filter", ("all", "active", "admin", "deactivated", "me", "normal"), "all"
        )
        me = self.store.account.me["id"]
        if not chosen & {"all", "active"}:
            memberships = [
                m
                for m in memberships
                if m["memberType"] in chosen or ("me" in chosen and m["idMember"] == me)
            ]
        if "deactivated" in chosen and "all" not in chosen:
            memberships = []
        return self._org_memberships(request, memberships)

    def organization_membership(self, request: Request, org_id: str, membership_id: str) -> Any:
        memberships = self.store.org_memberships[self._organization(org_id)["id"]]
        (answer,) = self._org_memberships(request, [self._in(memberships, membership_id)])
        return answer

    def organization_plugin_data(self, request: Request, org_id: str) -> Any:
        self._organization(org_id)
        return []

    def organization_tags(self, request: Request, org_id: str) -> Any:
        self._organization(org_id)
        return []

    # ------------------------------------------------------------------ the rest

    def get_plugin(self, request: Request, plugin_id: str) -> Any:
        return self._found(self.store.plugins, plugin_id)

    def emoji(self, request: Request) -> Any:
        answer: dict[str, Any] = {
            "trello": [
                {
                    "unified": THUMBS_UP["unified"],
                    "name": THUMBS_UP["name"],
                    "native": THUMBS_UP["native"],
                    "shortName": THUMBS_UP["shortName"],
                    "shortNames": ["+1", "thumbsup"],
                    "text": "(y)",
                    "texts": None,
                    "category": "People",
                    "sheetX": 14,
                    "sheetY": 20,
                    "tts": "thumbs up sign",
                    "keywords": ["thumbsup", "yes", "awesome", "good", "agree", "accept"],
                }
            ]
        }
        if flag(request.args, "spritesheets", False):
            answer["spritesheets"] = {
                "apple": {"url": "https://trello.com/emoji/sheet_apple_64.png", "sheetSize": 64}
            }
        return answer

    def search(self, request: Request) -> Any:
        args = request.args
        query = args.get("query", "")
        if not query or len(query) > 16384:
            errors.refuse_value("query")
        words = [w.lower() for w in query.split() if ":" not in w and not w.startswith("@")]
        models = choice(args, "modelTypes", (*SEARCH_MODELS, "all"), "all")
        if "all" in models:
            models = set(SEARCH_MODELS)

        def hit(name: str) -> bool:
            lowered = name.lower()
            return all(word in lowered for word in words)

        me = self.store.account.me
        boards = self.store.member_boards(me["id"])
        found: dict[str, list[dict[str, Any]]] = {key: [] for key in SEARCH_MODELS}
        if "boards" in models:
            limit = whole(args, "boards_limit", 10, 1, 1000)
            found["boards"] = [
                pick(b.json, args.get("board_fields")) for b in boards if hit(b.json["name"])
            ][:limit]
        if "cards" in models:
            limit = whole(args, "cards_limit", 10, 1, 1000)
            page = whole(args, "cards_page", 0, 0, 100)
            cards = [c for b in boards for c in b.cards if hit(c["name"])]
            found["cards"] = [
                pick(c, args.get("card_fields")) for c in cards[page * limit : (page + 1) * limit]
            ]
        if "members" in models:
            limit = whole(args, "members_limit", 10, 1, 1000)
            found["members"] = [
                pick(m, args.get("member_fields"))
                for m in self.store.members.values()
                if hit(m["fullName"]) or hit(m["username"])
            ][:limit]
        if "organizations" in models:
            limit = whole(args, "organizations_limit", 10, 1, 1000)
            found["organizations"] = [
                pick(o, args.get("organization_fields"))
                for o in self.store.organizations.values()
                if hit(o["displayName"])
            ][:limit]
        options = {
            "terms": [{"text": word} for word in query.split()],
            "modifiers": [],
            "modelTypes": sorted(models),
            "partial": flag(args, "partial", False),
        }
        return {"options": options, **found}

    def search_members(self, request: Request) -> Any:
        query = request.args.get("query", "").lower()
        if not query:
            errors.refuse_value("query")
        limit = whole(request.args, "limit", 8, 1, 20)
        people = [
            {**m, "similarity": 1}
            for m in self.store.members.values()
            if query in m["fullName"].lower() or query in m["username"].lower()
        ]
        return people[:limit]
