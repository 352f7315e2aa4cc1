"""The seeded Slack workspace: users, channels, messages and threads, per generation.

Everything is a pure function of ``(seed, size, generation)``. Generation 0 holds 90 days of
history ending at :data:`BASE_TS` (2024-01-01T00:00:00Z); every later generation ``g`` adds
what happened on day ``g`` after it: new messages (one of them starting a thread), a new
channel, a new user and edits to two user profiles, and a new topic on one channel; and
deletions: an older message, an archived (or earlier project) channel with its history, and
a deactivated account (still listed with ``deleted: true``).

Ids follow Slack's shapes: ``T``/``U``/``C``/``B`` plus ten upper-case letters and digits;
message ids are ``ts`` strings (``"1703980800.000100"``), unique within a channel.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BASE_TS = 1_704_067_200  # 2024-01-01T00:00:00Z
DAY_S = 86_400
HISTORY_DAYS = 90
ID_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

FIRST = ("Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jia", "Kofi")
LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kim", "Berg")
TITLES = ("Engineer", "Designer", "Product Manager", "Support Lead", "Data Analyst", "Writer")
ZONES = (
    ("America/Los_Angeles", "Pacific Standard Time", -28800),
    ("America/New_York", "Eastern Standard Time", -18000),
    ("Europe/London", "Greenwich Mean Time", 0),
    ("Europe/Berlin", "Central European Time", 3600),
    ("Asia/Tokyo", "Japan Standard Time", 32400),
)
CHANNELS = ("general", "random", "engineering", "design", "support", "releases", "marketing")
WORDS = (
    "deploy",
    "review",
    "the",
    "release",
    "is",
    "ready",
    "for",
    "tomorrow",
    "can",
    "someone",
    "check",
    "dashboard",
    "customer",
    "reported",
    "a",
    "bug",
    "in",
    "checkout",
    "thanks",
    "merged",
    "fix",
    "meeting",
    "moved",
    "to",
    "friday",
    "draft",
    "looks",
    "good",
    "ship",
    "it",
)
EMOJI = ("thumbsup", "eyes", "tada", "white_check_mark", "rocket", "pray")


@dataclass(frozen=True)
class SlackSize:
    """How much data a named size holds (channels the bot is a member of, and so on)."""

    users: int
    member_channels: int
    messages_per_channel: int
    threads_per_channel: int
    replies_per_thread: int


SIZES: dict[str, SlackSize] = {
    "tiny": SlackSize(4, 3, 8, 1, 2),
    "demo": SlackSize(24, 8, 60, 2, 3),
    "large": SlackSize(300, 60, 600, 12, 6),
}


@dataclass
class Channel:
    """A conversation with its top-level messages (oldest first) and thread replies."""

    data: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def readable(self) -> bool:
        """Whether the token's bot user is a member (only then is history readable)."""
        return bool(self.data["is_member"])


@dataclass
class Workspace:
    """One Slack team as the emulator serves it."""

    team_id: str
    team_name: str
    bot_user_id: str
    bot_id: str
    users: list[dict[str, Any]]
    channels: list[Channel]

    def channel(self, channel_id: str) -> Channel | None:
        """The channel with this id, or ``None``."""
        return next((c for c in self.channels if c.id == channel_id), None)

    def visible_channels(self) -> list[Channel]:
        """Channels ``conversations.list`` shows the bot: public ones and private it is in."""
        return [c for c in self.channels if not c.data["is_private"] or c.readable]


def slack_id(rng: random.Random, prefix: str) -> str:
    """A Slack-shaped id: the prefix and ten upper-case letters/digits."""
    return prefix + "".join(rng.choice(ID_CHARS) for _ in range(10))


def ts_text(seconds: int, micros: int) -> str:
    """A message ``ts``: Unix seconds and a six-digit fraction."""
    return f"{seconds}.{micros:06d}"


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


