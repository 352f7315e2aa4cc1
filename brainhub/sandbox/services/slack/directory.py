"""What the workspace's people and channels imply beyond them: channel members, user
groups, presence and custom emoji. Everything is a pure function of the workspace, so it
follows its generations (a deactivated account leaves its groups; a new channel has
members).

- a channel's members are ``num_members`` people, the bot user first where it is a member
  (``#general``: every active person);
- user groups: ``@engineering``, ``@design`` and ``@oncall`` with active members, and a
  disabled ``@former-staff`` that only ``include_disabled`` shows;
- presence: every third person is away; bots are always active.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from brainhub.sandbox.services.slack.workspace import (
    BASE_TS,
    DAY_S,
    ID_CHARS,
    Channel,
    Workspace,
)

#: The workspace's custom emoji: name → image URL or ``alias:<name>``.
CUSTOM_EMOJI = {
    "shipit": "https://emoji.slack-edge.com/acme/shipit/5f2c6a1b7e9d3c40.png",
    "partyparrot": "https://emoji.slack-edge.com/acme/partyparrot/0a9b8c7d6e5f4a3b.gif",
    "squirrel": "alias:shipit",
    "lgtm": "https://emoji.slack-edge.com/acme/lgtm/1c2d3e4f5a6b7c8d.png",
}

_GROUPS = (
    ("engineering", "Engineering", "Everyone who ships code", 0, 3),
    ("design", "Design", "Product and visual design", 1, 4),
    ("oncall", "On-call", "This week's on-call rotation", 2, 5),
)


@dataclass(frozen=True)
class UserGroup:
    """A user group (Slack's ``subteam``) and its members."""

    data: dict[str, Any]
    users: list[str]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def enabled(self) -> bool:
        return not self.data["date_delete"]


def active_people(ws: Workspace) -> list[dict[str, Any]]:
    """People of the team (not Slackbot or the bot user) whose accounts are active."""
    return [u for u in ws.users[2:] if not u["deleted"] and not u["is_bot"]]


def channel_members(ws: Workspace, channel: Channel) -> list[str]:
    """The member ids of ``channel``: ``num_members`` of them."""
    people = [u["id"] for u in active_people(ws)]
    wanted = int(channel.data["num_members"])
    members = [ws.bot_user_id] if channel.readable else []
    if not people:
        return members
    start = _number(channel.id) % len(people)
    for offset in range(len(people)):
        if len(members) >= wanted:
            break
        members.append(people[(start + offset) % len(people)])
    return members


def user_groups(ws: Workspace) -> list[UserGroup]:
    """The team's user groups, enabled ones first."""
    people = active_people(ws)
    owner = people[0]["id"] if people else ws.bot_user_id
    groups = []
    for handle, name, description, first, stride in _GROUPS:
        members = [p["id"] for p in people[first::stride]] or [owner]
        groups.append(UserGroup(_group(ws, handle, name, description, owner, 0), members))
    retired = _group(ws, "former-staff", "Former staff", "Alumni", owner, BASE_TS - 5 * DAY_S)
    groups.append(UserGroup(retired, []))
    return groups


def presence(ws: Workspace, user: dict[str, Any]) -> str:
    """``"active"`` or ``"away"``."""
    if user["is_bot"] or user["id"] == "USLACKBOT":
        return "active"
    return "away" if user["deleted"] or _number(user["id"]) % 3 == 0 else "active"


def _group(
    ws: Workspace, handle: str, name: str, description: str, owner: str, deleted: int
) -> dict[str, Any]:
    created = BASE_TS - 200 * DAY_S + _number(handle) % DAY_S
    return {
        "id": "S" + _id_text(handle),
        "team_id": ws.team_id,
        "is_usergroup": True,
        "is_subteam": True,
        "is_external": False,
        "name": name,
        "description": description,
        "handle": handle,
        "auto_type": None,
        "auto_provision": False,
        "enterprise_subteam_id": "",
        "channel_count": 0,
        "created_by": owner,
        "updated_by": owner,
        "deleted_by": owner if deleted else None,
        "date_create": created,
        "date_update": max(created, deleted) if deleted else created + 30 * DAY_S,
        "date_delete": deleted,
        "prefs": {"channels": [], "groups": []},
    }


def _number(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _id_text(text: str) -> str:
    number = _number(text)
    chars = []
    for _ in range(10):
        number, index = divmod(number, len(ID_CHARS))
        chars.append(ID_CHARS[index])
    return "".join(chars)
