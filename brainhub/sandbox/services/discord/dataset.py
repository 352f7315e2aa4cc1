"""The seeded Discord dataset: the bot's guilds, their roles, emojis, channels, threads,
members, messages, invites and webhooks, for a seed, a size and a generation.

Every id is a snowflake made from its object's creation time (:mod:`.snowflakes`), so a
message's ``timestamp`` and its id agree and ``after=<id>`` reads what came later. Each
generation is one hour later than the last: every text channel gets two new messages, every
guild one new member while its longest-standing member leaves, the latest message of each guild's first channel is edited, and the
oldest message of each guild's last text channel is deleted (Discord keeps no tombstones).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from brainhub.sandbox.services.discord.snowflakes import iso, snowflake

#: The dataset's "now" at generation 0 (2026-03-01T00:00:00Z), in epoch ms.
BASE_MS = 1_772_323_200_000
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

#: Channel types (Discord's numbers).
GUILD_TEXT, GUILD_VOICE, GUILD_CATEGORY, PUBLIC_THREAD = 0, 2, 4, 11


@dataclass(frozen=True)
class Size:
    """How much one dataset size holds."""

    guilds: int
    text_channels: int
    members: int
    messages: int
    active_threads: int
    archived_threads: int


SIZES = {
    "tiny": Size(
        guilds=1, text_channels=2, members=4, messages=6, active_threads=1, archived_threads=1
    ),
    "demo": Size(
        guilds=2, text_channels=3, members=25, messages=130, active_threads=2, archived_threads=3
    ),
    "large": Size(
        guilds=3, text_channels=6, members=2300, messages=450, active_threads=4, archived_threads=60
    ),
}

WORDS = [
    *("deploy", "ship", "review", "merge", "build", "release", "fix", "test", "docs", "plan"),
    *("sync", "standup", "demo", "retro", "incident", "rollback", "metrics", "alert", "roadmap"),
]


@dataclass
class Counters:
    """What the generations did, for ``mutate`` reports."""

    messages_created: int = 0
    messages_edited: int = 0
    messages_deleted: int = 0
    members_joined: int = 0
    members_left: int = 0


@dataclass
class Dataset:
    """Everything the emulator serves, by id."""

    bot: dict[str, Any]
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    guilds: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    emojis: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Guild channels and threads alike (threads are channels at Discord).
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    messages: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    invites: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    counters: Counters = field(default_factory=Counters)
    #: A sequence for ids made in the same millisecond.
    sequence: int = 0

    def next_id(self, created_ms: int) -> str:
        """A fresh snowflake for an object created at ``created_ms``."""
        self.sequence += 1
        return snowflake(created_ms, self.sequence)

    def guild_channels(self, guild_id: str) -> list[dict[str, Any]]:
        """A guild's channels (threads not included), by position."""
        found = [
            c
            for c in self.channels.values()
            if c.get("guild_id") == guild_id and c["type"] != PUBLIC_THREAD
        ]
        return sorted(found, key=lambda c: (c["position"], int(c["id"])))

    def text_channels(self, guild_id: str) -> list[dict[str, Any]]:
        return [c for c in self.guild_channels(guild_id) if c["type"] == GUILD_TEXT]

    def threads(self, guild_id: str, archived: bool) -> list[dict[str, Any]]:
        """A guild's threads, active or archived."""
        return [
            c
            for c in self.channels.values()
            if c.get("guild_id") == guild_id
            and c["type"] == PUBLIC_THREAD
            and c["thread_metadata"]["archived"] is archived
        ]


def build(seed: int, size: str, generation: int) -> Dataset:
    """The dataset of ``(seed, size)`` as it stands at ``generation``."""
    shape = SIZES[size]
    rng = random.Random(f"discord:{seed}:{size}")
    bot = _user(snowflake(BASE_MS - 900 * DAY_MS, 1), "brainhub-bot", bot=True)
    data = Dataset(bot=bot)
    data.users[bot["id"]] = bot
    people = [
        _user(
            snowflake(BASE_MS - 800 * DAY_MS + n * 7 * HOUR_MS, 2),
            f"{rng.choice(['ada', 'lin', 'sam', 'kai', 'noor', 'ivo'])}{n}",
        )
        for n in range(shape.members)
    ]
    for person in people:
        data.users[person["id"]] = person
    for g in range(shape.guilds):
        _guild(data, rng, g, shape, people[: max(shape.members - 3 * g, 1)])
    for step in range(1, generation + 1):
        _generation(data, rng, step)
    return data


def _user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": None if bot else name.title(),
        "discriminator": "0",
        "avatar": hashlib.md5(user_id.encode(), usedforsecurity=False).hexdigest(),
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "primary_guild": None,
    }


