"""The Trello REST API (``/1``) as an emulator, on the emulator kit.

Every documented GET operation is declared in :mod:`.operations` (served by a handler of
:mod:`.reads_boards`, :mod:`.reads_people` or :mod:`.reads_actions`, or left out with a
reason); ``brainhub sandbox coverage trello`` lists them. The seeded account
(:mod:`.boards`) and the objects around it (:mod:`.store`) carry every field Trello
documents.

Trello's manners:

- Auth is ``key`` and ``token`` in the query string (or an ``Authorization: OAuth
  oauth_consumer_key="…", oauth_token="…"`` header); failures are Trello's plain-text 401s
  (``invalid key``, ``invalid token``, ``unauthorized permission requested``); other errors
  are plain text too (:mod:`.errors`).
- Lists are bare JSON arrays; ``fields=``, filters and nested resources (``cards=all``,
  ``card_fields=``, ``lists=open``, ``actions=``, ``members=``…) as Trello documents them
  (:mod:`.select`); ``/<kind>/{id}/{field}`` answers ``{"_value": …}``.
- Actions page newest first with ``limit`` (0 to 1000, default 50), ``before`` and ``since``
  (a date or an object id, both exclusive) and ``page``.
- Each token may make 100 requests per 10 seconds (each key 300): responses carry the
  ``x-rate-limit-api-token-*`` and ``x-rate-limit-api-key-*`` headers, and a caller over the
  limit gets 429 ``{"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}``
  without ``Retry-After``.
- JSON is ``application/json; charset=utf-8``, gzip when asked, ``HEAD`` on every ``GET``,
  ``//`` in a path read as ``/``.
- ``GET /batch?urls=/boards/…,/cards/…`` answers up to 10 reads at once, each as
  ``{"<status>": <body>}``.
- Writes (:mod:`.writes`, applied by :mod:`.changes`): ``POST /cards``, ``PUT``/``DELETE
  /cards/{id}``, ``POST /cards/{id}/actions/comments``, ``POST
  /checklists/{id}/checkItems``, ``PUT /cards/{idCard}/checkItem/{idCheckItem}``.
  Following the stored state they go to the change journal in the sandbox state
  directory and outlive the process (the next emulator replays them, ``brainhub sandbox
  reset trello`` forgets them); with a pinned ``generation`` they stay in memory. They
  count against the rate limit like reads and record the actions Trello records.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners, KitEmulator
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.trello import errors, webhooks
from brainhub.sandbox.services.trello.boards import BASE, SIZES, AccountBuilder
from brainhub.sandbox.services.trello.build import build_store
from brainhub.sandbox.services.trello.changes import TrelloChanges
from brainhub.sandbox.services.trello.operations import OPERATIONS
from brainhub.sandbox.services.trello.reads_actions import ActionReads
from brainhub.sandbox.services.trello.reads_boards import BoardReads
from brainhub.sandbox.services.trello.reads_people import PeopleReads
from brainhub.sandbox.services.trello.store import TrelloShaper
from brainhub.sandbox.services.trello.writes import TrelloWriter, write_arguments

OAUTH_FIELD = re.compile(r'(oauth_consumer_key|oauth_token)="([^"]*)"')
KEY_LIMIT = 300
MAX_BATCH = 10


class TrelloEmulator(BoardReads, PeopleReads, ActionReads, KitEmulator):
    """Trello's REST API over one seeded account; see the module docstring."""

    service = "trello"
    base_path = "/1"
    default_rate_limit = 100
    rate_limit_window_s = 10.0
    merges_slashes = True  # api.trello.com serves /1//boards/… as /1/boards/…
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners(json_content_type=errors.JSON_CONTENT_TYPE, gzip_when_asked=True)
    shape_host = "trello.com"
    shaper_class = TrelloShaper
    webhook_rules = webhooks.RULES
    retry_delays_s = webhooks.RETRY_DELAYS_S

    def create_webhook(self, request: Request) -> Any:
        values: dict[str, Any] = dict(request.args)
        given = request.get_json(silent=True) if request.is_json else None
        if isinstance(given, dict):
            values.update(given)
        url, model = values.get("callbackURL"), values.get("idModel")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return Response("invalid value for callbackURL", 400, content_type="text/plain")
        if not isinstance(model, str) or not model:
            return Response("invalid value for idModel", 400, content_type="text/plain")
        status = webhooks.callback_answers(url)
        if status != 200:
            return Response(
                f"URL ({url}) did not return 200 status code, got {status}",
                400,
                content_type="text/plain",
            )
        scope = {"idModel": model, "description": str(values.get("description", ""))}
        subscription = self.webhooks.add(url, scope=scope, app=True)
        return webhooks.webhook_answer(subscription)

    def delete_webhook(self, request: Request, webhook_id: str) -> Any:
        if not self.webhooks.remove(webhook_id):
            return Response("The requested resource was not found.", 404, content_type="text/plain")
        return {"_value": None}

    def journal_snapshot(self) -> Snapshot:
        """The actions Trello recorded (a generation's edits record them as writes do)."""
        return {"action": {str(a["id"]): {"action": a} for a in self.store.all_actions()}}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        made = webhooks.event(change)
        return [made] if made is not None else []

    def address_event(self, event: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
        return webhooks.addressed(event, subscription)

    def load(self) -> None:
        self.account = AccountBuilder(self.rng, SIZES[self.size], self.seed).build(self.generation)
        self.store = build_store(self.account, self.surface())
        self.writer = TrelloWriter(self.store, self.generation, self.clock)
        self._replay = TrelloChanges(self.store).replay()
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

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

    def _key_and_token(self, request: Request) -> tuple[str | None, str | None]:
        fields = dict(OAUTH_FIELD.findall(request.headers.get("Authorization", "")))
        key = request.args.get("key", fields.get("oauth_consumer_key"))
        token = request.args.get("token", fields.get("oauth_token"))
        return key, token

    def authenticate(self, request: Request) -> Response | None:
        key, token = self._key_and_token(request)
        if key != self.credentials["api_key"]:
            return errors.ERRORS.response(errors.INVALID_KEY)
        if not token:
            return errors.ERRORS.response(errors.NO_TOKEN)
        if token != self.credentials["api_token"]:
            return errors.ERRORS.response(errors.INVALID_TOKEN)
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
        return self.json_response(errors.rate_limited_body(), status=429)

    def not_found_response(self, request: Request) -> Response:
        return errors.route_not_found(request)

    def server_error_response(self, status: int) -> Response:
        if status == 500:
            return errors.ERRORS.response(errors.SERVER_ERROR)
        return super().server_error_response(status)

    def missing_query_response(self, name: str) -> Response:
        return errors.invalid_value(name)

    def shape_base_ms(self) -> int:
        return int(BASE.timestamp() * 1000)

    # ------------------------------------------------------------------ batch

    def batch(self, request: Request) -> Any:
        """Up to ten GET reads at once, each answered as ``{"<status>": <body>}``."""
        urls = [u for u in request.args.get("urls", "").split(",") if u]
        if not urls or len(urls) > MAX_BATCH:
            errors.refuse_value("urls")
        adapter = self._url_map.bind("localhost")
        answers = []
        for url in urls:
            if not url.startswith("/"):
                errors.refuse_value("urls")
            builder = EnvironBuilder(path=self.base_path + url, method="GET")
            inner = Request(builder.get_environ())
            try:
                endpoint, values = adapter.match(inner.path, method="GET")
                if endpoint == "batch":
                    errors.refuse_value("urls")
                result = self.dispatch(endpoint, inner, values)
            except HTTPException as exc:
                result = exc.get_response(inner.environ)
            if isinstance(result, Response):
                body = result.get_data(as_text=True)
                status = result.status_code
                try:
                    content: Any = json.loads(body)
                except ValueError:
                    content = body
                answers.append({str(status): content})
            else:
                answers.append({"200": result})
        return answers

    # ------------------------------------------------------------------ writes

    def create_card(self, request: Request) -> Any:
        args = write_arguments(request)
        change = self.record_change(lambda: self.writer.create_card(args))
        return self.store.cards[change.id]

    def update_card(self, request: Request, card_id: str) -> Any:
        card = self._card(card_id)
        args = write_arguments(request)
        self.record_change(lambda: self.writer.update_card(card, args))
        return self.store.cards[card["id"]]

    def delete_card(self, request: Request, card_id: str) -> Any:
        card = self._card(card_id)
        self.record_change(lambda: self.writer.delete_card(card))
        return {"limits": {}}

    def add_comment(self, request: Request, card_id: str) -> Any:
        card = self._card(card_id)
        args = write_arguments(request)
        change = self.record_change(lambda: self.writer.comment(card, args))
        return self.store.actions[change.id]

    def create_check_item(self, request: Request, checklist_id: str) -> Any:
        checklist = self._checklist(checklist_id)
        args = write_arguments(request)
        change = self.record_change(lambda: self.writer.create_check_item(checklist, args))
        return self.store.check_items[change.id]

    def update_check_item(self, request: Request, card_id: str, check_item_id: str) -> Any:
        card = self._card(card_id)
        board = self._board_of(card)
        items = [
            item
            for checklist in board.checklists
            if checklist["idCard"] == card["id"]
            for item in checklist["checkItems"]
        ]
        item = self._in(items, check_item_id)
        args = write_arguments(request)
        self.record_change(lambda: self.writer.update_check_item(card, item, args))
        return self.store.check_items[item["id"]]
