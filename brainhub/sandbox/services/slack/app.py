"""The Slack Web API emulator, on the emulator kit: methods, envelopes, cursors, errors
and rate-limit tiers.

Written from Slack's Web API reference (its OpenAPI document and method pages). Base path
``/api``; every method is ``/api/<method>``, called with GET (query) or POST (form or JSON
body). ``operations.py`` lists every method the document has: the read methods a bot
token of one workspace can call are served: conversations, users, user groups, team,
bots, emoji, do-not-disturb, permalinks, pins, reactions and search from the workspace;
files, stars, reminders, calls, scheduled messages, identity and the team logs shaped from
the documented answers with the workspace's ids. Admin, app-management, OAuth and write
methods are left out with the reason.

Behaviour worth knowing:

- Every answer is HTTP **200** with ``{"ok": true, …}`` or ``{"ok": false, "error": "…"}``
  (``errors.py``): no token → ``not_authed``; a wrong one → ``invalid_auth``; history of a
  channel the bot is not in → ``not_in_channel``; unknown channel → ``channel_not_found``;
  unknown thread → ``thread_not_found``; unknown user → ``user_not_found``; a bad cursor →
  ``invalid_cursor``; bad ``oldest``/``latest`` → ``invalid_ts_oldest``/
  ``invalid_ts_latest``; a missing required argument → ``invalid_arguments``. Only rate
  limiting uses a status code: **429** with ``Retry-After`` (seconds) and
  ``{"ok": false, "error": "ratelimited"}``; an unknown method is HTTP 404
  ``unknown_method``. ``api.test`` needs no token and echoes its arguments.
- Auth: ``Authorization: Bearer xoxb-…`` or a ``token`` field in a POST body.
- Rate limits per method tier and token, per minute (``tiers.py``): tier 2
  (``conversations.list``, ``users.list``…) 20, tier 3 (``conversations.history``/
  ``replies``…) 50, tier 4 (``auth.test``…) 100. ``rate_limit=N`` (or ``N/min``,
  ``N/2s``…) gives every tier N per window.
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
- Objects carry every field Slack documents for them: fields the workspace does not model
  are completed from the documented shape (ids of the documented patterns, times in epoch
  seconds); messages are sent as modelled, since thread fields mark thread parents only.
- Writes (:mod:`.messages`, applied by :mod:`.changes`): ``chat.postMessage``,
  ``chat.update``, ``chat.delete``, ``reactions.add``, ``reactions.remove``. Following the
  stored state they go to the change journal in the sandbox state directory and outlive
  the process (the next emulator replays them, ``brainhub sandbox reset slack`` forgets
  them); with a pinned ``generation`` they stay in memory. They count against the tier
  limits like reads, and ``chat.postMessage`` also against Slack's per-channel posting
  limit (``posting_limit.py``: about one message per second per channel, a burst of
  ``post_burst`` tolerated; the options ``post_limit`` and ``post_burst`` change it):
  429 ``ratelimited`` with ``Retry-After`` over it.
"""

from __future__ import annotations

import math
import random
import re
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from brainhub.errors import EmulatorError
from brainhub.sandbox.kit import HttpManners, KitEmulator
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.kit.surface import normalised
from brainhub.sandbox.kit.webhooks import WebhookEvent
from brainhub.sandbox.ratelimit import RateLimitDecision, parse_rate
from brainhub.sandbox.services.slack import directory, webhooks
from brainhub.sandbox.services.slack.arguments import (
    between,
    call_arguments,
    flag,
    page_of,
    ts_page,
)
from brainhub.sandbox.services.slack.changes import SlackChanges
from brainhub.sandbox.services.slack.completion import complete_workspace
from brainhub.sandbox.services.slack.errors import error_response, fail, missing_argument
from brainhub.sandbox.services.slack.messages import MessageWriter, find_message, message_key
from brainhub.sandbox.services.slack.operations import OPERATIONS
from brainhub.sandbox.services.slack.posting_limit import (
    DEFAULT_POST_BURST,
    DEFAULT_POST_LIMIT,
    ChannelPostLimit,
)
from brainhub.sandbox.services.slack.search import search_messages
from brainhub.sandbox.services.slack.shaping import SlackShaper
from brainhub.sandbox.services.slack.tiers import TieredRateLimiter, tier_of
from brainhub.sandbox.services.slack.workspace import (
    BASE_TS,
    DAY_S,
    SIZES,
    Channel,
    Workspace,
    WorkspaceBuilder,
)

