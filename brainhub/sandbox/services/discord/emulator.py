"""Discord's HTTP API v10 as an emulator, on the emulator kit.

Serves the bot's view of its guilds: the guilds themselves (``/users/@me/guilds``), their
channels, roles, emojis, invites, webhooks, members (``after`` = a user id, ``limit`` up to
1000, default 1), active threads and archived public threads (``before`` = a timestamp), and
each channel's messages with Discord's snowflake keyset paging: ``before``, ``after`` or
``around`` a message id, ``limit`` 1-100 (default 50), newest first; ``after`` gives the
messages right after that id. ``operations.py`` lists every documented GET: served, shaped
from the document, or left out with the reason.

Requests need ``Authorization: Bot <token>`` (an incoming webhook's own URL needs none: its
token is the credential). Errors are Discord's ``{"message", "code"}`` (:mod:`.errors`).
Rate limits are per route, as Discord keys them: each route template and major resource
(the first id of the path: a channel, a guild, a webhook) has its own budget (50 requests a
second here unless ``rate_limit`` says), reported in ``X-RateLimit-Limit``, ``-Remaining``,
``-Reset`` (epoch seconds with a fraction), ``-Reset-After`` and ``-Bucket`` (the route's
hash). Over it the answer is 429 ``{"message", "retry_after", "global": false}`` with
``Retry-After`` and ``X-RateLimit-Scope: user``.

Writes (journalled, so they outlive the process): ``POST /channels/{id}/messages`` (a text
channel or thread; ``content`` up to 2000 characters, or embeds) and the incoming webhook
``POST /webhooks/{id}/{token}`` (the message is answered only with ``wait=true``, else 204).
"""

from __future__ import annotations

import hashlib
import math
import threading
from pathlib import Path
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners, KitEmulator
from brainhub.sandbox.kit.journal import Change, Draft, Replay
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.discord import errors
from brainhub.sandbox.services.discord.dataset import (
    BASE_MS,
    GUILD_TEXT,
    GUILD_VOICE,
    PUBLIC_THREAD,
    SIZES,
    Dataset,
    build,
    post,
)
from brainhub.sandbox.services.discord.operations import OPERATIONS
from brainhub.sandbox.services.discord.snowflakes import created_ms, is_snowflake, snowflake

#: Channel types messages can be sent in (text, announcement, threads).
MESSAGE_CHANNELS = (GUILD_TEXT, 5, 10, PUBLIC_THREAD, 12)
_route = threading.local()


