"""The Slack Web API emulator: methods, envelopes, cursors, errors and rate-limit tiers.

Written from Slack's Web API reference (the OpenAPI document of the Web API and the method
pages). Base path ``/api``; every method is ``/api/<method>``, called with GET (query) or
POST (form or JSON body).

Methods: ``auth.test``, ``conversations.list``, ``conversations.history``,
``conversations.replies``, ``users.list``.

Behaviour worth knowing:

- Every answer is HTTP **200** with ``{"ok": true, …}`` or ``{"ok": false, "error": "…"}``:
  no token → ``not_authed``; a wrong one → ``invalid_auth``; history of a channel the bot
  is not in → ``not_in_channel``; unknown channel → ``channel_not_found``; unknown thread →
  ``thread_not_found``; a bad cursor → ``invalid_cursor``; bad ``oldest``/``latest`` →
  ``invalid_ts_oldest``/``invalid_ts_latest``. Only rate limiting uses a status code: **429**
  with ``Retry-After`` (seconds) and ``{"ok": false, "error": "ratelimited"}``; an unknown
  method is HTTP 404 ``unknown_method``.
- Auth: ``Authorization: Bearer xoxb-…`` or a ``token`` field in a POST body.
- Rate limits per method tier and token, per minute: tier 2 (``conversations.list``,
  ``users.list``) 20, tier 3 (``conversations.history``/``replies``) 50, tier 4
  (``auth.test``) 100. ``rate_limit=N`` (or ``N/min``, ``N/2s``…) gives every tier N per window.
- Paging: ``limit`` + ``cursor``; the next cursor is ``response_metadata.next_cursor``
  (``""`` on the last page of lists). ``conversations.list`` drops archived channels
  *after* cutting the page when ``exclude_archived=true``, so pages may come back short
  (even empty) with a cursor: keep paging. ``users.list`` without ``limit`` returns
  everyone, or ``limit_required`` for teams over 1,000 people.
- ``conversations.history``: newest first, ``oldest``/``latest`` exclusive unless
  ``inclusive=true``; top-level messages only (thread replies live in
  ``conversations.replies``, whose first item is the thread's parent).
- Bot token view: ``conversations.list`` shows every public channel and the private
  channels the bot is in; ``is_member`` says whose history it may read.
"""

from __future__ import annotations

import base64
import binascii
import random
import string
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.kit.manners import HttpManners
from brainhub.sandbox.params import finite_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.slack.tiers import TieredRateLimiter, tier_of
from brainhub.sandbox.services.slack.workspace import (
    BASE_TS,
    DAY_S,
    SIZES,
    Workspace,
    WorkspaceBuilder,
)

SCOPES = "channels:history,channels:read,groups:history,groups:read,users:read,users:read.email"
ACCEPTED_SCOPES = {
    "conversations.list": "channels:read,groups:read,im:read,mpim:read",
    "conversations.history": "channels:history,groups:history,im:history,mpim:history",
    "conversations.replies": "channels:history,groups:history,im:history,mpim:history",
    "users.list": "users:read",
}
CHANNEL_TYPES = ("public_channel", "private_channel", "mpim", "im")
USERS_WITHOUT_LIMIT_MAX = 1_000