SCOPES = ",".join(
    (
        "channels:history",
        "channels:read",
        "groups:history",
        "groups:read",
        "users:read",
        "users:read.email",
        "users.profile:read",
        "team:read",
        "usergroups:read",
        "emoji:read",
        "dnd:read",
        "bots:read",
        "files:read",
        "pins:read",
        "reactions:read",
        "reminders:read",
        "calls:read",
    )
)
ACCEPTED_SCOPES = {
    "conversations.list": "channels:read,groups:read,im:read,mpim:read",
    "conversations.info": "channels:read,groups:read,im:read,mpim:read",
    "conversations.members": "channels:read,groups:read,im:read,mpim:read",
    "users.conversations": "channels:read,groups:read,im:read,mpim:read",
    "conversations.history": "channels:history,groups:history,im:history,mpim:history",
    "conversations.replies": "channels:history,groups:history,im:history,mpim:history",
    "users.list": "users:read",
    "users.info": "users:read",
    "users.getPresence": "users:read",
    "users.lookupByEmail": "users:read.email",
    "users.profile.get": "users.profile:read",
    "team.info": "team:read",
    "usergroups.list": "usergroups:read",
    "usergroups.users.list": "usergroups:read",
    "emoji.list": "emoji:read",
    "dnd.info": "dnd:read",
    "bots.info": "users:read",
}
CHANNEL_TYPES = ("public_channel", "private_channel", "mpim", "im")
USERS_WITHOUT_LIMIT_MAX = 1_000
#: Methods that answer without a token.
OPEN_METHODS = ("api.test",)
TEAM_DOMAIN = "acme-chat"
#: Slack's file ids (files are shaped answers: any id of this form names one).
FILE_ID = re.compile(r"F[A-Z0-9]{8,}")


