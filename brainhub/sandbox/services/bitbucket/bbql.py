"""The part of Bitbucket's query language (BBQL) list endpoints take as ``q`` and ``sort``.

``q`` is comparisons joined by ``AND``: ``updated_on >= "2026-01-05T09:00:00+00:00" AND
state = "OPEN"``; fields may be dotted (``author.nickname``); values are double-quoted
strings, numbers, ``true``/``false``/``null``. Date fields compare as instants.
``sort`` names one field, ``-`` first for descending order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

_COMPARISON = re.compile(
    r'\s*([A-Za-z_][\w.]*)\s*(!=|>=|<=|=|>|<|~)\s*("(?:[^"\\]|\\.)*"|[-\w.:+]+)\s*'
)
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)


class QueryError(ValueError):
    """A ``q`` or ``sort`` Bitbucket refuses (the message says what is wrong)."""


def _literal(text: str) -> Any:
    if text.startswith('"'):
        return text[1:-1].replace('\\"', '"')
    if text in ("true", "false"):
        return text == "true"
    if text == "null":
        return None
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        raise QueryError(f"Invalid value {text!r}: quote strings and dates") from None


def _field(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    if isinstance(left, str) and isinstance(right, str) and ("T" in right or "-" in right):
        try:
            return datetime.fromisoformat(left), datetime.fromisoformat(right)
        except ValueError:
            return left, right
    return left, right


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a is not None and b is not None and a > b,
    ">=": lambda a, b: a is not None and b is not None and a >= b,
    "<": lambda a, b: a is not None and b is not None and a < b,
    "<=": lambda a, b: a is not None and b is not None and a <= b,
    "~": lambda a, b: isinstance(a, str) and str(b).lower() in a.lower(),
}


def parse_query(q: str, fields: set[str]) -> Callable[[dict[str, Any]], bool]:
    """A predicate for ``q``; ``fields`` are the top-level fields the objects have."""
    tests: list[tuple[str, str, Any]] = []
    for clause in _AND.split(q.strip()):
        match = _COMPARISON.fullmatch(clause)
        if match is None:
            raise QueryError(f"Invalid query {clause!r}: expected field operator value")
        name, op, raw = match.groups()
        if name.split(".")[0] not in fields:
            raise QueryError(f"Invalid field name: {name!r}")
        tests.append((name, op, _literal(raw)))

    def matches(record: dict[str, Any]) -> bool:
        for name, op, value in tests:
            left, right = _comparable(_field(record, name), value)
            try:
                if not _OPS[op](left, right):
                    return False
            except TypeError:
                return False
        return True

    return matches


def sort_key(sort: str, fields: set[str]) -> tuple[Callable[[dict[str, Any]], Any], bool]:
    """``(key, descending)`` for a ``sort`` parameter."""
    name = sort[1:] if sort.startswith("-") else sort
    if name.split(".")[0] not in fields:
        raise QueryError(f"Invalid sort field: {name!r}")

    def key(record: dict[str, Any]) -> Any:
        value = _field(record, name)
        return (value is None, value if value is not None else 0)

    return key, sort.startswith("-")
