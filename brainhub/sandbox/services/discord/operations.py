"""Discord API v10's GET operations: the ones served, and the rest left out with why.

Paths are the document's templates (``/channels/{channel_id}/messages``). Handlers are
methods of :class:`~.emulator.DiscordEmulator` answering from the seeded guilds, whose
objects carry Discord's fields themselves (answers are not completed with shaped values: a
message must not gain an invented poll or reply). ``SHAPED`` operations (audit logs,
auto-moderation, scheduled events, stickers, widgets…) answer from the documented response
shape, with the guild, channel and user ids of the path checked first. Writes the target
sends are extra operations: ``POST /channels/{channel_id}/messages`` and the incoming
webhook ``POST /webhooks/{webhook_id}/{webhook_token}``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable
from brainhub.sandbox.kit.surface import normalised


def _get(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler, complete=False)


SERVED = [
    # Users
    _get("/users/@me", "get_me"),
    _get("/users/{user_id}", "get_user"),
    _get("/users/@me/guilds", "list_my_guilds"),
    _get("/users/@me/guilds/{guild_id}/member", "get_my_member"),
    _get("/users/@me/connections", "list_connections"),
    # Guilds
    _get("/guilds/{guild_id}", "get_guild"),
    _get("/guilds/{guild_id}/preview", "get_guild_preview"),
    _get("/guilds/{guild_id}/channels", "list_guild_channels"),
    _get("/guilds/{guild_id}/members", "list_members"),
    _get("/guilds/{guild_id}/members/search", "search_members"),
    _get("/guilds/{guild_id}/members/{user_id}", "get_member"),
    _get("/guilds/{guild_id}/roles", "list_roles"),
    _get("/guilds/{guild_id}/roles/member-counts", "role_member_counts"),
    _get("/guilds/{guild_id}/roles/{role_id}", "get_role"),
    _get("/guilds/{guild_id}/emojis", "list_emojis"),
    _get("/guilds/{guild_id}/emojis/{emoji_id}", "get_emoji"),
    _get("/guilds/{guild_id}/invites", "list_guild_invites"),
    _get("/guilds/{guild_id}/threads/active", "list_active_threads"),
    _get("/guilds/{guild_id}/webhooks", "list_guild_webhooks"),
    _get("/guilds/{guild_id}/bans", "list_bans"),
    _get("/guilds/{guild_id}/bans/{user_id}", "get_ban"),
    # Channels, messages, threads
    _get("/channels/{channel_id}", "get_channel"),
    _get("/channels/{channel_id}/messages", "list_messages"),
    _get("/channels/{channel_id}/messages/pins", "list_message_pins"),
    _get("/channels/{channel_id}/messages/{message_id}", "get_message"),
    _get("/channels/{channel_id}/pins", "list_pins"),
    _get("/channels/{channel_id}/invites", "list_channel_invites"),
    _get("/channels/{channel_id}/webhooks", "list_channel_webhooks"),
    _get("/channels/{channel_id}/threads/archived/public", "list_archived_public_threads"),
    _get("/channels/{channel_id}/threads/archived/private", "list_archived_private_threads"),
    _get(
        "/channels/{channel_id}/users/@me/threads/archived/private",
        "list_archived_private_threads",
    ),
    _get("/channels/{channel_id}/thread-members", "list_thread_members"),
    _get("/channels/{channel_id}/thread-members/{user_id}", "get_thread_member"),
    # Invites, webhooks, gateway
    _get("/invites/{code}", "get_invite"),
    _get("/webhooks/{webhook_id}", "get_webhook"),
    _get("/webhooks/{webhook_id}/{webhook_token}", "get_webhook_with_token"),
    _get("/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", "get_webhook_message"),
    _get("/webhooks/{webhook_id}/{webhook_token}/messages/@original", "get_webhook_original"),
    _get("/oauth2/applications/@me", "get_my_application"),
    _get("/gateway", "get_gateway"),
    _get("/gateway/bot", "get_gateway_bot"),
]

#: Answered from the documented shapes: guild features no stream reads, objects the seeded
#: guilds do not model one by one.
SHAPED_PATHS = [
    "/voice/regions",
    "/guilds/{guild_id}/regions",
    "/guilds/{guild_id}/audit-logs",
    "/guilds/{guild_id}/auto-moderation/rules",
    "/guilds/{guild_id}/auto-moderation/rules/{rule_id}",
    "/guilds/{guild_id}/integrations",
    "/guilds/{guild_id}/onboarding",
    "/guilds/{guild_id}/new-member-welcome",
    "/guilds/{guild_id}/welcome-screen",
    "/guilds/{guild_id}/widget",
    "/guilds/{guild_id}/widget.json",
    "/guilds/{guild_id}/vanity-url",
    "/guilds/{guild_id}/templates",
    "/guilds/{guild_id}/prune",
    "/guilds/{guild_id}/requests",
    "/guilds/{guild_id}/messages/search",
    "/guilds/{guild_id}/scheduled-events",
    "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}",
    "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/users",
    "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/users/counts",
    "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}/"
    "{guild_scheduled_event_exception_id}/users",
    "/guilds/{guild_id}/stickers",
    "/guilds/{guild_id}/stickers/{sticker_id}",
    "/guilds/{guild_id}/soundboard-sounds",
    "/guilds/{guild_id}/soundboard-sounds/{sound_id}",
    "/guilds/{guild_id}/voice-states/@me",
    "/guilds/{guild_id}/voice-states/{user_id}",
    "/channels/{channel_id}/threads/search",
    "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}",
    "/channels/{channel_id}/polls/{message_id}/answers/{answer_id}",
    "/stage-instances/{channel_id}",
]

#: Why each group of documented GET operations is not served (first matching pattern).
REASONS: list[tuple[str, str]] = [
    (
        r"^/applications/",
        "the bot's application (its commands, entitlements, emojis, role connections, "
        "activity instances) is app configuration, not guild data; no stream reads it",
    ),
    (
        r"^/oauth2/",
        "OAuth2 introspection of a user's bearer token (the bot's own application is "
        "served); the sandbox authenticates a bot token",
    ),
    (r"^/lobbies/", "lobbies belong to the Social SDK for games, not to guilds"),
    (
        r"^/skus/|^/users/@me/applications/",
        "monetization (SKUs, subscriptions, entitlements) is billing, not guild data",
    ),
    (
        r"^/sticker-packs|^/stickers/|^/soundboard-default-sounds",
        "Discord-wide catalogues of stickers and sounds, the same for everyone",
    ),
    (r"^/guilds/templates/", "guild templates are blueprints shared by code, not a guild's data"),
    (r"^/invites/\{\}/target-users", "target-user lists belong to app-directory invites"),
    (r"widget\.png$", "an image, not JSON"),
]


def _left_out(served: list[Operation]) -> list[LeftOut]:
    surface = json.loads(Path(__file__).with_name("surface.json").read_text(encoding="utf-8"))
    done = {normalised(op.path) for op in served}
    left = []
    for row in surface["operations"]:
        path = normalised(row["path"])
        if row["method"] != "GET" or path in done:
            continue
        reason = next((why for pattern, why in REASONS if re.search(pattern, path)), None)
        if reason is None:
            raise ValueError(f"GET {row['path']}: neither served nor given a reason")
        left.append(LeftOut("GET", row["path"], reason))
    return left


_ALL_SERVED = [*SERVED, *(Operation("GET", path, SHAPED) for path in SHAPED_PATHS)]

OPERATIONS = OperationTable(
    served=_ALL_SERVED,
    left_out=_left_out(_ALL_SERVED),
    extra=[
        Operation("POST", "/channels/{channel_id}/messages", "create_message", complete=False),
        Operation(
            "POST", "/webhooks/{webhook_id}/{webhook_token}", "execute_webhook", complete=False
        ),
    ],
)
