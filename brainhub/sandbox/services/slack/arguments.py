"""Arguments of a Web API call and Slack's paging over them.

Slack takes arguments in the query string, a form-encoded body or a JSON body alike.
Lists page with ``limit`` + ``cursor`` (the next cursor is
``response_metadata.next_cursor``, ``""`` on the last page; it names the first item of
the next page); message lists page newest first by ``ts``. A cursor the method did not
issue is ``invalid_cursor``; an ``oldest``/``latest`` that is not a timestamp is
``invalid_ts_oldest``/``invalid_ts_latest``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from werkzeug.wrappers import Request

from brainhub.sandbox.params import finite_number
from brainhub.sandbox.services.slack.errors import fail

Item = TypeVar("Item")


def call_arguments(request: Request) -> dict[str, str]:
    """Query, form and JSON body arguments together (Slack takes any of them)."""
    params = {key: request.args[key] for key in request.args}
    if request.method == "POST":
        params.update({key: request.form[key] for key in request.form})
        if request.is_json:
            body = request.get_json(silent=True)
            if isinstance(body, dict):
                params.update({k: _text(v) for k, v in body.items()})
    return params


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flag(params: dict[str, str], name: str) -> bool:
    """A boolean argument (``true``/``1``)."""
    return params.get(name, "").strip().lower() in ("true", "1")


def limit_of(params: dict[str, str], default: int, maximum: int) -> int:
    """``limit``, capped at ``maximum``; 0 when absent without a default, or not positive."""
    raw = params.get("limit", "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = default
    return min(value, maximum) if value > 0 else 0


def encode_cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def decode_cursor(cursor: str, prefix: str) -> str:
    """The key a cursor of kind ``prefix`` names, or ``invalid_cursor``."""
    try:
        text = base64.b64decode(cursor.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        fail("invalid_cursor")
    kind, _, value = text.partition(":")
    if kind != prefix or not value:
        fail("invalid_cursor")
    return value


def page_of(
    items: Sequence[Item],
    params: dict[str, str],
    kind: str,
    default: int,
    maximum: int,
    key: Callable[[Item], str],
) -> tuple[list[Item], str]:
    """One page of a list by position; the cursor names the first item of the next page."""
    start = 0
    if params.get("cursor"):
        value = decode_cursor(params["cursor"], kind)
        start = next((i for i, item in enumerate(items) if key(item) == value), -1)
        if start < 0:
            fail("invalid_cursor")
    limit = limit_of(params, default, maximum) or len(items)
    page = list(items[start : start + limit])
    more = start + limit < len(items)
    return page, encode_cursor(f"{kind}:{key(items[start + limit])}") if more else ""


def _ts(params: dict[str, str], name: str) -> Decimal | None:
    raw = params.get(name, "")
    if raw in ("", "0", "now") and name == "latest":
        return None
    if raw == "":
        return None
    if finite_number(raw) is None:  # Decimal takes "NaN", which then fails every comparison
        fail(f"invalid_ts_{name}")
    return Decimal(raw.strip())


def between(messages: list[dict[str, Any]], params: dict[str, str]) -> list[dict[str, Any]]:
    """Messages inside ``oldest``/``latest`` (exclusive unless ``inclusive``), oldest first."""
    oldest, latest = _ts(params, "oldest"), _ts(params, "latest")
    inclusive = flag(params, "inclusive")
    chosen = []
    for message in messages:
        ts = Decimal(message["ts"])
        if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
            continue
        if latest is not None and (ts > latest or (ts == latest and not inclusive)):
            continue
        chosen.append(message)
    return chosen


def ts_page(messages: list[dict[str, Any]], params: dict[str, str]) -> dict[str, Any]:
    """A page of messages for ``history``/``replies``; the cursor holds the next ``ts``."""
    start = 0
    if params.get("cursor"):
        value = decode_cursor(params["cursor"], "next_ts")
        start = next((i for i, m in enumerate(messages) if m["ts"] == value), -1)
        if start < 0:
            fail("invalid_cursor")
    limit = limit_of(params, 100, 999) or 100
    page = messages[start : start + limit]
    body: dict[str, Any] = {"messages": page, "has_more": start + limit < len(messages)}
    if body["has_more"]:
        next_ts = messages[start + limit]["ts"]
        body["response_metadata"] = {"next_cursor": encode_cursor(f"next_ts:{next_ts}")}
    return body
