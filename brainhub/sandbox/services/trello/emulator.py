"""The Trello REST API (``/1``) as an emulator.

Routes: ``GET /members/{id|me|username}``, ``/members/{id}/boards``, ``/boards/{id}``,
``/boards/{id}/lists``, ``/boards/{id}/cards`` (and ``/cards/{filter}``),
``/boards/{id}/checklists``, ``/boards/{id}/members``, ``/boards/{id}/actions`` and
``/cards/{id}`` (a deleted card: 404 ``The requested resource was not found.``). Every
list is a bare JSON array. Auth is ``key`` and ``token`` in the query string (or an
``Authorization: OAuth oauth_consumer_key="…", oauth_token="…"`` header); failures are
Trello's plain-text 401s (``invalid key``, ``invalid token``, ``unauthorized permission
requested``). Actions page newest first with ``limit`` (0 to 1000, default 50), ``before`` and
``since`` (a date or an object id; ``since`` is exclusive) and ``page``. Each token may make
100 requests per 10 seconds (each key 300): responses carry the ``x-rate-limit-api-token-*``
and ``x-rate-limit-api-key-*`` headers, and a caller over the limit gets 429
``{"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}`` without
``Retry-After``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.trello.boards import SIZES, AccountBuilder, Board

OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
OAUTH_FIELD = re.compile(r'(oauth_consumer_key|oauth_token)="([^"]*)"')
KEY_LIMIT = 300
MAX_ACTIONS = 1000
LIST_FILTERS = ("all", "closed", "none", "open")
CARD_FILTERS = ("all", "closed", "none", "open", "visible")
BOARD_FILTERS = ("all", "closed", "members", "open", "organization", "public", "starred")


class TrelloEmulator(Emulator):
    """Trello's REST API over one seeded account; see the module docstring."""

    service = "trello"
    base_path = "/1"
    default_rate_limit = 100
    rate_limit_window_s = 10.0
    merges_slashes = True  # api.trello.com serves /1//boards/… as /1/boards/…
    routes = (
        Rule("/members/<member>", endpoint="get_member", methods=["GET"]),
        Rule("/members/<member>/boards", endpoint="member_boards", methods=["GET"]),
        Rule("/boards/<board_id>", endpoint="get_board", methods=["GET"]),
        Rule("/boards/<board_id>/lists", endpoint="board_lists", methods=["GET"]),
        Rule("/boards/<board_id>/cards", endpoint="board_cards", methods=["GET"]),
        Rule("/boards/<board_id>/cards/<card_filter>", endpoint="board_cards", methods=["GET"]),
        Rule("/boards/<board_id>/checklists", endpoint="board_checklists", methods=["GET"]),
        Rule("/boards/<board_id>/members", endpoint="board_members", methods=["GET"]),
        Rule("/boards/<board_id>/actions", endpoint="board_actions", methods=["GET"]),
        Rule("/cards/<card_id>", endpoint="get_card", methods=["GET"]),
    )

    def load(self) -> None:
        self.account = AccountBuilder(self.rng, SIZES[self.size], self.seed).build(self.generation)

    # ---------------------------------------------------------------- settings and counts

    @property
    def credentials(self) -> dict[str, str]:
        return {
            "api_key": f"{self.seed:04x}" + "5a4db0c1e2f3a4b5c6d7e8f90a1b",
            "api_token": f"ATTA{self.seed:04x}" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0" * 2,
        }

    def counts(self) -> dict[str, int]:
        boards = self.account.open_boards()
        return {
            "boards": len(boards),
            "lists": sum(len(b.lists) for b in boards),
            "cards": sum(len(b.cards) for b in boards),
            "checklists": sum(len(b.checklists) for b in boards),
            "members": sum(len(b.members) for b in boards),
            "actions": sum(len(b.actions) for b in boards),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        before = AccountBuilder(self.rng, SIZES[self.size], self.seed).build(since_generation)
        return {
            "cards_updated": self.account.cards_updated - before.cards_updated,
            "cards_created": self.account.cards_created - before.cards_created,
            "cards_deleted": self.account.cards_deleted - before.cards_deleted,
            "checklists_deleted": self.account.checklists_deleted - before.checklists_deleted,
        }

    # --------------------------------------------------------------------- vendor hooks

    @staticmethod
    def text(message: str, status: int) -> Response:
        """Trello's plain-text error answers."""
        return Response(message, status=status, content_type="text/plain; charset=utf-8")

    def _key_and_token(self, request: Request) -> tuple[str | None, str | None]:
        fields = dict(OAUTH_FIELD.findall(request.headers.get("Authorization", "")))
        key = request.args.get("key", fields.get("oauth_consumer_key"))
        token = request.args.get("token", fields.get("oauth_token"))
        return key, token

    def authenticate(self, request: Request) -> Response | None:
        key, token = self._key_and_token(request)
        if key != self.credentials["api_key"]:
            return self.text("invalid key", 401)
        if not token:
            return self.text("unauthorized permission requested", 401)
        if token != self.credentials["api_token"]:
            return self.text("invalid token", 401)
        return None

    def credential_key(self, request: Request) -> str:
        return self._key_and_token(request)[1] or ""

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        if not decision.limit:
            return {}
        used = decision.limit - decision.remaining
        return {
            "x-rate-limit-api-key-interval-ms": "10000",
            "x-rate-limit-api-key-max": str(KEY_LIMIT),
            "x-rate-limit-api-key-remaining": str(max(0, KEY_LIMIT - used)),
            "x-rate-limit-api-token-interval-ms": str(int(self.rate_limit_window_s * 1000)),
            "x-rate-limit-api-token-max": str(decision.limit),
            "x-rate-limit-api-token-remaining": str(decision.remaining),
        }

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        body = {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
        return self.json_response(body, status=429)

    def not_found_response(self, request: Request) -> Response:
        return self.text(f"Cannot {request.method} {request.path}", 404)

    def server_error_response(self, status: int) -> Response:
        if status == 500:
            return self.text("An unexpected error occurred", 500)
        return super().server_error_response(status)

    # --------------------------------------------------------------------------- helpers

    def _board(self, board_id: str) -> Board | Response:
        if not OBJECT_ID.match(board_id):
            return self.text("invalid id", 400)
        board = self.account.board(board_id.lower())
        if board is None:
            return self.text("The requested resource was not found.", 404)
        return board

    def _choice(self, request: Request, name: str, valid: tuple[str, ...], default: str) -> Any:
        value = request.args.get(name, default)
        if any(part not in valid for part in value.split(",")):
            return self.text(f"invalid value for {name}", 400)
        return set(value.split(","))

    # -------------------------------------------------------------------------- handlers

    def get_member(self, request: Request, member: str) -> Any:
        person = self._person(member)
        return person if person is not None else self.text("model not found", 404)

    def _person(self, member: str) -> dict[str, Any] | None:
        if member == "me":
            return self.account.me
        return next((p for p in self.account.people if member in (p["id"], p["username"])), None)

    def member_boards(self, request: Request, member: str) -> Any:
        person = self._person(member)
        if person is None:
            return self.text("model not found", 404)
        chosen = self._choice(request, "filter", BOARD_FILTERS, "all")
        if isinstance(chosen, Response):
            return chosen
        boards = [b for b in self.account.boards if person in b.members]
        if "all" not in chosen:
            boards = [
                b
                for b in boards
                if ("open" in chosen and not b.json["closed"])
                or ("closed" in chosen and b.json["closed"])
                or ("starred" in chosen and b.json["starred"])
                or ("members" in chosen or "organization" in chosen)
            ]
        return [b.json for b in boards]

    def get_board(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        return board if isinstance(board, Response) else board.json

    def board_lists(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        if isinstance(board, Response):
            return board
        chosen = self._choice(request, "filter", LIST_FILTERS, "open")
        if isinstance(chosen, Response):
            return chosen
        return [x for x in board.lists if _passes(x["closed"], chosen)]

    def board_cards(self, request: Request, board_id: str, card_filter: str = "") -> Any:
        board = self._board(board_id)
        if isinstance(board, Response):
            return board
        value = card_filter or request.args.get("filter", "visible")
        if value not in CARD_FILTERS:
            return self.text("invalid value for filter", 400)
        chosen = {"open"} if value == "visible" else {value}
        return [card for card in board.cards if _passes(card["closed"], chosen)]

    def get_card(self, request: Request, card_id: str) -> Any:
        if not OBJECT_ID.match(card_id):
            return self.text("invalid id", 400)
        wanted = card_id.lower()
        for board in self.account.boards:
            for card in board.cards:
                if card["id"] == wanted:
                    return card
        return self.text("The requested resource was not found.", 404)

    def board_checklists(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        return board if isinstance(board, Response) else board.checklists

    def board_members(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        return board if isinstance(board, Response) else board.members

    def board_actions(self, request: Request, board_id: str) -> Any:
        board = self._board(board_id)
        if isinstance(board, Response):
            return board
        try:
            limit = int(request.args.get("limit", "50"))
            page = int(request.args.get("page", "0"))
        except ValueError:
            return self.text("invalid value for limit", 400)
        if not 0 <= limit <= MAX_ACTIONS:
            return self.text("invalid value for limit", 400)
        if page < 0 or page * limit > MAX_ACTIONS:
            return self.text("invalid value for page", 400)
        actions = sorted(board.actions, key=lambda a: a["id"], reverse=True)
        types = request.args.get("filter", "all")
        if types != "all":
            wanted = set(types.split(","))
            actions = [a for a in actions if a["type"] in wanted]
        for name, keep in (("before", _is_before), ("since", _is_after)):
            raw = request.args.get(name)
            if raw is None:
                continue
            bound = _bound(raw)
            if bound is None:
                return self.text(f"invalid value for {name}", 400)
            actions = [a for a in actions if keep(a, bound)]
        return actions[page * limit : (page + 1) * limit]


def _passes(closed: bool, chosen: set[str]) -> bool:
    if "all" in chosen:
        return True
    return ("open" in chosen and not closed) or ("closed" in chosen and closed)


def _bound(raw: str) -> str | datetime | None:
    """An object id (compared as id) or a date (compared as time); None if neither."""
    if OBJECT_ID.match(raw):
        return raw.lower()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _action_time(action: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(action["date"].replace("Z", "+00:00"))


def _is_before(action: dict[str, Any], bound: str | datetime) -> bool:
    if isinstance(bound, str):
        return str(action["id"]) < bound
    return _action_time(action) < bound


def _is_after(action: dict[str, Any], bound: str | datetime) -> bool:
    if isinstance(bound, str):
        return str(action["id"]) > bound
    return _action_time(action) > bound