class WorkspaceBuilder:
    """Builds the workspace for one ``(seed, size, generation)``; ``rng(scope)`` seeds it."""

    def __init__(self, size: SlackSize, rng: Callable[..., random.Random]) -> None:
        self.size = size
        self.rng = rng

    def build(self, generation: int) -> Workspace:
        rng = self.rng("team")
        team_id = slack_id(rng, "T")
        ws = Workspace(team_id, "Acme Chat", slack_id(rng, "U"), slack_id(rng, "B"), [], [])
        ws.users = [self._slackbot(ws), self._bot_user(ws)]
        for index in range(self.size.users):
            ws.users.append(self._user(ws, index, BASE_TS - 400 * DAY_S + index * 3_600))
        ws.users[-1]["deleted"] = True  # one deactivated account, as every team has
        for key in ("tz", "tz_label", "tz_offset"):
            ws.users[-1].pop(key)
        self._channels(ws)
        for step in range(1, generation + 1):
            self._mutate(ws, step)
        for channel in ws.channels:
            channel.messages.sort(key=lambda m: m["ts"])
        return ws

    # ---- users -----------------------------------------------------------------------------

    def _slackbot(self, ws: Workspace) -> dict[str, Any]:
        profile = self._profile(ws, "Slackbot", "slackbot", "", None)
        profile.update(first_name="slackbot", last_name="", always_active=True)
        return {
            "id": "USLACKBOT",
            "team_id": ws.team_id,
            "name": "slackbot",
            "deleted": False,
            "color": "757575",
            "real_name": "Slackbot",
            "tz": "America/Los_Angeles",
            "tz_label": "Pacific Standard Time",
            "tz_offset": -28800,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,  # Slackbot is famously not a bot in users.list
            "is_app_user": False,
            "updated": 0,
        }

    def _bot_user(self, ws: Workspace) -> dict[str, Any]:
        profile = self._profile(ws, "Brainhub", "brainhub", "", None)
        profile.update(bot_id=ws.bot_id, api_app_id="A" + ws.bot_id[1:], always_active=True)
        user = self._base_user(ws, ws.bot_user_id, "brainhub", "Brainhub", profile)
        user.update(is_bot=True, updated=BASE_TS - 200 * DAY_S)
        return user

    def _user(self, ws: Workspace, index: int, updated: int) -> dict[str, Any]:
        rng = self.rng("user", index)
        first, last = FIRST[index % len(FIRST)], LAST[rng.randrange(len(LAST))]
        handle = f"{first.lower()}.{last.lower()}{index}"
        profile = self._profile(
            ws, f"{first} {last}", handle, TITLES[rng.randrange(len(TITLES))], f"{handle}@acme.test"
        )
        profile.update(first_name=first, last_name=last)
        user = self._base_user(ws, slack_id(rng, "U"), handle, f"{first} {last}", profile)
        zone, label, offset = ZONES[rng.randrange(len(ZONES))]
        user.update(tz=zone, tz_label=label, tz_offset=offset, updated=updated)
        user.update(is_admin=index == 0, is_owner=index == 0, is_primary_owner=index == 0)
        user["is_restricted"] = index % 9 == 8  # a multi-channel guest now and then
        return user

    @staticmethod
    def _base_user(
        ws: Workspace, user_id: str, name: str, real_name: str, profile: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "id": user_id,
            "team_id": ws.team_id,
            "name": name,
            "deleted": False,
            "color": f"{sum(map(ord, user_id)) * 2_654_435_761 % 0xFFFFFF:06x}",
            "real_name": real_name,
            "profile": profile,
            "is_admin": False,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": BASE_TS - 300 * DAY_S,
        }

    @staticmethod
    def _profile(
        ws: Workspace, real_name: str, display: str, title: str, email: str | None
    ) -> dict[str, Any]:
        avatar = f"{abs(sum(map(ord, display))) * 7919:012x}"[-12:]
        profile: dict[str, Any] = {
            "title": title,
            "phone": "",
            "skype": "",
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": display,
            "display_name_normalized": display,
            "fields": None,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": avatar,
            "team": ws.team_id,
        }
        if email:
            profile["email"] = email
        for px in (24, 32, 48, 72, 192, 512):
            profile[f"image_{px}"] = f"https://avatars.slack-edge.com/2023-01-01/{avatar}_{px}.png"
        return profile

    # ---- channels and messages -------------------------------------------------------------

    def _channels(self, ws: Workspace) -> None:
        size = self.size
        people = [u for u in ws.users[2:] if not u["deleted"]]
        layout = [("member", name) for name in range(size.member_channels)]
        layout += [("archived", 0), ("outsider", 0), ("private", 0), ("hidden", 0)]
        for no, (kind, index) in enumerate(layout):
            rng = self.rng("channel", no)
            name = {
                "outsider": "watercooler",
                "private": "leadership",
                "hidden": "hr-private",
                "archived": "old-projects",
            }.get(kind) or _channel_name(index)
            created = BASE_TS - (HISTORY_DAYS + 30) * DAY_S + no * 7_200
            creator = people[no % len(people)]["id"]
            data = _channel_json(ws, slack_id(rng, "C"), name, created, creator)
            data["is_private"] = kind in ("private", "hidden")
            data["is_member"] = kind not in ("outsider", "hidden")
            data["is_archived"] = kind == "archived"
            data["is_general"] = name == "general"
            data["num_members"] = len(people) if name == "general" else 3 + no % 7
            channel = Channel(data)
            first = BASE_TS - HISTORY_DAYS * DAY_S + (no % 24) * 3_600
            span = (HISTORY_DAYS - 2) * DAY_S
            self._history(ws, channel, rng, people, first, span, size.messages_per_channel)
            ws.channels.append(channel)

    def _history(
        self,
        ws: Workspace,
        channel: Channel,
        rng: random.Random,
        people: list[dict[str, Any]],
        first: int,
        span: int,
        count: int,
    ) -> None:
        step = max(1, span // max(1, count))
        joined = _message(ws, ts_text(first, 100), channel.data["creator"], "")
        joined.update(subtype="channel_join", text=f"<@{channel.data['creator']}> has joined")
        channel.messages.append(joined)
        for i in range(1, count):
            seconds = first + i * step + rng.randrange(step // 2 + 1)
            author = people[rng.randrange(len(people))]["id"]
            message = _message(ws, ts_text(seconds, rng.randrange(1, 999_999)), author, "")
            message["text"] = _sentence(rng, 4 + rng.randrange(8))
            if i % 11 == 5:
                message = _bot_message(ws, message)
            elif i % 7 == 3:
                message["reactions"] = [_reaction(rng, people)]
            channel.messages.append(message)
        self._threads(ws, channel, rng, people, self.size.threads_per_channel, step)

    def _threads(
        self,
        ws: Workspace,
        channel: Channel,
        rng: random.Random,
        people: list[dict[str, Any]],
        threads: int,
        gap: int,
    ) -> None:
        candidates = [m for m in channel.messages if "user" in m and "subtype" not in m]
        if not candidates:
            return
        stride = max(1, len(candidates) // (threads + 1))
        for t in range(threads):
            parent = candidates[min(len(candidates) - 1, stride * (t + 1) - 1)]
            self._add_thread(ws, channel, parent, rng, people, self.size.replies_per_thread, gap)

    @staticmethod
    def _add_thread(
        ws: Workspace,
        channel: Channel,
        parent: dict[str, Any],
        rng: random.Random,
        people: list[dict[str, Any]],
        count: int,
        gap: int,
    ) -> None:
        seconds = int(parent["ts"].split(".")[0])
        replies = []
        for r in range(count):
            author = people[(rng.randrange(len(people)) + r) % len(people)]["id"]
            moment = seconds + (r + 1) * max(1, min(gap // (count + 1), 3_600))
            reply = _message(ws, ts_text(moment, rng.randrange(1, 999_999)), author, "")
            reply.update(
                text=_sentence(rng, 3 + rng.randrange(6)),
                thread_ts=parent["ts"],
                parent_user_id=parent["user"],
            )
            replies.append(reply)
        users = sorted({r["user"] for r in replies})
        parent.update(
            thread_ts=parent["ts"],
            reply_count=len(replies),
            reply_users_count=len(users),
            latest_reply=replies[-1]["ts"],
            reply_users=users,
        )
        channel.replies[parent["ts"]] = replies

    # ---- generations -----------------------------------------------------------------------

    def _mutate(self, ws: Workspace, step: int) -> None:
        """What happens on day ``step`` after the base dataset."""
        rng = self.rng("step", step)
        day = BASE_TS + (step - 1) * DAY_S + 9 * 3_600
        people = [u for u in ws.users[2:] if not u["deleted"]]
        edited = (step % len(people), (step + 1) % len(people))
        for offset, index in enumerate(edited):
            user = people[index]
            user["profile"]["title"] = TITLES[(step + offset) % len(TITLES)] + " (updated)"
            user["updated"] = day + offset
        newcomer = self._user(ws, 10_000 + step, day + 5)
        ws.users.insert(len(ws.users) - 1, newcomer)
        people.append(newcomer)
        readable = [c for c in ws.channels if c.readable and not c.data["is_archived"]]
        for j, channel in enumerate(readable):
            if (j + step) % 2:
                continue
            for k in range(2):
                seconds = day + 600 + j * 60 + k * 7
                message = _message(ws, ts_text(seconds, rng.randrange(1, 999_999)), "", "")
                message.update(user=people[rng.randrange(len(people))]["id"])
                message["text"] = _sentence(rng, 5)
                channel.messages.append(message)
        first = readable[step % len(readable)]
        parent = _message(ws, ts_text(day + 7_200, 200), people[0]["id"], "Thread for day")
        first.messages.append(parent)
        self._add_thread(ws, first, parent, rng, people, 2, 1_800)
        topical = readable[(step + 1) % len(readable)]
        topical.data["topic"] = {"value": f"Focus of day {step}", "creator": people[0]["id"]}
        topical.data["topic"]["last_set"] = day
        self._delete(ws, rng, day, people)
        new_rng = self.rng("new-channel", step)
        data = _channel_json(ws, slack_id(new_rng, "C"), f"project-{step}", day, people[0]["id"])
        data.update(is_private=False, is_member=True, is_archived=False, is_general=False)
        data["num_members"] = 2
        channel = Channel(data)
        self._history(ws, channel, new_rng, people, day + 60, 3_600, 3)
        ws.channels.append(channel)

    @staticmethod
    def _delete(ws: Workspace, rng: random.Random, day: int, people: list[dict[str, Any]]) -> None:
        """Slack's deletions: an older plain message (``chat.delete``), an archived or
        project channel (``admin.conversations.delete``: gone with its history) and a
        deactivated account (still listed, ``deleted: true``)."""
        cutoff = ts_text(day - DAY_S, 0)
        readable = [c for c in ws.channels if c.readable and not c.data["is_archived"]]
        plain = [
            (c, m)
            for c in readable
            for m in c.messages
            if m["ts"] < cutoff and "subtype" not in m and "thread_ts" not in m
        ]
        if plain:
            channel, message = plain[rng.randrange(len(plain))]
            channel.messages.remove(message)
        doomed = [
            c for c in ws.channels if c.data["is_archived"] or c.data["name"].startswith("project-")
        ]
        if doomed:
            ws.channels.remove(doomed[0])
        leaving = people[len(people) // 2]
        if len(people) > 3 and not leaving.get("is_bot"):
            leaving["deleted"] = True
            leaving["updated"] = day + 7


def _channel_name(index: int) -> str:
    base = CHANNELS[index % len(CHANNELS)]
    return base if index < len(CHANNELS) else f"{base}-{index // len(CHANNELS)}"


def _channel_json(
    ws: Workspace, channel_id: str, name: str, created: int, creator: str
) -> dict[str, Any]:
    return {
        "id": channel_id,
        "name": name,
        "is_channel": True,
        "is_group": False,
        "is_im": False,
        "is_mpim": False,
        "is_private": False,
        "created": created,
        "is_archived": False,
        "is_general": False,
        "unlinked": 0,
        "name_normalized": name,
        "is_shared": False,
        "is_org_shared": False,
        "is_pending_ext_shared": False,
        "pending_shared": [],
        "parent_conversation": None,
        "creator": creator,
        "is_ext_shared": False,
        "shared_team_ids": [ws.team_id],
        "pending_connected_team_ids": [],
        "is_member": True,
        "topic": {"value": "", "creator": "", "last_set": 0},
        "purpose": {"value": f"Talk about {name}", "creator": creator, "last_set": created},
        "previous_names": [],
        "num_members": 0,
    }


def _message(ws: Workspace, ts: str, user: str, text: str) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts, "team": ws.team_id}


def _bot_message(ws: Workspace, message: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "bot_message",
        "text": "Build finished: " + message["text"],
        "ts": message["ts"],
        "bot_id": ws.bot_id,
        "username": "CI",
    }


def _reaction(rng: random.Random, people: list[dict[str, Any]]) -> dict[str, Any]:
    users = sorted({people[rng.randrange(len(people))]["id"] for _ in range(3)})
    return {"name": EMOJI[rng.randrange(len(EMOJI))], "users": users, "count": len(users)}