def _method(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


class SlackEmulator(KitEmulator):
    """Slack's Web API with a seeded workspace; see the module docstring for its behaviour."""

    service = "slack"
    base_path = "/api"
    size_names = tuple(SIZES)
    default_rate_limit = 50
    rate_limit_window_s = 60.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    #: Slack's Web API answers JSON as ``application/json; charset=utf-8`` and gzips when asked.
    manners = HttpManners(json_content_type="application/json; charset=utf-8", gzip_when_asked=True)
    shape_host = f"{TEAM_DOMAIN}.slack.com"
    retry_delays_s = webhooks.RETRY_DELAYS_S

    snapshot_keys = {"message": ("channel", "ts")}

    def journal_snapshot(self) -> Snapshot:
        """The messages and thread replies of the channels the app reads."""
        messages: dict[str, dict[str, Any]] = {}
        for channel in self.workspace.visible_channels():
            if not channel.readable:
                continue
            threads = [m for replies in channel.replies.values() for m in replies]
            for message in [*channel.messages, *threads]:
                messages[message_key(channel.id, str(message["ts"]))] = {
                    "channel": channel.id,
                    "ts": str(message["ts"]),
                    "message": message,
                }
        return {"message": messages}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        made = webhooks.event(change, self.workspace.team_id, int(self.clock()))
        return [made] if made is not None else []

    def __init__(
        self,
        *,
        post_limit: int | str = DEFAULT_POST_LIMIT,
        post_burst: int = DEFAULT_POST_BURST,
        **options: Any,
    ) -> None:
        """``post_limit`` (``N/s``, ``N/min``…, 0 for none) and ``post_burst`` set the
        per-channel posting limit; other options are every emulator's."""
        super().__init__(**options)
        try:
            posts, window_s = parse_rate(post_limit)
            self.post_limit = ChannelPostLimit(posts, window_s or 1.0, post_burst, self.clock)
        except ValueError as exc:
            raise EmulatorError(f"{self.service}: {exc}") from exc

    # ------------------------------------------------------------------ framework hooks

    def make_rate_limiter(self, requests: int, window_s: float) -> TieredRateLimiter:
        return TieredRateLimiter(requests, window_s, self.clock)

    def load(self) -> None:
        self.workspace: Workspace = WorkspaceBuilder(SIZES[self.size], self.rng).build(
            self.generation
        )
        complete_workspace(self.workspace, self.shaper(), self.surface())
        rng = random.Random(f"slack:{self.seed}:token")
        secret = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(24))
        digits = "".join(rng.choice(string.digits) for _ in range(13))
        self._token = f"xoxb-{digits[:10]}-{digits}-{secret}"
        self.writer = MessageWriter(self.workspace, self.clock)
        self._replay = SlackChanges(self.workspace).replay()
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

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
        old_users = {u["id"]: _as_edited(u) for u in before.workspace.users}
        changed_users = sum(
            1 for u in self.workspace.users if old_users.get(u["id"]) != _as_edited(u)
        )
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
        if _method(request.path) in OPEN_METHODS:
            return None
        token = self._token_of(request)
        if not token:
            return error_response("not_authed")
        if token != self.credentials["api_token"]:
            return error_response("invalid_auth")
        return None

    def credential_key(self, request: Request) -> str:
        return f"{tier_of(_method(request.path))}|{self._token_of(request)}"

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        response = error_response("ratelimited")
        response.headers["Retry-After"] = str(decision.retry_after_whole_s)
        return response

    def not_found_response(self, request: Request) -> Response:
        return error_response("unknown_method", req_method=_method(request.path))

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        response = error_response("internal_error")
        response.status_code = status
        return response

    # ------------------------------------------------------------------ kit hooks

    def dispatch(self, endpoint: str, request: Request, values: Mapping[str, Any]) -> Any:
        """Answers with the scope headers Slack sends; errors stop a handler (``fail``)."""
        try:
            with self.data_lock:
                result = super().dispatch(endpoint, request, values)
        except HTTPException as exc:
            result = exc.get_response(request.environ)
        response = result if isinstance(result, Response) else self.json_response(result)
        method = _method(request.path)
        response.headers["X-OAuth-Scopes"] = SCOPES
        if method in ACCEPTED_SCOPES:
            response.headers["X-Accepted-OAuth-Scopes"] = ACCEPTED_SCOPES[method]
        return response

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        """The documented answer of a method, from its arguments in query or body."""
        path = key.partition(" ")[2]
        documented = self.surface()[f"GET {normalised(path)}"]
        params = call_arguments(request)
        for parameter in documented.query:
            name = parameter["name"]
            if parameter["required"] and name != "token" and not params.get(name):
                missing_argument(name)
        if params.get("channel"):
            self._visible_channel(params)
        if params.get("user"):
            self._user(params["user"])
        if params.get("file") and not FILE_ID.fullmatch(params["file"]):
            fail("file_not_found")
        context = self.shape_context(request, values)
        seed = "|".join([path, *(f"{k}={v}" for k, v in sorted(params.items()) if k != "token")])
        return {"ok": True, **self.shaper().fill(documented.shape, context, seed)}

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        ws = self.workspace
        params = call_arguments(request)
        visible = ws.visible_channels()
        asked = ws.channel(params.get("channel", ""))
        channel = asked if asked is not None and asked in visible else visible[0]
        groups = directory.user_groups(ws)
        return {
            "team_id": ws.team_id,
            "user_id": params.get("user") or ws.bot_user_id,
            # fields named ``user`` without a documented pattern (a file's owner)
            "user": params.get("user") or ws.bot_user_id,
            "bot_id": ws.bot_id,
            "app_id": _app_id(ws),
            "channel_id": channel.id,
            "usergroup_id": groups[0].id,
            "file_id": params.get("file", ""),
        }

    def shaper(self) -> SlackShaper:
        return SlackShaper(BASE_TS + self.generation * DAY_S, self.shape_host)

    # ------------------------------------------------------------------ api, auth, team

    def api_test(self, request: Request) -> Any:
        args = {k: v for k, v in call_arguments(request).items() if k != "token"}
        if args.get("error"):
            return {"ok": False, "error": args["error"], "args": args}
        return {"ok": True, "args": args}

    def auth_test(self, request: Request) -> Any:
        ws = self.workspace
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": ws.team_name,
            "user": "brainhub",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }

    def team_info(self, request: Request) -> Any:
        ws = self.workspace
        asked = call_arguments(request).get("team")
        if asked and asked != ws.team_id:
            fail("team_not_found")
        icon = f"https://avatars.slack-edge.com/2023-01-01/{ws.team_id.lower()}"
        owner = directory.active_people(ws)[0] if directory.active_people(ws) else ws.users[0]
        return {
            "ok": True,
            "team": {
                "id": ws.team_id,
                "name": ws.team_name,
                "domain": TEAM_DOMAIN,
                "email_domain": "acme.test",
                "icon": {
                    **{f"image_{px}": f"{icon}_{px}.png" for px in (34, 44, 68, 88, 102, 132, 230)},
                    "image_default": False,
                },
                "avatar_base_url": "https://ca.slack-edge.com/",
                "created": BASE_TS - 500 * DAY_S,
                "date_create": BASE_TS - 500 * DAY_S,
                "deleted": False,
                "archived": False,
                "discoverable": "closed",
                "plan": "std",
                "locale": "en-US",
                "primary_owner": {"id": owner["id"], "email": owner["profile"].get("email", "")},
            },
        }

    def bots_info(self, request: Request) -> Any:
        ws = self.workspace
        if call_arguments(request).get("bot", ws.bot_id) != ws.bot_id:
            fail("bot_not_found")
        avatar = "https://avatars.slack-edge.com/2023-01-01/brainhub"
        return {
            "ok": True,
            "bot": {
                "id": ws.bot_id,
                "deleted": False,
                "name": "brainhub",
                "updated": BASE_TS - 200 * DAY_S,
                "app_id": _app_id(ws),
                "user_id": ws.bot_user_id,
                "icons": {f"image_{px}": f"{avatar}_{px}.png" for px in (36, 48, 72)},
            },
        }

    def emoji_list(self, request: Request) -> Any:
        return {
            "ok": True,
            "emoji": dict(directory.CUSTOM_EMOJI),
            "cache_ts": f"{BASE_TS - 30 * DAY_S}.000000",
        }

    def dnd_info(self, request: Request) -> Any:
        user = self._user(call_arguments(request).get("user") or self.workspace.bot_user_id)
        day = BASE_TS + self.generation * DAY_S
        start = day + 22 * 3_600 - int(user.get("tz_offset", 0))
        enabled = not user["is_bot"] and user["id"] != "USLACKBOT"
        return {
            "ok": True,
            "dnd_enabled": enabled,
            "next_dnd_start_ts": start if enabled else 1,
            "next_dnd_end_ts": start + 10 * 3_600 if enabled else 1,
            "snooze_enabled": False,
        }

    # ------------------------------------------------------------------ conversations

    def conversations_list(self, request: Request) -> Any:
        params = call_arguments(request)
        channels = [c.data for c in self._of_types(params, self.workspace.visible_channels())]
        page, next_cursor = page_of(
            channels, params, "team", default=100, maximum=1000, key=lambda c: c["id"]
        )
        if flag(params, "exclude_archived"):
            page = [c for c in page if not c["is_archived"]]
        return {"ok": True, "channels": page, "response_metadata": {"next_cursor": next_cursor}}

    def conversations_info(self, request: Request) -> Any:
        channel = self._visible_channel(call_arguments(request))
        return {"ok": True, "channel": channel.data}

    def conversations_members(self, request: Request) -> Any:
        params = call_arguments(request)
        channel = self._visible_channel(params)
        members = directory.channel_members(self.workspace, channel)
        page, next_cursor = page_of(
            members, params, "members", default=100, maximum=1000, key=lambda m: m
        )
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}

    def conversations_history(self, request: Request) -> Any:
        params = call_arguments(request)
        channel = self._readable_channel(params)
        chosen = between(channel.messages, params)
        chosen.reverse()  # newest first
        body = ts_page(chosen, params)
        body.update(pin_count=0, channel_actions_ts=None, channel_actions_count=0)
        return {"ok": True, **body}

    def conversations_replies(self, request: Request) -> Any:
        params = call_arguments(request)
        channel = self._readable_channel(params)
        ts = params.get("ts", "")
        parent = next((m for m in channel.messages if m["ts"] == ts), None)
        if parent is None:
            fail("thread_not_found")
        thread = [parent, *channel.replies.get(ts, [])]
        return {"ok": True, **ts_page(between(thread, params), params)}

    def chat_get_permalink(self, request: Request) -> Any:
        params = call_arguments(request)
        for name in ("channel", "message_ts"):
            if not params.get(name):
                missing_argument(name)
        channel = self._visible_channel(params)
        ts = params["message_ts"]
        link = f"https://{TEAM_DOMAIN}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        parent = next(
            (p for p, rs in channel.replies.items() if any(r["ts"] == ts for r in rs)), ""
        )
        if parent:
            link += f"?thread_ts={parent}&cid={channel.id}"
        elif not any(m["ts"] == ts for m in channel.messages):
            fail("message_not_found")
        return {"ok": True, "channel": channel.id, "permalink": link}

    # ------------------------------------------------------------------ pins, reactions

    def pins_list(self, request: Request) -> Any:
        """Nothing is pinned in the workspace (``pin_count`` 0, ``has_pins`` false)."""
        params = call_arguments(request)
        if not params.get("channel"):
            missing_argument("channel")
        self._visible_channel(params)
        return {"ok": True, "items": []}

    def reactions_get(self, request: Request, **values: Any) -> Any:
        params = call_arguments(request)
        if not params.get("channel") and params.get("file"):
            return self.shaped(request, "GET /reactions.get", values)  # files are shaped
        if not params.get("channel") or not params.get("timestamp"):
            fail("no_item_specified")
        channel = self._readable_channel(params)
        ts = params["timestamp"]
        thread = [m for replies in channel.replies.values() for m in replies]
        message = next((m for m in [*channel.messages, *thread] if m["ts"] == ts), None)
        if message is None:
            fail("message_not_found")
        return {"ok": True, "type": "message", "channel": channel.id, "message": message}

    def reactions_list(self, request: Request) -> Any:
        params = call_arguments(request)
        ws = self.workspace
        user = self._user(params.get("user") or ws.bot_user_id)
        items = [
            {"type": "message", "channel": channel.id, "message": message}
            for channel in ws.visible_channels()
            if channel.readable
            for message in reversed(channel.messages)
            if any(user["id"] in r["users"] for r in message.get("reactions", ()))
        ]
        page, next_cursor = page_of(
            items,
            params,
            "reactions",
            default=100,
            maximum=1000,
            key=lambda item: f"{item['channel']}/{item['message']['ts']}",
        )
        limit = max(1, len(page))
        return {
            "ok": True,
            "items": page,
            "paging": {
                "count": limit,
                "total": len(items),
                "page": 1 + items.index(page[0]) // limit if page else 1,
                "pages": max(1, -(-len(items) // limit)),
            },
            "response_metadata": {"next_cursor": next_cursor},
        }

    def search_messages(self, request: Request) -> Any:
        params = call_arguments(request)
        if not params.get("query"):
            missing_argument("query")
        return search_messages(self.workspace, params, TEAM_DOMAIN)

    # ------------------------------------------------------------------ users

    def users_list(self, request: Request) -> Any:
        params = call_arguments(request)
        users = self.workspace.users
        if not params.get("limit") and len(users) > USERS_WITHOUT_LIMIT_MAX:
            fail("limit_required")
        page, next_cursor = page_of(
            users, params, "users", default=0, maximum=1000, key=lambda u: u["id"]
        )
        if flag(params, "include_locale"):
            page = [{**user, "locale": "en-US"} for user in page]
        return {
            "ok": True,
            "members": page,
            "cache_ts": BASE_TS + self.generation * DAY_S,
            "response_metadata": {"next_cursor": next_cursor},
        }

    def users_info(self, request: Request) -> Any:
        params = call_arguments(request)
        user = self._user(params.get("user", ""))
        if flag(params, "include_locale"):
            user = {**user, "locale": "en-US"}
        return {"ok": True, "user": user}

    def users_lookup_by_email(self, request: Request) -> Any:
        email = call_arguments(request).get("email", "")
        if not email:
            missing_argument("email")
        users = self.workspace.users
        user = next(
            (u for u in users if u["profile"].get("email", "").lower() == email.lower()), None
        )
        if user is None:
            fail("users_not_found")
        return {"ok": True, "user": user}

    def users_profile_get(self, request: Request) -> Any:
        user = self._user(call_arguments(request).get("user") or self.workspace.bot_user_id)
        return {"ok": True, "profile": user["profile"]}

    def users_get_presence(self, request: Request) -> Any:
        user = self._user(call_arguments(request).get("user") or self.workspace.bot_user_id)
        presence = directory.presence(self.workspace, user)
        active = presence == "active"
        return {
            "ok": True,
            "presence": presence,
            "online": active,
            "auto_away": not active,
            "manual_away": False,
            "connection_count": 1 if active else 0,
            "last_activity": BASE_TS + self.generation * DAY_S - (0 if active else 3 * 3_600),
        }

    def users_conversations(self, request: Request) -> Any:
        params = call_arguments(request)
        ws = self.workspace
        user = self._user(params.get("user") or ws.bot_user_id)
        theirs = [
            c
            for c in self._of_types(params, ws.visible_channels())
            if user["id"] in directory.channel_members(ws, c)
        ]
        if flag(params, "exclude_archived"):
            theirs = [c for c in theirs if not c.data["is_archived"]]
        hidden = ("num_members", "is_member")  # users.conversations does not send them
        channels = [{k: v for k, v in c.data.items() if k not in hidden} for c in theirs]
        page, next_cursor = page_of(
            channels, params, "user_team", default=100, maximum=1000, key=lambda c: c["id"]
        )
        return {"ok": True, "channels": page, "response_metadata": {"next_cursor": next_cursor}}

    # ------------------------------------------------------------------ user groups

    def usergroups_list(self, request: Request) -> Any:
        params = call_arguments(request)
        groups = directory.user_groups(self.workspace)
        if not flag(params, "include_disabled"):
            groups = [g for g in groups if g.enabled]
        return {
            "ok": True,
            "usergroups": [
                {**group.data, "users": group.users, "user_count": len(group.users)}
                for group in groups
            ],
        }

    def usergroups_users_list(self, request: Request) -> Any:
        wanted = call_arguments(request).get("usergroup", "")
        if not wanted:
            missing_argument("usergroup")
        group = next((g for g in directory.user_groups(self.workspace) if g.id == wanted), None)
        if group is None:
            fail("no_such_subteam")
        return {"ok": True, "users": group.users}

    # ------------------------------------------------------------------ writes

    def chat_post_message(self, request: Request) -> Any:
        params = call_arguments(request)
        channel = self.writer.postable_channel(params.get("channel", ""))
        blocks = _raw_argument(request, "blocks")
        attachments = _raw_argument(request, "attachments")
        # a refused post is answered before the posting limit and uses none of it
        self.writer.post(params, blocks, channel, attachments)
        wait_s = self.post_limit.hit(channel.id)
        if wait_s:
            response = error_response("ratelimited")
            response.status_code = 429
            response.headers["Retry-After"] = str(max(1, math.ceil(wait_s)))
            return response
        change = self.record_change(lambda: self.writer.post(params, blocks, channel, attachments))
        message = change.data["message"]
        return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": message}

    def chat_update(self, request: Request) -> Any:
        params = call_arguments(request)
        blocks = _raw_argument(request, "blocks")
        attachments = _raw_argument(request, "attachments")
        change = self.record_change(lambda: self.writer.update(params, blocks, attachments))
        channel = self.workspace.channel(str(change.data["channel"]))
        found = find_message(channel, str(change.data["ts"])) if channel else None
        message = dict(found[0]) if found else {}
        return {
            "ok": True,
            "channel": change.data["channel"],
            "ts": change.data["ts"],
            "text": message.get("text", ""),
            "message": message,
        }

    def chat_delete(self, request: Request) -> Any:
        params = call_arguments(request)
        change = self.record_change(lambda: self.writer.delete(params))
        return {"ok": True, "channel": change.data["channel"], "ts": change.data["ts"]}

    def reactions_add(self, request: Request) -> Any:
        params = call_arguments(request)
        self.record_change(lambda: self.writer.react(params, add=True))
        return {"ok": True}

    def reactions_remove(self, request: Request) -> Any:
        params = call_arguments(request)
        self.record_change(lambda: self.writer.react(params, add=False))
        return {"ok": True}

    # ------------------------------------------------------------------ helpers

    def _of_types(self, params: dict[str, str], channels: list[Channel]) -> list[Channel]:
        types = [t.strip() for t in params.get("types", "public_channel").split(",") if t]
        if any(t not in CHANNEL_TYPES for t in types):
            fail("invalid_types")
        wanted = {"public_channel": False, "private_channel": True}
        privacy = {wanted[t] for t in types if t in wanted}
        return [c for c in channels if c.data["is_private"] in privacy]

    def _visible_channel(self, params: dict[str, str]) -> Channel:
        channel = self.workspace.channel(params.get("channel", ""))
        if channel is None or channel not in self.workspace.visible_channels():
            fail("channel_not_found")
        return channel

    def _readable_channel(self, params: dict[str, str]) -> Channel:
        channel = self._visible_channel(params)
        if not channel.readable:
            fail("not_in_channel")
        return channel

    def _user(self, user_id: str) -> dict[str, Any]:
        user = next((u for u in self.workspace.users if u["id"] == user_id), None)
        if user is None:
            fail("user_not_found")
        return user

    @staticmethod
    def _token_of(request: Request) -> str:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return header[len("Bearer ") :].strip()
        if request.method == "POST":
            return str(call_arguments(request).get("token", ""))
        return ""


def _raw_argument(request: Request, name: str) -> Any:
    """An argument as sent: a JSON body's value unchanged (a list stays a list), else the
    form or query text."""
    if request.method == "POST" and request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict) and name in body:
            return body[name]
    return call_arguments(request).get(name)


def _as_edited(user: dict[str, Any]) -> dict[str, Any]:
    """A user as its owner edits it: without what follows from other objects (the
    number of channels the user is in)."""
    profile = {k: v for k, v in user["profile"].items() if k != "memberships_count"}
    return {**user, "profile": profile}


def _app_id(ws: Workspace) -> str:
    return "A" + ws.bot_id[1:]