class DiscordEmulator(KitEmulator):
    """Discord HTTP API v10 over the bot's seeded guilds; see the module docstring."""

    service = "discord"
    base_path = "/api/v10"
    size_names = tuple(SIZES)
    default_rate_limit = 50
    rate_limit_window_s = 1.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners("application/json", gzip_when_asked=True)
    shape_host = "cdn.discordapp.com"

    def load(self) -> None:
        self.data: Dataset = build(self.seed, self.size, self.generation)
        self.replay_changes()

    def change_replay(self) -> Replay:
        return Replay({("message", "create"): self._apply_message})

    def _apply_message(self, change: Change) -> None:
        data = change.data
        author = data["author"]
        self.data.users.setdefault(author["id"], author)
        post(
            self.data,
            data["channel_id"],
            author,
            data["content"],
            created_ms(change.id),
            webhook_id=data.get("webhook_id"),
            message_id=change.id,
            embeds=data.get("embeds") or [],
        )

    # ------------------------------------------------------------ settings and counts

    @property
    def credentials(self) -> dict[str, str]:
        digest = hashlib.sha256(f"discord-sandbox-{self.seed}".encode()).hexdigest()
        hook = self._first_webhook()
        return {
            "bot_token": f"MTA{digest[:21]}.{digest[21:27]}.{digest[27:65]}",
            "webhook_id": hook["id"],
            "webhook_token": hook["token"],
        }

    def counts(self) -> dict[str, int]:
        data = self.data
        guilds = list(data.guilds)
        texts = [c for g in guilds for c in data.text_channels(g)]
        return {
            "guilds": len(guilds),
            "channels": sum(len(data.guild_channels(g)) for g in guilds),
            "members": sum(len(data.members[g]) for g in guilds),
            "messages": sum(len(data.messages[c["id"]]) for c in texts),
            "active_threads": sum(len(data.threads(g, archived=False)) for g in guilds),
            "archived_threads": sum(len(data.threads(g, archived=True)) for g in guilds),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        before = build(self.seed, self.size, since_generation).counters
        now = self.data.counters
        return {
            "messages_created": now.messages_created - before.messages_created,
            "messages_edited": now.messages_edited - before.messages_edited,
            "messages_deleted": now.messages_deleted - before.messages_deleted,
            "members_joined": now.members_joined - before.members_joined,
            "members_deleted": now.members_left - before.members_left,
        }

    def shape_base_ms(self) -> int:
        return BASE_MS

    # ------------------------------------------------------------------ vendor hooks

    def authenticate(self, request: Request) -> Response | None:
        if _webhook_path(request.path):
            return None  # the webhook's token in the path is its credential
        if request.headers.get("Authorization") == f"Bot {self.credentials['bot_token']}":
            return None
        return errors.response("UNAUTHORIZED")

    def credential_key(self, request: Request) -> str:
        bucket, major = self._bucket(request)
        _route.bucket = bucket
        return f"{request.headers.get('Authorization', '')}|{bucket}|{major}"

    def _bucket(self, request: Request) -> tuple[str, str]:
        """The route's bucket hash (method and template) and its major resource id."""
        try:
            rule, _values = self.url_adapter(request.environ).match(return_rule=True)
            template = rule.rule
        except HTTPException:
            template = request.path
        digest = hashlib.sha1(f"{request.method} {template}".encode(), usedforsecurity=False)
        segments = request.path.split("/")
        major = next((s for s in segments if s.isascii() and s.isdigit()), "")
        return digest.hexdigest()[:16], major

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        reset_after = max(decision.reset_at - self.clock(), 0.0)
        return {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": f"{decision.reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": getattr(_route, "bucket", "global"),
        }

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        response = self.json_response(errors.rate_limited(decision.retry_after_s), status=429)
        response.headers["Retry-After"] = str(max(math.ceil(decision.retry_after_s), 1))
        response.headers["X-RateLimit-Scope"] = "user"
        return response

    def not_found_response(self, request: Request) -> Response:
        return errors.response("NOT_FOUND")

    def server_error_response(self, status: int) -> Response:
        if status == 500:
            return errors.response("INTERNAL")
        return super().server_error_response(status)

    def missing_query_response(self, name: str) -> Response:
        try:
            errors.invalid_form({name: ("BASE_TYPE_REQUIRED", "This field is required")})
        except HTTPException as exc:
            return exc.get_response()
        raise AssertionError("unreachable")

    def shape_context(self, request: Request, values: Any) -> dict[str, Any]:
        return {**dict(values), "user": self.data.bot}

    def check_path_ids(self, values: Any) -> None:
        if "guild_id" in values:
            self._guild(values["guild_id"])
        if "channel_id" in values:
            self._channel(values["channel_id"])
        if "user_id" in values and values["user_id"] != "@me":
            self._user(values["user_id"])
        if "message_id" in values and "channel_id" in values:
            self._message(values["channel_id"], values["message_id"])

    # ------------------------------------------------------------------ lookups

    def _guild(self, guild_id: str) -> dict[str, Any]:
        guild = self.data.guilds.get(guild_id)
        if guild is None:
            errors.fail("UNKNOWN_GUILD")
        return guild

    def _channel(self, channel_id: str) -> dict[str, Any]:
        channel = self.data.channels.get(channel_id)
        if channel is None:
            errors.fail("UNKNOWN_CHANNEL")
        return channel

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.data.users.get(user_id)
        if user is None:
            errors.fail("UNKNOWN_USER")
        return user

    def _message(self, channel_id: str, message_id: str) -> dict[str, Any]:
        message = self.data.messages.get(channel_id, {}).get(message_id)
        if message is None:
            errors.fail("UNKNOWN_MESSAGE")
        return message

    def _member(self, guild_id: str, user_id: str) -> dict[str, Any]:
        member = self.data.members[self._guild(guild_id)["id"]].get(user_id)
        if member is None:
            errors.fail("UNKNOWN_MEMBER")
        return member

    def _webhook(self, webhook_id: str, token: str | None = None) -> dict[str, Any]:
        hook = self.data.webhooks.get(webhook_id)
        if hook is None:
            errors.fail("UNKNOWN_WEBHOOK")
        if token is not None and token != hook["token"]:
            errors.fail("INVALID_WEBHOOK_TOKEN")
        return hook

    def _first_webhook(self) -> dict[str, Any]:
        return min(self.data.webhooks.values(), key=lambda hook: int(hook["id"]))

    # ------------------------------------------------------------------ users

    def get_me(self, request: Request) -> dict[str, Any]:
        return {**self.data.bot, "verified": True, "mfa_enabled": False, "locale": "en-US"}

    def get_user(self, request: Request, user_id: str) -> dict[str, Any]:
        return self._user(user_id)

    def list_my_guilds(self, request: Request) -> list[dict[str, Any]]:
        limit = _limit(request, "limit", 200, 200)
        counts = _flag(request, "with_counts")
        chosen = _keyset(sorted(self.data.guilds.values(), key=_id), request, limit)
        return [self._my_guild(guild, counts) for guild in chosen]

    def _my_guild(self, guild: dict[str, Any], counts: bool) -> dict[str, Any]:
        partial = {
            "id": guild["id"],
            "name": guild["name"],
            "icon": guild["icon"],
            "banner": guild["banner"],
            "owner": guild["owner_id"] == self.data.bot["id"],
            "permissions": "2248473465835073",
            "features": guild["features"],
        }
        if counts:
            members = len(self.data.members[guild["id"]])
            partial["approximate_member_count"] = members
            partial["approximate_presence_count"] = members // 3
        return partial

    def get_my_member(self, request: Request, guild_id: str) -> dict[str, Any]:
        return self._member(guild_id, self.data.bot["id"])

    def list_connections(self, request: Request) -> list[dict[str, Any]]:
        return []  # a bot has no connected accounts

    # ------------------------------------------------------------------ guilds

    def get_guild(self, request: Request, guild_id: str) -> dict[str, Any]:
        guild = self._guild(guild_id)
        answer = {
            **guild,
            "roles": self.data.roles[guild_id],
            "emojis": self.data.emojis[guild_id],
            "stickers": [],
        }
        if _flag(request, "with_counts"):
            members = len(self.data.members[guild_id])
            answer["approximate_member_count"] = members
            answer["approximate_presence_count"] = members // 3
        return answer

    def get_guild_preview(self, request: Request, guild_id: str) -> dict[str, Any]:
        guild = self._guild(guild_id)
        members = len(self.data.members[guild_id])
        return {
            "id": guild["id"],
            "name": guild["name"],
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "features": guild["features"],
            "approximate_member_count": members,
            "approximate_presence_count": members // 3,
            "description": guild["description"],
            "home_header": None,
            "emojis": self.data.emojis[guild_id],
            "stickers": [],
        }

    def list_guild_channels(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        return self.data.guild_channels(self._guild(guild_id)["id"])

    def list_members(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        self._guild(guild_id)
        limit = _limit(request, "limit", 1, 1000)
        after = _snowflake_arg(request, "after") or "0"
        members = sorted(self.data.members[guild_id].values(), key=lambda m: int(m["user"]["id"]))
        return [m for m in members if int(m["user"]["id"]) > int(after)][:limit]

    def search_members(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        self._guild(guild_id)
        query = request.args.get("query")
        if query is None:
            errors.invalid_form({"query": ("BASE_TYPE_REQUIRED", "This field is required")})
        limit = _limit(request, "limit", 1, 1000)
        wanted = query.lower()
        found = [
            m
            for m in self.data.members[guild_id].values()
            if m["user"]["username"].lower().startswith(wanted)
            or (m["nick"] or "").lower().startswith(wanted)
        ]
        return sorted(found, key=lambda m: int(m["user"]["id"]))[:limit]

    def get_member(self, request: Request, guild_id: str, user_id: str) -> dict[str, Any]:
        return self._member(guild_id, user_id)

    def list_roles(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        return self.data.roles[self._guild(guild_id)["id"]]

    def get_role(self, request: Request, guild_id: str, role_id: str) -> dict[str, Any]:
        roles = self.data.roles[self._guild(guild_id)["id"]]
        found = next((role for role in roles if role["id"] == role_id), None)
        if found is None:
            errors.fail("UNKNOWN_ROLE")
        return found

    def role_member_counts(self, request: Request, guild_id: str) -> dict[str, int]:
        members = self.data.members[self._guild(guild_id)["id"]].values()
        counts = {role["id"]: 0 for role in self.data.roles[guild_id][1:]}
        for member in members:
            for role_id in member["roles"]:
                counts[role_id] = counts.get(role_id, 0) + 1
        return counts

    def list_emojis(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        return self.data.emojis[self._guild(guild_id)["id"]]

    def get_emoji(self, request: Request, guild_id: str, emoji_id: str) -> dict[str, Any]:
        emojis = self.data.emojis[self._guild(guild_id)["id"]]
        found = next((emoji for emoji in emojis if emoji["id"] == emoji_id), None)
        if found is None:
            errors.fail("UNKNOWN_EMOJI")
        return found

    def list_guild_invites(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        self._guild(guild_id)
        return [self._invite(i) for i in self.data.invites.values() if i["guild_id"] == guild_id]

    def _invite(self, invite: dict[str, Any]) -> dict[str, Any]:
        guild = self.data.guilds[invite["guild_id"]]
        channel = self.data.channels[invite["channel_id"]]
        shown = {k: v for k, v in invite.items() if k != "channel_id"}
        fields = ("id", "name", "splash", "banner", "description", "icon", "features")
        shown["guild"] = {
            **{k: guild[k] for k in fields},
            **{k: guild[k] for k in ("verification_level", "vanity_url_code", "nsfw_level")},
            "nsfw": guild["nsfw"],
            "premium_subscription_count": guild["premium_subscription_count"],
        }
        shown["channel"] = {k: channel[k] for k in ("id", "type", "name")}
        return shown

    def list_active_threads(self, request: Request, guild_id: str) -> dict[str, Any]:
        threads = self.data.threads(self._guild(guild_id)["id"], archived=False)
        return {"threads": sorted(threads, key=_id), "members": [], "has_more": False}

    def list_guild_webhooks(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        self._guild(guild_id)
        return [h for h in self.data.webhooks.values() if h["guild_id"] == guild_id]

    def list_bans(self, request: Request, guild_id: str) -> list[dict[str, Any]]:
        self._guild(guild_id)
        return []  # nobody is banned from the seeded guilds

    def get_ban(self, request: Request, guild_id: str, user_id: str) -> Response:
        self._guild(guild_id)
        return errors.response("UNKNOWN_BAN")

    # ------------------------------------------------------------------ channels

    def get_channel(self, request: Request, channel_id: str) -> dict[str, Any]:
        return self._channel(channel_id)

    def list_messages(self, request: Request, channel_id: str) -> list[dict[str, Any]]:
        channel = self._channel(channel_id)
        if channel["type"] not in MESSAGE_CHANNELS and channel["type"] != GUILD_VOICE:
            errors.fail("MISSING_ACCESS")
        limit = _limit(request, "limit", 50, 100)
        ordered = sorted(self.data.messages[channel_id].values(), key=_id)
        around = _snowflake_arg(request, "around")
        if around is not None:
            older = [m for m in ordered if int(m["id"]) < int(around)]
            newer = [m for m in ordered if int(m["id"]) >= int(around)]
            half = limit // 2
            chosen = older[-half:] if half else []
            chosen += newer[: limit - len(chosen)]
        else:
            chosen = _keyset(ordered, request, limit, newest_without_cursor=True)
        return sorted(chosen, key=_id, reverse=True)

    def get_message(self, request: Request, channel_id: str, message_id: str) -> dict[str, Any]:
        self._channel(channel_id)
        return self._message(channel_id, message_id)

    def _pinned(self, channel_id: str) -> list[dict[str, Any]]:
        self._channel(channel_id)
        pinned = [m for m in self.data.messages[channel_id].values() if m["pinned"]]
        return sorted(pinned, key=_id, reverse=True)

    def list_pins(self, request: Request, channel_id: str) -> list[dict[str, Any]]:
        return self._pinned(channel_id)[:50]

    def list_message_pins(self, request: Request, channel_id: str) -> dict[str, Any]:
        limit = _limit(request, "limit", 50, 50)
        before = request.args.get("before")
        pinned = [
            {"pinned_at": m["timestamp"], "message": m}
            for m in self._pinned(channel_id)
            if before is None or m["timestamp"] < before
        ]
        return {"items": pinned[:limit], "has_more": len(pinned) > limit}

    def list_channel_invites(self, request: Request, channel_id: str) -> list[dict[str, Any]]:
        self._channel(channel_id)
        return [
            self._invite(i) for i in self.data.invites.values() if i["channel_id"] == channel_id
        ]

    def list_channel_webhooks(self, request: Request, channel_id: str) -> list[dict[str, Any]]:
        self._channel(channel_id)
        return [h for h in self.data.webhooks.values() if h["channel_id"] == channel_id]

    def list_archived_public_threads(self, request: Request, channel_id: str) -> dict[str, Any]:
        channel = self._channel(channel_id)
        limit = _limit(request, "limit", 50, 100)
        before = request.args.get("before")
        archived = [
            t
            for t in self.data.threads(channel["guild_id"], archived=True)
            if t["parent_id"] == channel_id
            and (before is None or t["thread_metadata"]["archive_timestamp"] < before)
        ]
        archived.sort(key=lambda t: t["thread_metadata"]["archive_timestamp"], reverse=True)
        return {"threads": archived[:limit], "members": [], "has_more": len(archived) > limit}

    def list_archived_private_threads(self, request: Request, channel_id: str) -> dict[str, Any]:
        self._channel(channel_id)
        return {"threads": [], "members": [], "has_more": False}  # none are private

    def _thread(self, channel_id: str) -> dict[str, Any]:
        thread = self._channel(channel_id)
        if thread["type"] != PUBLIC_THREAD:
            errors.invalid_form({"channel_id": ("CHANNEL_TYPE_INVALID", "Not a thread")})
        return thread

    def list_thread_members(self, request: Request, channel_id: str) -> list[dict[str, Any]]:
        thread = self._thread(channel_id)
        return [self._thread_member(thread)]

    def get_thread_member(self, request: Request, channel_id: str, user_id: str) -> dict[str, Any]:
        thread = self._thread(channel_id)
        if user_id != thread["owner_id"]:
            errors.fail("UNKNOWN_MEMBER")
        return self._thread_member(thread)

    @staticmethod
    def _thread_member(thread: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": thread["id"],
            "user_id": thread["owner_id"],
            "join_timestamp": thread["thread_metadata"]["create_timestamp"],
            "flags": 1,
        }

    # ------------------------------------------------------------------ invites, webhooks

    def get_invite(self, request: Request, code: str) -> dict[str, Any]:
        invite = self.data.invites.get(code)
        if invite is None:
            errors.fail("UNKNOWN_INVITE")
        return self._invite(invite)

    def get_webhook(self, request: Request, webhook_id: str) -> dict[str, Any]:
        return self._webhook(webhook_id)

    def get_webhook_with_token(
        self, request: Request, webhook_id: str, webhook_token: str
    ) -> dict[str, Any]:
        hook = self._webhook(webhook_id, webhook_token)
        return {k: v for k, v in hook.items() if k != "user"}  # no user with a token

    def get_webhook_message(
        self, request: Request, webhook_id: str, webhook_token: str, message_id: str
    ) -> dict[str, Any]:
        hook = self._webhook(webhook_id, webhook_token)
        message = self.data.messages[hook["channel_id"]].get(message_id)
        if message is None or message.get("webhook_id") != webhook_id:
            errors.fail("UNKNOWN_MESSAGE")
        return message

    def get_webhook_original(
        self, request: Request, webhook_id: str, webhook_token: str
    ) -> Response:
        self._webhook(webhook_id, webhook_token)
        return errors.response("UNKNOWN_MESSAGE")  # only interaction webhooks have one

    def get_my_application(self, request: Request) -> dict[str, Any]:
        """The bot's application (clients fetch it on login for its id)."""
        bot = self.data.bot
        return {
            "id": bot["id"],
            "name": bot["username"],
            "icon": None,
            "description": "The sandbox's bot",
            "type": None,
            "bot": bot,
            "bot_public": False,
            "bot_require_code_grant": False,
            "summary": "",
            "verify_key": hashlib.sha256(bot["id"].encode()).hexdigest(),
            "flags": 0,
            "owner": next(iter(self.data.members[min(self.data.guilds, key=int)].values()))["user"],
            "team": None,
            "redirect_uris": [],
            "flags_new": "0",
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "approximate_guild_count": len(self.data.guilds),
            "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0,
            "eligible_oauth2_scopes": ["bot", "applications.commands"],
        }

    def get_gateway(self, request: Request) -> dict[str, Any]:
        return {"url": "wss://gateway.discord.gg"}

    def get_gateway_bot(self, request: Request) -> dict[str, Any]:
        return {
            "url": "wss://gateway.discord.gg",
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    # ------------------------------------------------------------------ writes

    def create_message(self, request: Request, channel_id: str) -> Response:
        channel = self._channel(channel_id)
        if channel["type"] not in MESSAGE_CHANNELS:
            errors.fail("CANNOT_SEND_IN_VOICE")
        content, embeds = self._message_body(request)
        draft = self._message_draft(channel_id, content, embeds, self.data.bot)
        change = self.record_change(lambda: draft)
        return self.json_response(self.data.messages[channel_id][change.id])

    def execute_webhook(self, request: Request, webhook_id: str, webhook_token: str) -> Response:
        hook = self._webhook(webhook_id, webhook_token)
        content, embeds = self._message_body(request)
        body = request.get_json(silent=True) or {}
        author = {
            "id": webhook_id,
            "username": str(body.get("username") or hook["name"]),
            "avatar": None,
            "discriminator": "0000",
            "bot": True,
            "public_flags": 0,
            "flags": 0,
            "global_name": None,
        }
        draft = self._message_draft(hook["channel_id"], content, embeds, author, webhook_id)
        change = self.record_change(lambda: draft)
        if not _flag(request, "wait"):
            return Response(status=204)
        return self.json_response(self.data.messages[hook["channel_id"]][change.id])

    def _message_body(self, request: Request) -> tuple[str, list[Any]]:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            errors.invalid_form({"_": ("DICT_TYPE_CONVERT", "Only dictionaries may be used")})
        content = body.get("content") or ""
        embeds = body.get("embeds") or []
        if not isinstance(content, str):
            errors.invalid_form({"content": ("BASE_TYPE_STRING", "Must be a string")})
        if len(content) > 2000:
            errors.invalid_form(
                {"content": ("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")}
            )
        if not isinstance(embeds, list) or len(embeds) > 10:
            errors.invalid_form({"embeds": ("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer")})
        if not content and not embeds:
            errors.fail("CANNOT_SEND_EMPTY")
        return content, embeds

    def _message_draft(
        self,
        channel_id: str,
        content: str,
        embeds: list[Any],
        author: dict[str, Any],
        webhook_id: str | None = None,
    ) -> Draft:
        latest = max((int(m) for m in self.data.messages[channel_id]), default=0)
        moment = max(int(self.clock() * 1000), created_ms(latest) + 1 if latest else 0)
        message_id = snowflake(moment, len(self.data.messages[channel_id]))
        data: dict[str, Any] = {
            "channel_id": channel_id,
            "content": content,
            "embeds": embeds,
            "author": author,
        }
        if webhook_id is not None:
            data["webhook_id"] = webhook_id
        return Draft("create", "message", message_id, data)


def _id(item: dict[str, Any]) -> int:
    return int(item["id"])


def _webhook_path(path: str) -> bool:
    parts = path.strip("/").split("/")
    return len(parts) >= 5 and parts[2] == "webhooks"


def _flag(request: Request, name: str) -> bool:
    """A boolean query parameter as Discord reads it (``true``/``1`` or ``false``/``0``)."""
    return request.args.get(name, "false").strip().lower() in ("true", "1")


def _limit(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= maximum:
        errors.invalid_form(
            {name: ("NUMBER_TYPE_MAX", f"int value should be between 1 and {maximum}.")}
        )
    return int(raw)


def _snowflake_arg(request: Request, name: str) -> str | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not is_snowflake(raw):
        errors.invalid_form({name: ("NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.')})
    return raw


def _keyset(
    ordered: list[dict[str, Any]],
    request: Request,
    limit: int,
    newest_without_cursor: bool = False,
) -> list[dict[str, Any]]:
    """Discord's ``before``/``after`` keyset on snowflakes over items in id order: the
    ``limit`` items right after ``after``, or right before ``before``; without either, the
    first ones (or the newest, for messages)."""
    after, before = _snowflake_arg(request, "after"), _snowflake_arg(request, "before")
    if after is not None:
        return [item for item in ordered if _id(item) > int(after)][:limit]
    if before is not None:
        return [item for item in ordered if _id(item) < int(before)][-limit:]
    return ordered[-limit:] if newest_without_cursor else ordered[:limit]
