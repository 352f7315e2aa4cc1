"""Writes to the Slack workspace, checked like Slack checks them, as journal drafts.

``chat.postMessage`` (a channel by id, or by name as ``#general``/``general``; ``text``
and/or ``blocks``; ``thread_ts`` makes a reply), ``chat.update``, ``chat.delete``,
``reactions.add`` and ``reactions.remove``. Each method checks one call against the
current workspace and returns the :class:`~brainhub.sandbox.kit.journal.Draft` of the
change with every value resolved (see :mod:`.changes`); a bad argument stops it with
Slack's ``ok: false`` answer before anything changes.

Rules, as Slack's method pages give them: a channel the token cannot see is
``channel_not_found``; one the bot is not in is ``not_in_channel``; an archived one
``is_archived``; no ``text``, ``blocks`` or ``attachments`` is ``no_text``; text over
40,000 characters ``msg_too_long``; a bot may edit and delete only its own messages
(``cant_update_message``, ``cant_delete_message``); an unknown ``ts`` is
``message_not_found`` (``thread_not_found`` for ``thread_ts``). A new message's ``ts`` is
the emulator clock's time, later than every message of its channel, so the next
incremental read (``oldest``) picks it up; an edit stamps ``edited.ts``.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from brainhub.sandbox.kit.journal import Draft
from brainhub.sandbox.ratelimit import Clock
from brainhub.sandbox.services.slack.blocks import parsed_blocks
from brainhub.sandbox.services.slack.errors import fail, missing_argument
from brainhub.sandbox.services.slack.workspace import Channel, Workspace

MAX_TEXT = 40_000
MAX_ATTACHMENTS = 100
EMOJI_NAME = re.compile(r"[a-z0-9_+'\-]+(::skin-tone-[2-6])?")
MICRO = Decimal("0.000001")


def message_key(channel_id: str, ts: str) -> str:
    """A message's id in the journal: its channel and ``ts``."""
    return f"{channel_id}/{ts}"


def _attachments(raw: Any) -> list[dict[str, Any]]:
    """Legacy attachments as sent (a JSON array or its text); at most 100, as Slack allows."""
    if isinstance(raw, str) and raw:
        try:
            raw = json.loads(raw)
        except ValueError:
            fail("invalid_attachments")
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        fail("invalid_attachments")
    if len(raw) > MAX_ATTACHMENTS:
        fail("too_many_attachments")
    return raw


def find_message(channel: Channel, ts: str) -> tuple[dict[str, Any], str | None] | None:
    """The message ``ts`` of ``channel`` and the ``ts`` of its thread (``None`` when it is
    a top-level message), or ``None``."""
    for message in channel.messages:
        if message["ts"] == ts:
            return message, None
    for parent, replies in channel.replies.items():
        for reply in replies:
            if reply["ts"] == ts:
                return reply, parent
    return None