def _guild(
    data: Dataset, rng: random.Random, g: int, shape: Size, people: list[dict[str, Any]]
) -> None:
    created = BASE_MS - (600 - 40 * g) * DAY_MS
    guild_id = data.next_id(created)
    owner = people[0]["id"]
    data.guilds[guild_id] = {
        "id": guild_id,
        "name": ["Octo Sandbox", "Data Guild", "Release Crew"][g % 3] + ("" if g < 3 else f" {g}"),
        "icon": None,
        "banner": None,
        "splash": None,
        "description": "A sandbox guild" if g == 0 else None,
        "owner_id": owner,
        "region": "deprecated",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "features": ["COMMUNITY"] if g == 0 else [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "nsfw": False,
        "premium_progress_bar_enabled": False,
        "home_header": None,
        "discovery_splash": None,
        "application_id": None,
        "widget_enabled": False,
        "widget_channel_id": None,
        "max_presences": None,
        "max_members": 500000,
        "max_stage_video_channel_users": 50,
        "max_video_channel_users": 25,
        "safety_alerts_channel_id": None,
        "incidents_data": None,
    }
    data.roles[guild_id] = [
        _role(guild_id, "@everyone", 0, "1071698660929"),
        _role(data.next_id(created + DAY_MS), "maintainers", 2, "8"),
        _role(data.next_id(created + 2 * DAY_MS), "reviewers", 1, "2048"),
    ]
    data.emojis[guild_id] = [
        {
            "id": data.next_id(created + (3 + n) * DAY_MS),
            "name": name,
            "roles": [],
            "require_colons": True,
            "managed": False,
            "animated": False,
            "available": True,
            "user": people[0],
        }
        for n, name in enumerate(["shipit", "lgtm"])
    ]
    category = _channel(data, guild_id, created + 5 * DAY_MS, "Text Channels", GUILD_CATEGORY, 0)
    for n in range(shape.text_channels):
        channel = _channel(
            data,
            guild_id,
            created + (6 + n) * DAY_MS,
            ["general", "releases", "support", "random", "alerts", "builds"][n % 6]
            + ("" if n < 6 else str(n)),
            GUILD_TEXT,
            n,
            category["id"],
        )
        channel["topic"] = f"About {channel['name']}"
        _history(data, rng, channel, people, shape.messages)
    _channel(data, guild_id, created + 20 * DAY_MS, "Voice", GUILD_VOICE, shape.text_channels)
    data.members[guild_id] = {}
    for n, person in enumerate([data.bot, *people]):
        joined = created + (n + 1) * HOUR_MS
        _join(
            data,
            guild_id,
            person,
            joined,
            [] if n == 0 else [data.roles[guild_id][1 + n % 2]["id"]],
        )
    texts = data.text_channels(guild_id)
    for n in range(shape.active_threads + shape.archived_threads):
        parent = texts[n % len(texts)]
        archived = n >= shape.active_threads
        _thread(
            data,
            guild_id,
            parent,
            people[n % len(people)],
            BASE_MS - (30 - n % 25) * DAY_MS + n * 60_000,
            archived,
            n,
        )
    first = texts[0]
    code = hashlib.sha256(f"{guild_id}".encode()).hexdigest()[:8]
    data.invites[code] = {
        "code": code,
        "type": 0,
        "guild_id": guild_id,
        "channel_id": first["id"],
        "inviter": people[0],
        "uses": 3,
        "max_uses": 0,
        "max_age": 0,
        "temporary": False,
        "created_at": iso(created + 7 * DAY_MS),
        "expires_at": None,
    }
    hook_id = data.next_id(created + 8 * DAY_MS)
    data.webhooks[hook_id] = {
        "id": hook_id,
        "type": 1,
        "guild_id": guild_id,
        "channel_id": first["id"],
        "name": "CI notifications",
        "avatar": None,
        "application_id": None,
        "token": hashlib.sha256(f"discord-webhook-{hook_id}".encode()).hexdigest()[:68],
        "user": people[0],
    }


def _role(role_id: str, name: str, position: int, permissions: str) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "description": None,
        "permissions": permissions,
        "position": position,
        "color": 0 if position == 0 else 0x5865F2,
        "colors": {
            "primary_color": 0 if position == 0 else 0x5865F2,
            "secondary_color": None,
            "tertiary_color": None,
        },
        "hoist": position > 0,
        "managed": False,
        "mentionable": position > 0,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def _channel(
    data: Dataset,
    guild_id: str,
    created: int,
    name: str,
    kind: int,
    position: int,
    parent_id: str | None = None,
) -> dict[str, Any]:
    channel_id = data.next_id(created)
    channel: dict[str, Any] = {
        "id": channel_id,
        "type": kind,
        "guild_id": guild_id,
        "name": name,
        "position": position,
        "flags": 0,
        "parent_id": parent_id,
        "permission_overwrites": [],
        "nsfw": False,
        "last_message_id": None,
    }
    if kind == GUILD_TEXT:
        channel.update(topic=None, last_pin_timestamp=None, rate_limit_per_user=0)
    if kind == GUILD_VOICE:
        channel.update(
            bitrate=64000,
            user_limit=0,
            rtc_region=None,
            last_message_id=None,
            rate_limit_per_user=0,
        )
    data.channels[channel_id] = channel
    data.messages[channel_id] = {}
    return channel


def _history(
    data: Dataset,
    rng: random.Random,
    channel: dict[str, Any],
    people: list[dict[str, Any]],
    count: int,
) -> None:
    start = BASE_MS - 60 * DAY_MS
    spacing = (58 * DAY_MS) // max(count, 1)
    for n in range(count):
        moment = start + n * spacing + rng.randrange(0, 60_000)
        message = post(data, channel["id"], people[rng.randrange(len(people))], _text(rng), moment)
        if n % 17 == 3:
            message["pinned"] = True
            channel["last_pin_timestamp"] = iso(moment)


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 9)))


