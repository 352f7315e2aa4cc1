"""Users and conversations completed once, when the workspace is built, with every field
Slack documents for them, so every method that answers one (``users.list``,
``users.info``, ``users.lookupByEmail``, ``conversations.list``, ``.info``…) answers the
same object.

The fields the workspace implies are written from it (a channel's ``display_counts`` from
its members, ``last_read`` and ``latest`` from its history, a profile's ``user_id`` and
avatar sizes); the rest are shaped from the documented schema, seeded by the object's id.
Fields Slack's document lists for *other kinds* of the same object are left out, as
Slack leaves them out: an IM's ``user``, a shared channel's ``shares`` and
``accepted_user``, an Enterprise Grid ``enterprise_id``; a bot's ``bot_id`` on a person's
profile; the time zone of a deactivated account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brainhub.sandbox.kit.shapes import Shape
from brainhub.sandbox.services.slack import directory
from brainhub.sandbox.services.slack.shaping import SlackShaper
from brainhub.sandbox.services.slack.workspace import Channel, Workspace

#: Conversation fields of other kinds of conversation (IMs, shared and Grid channels);
#: ``members`` come from ``conversations.members``.
OTHER_KIND_CHANNEL_FIELDS = frozenset(
    {"user", "shares", "accepted_user", "enterprise_id", "members", "is_moved"}
)
#: Profile fields only some accounts have (bots, guests; Slackbot has no e-mail): sent
#: when the workspace models them for the account.
ONLY_WHEN_MODELLED = frozenset(
    {"bot_id", "api_app_id", "always_active", "guest_expiration_ts", "guest_invited_by", "email"}
)
#: Fields a deactivated account no longer has.
DEACTIVATED_FIELDS = frozenset({"tz", "tz_label", "tz_offset"})


def complete_workspace(ws: Workspace, shaper: SlackShaper, surface: Mapping[str, Any]) -> None:
    """Complete ``ws``'s users and channels in place (see the module doc)."""
    user_shape = surface["GET /users.info"].shape["o"]["user"]
    channel_shape = surface["GET /conversations.info"].shape["o"]["channel"]
    memberships: dict[str, int] = {}
    members = {c.id: directory.channel_members(ws, c) for c in ws.channels}
    for ids in members.values():
        for user_id in ids:
            memberships[user_id] = memberships.get(user_id, 0) + 1
    zones = {u["id"]: str(u["tz"]) for u in ws.users if u.get("tz")}
    ws.users = [_user(ws, shaper, user_shape, u, memberships.get(u["id"], 0)) for u in ws.users]
    for channel in ws.channels:
        timezones = {zones[m] for m in members[channel.id] if m in zones}
        channel.data = _channel(ws, shaper, channel_shape, channel, members[channel.id], timezones)


def _context(ws: Workspace, **values: Any) -> dict[str, Any]:
    return {
        "team_id": ws.team_id,
        "team": ws.team_id,
        "bot_id": ws.bot_id,
        "app_id": "A" + ws.bot_id[1:],
        **values,
    }


def _user(
    ws: Workspace, shaper: SlackShaper, shape: Shape, user: dict[str, Any], memberships: int
) -> dict[str, Any]:
    profile = dict(user["profile"])
    avatar = str(profile.get("image_512", ""))
    profile_defaults = {
        "user_id": user["id"],
        "name": user["name"],
        "username": user["name"],
        "updated": user["updated"],
        "image_1024": avatar.replace("_512.", "_1024."),
        "image_original": avatar.replace("_512.", "_original."),
        "is_custom_image": not user["is_bot"],
        "last_avatar_image_hash": profile.get("avatar_hash", ""),
        "is_app_user": False,
        "is_restricted": user["is_restricted"],
        "is_ultra_restricted": user["is_ultra_restricted"],
        "memberships_count": memberships,
        "pronouns": "",
        "status_text_canonical": "",
        "status_default_text": "",
        "status_default_text_canonical": "",
        "status_default_emoji": "",
    }
    defaults: dict[str, Any] = {
        # bots keep the time zone of the workspace's primary region
        "tz": "America/Los_Angeles",
        "tz_label": "Pacific Standard Time",
        "tz_offset": -28800,
        "team": ws.team_id,
        "locale": "en-US",
        "presence": directory.presence(ws, user),
        "has_2fa": bool(user["is_admin"]),
        "two_factor_type": "app",
        "is_external": False,
        "is_forgotten": False,
        "is_invited_user": False,
        "is_stranger": False,
    }
    seeded = {**defaults, **user, "profile": {**profile_defaults, **profile}}
    context = _context(ws, user_id=user["id"], user=user["id"])
    completed = shaper.complete(shape, seeded, context, f"user:{user['id']}")
    absent = set(DEACTIVATED_FIELDS - set(user)) if user["deleted"] else set()
    out = {k: v for k, v in completed.items() if k not in absent}
    hidden = ONLY_WHEN_MODELLED - set(profile)
    out["profile"] = {k: v for k, v in completed["profile"].items() if k not in hidden}
    return out


def _channel(
    ws: Workspace,
    shaper: SlackShaper,
    shape: Shape,
    channel: Channel,
    members: list[str],
    timezones: set[str],
) -> dict[str, Any]:
    data = channel.data
    latest = channel.messages[-1] if channel.messages else None
    guests = {u["id"] for u in ws.users if u["is_restricted"]}
    defaults: dict[str, Any] = {
        "conversation_host_id": ws.team_id,
        "connected_team_ids": [],
        "internal_team_ids": [],
        "display_counts": {
            "display_counts": data["num_members"],
            "guest_counts": sum(1 for m in members if m in guests),
        },
        "has_pins": False,
        "pin_count": 0,
        "is_frozen": False,
        "is_global_shared": False,
        "is_non_threadable": False,
        "is_open": False,
        "is_org_default": False,
        "is_org_mandatory": False,
        "is_read_only": False,
        "is_starred": False,
        "is_thread_only": False,
        "last_read": latest["ts"] if latest and channel.readable else "0000000000.000000",
        "priority": 0.0,
        "timezone_count": len(timezones),
        "unread_count": 0,
        "unread_count_display": 0,
        "use_case": "",
        "version": 0,
    }
    seeded = {**defaults, **data}
    context = _context(ws, channel_id=channel.id, user_id=data["creator"])
    completed = shaper.complete(shape, seeded, context, f"channel:{channel.id}")
    out = {k: v for k, v in completed.items() if k not in OTHER_KIND_CHANNEL_FIELDS}
    if latest is not None and channel.readable:
        out["latest"] = latest
    else:
        out.pop("latest", None)  # the bot reads no history there
    return out
