"""Graph's collection answers: OData query options, ``$skiptoken`` pages and delta tokens.

A page is ``{"@odata.context", "value": […], "@odata.nextLink"}``; the last page of a delta
read carries ``@odata.deltaLink`` instead. Next and delta links are absolute and carry only
an opaque token: the query options of the first request (``$select``, ``$filter``,
``$top``, a calendar view's window) travel inside it, as Graph's do.

A delta token names the generation and the change-journal position it was issued at and
is signed for the dataset and the listing, so a token from another dataset, another
listing or a damaged one is refused (``410 syncStateNotFound``), as is one older than
:data:`DELTA_TOKEN_GENERATIONS` generations (Graph lets delta tokens expire) or one from
a generation the dataset no longer reaches (``410 resyncRequired``: the state was reset).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

#: Generations a delta token stays valid for; an older one answers 410.
DELTA_TOKEN_GENERATIONS = 3
#: Page sizes: Graph's default per listing kind, and its ceiling.
DEFAULT_TOP = {"drive_items": 200, "users": 100}
DEFAULT_TOP_OTHER = 10
MAX_TOP = 999


class QueryError(ValueError):
    """A query option Graph would refuse (``400 BadRequest``); the message is Graph's."""


def encode(payload: Mapping[str, Any], secret: str) -> str:
    """An opaque, signed token holding ``payload``."""
    raw = base64.urlsafe_b64encode(json.dumps(payload, sort_keys=True).encode()).decode()
    return raw.rstrip("=") + "." + _signature(raw.rstrip("="), secret)


def decode(token: str, secret: str) -> dict[str, Any] | None:
    """The payload of a token this dataset signed, else None."""
    raw, _, signature = token.partition(".")
    if not raw or signature != _signature(raw, secret):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _signature(raw: str, secret: str) -> str:
    return hashlib.sha256(f"{secret}|{raw}".encode()).hexdigest()[:16]


def page_size(args: Mapping[str, Any], kind: str) -> int:
    """``$top`` (or Graph's default for the listing); an invalid one is Graph's 400."""
    raw = args.get("$top")
    if raw is None:
        return DEFAULT_TOP.get(kind, DEFAULT_TOP_OTHER)
    if not re.fullmatch(r"[0-9]{1,4}", str(raw)) or not 0 < int(raw) <= MAX_TOP:
        raise QueryError(f"Invalid page size specified: '{raw}'. Must be between 1 and {MAX_TOP}.")
    return int(raw)


def select(items: list[dict[str, Any]], fields: str | None) -> list[dict[str, Any]]:
    """``$select=a,b``: only those fields (and ``id``, and a removal mark) of each item."""
    if not fields:
        return items
    wanted = {f.strip() for f in fields.split(",") if f.strip()} | {"id", "@removed", "deleted"}
    return [{k: v for k, v in item.items() if k in wanted} for item in items]


_CLAUSE = re.compile(
    r"^\s*(?:(?P<field>[\w/]+)\s+(?P<op>eq|ne|gt|ge|lt|le)\s+(?P<value>'(?:[^']|'')*'|[\w:.+-]+)"
    r"|startswith\(\s*(?P<sfield>[\w/]+)\s*,\s*'(?P<prefix>(?:[^']|'')*)'\s*\))\s*$",
    re.IGNORECASE,
)
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and a > b,
    "ge": lambda a, b: a is not None and a >= b,
    "lt": lambda a, b: a is not None and a < b,
    "le": lambda a, b: a is not None and a <= b,
}


def where(expression: str | None) -> Callable[[dict[str, Any]], bool]:
    """``$filter``: comparisons (``eq ne gt ge lt le``) of a field with a literal and
    ``startswith(field,'x')``, joined by ``and``; anything else is Graph's 400."""
    if not expression:
        return lambda item: True
    tests = [_clause(part) for part in re.split(r"\s+and\s+", expression, flags=re.IGNORECASE)]
    return lambda item: all(test(item) for test in tests)


def _clause(text: str) -> Callable[[dict[str, Any]], bool]:
    match = _CLAUSE.match(text)
    if match is None:
        raise QueryError(f"Invalid filter clause: '{text.strip()}'")
    if match.group("sfield"):
        path, prefix = match.group("sfield"), match.group("prefix").replace("''", "'")
        return lambda item: str(_dig(item, path) or "").lower().startswith(prefix.lower())
    path, op, literal = match.group("field"), match.group("op").lower(), match.group("value")
    value = _literal(literal)

    def test(item: dict[str, Any]) -> bool:
        actual = _dig(item, path)
        if isinstance(value, str) and actual is not None and not isinstance(actual, str):
            actual = str(actual).lower() if isinstance(actual, bool) else str(actual)
        return _OPS[op](actual, value)

    return test


def _literal(text: str) -> Any:
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text  # a date-time literal compares as its ISO text


def _dig(item: Mapping[str, Any], path: str) -> Any:
    node: Any = item
    for part in path.split("/"):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node
