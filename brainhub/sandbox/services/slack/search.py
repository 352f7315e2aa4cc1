"""``search.messages`` over the messages the token can read.

Every word of ``query`` must occur in a message's text (case-insensitive), except Slack's
modifiers ``in:#channel`` (or ``in:<channel id>``) and ``from:@name`` (or ``from:<user
id>``), which filter. Top-level messages and thread replies of the channels the bot is a
member of are searched; matches come newest first (``sort=timestamp``, the default
``score`` ranks by the same) or oldest first with ``sort_dir=asc``, ``count`` (≤ 100, 20 by
default) per ``page`` (from 1), with Slack's ``paging`` and ``pagination`` blocks.
"""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.params import whole_number
from brainhub.sandbox.services.slack.errors import fail
from brainhub.sandbox.services.slack.workspace import Channel, Workspace

DEFAULT_COUNT = 20
MAX_COUNT = 100


def search_messages(ws: Workspace, params: dict[str, str], domain: str) -> dict[str, Any]:
    """The body of ``search.messages`` for ``params`` (``query`` present)."""
    query = params["query"]
    words, channels, authors = _parse(ws, query)
    matches = []
    for channel in ws.visible_channels():
        if not channel.readable or (channels is not None and channel.id not in channels):
            continue
        thread = [m for replies in channel.replies.values() for m in replies]
        for message in [*channel.messages, *thread]:
            text = str(message.get("text", "")).lower()
            if authors is not None and message.get("user") not in authors:
                continue
            if all(word in text for word in words):
                matches.append(_match(ws, channel, message, domain))
    matches.sort(key=lambda m: m["ts"], reverse=params.get("sort_dir", "desc") != "asc")
    count = _bounded(params, "count", DEFAULT_COUNT, 1, MAX_COUNT)
    page = _bounded(params, "page", 1, 1, 100)
    pages = max(1, -(-len(matches) // count))
    chosen = matches[(page - 1) * count : page * count]
    first = (page - 1) * count + 1 if chosen else 0
    return {
        "ok": True,
        "query": query,
        "messages": {
            "total": len(matches),
            "matches": chosen,
            "paging": {"count": count, "total": len(matches), "page": page, "pages": pages},
            "pagination": {
                "total_count": len(matches),
                "page": page,
                "per_page": count,
                "page_count": pages,
                "first": first,
                "last": first + len(chosen) - 1 if chosen else 0,
            },
        },
    }


def _parse(ws: Workspace, query: str) -> tuple[list[str], set[str] | None, set[str] | None]:
    words: list[str] = []
    channels: set[str] | None = None
    authors: set[str] | None = None
    for term in query.split():
        lowered = term.lower()
        if lowered.startswith("in:"):
            name = term[3:].lstrip("#")
            found = {c.id for c in ws.channels if name in (c.id, c.data["name"])}
            channels = (channels or found) & found
        elif lowered.startswith("from:"):
            name = term[5:].lstrip("@")
            found = {u["id"] for u in ws.users if name in (u["id"], u["name"])}
            authors = (authors or found) & found
        else:
            words.append(lowered)
    return words, channels, authors


def _match(ws: Workspace, channel: Channel, message: dict[str, Any], domain: str) -> dict[str, Any]:
    data = channel.data
    users = {u["id"]: u["name"] for u in ws.users}
    link = f"https://{domain}.slack.com/archives/{channel.id}/p{message['ts'].replace('.', '')}"
    if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
        link += f"?thread_ts={message['thread_ts']}&cid={channel.id}"
    return {
        "iid": f"{channel.id}-{message['ts']}",
        "team": ws.team_id,
        "type": "message",
        "channel": {
            "id": channel.id,
            "name": data["name"],
            "is_channel": data["is_channel"],
            "is_private": data["is_private"],
            "is_shared": data["is_shared"],
            "is_org_shared": data["is_org_shared"],
            "is_ext_shared": data["is_ext_shared"],
            "is_mpim": data["is_mpim"],
            "is_pending_ext_shared": data["is_pending_ext_shared"],
            "pending_shared": [],
        },
        "user": message.get("user", ""),
        "username": users.get(message.get("user", ""), message.get("username", "")),
        "ts": message["ts"],
        "text": message.get("text", ""),
        "permalink": link,
    }


def _bounded(params: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    value = whole_number(raw)
    if value is None or value < low:
        fail("invalid_arguments")
    return min(value, high)
