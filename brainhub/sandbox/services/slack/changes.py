"""How journalled Slack writes change the workspace: one applier per ``(object, op)``.

The same code applies a write when it is made and when a later emulator process replays
the journal (:mod:`brainhub.sandbox.kit.journal`). A change whose channel or message is
gone (removed by a later generation or an earlier change) is skipped. A reply keeps its
thread's parent up to date (``reply_count``, ``reply_users``, ``latest_reply``); deleting
a parent that has replies leaves Slack's tombstone in its place.
"""

from __future__ import annotations

import copy
from typing import Any

from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.services.slack.messages import find_message
from brainhub.sandbox.services.slack.workspace import Channel, Workspace

TOMBSTONE_TEXT = "This message was deleted."


class SlackChanges:
    """Applies journalled changes to one :class:`Workspace`."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def replay(self) -> Replay:
        """The applier table the kit replays the journal with."""
        return Replay(
            {
                ("message", "create"): self.create_message,
                ("message", "update"): self.update_message,
                ("message", "delete"): self.delete_message,
            }
        )

    def create_message(self, change: Change) -> None:
        channel = self.workspace.channel(str(change.data["channel"]))
        if channel is None:
            return
        message = copy.deepcopy(dict(change.data["message"]))
        if find_message(channel, message["ts"]) is not None:
            return
        thread_ts = change.data.get("thread_ts")
        if thread_ts is None:
            channel.messages.append(message)
            return
        found = find_message(channel, str(thread_ts))
        if found is None:
            return
        channel.replies.setdefault(str(thread_ts), []).append(message)
        _summarise_thread(channel, found[0])

    def update_message(self, change: Change) -> None:
        channel = self.workspace.channel(str(change.data["channel"]))
        found = find_message(channel, str(change.data["ts"])) if channel else None
        if found is None:
            return
        message = found[0]
        message.update(copy.deepcopy(dict(change.data.get("set", {}))))
        for key in change.data.get("unset", []):
            message.pop(key, None)

    def delete_message(self, change: Change) -> None:
        channel = self.workspace.channel(str(change.data["channel"]))
        found = find_message(channel, str(change.data["ts"])) if channel else None
        if channel is None or found is None:
            return
        message, thread_ts = found
        if thread_ts is not None:
            replies = channel.replies[thread_ts]
            replies.remove(message)
            parent = find_message(channel, thread_ts)
            if parent is not None:
                _summarise_thread(channel, parent[0])
            return
        if channel.replies.get(message["ts"]):
            tombstone = {
                "type": "message",
                "subtype": "tombstone",
                "text": TOMBSTONE_TEXT,
                "user": "USLACKBOT",
                "hidden": True,
            }
            keep = ("ts", "thread_ts", "reply_count", "reply_users_count", "latest_reply")
            tombstone.update({k: message[k] for k in keep if k in message})
            tombstone["reply_users"] = message.get("reply_users", [])
            message.clear()
            message.update(tombstone)
            return
        channel.messages.remove(message)


def _summarise_thread(channel: Channel, parent: dict[str, Any]) -> None:
    """The parent's thread fields, from its replies (a thread without replies has none)."""
    replies = channel.replies.get(parent["ts"], [])
    if not replies:
        channel.replies.pop(parent["ts"], None)
        for key in ("thread_ts", "reply_count", "reply_users_count", "latest_reply", "reply_users"):
            parent.pop(key, None)
        return
    users = sorted({r.get("user", "") for r in replies if r.get("user")})
    parent.update(
        thread_ts=parent["ts"],
        reply_count=len(replies),
        reply_users_count=len(users),
        latest_reply=max(r["ts"] for r in replies),
        reply_users=users,
    )