class MessageWriter:
    """Builds the drafts of Slack writes on one workspace. Callers hold the emulator's lock."""

    def __init__(self, workspace: Workspace, clock: Clock) -> None:
        self.workspace = workspace
        self.clock = clock

    # ------------------------------------------------------------------ channels

    def postable_channel(self, value: str) -> Channel:
        """The channel ``value`` names (an id, ``#name`` or ``name``) the bot may post in."""
        if not value:
            missing_argument("channel")
        ws = self.workspace
        visible = ws.visible_channels()
        channel = ws.channel(value)
        if channel is None:
            name = value.removeprefix("#")
            channel = next((c for c in visible if c.data["name"] == name), None)
        if channel is None or channel not in visible:
            fail("channel_not_found")
        if channel.data["is_archived"]:
            fail("is_archived")
        if not channel.readable:
            fail("not_in_channel")
        return channel

    def _channel_by_id(self, value: str) -> Channel:
        if not value:
            missing_argument("channel")
        channel = self.workspace.channel(value)
        if channel is None or channel not in self.workspace.visible_channels():
            fail("channel_not_found")
        return channel

    # ------------------------------------------------------------------ messages

    def post(
        self, params: dict[str, str], blocks: Any, channel: Channel, attachments_argument: Any
    ) -> Draft:
        """``chat.postMessage`` to ``channel`` (resolved by :meth:`postable_channel`);
        ``blocks`` and ``attachments_argument`` as sent (a JSON array or its text)."""
        text = params.get("text", "")
        checked = parsed_blocks(blocks)
        if not text and not checked and not _attachments(attachments_argument):
            fail("no_text")
        if len(text) > MAX_TEXT:
            fail("msg_too_long")
        thread_ts = params.get("thread_ts") or None
        parent = None
        if thread_ts is not None:
            found = find_message(channel, thread_ts)
            if found is None:
                fail("thread_not_found")
            parent, parent_thread = found
            if parent_thread is not None:  # a reply to a reply goes to the same thread
                thread_ts = parent_thread
                parent = find_message(channel, parent_thread)[0]  # type: ignore[index]
        ws = self.workspace
        ts = self._new_ts(channel)
        message: dict[str, Any] = {
            "type": "message",
            "user": ws.bot_user_id,
            "bot_id": ws.bot_id,
            "app_id": "A" + ws.bot_id[1:],
            "text": text,
            "ts": ts,
            "team": ws.team_id,
        }
        if checked:
            message["blocks"] = checked
        attachments = _attachments(attachments_argument)
        if attachments:
            message["attachments"] = attachments
        if parent is not None:
            message.update(thread_ts=thread_ts, parent_user_id=parent.get("user", ""))
        data = {"channel": channel.id, "thread_ts": thread_ts, "message": message}
        return Draft("create", "message", message_key(channel.id, ts), data)

    def update(self, params: dict[str, str], blocks: Any, attachments_argument: Any) -> Draft:
        """``chat.update``: new ``text``, ``blocks`` and/or ``attachments`` for one of the
        bot's messages."""
        channel, message = self._own_message(params, "cant_update_message")
        checked = parsed_blocks(blocks)
        attachments = _attachments(attachments_argument)
        text = params.get("text")
        if text is None and checked is None and not attachments:
            fail("no_text")
        if text is not None and len(text) > MAX_TEXT:
            fail("msg_too_long")
        values: dict[str, Any] = {
            "edited": {"user": self.workspace.bot_user_id, "ts": self._new_ts(channel)}
        }
        if text is not None:
            values["text"] = text
        if attachments:
            values["attachments"] = attachments
        unset = []
        if checked is not None:
            if checked:
                values["blocks"] = checked
            else:
                unset.append("blocks")
        data = {"channel": channel.id, "ts": message["ts"], "set": values, "unset": unset}
        return Draft("update", "message", message_key(channel.id, message["ts"]), data)

    def delete(self, params: dict[str, str]) -> Draft:
        """``chat.delete`` of one of the bot's messages."""
        channel, message = self._own_message(params, "cant_delete_message")
        data = {"channel": channel.id, "ts": message["ts"]}
        return Draft("delete", "message", message_key(channel.id, message["ts"]), data)

    def react(self, params: dict[str, str], add: bool) -> Draft:
        """``reactions.add``/``reactions.remove`` of the bot user on a message."""
        if not params.get("channel") or not params.get("timestamp"):
            fail("no_item_specified")
        name = params.get("name", "").strip(":")
        if not name:
            missing_argument("name")
        if not EMOJI_NAME.fullmatch(name):
            fail("invalid_name")
        channel = self._channel_by_id(params["channel"])
        found = find_message(channel, params["timestamp"])
        if found is None:
            fail("message_not_found")
        message = found[0]
        me = self.workspace.bot_user_id
        reactions = [dict(r, users=list(r["users"])) for r in message.get("reactions", [])]
        reaction = next((r for r in reactions if r["name"] == name), None)
        if add:
            if reaction is not None and me in reaction["users"]:
                fail("already_reacted")
            if reaction is None:
                reaction = {"name": name, "users": [], "count": 0}
                reactions.append(reaction)
            reaction["users"].append(me)
        else:
            if reaction is None or me not in reaction["users"]:
                fail("no_reaction")
            reaction["users"].remove(me)
        if reaction is not None:
            reaction["count"] = len(reaction["users"])
        reactions = [r for r in reactions if r["users"]]
        values = {"reactions": reactions} if reactions else {}
        data = {
            "channel": channel.id,
            "ts": message["ts"],
            "set": values,
            "unset": [] if reactions else ["reactions"],
        }
        return Draft("update", "message", message_key(channel.id, message["ts"]), data)

    # ------------------------------------------------------------------ helpers

    def _own_message(self, params: dict[str, str], refusal: str) -> tuple[Channel, dict[str, Any]]:
        channel = self._channel_by_id(params.get("channel", ""))
        ts = params.get("ts", "")
        if not ts:
            missing_argument("ts")
        found = find_message(channel, ts)
        if found is None:
            fail("message_not_found")
        message = found[0]
        if message.get("user") != self.workspace.bot_user_id:
            fail(refusal)
        return channel, message

    def _new_ts(self, channel: Channel) -> str:
        """Now, as a ``ts`` later than every message of ``channel`` (edits included)."""
        now = Decimal(f"{self.clock():.6f}")
        stamps = [Decimal(m["ts"]) for m in channel.messages]
        stamps += [Decimal(r["ts"]) for replies in channel.replies.values() for r in replies]
        stamps += [
            Decimal(m["edited"]["ts"])
            for m in [*channel.messages, *(r for rs in channel.replies.values() for r in rs)]
            if isinstance(m.get("edited"), dict)
        ]
        latest = max(stamps, default=Decimal(0))
        return str(max(now, latest + MICRO).quantize(MICRO))