def post(
    data: Dataset,
    channel_id: str,
    author: dict[str, Any],
    content: str,
    moment: int,
    webhook_id: str | None = None,
    message_id: str | None = None,
    embeds: list[Any] | None = None,
) -> dict[str, Any]:
    """A new message in a channel (or thread), with an id of its moment (or ``message_id``)."""
    message_id = message_id or data.next_id(moment)
    message: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel_id,
        "type": 0,
        "author": author,
        "content": content,
        "timestamp": iso(moment),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds or [],
        "components": [],
        "pinned": False,
        "flags": 0,
    }
    if webhook_id is not None:
        message["webhook_id"] = webhook_id
    data.messages[channel_id][message_id] = message
    channel = data.channels[channel_id]
    channel["last_message_id"] = message_id
    if channel["type"] == PUBLIC_THREAD:
        channel["message_count"] += 1
        channel["total_message_sent"] += 1
    return message


def _join(
    data: Dataset, guild_id: str, user: dict[str, Any], joined: int, roles: list[str]
) -> None:
    data.members[guild_id][user["id"]] = {
        "user": user,
        "nick": None,
        "avatar": None,
        "banner": None,
        "roles": roles,
        "joined_at": iso(joined),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }


def _thread(
    data: Dataset,
    guild_id: str,
    parent: dict[str, Any],
    owner: dict[str, Any],
    created: int,
    archived: bool,
    n: int,
) -> None:
    thread_id = data.next_id(created)
    data.channels[thread_id] = {
        "id": thread_id,
        "type": PUBLIC_THREAD,
        "guild_id": guild_id,
        "parent_id": parent["id"],
        "owner_id": owner["id"],
        "name": f"thread {n}: {parent['name']}",
        "flags": 0,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "applied_tags": [],
        "thread_metadata": {
            "archived": archived,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso(created + (2 * DAY_MS if archived else 0)),
            "locked": False,
            "create_timestamp": iso(created),
        },
    }
    data.messages[thread_id] = {}
    post(data, thread_id, owner, f"Discussion of {parent['name']}", created + 60_000)


def _generation(data: Dataset, rng: random.Random, step: int) -> None:
    moment = BASE_MS + step * HOUR_MS
    for g, guild_id in enumerate(sorted(data.guilds, key=int)):
        texts = data.text_channels(guild_id)
        people = [m["user"] for m in data.members[guild_id].values() if not m["user"]["bot"]]
        edited = max(data.messages[texts[0]["id"]].values(), key=lambda m: int(m["id"]))
        edited["content"] += " (edited)"
        edited["edited_timestamp"] = iso(moment)
        data.counters.messages_edited += 1
        doomed = min(data.messages[texts[-1]["id"]], key=int)
        del data.messages[texts[-1]["id"]][doomed]
        data.counters.messages_deleted += 1
        for c, channel in enumerate(texts):
            for k in range(2):
                at = moment + (g * 10 + c) * 60_000 + k * 1000
                post(data, channel["id"], people[rng.randrange(len(people))], _text(rng), at)
                data.counters.messages_created += 1
        owner = data.guilds[guild_id]["owner_id"]
        leavers = [p for p in people if p["id"] != owner]
        if leavers:  # the owner cannot leave
            del data.members[guild_id][leavers[0]["id"]]
            data.counters.members_left += 1
        newcomer = _user(data.next_id(moment - DAY_MS + g * 60_000), f"newcomer{step}g{g}")
        data.users[newcomer["id"]] = newcomer
        _join(data, guild_id, newcomer, moment + g * 60_000, [])
        data.counters.members_joined += 1