class SlackCallError(Exception):
    """A Web API error: answered as HTTP 200 ``{"ok": false, "error": code}``."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


def _method(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


class SlackEmulator(Emulator):
    """Slack's Web API with a seeded workspace; see the module docstring for its behaviour."""

    service = "slack"
    base_path = "/api"
    size_names = tuple(SIZES)
    default_rate_limit = 50
    rate_limit_window_s = 60.0
    routes = tuple(
        Rule(f"/{name}", endpoint=name.replace(".", "_"), methods=["GET", "POST"])
        for name in (
            "auth.test",
            "conversations.list",
            "conversations.history",
            "conversations.replies",
            "users.list",
        )
    )

    # ------------------------------------------------------------------ framework hooks

    def make_rate_limiter(self, requests: int, window_s: float) -> TieredRateLimiter:
        return TieredRateLimiter(requests, window_s, self.clock)

    def load(self) -> None:
        self.workspace: Workspace = WorkspaceBuilder(SIZES[self.size], self.rng).build(
            self.generation
        )
        rng = random.Random(f"slack:{self.seed}:token")
        secret = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24))
        digits = "".join(rng.choice(string.digits) for _ in range(13))
        self._token = f"xoxb-{digits[:10]}-{digits}-{secret}"

    #: Slack's Web API answers JSON as ``application/json; charset=utf-8`` and gzips when asked.
    manners = HttpManners(json_content_type="application/json; charset=utf-8", gzip_when_asked=True)

    def dress(self, request: Request, response: Response) -> Response:
        return self.manners.apply(request, response)

    @property
    def credentials(self) -> dict[str, str]:
        return {"api_token": self._token}

    def counts(self) -> dict[str, int]:
        readable = [c for c in self.workspace.visible_channels() if c.readable]
        return {
            "conversations": len(self.workspace.visible_channels()),
            "users": len(self.workspace.users),
            "messages": sum(len(c.messages) for c in readable),
            "thread_replies": sum(len(r) for c in readable for r in c.replies.values()),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        before = SlackEmulator(seed=self.seed, size=self.size, generation=since_generation)
        old_users = {u["id"]: u for u in before.workspace.users}
        changed_users = sum(1 for u in self.workspace.users if old_users.get(u["id"]) != u)
        deactivated = sum(
            1
            for u in self.workspace.users
            if u["deleted"] and not old_users.get(u["id"], u)["deleted"]
        )
        now, then = self._stream_ids(), before._stream_ids()
        return {
            "users": changed_users,
            "users_deactivated": deactivated,
            **{name: len(now[name] - then[name]) for name in now},
            **{f"{name}_deleted": len(then[name] - now[name]) for name in now},
        }

    def _stream_ids(self) -> dict[str, set[tuple[str, ...]]]:
        """What a default sync reads, by key, per stream (users are never removed)."""
        readable = [c for c in self.workspace.visible_channels() if c.readable]
        return {
            "conversations": {(c.id,) for c in self.workspace.visible_channels()},
            "messages": {(c.id, m["ts"]) for c in readable for m in c.messages},
            "thread_replies": {
                (c.id, r["ts"]) for c in readable for replies in c.replies.values() for r in replies
            },
        }

    def authenticate(self, request: Request) -> Response | None:
        token = self._token_of(request)
        if not token:
            return self._error_response("not_authed")
        if token != self.credentials["api_token"]:
            return self._error_response("invalid_auth")
        return None

    def credential_key(self, request: Request) -> str:
        return f"{tier_of(_method(request.path))}|{self._token_of(request)}"

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        return self.json_response(
            {"ok": False, "error": "ratelimited"},
            status=429,
            headers={"Retry-After": str(decision.retry_after_whole_s)},
        )

    def not_found_response(self, request: Request) -> Response:
        body = {"ok": False, "error": "unknown_method", "req_method": _method(request.path)}
        return self.json_response(body, status=404)

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return self.json_response({"ok": False, "error": "internal_error"}, status=status)

    # ---------------------------------------------------------------------- methods

    def auth_test(self, request: Request) -> Response:
        ws = self.workspace
        return self._call(
            request,
            lambda params: {
                "url": "https://acme-chat.slack.com/",
                "team": ws.team_name,
                "user": "brainhub",
                "team_id": ws.team_id,
                "user_id": ws.bot_user_id,
                "bot_id": ws.bot_id,
                "is_enterprise_install": False,
            },
        )

    def conversations_list(self, request: Request) -> Response:
        def answer(params: dict[str, str]) -> dict[str, Any]:
            types = [t.strip() for t in params.get("types", "public_channel").split(",") if t]
            if any(t not in CHANNEL_TYPES for t in types):
                raise SlackCallError("invalid_types")
            wanted = {"public_channel": False, "private_channel": True}
            privacy = {wanted[t] for t in types if t in wanted}
            channels = [
                c.data for c in self.workspace.visible_channels() if c.data["is_private"] in privacy
            ]
            page, next_cursor = _page(channels, params, "team", default=100, maximum=1000)
            if _flag(params, "exclude_archived"):
                page = [c for c in page if not c["is_archived"]]
            return {"channels": page, "response_metadata": {"next_cursor": next_cursor}}

        return self._call(request, answer)

    def users_list(self, request: Request) -> Response:
        def answer(params: dict[str, str]) -> dict[str, Any]:
            users = self.workspace.users
            if not params.get("limit") and len(users) > USERS_WITHOUT_LIMIT_MAX:
                raise SlackCallError("limit_required")
            page, next_cursor = _page(users, params, "users", default=0, maximum=1000)
            return {
                "members": page,
                "cache_ts": BASE_TS + self.generation * DAY_S,
                "response_metadata": {"next_cursor": next_cursor},
            }

        return self._call(request, answer)

    def conversations_history(self, request: Request) -> Response:
        def answer(params: dict[str, str]) -> dict[str, Any]:
            channel = self._readable_channel(params)
            chosen = _between(channel.messages, params)
            chosen.reverse()  # newest first
            body = _ts_page(chosen, params)
            body.update(pin_count=0, channel_actions_ts=None, channel_actions_count=0)
            return body

        return self._call(request, answer)

    def conversations_replies(self, request: Request) -> Response:
        def answer(params: dict[str, str]) -> dict[str, Any]:
            channel = self._readable_channel(params)
            ts = params.get("ts", "")
            parent = next((m for m in channel.messages if m["ts"] == ts), None)
            if parent is None:
                raise SlackCallError("thread_not_found")
            thread = [parent, *channel.replies.get(ts, [])]
            return _ts_page(_between(thread, params), params)

        return self._call(request, answer)

    # ---------------------------------------------------------------------- helpers

    def _call(self, request: Request, answer: Callable[[dict[str, str]], Any]) -> Response:
        method = _method(request.path)
        headers = {"X-OAuth-Scopes": SCOPES}
        if method in ACCEPTED_SCOPES:
            headers["X-Accepted-OAuth-Scopes"] = ACCEPTED_SCOPES[method]
        try:
            body = {"ok": True, **answer(_params(request))}
        except SlackCallError as exc:
            body = {"ok": False, "error": exc.code, **exc.extra}
        with self.data_lock:
            return self.json_response(body, headers=headers)

    def _readable_channel(self, params: dict[str, str]) -> Any:
        channel = self.workspace.channel(params.get("channel", ""))
        if channel is None or channel not in self.workspace.visible_channels():
            raise SlackCallError("channel_not_found")
        if not channel.readable:
            raise SlackCallError("not_in_channel")
        return channel

    def _error_response(self, code: str) -> Response:
        return self.json_response({"ok": False, "error": code})

    @staticmethod
    def _token_of(request: Request) -> str:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[len("Bearer ") :].strip()
        if request.method == "POST":
            return str(_params(request).get("token", ""))
        return ""


def _params(request: Request) -> dict[str, str]:
    """Query, form and JSON body arguments together (Slack takes any of them)."""
    params = {key: request.args[key] for key in request.args}
    if request.method == "POST":
        params.update({key: request.form[key] for key in request.form})
        if request.is_json:
            body = request.get_json(silent=True)
            if isinstance(body, dict):
                params.update({k: _text(v) for k, v in body.items()})
    return params


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flag(params: dict[str, str], name: str) -> bool:
    return params.get(name, "").strip().lower() in ("true", "1")


def _limit(params: dict[str, str], default: int, maximum: int) -> int:
    raw = params.get("limit", "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = default
    return min(value, maximum) if value > 0 else 0


def _encode(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _decode(cursor: str, prefix: str) -> str:
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise SlackCallError("invalid_cursor") from None
    kind, _, value = text.partition(":")
    if kind != prefix or not value:
        raise SlackCallError("invalid_cursor")
    return value


def _page(
    items: list[dict[str, Any]], params: dict[str, str], kind: str, default: int, maximum: int
) -> tuple[list[dict[str, Any]], str]:
    """One page of a list by position; the cursor names the first item of the next page."""
    start = 0
    if params.get("cursor"):
        value = _decode(params["cursor"], kind)
        start = next((i for i, item in enumerate(items) if item["id"] == value), -1)
        if start < 0:
            raise SlackCallError("invalid_cursor")
    limit = _limit(params, default, maximum) or len(items)
    page = items[start : start + limit]
    more = start + limit < len(items)
    return page, _encode(f"{kind}:{items[start + limit]['id']}") if more else ""


def _ts(params: dict[str, str], name: str) -> Decimal | None:
    raw = params.get(name, "")
    if raw in ("", "0", "now") and name == "latest":
        return None
    if raw == "":
        return None
    if finite_number(raw) is None:  # Decimal takes "NaN", which then fails every comparison
        raise SlackCallError(f"invalid_ts_{name}")
    return Decimal(raw.strip())


def _between(messages: list[dict[str, Any]], params: dict[str, str]) -> list[dict[str, Any]]:
    """Messages inside ``oldest``/``latest`` (exclusive unless ``inclusive``), oldest first."""
    oldest, latest = _ts(params, "oldest"), _ts(params, "latest")
    inclusive = _flag(params, "inclusive")
    chosen = []
    for message in messages:
        ts = Decimal(message["ts"])
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            continue
        if latest is not None and (ts > latest or (ts == latest and not inclusive)):
            continue
        chosen.append(message)
    return chosen


def _ts_page(messages: list[dict[str, Any]], params: dict[str, str]) -> dict[str, Any]:
    """A page of messages for ``history``/``replies``; the cursor holds the next ``ts``."""
    start = 0
    if params.get("cursor"):
        value = _decode(params["cursor"], "next_ts")
        start = next((i for i, m in enumerate(messages) if m["ts"] == value), -1)
        if start < 0:
            raise SlackCallError("invalid_cursor")
    limit = _limit(params, 100, 999) or 100
    page = messages[start : start + limit]
    body: dict[str, Any] = {"messages": page, "has_more": start + limit < len(messages)}
    if body["has_more"]:
        next_ts = messages[start + limit]["ts"]
        body["response_metadata"] = {"next_cursor": _encode(f"next_ts:{next_ts}")}
    return body
