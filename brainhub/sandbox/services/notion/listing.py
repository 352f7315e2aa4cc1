"""Notion's list semantics: validation errors, timestamp filters, sorts and cursor pages.

Every list endpoint answers ``{"object": "list", "results": […], "next_cursor": …,
"has_more": …, "type": …, "<type>": {}}``. A cursor is the id of the first result of the
next page; ``page_size`` is 1 to 100 (default 100). Database queries filter on timestamps
(``{"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": …}}``, also inside
``and``/``or``) and sort on timestamps or on number/title/select properties.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import Callable
from datetime import datetime
from typing import Any

from brainhub.sandbox.params import whole_number

MAX_PAGE_SIZE = 100
TIMESTAMPS = ("created_time", "last_edited_time")
CONDITIONS: dict[str, Callable[[datetime, datetime], bool]] = {
    "equals": lambda value, bound: value == bound,
    "before": lambda value, bound: value < bound,
    "after": lambda value, bound: value > bound,
    "on_or_before": lambda value, bound: value <= bound,
    "on_or_after": lambda value, bound: value >= bound,
}


class NotionValidationError(Exception):
    """A request Notion refuses with ``400 validation_error``; the message is Notion's."""


def shown(value: Any) -> str:
    """A value the way Notion quotes it in validation messages."""
    return "`undefined`" if value is None else f"`{json.dumps(value)}`"


def page_size(value: Any, where: str) -> int:
    """The requested page size, or Notion's validation error."""
    if value is None:
        return MAX_PAGE_SIZE
    if isinstance(value, str) and whole_number(value, signed=False) is not None:
        value = whole_number(value, signed=False)
    if not isinstance(value, int) or isinstance(value, bool):
        raise NotionValidationError(
            f"{where} failed validation: {where}.page_size should be a number, "
            f"instead was {shown(value)}."
        )
    if value < 1 or value > MAX_PAGE_SIZE:
        bound = "≥ `1`" if value < 1 else f"≤ `{MAX_PAGE_SIZE}`"
        raise NotionValidationError(
            f"{where} failed validation: {where}.page_size should be {bound}, "
            f"instead was `{value}`."
        )
    return value


def list_page(
    results: list[dict[str, Any]], start_cursor: Any, size: int, kind: str
) -> dict[str, Any]:
    """One page of ``results`` starting at the object whose id is ``start_cursor``."""
    start = 0
    if start_cursor not in (None, ""):
        ids = [item["id"] for item in results]
        if start_cursor not in ids:
            raise NotionValidationError(f"start_cursor provided is invalid: {start_cursor}")
        start = ids.index(start_cursor)
    chunk = results[start : start + size]
    more = start + size < len(results)
    return {
        "object": "list",
        "results": chunk,
        "next_cursor": results[start + size]["id"] if more else None,
        "has_more": more,
        "type": kind,
        kind: {},
    }


def _parse(value: Any, where: str) -> datetime:
    try:
        text = str(value).replace("Z", "+00:00")
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise NotionValidationError(
            f"body failed validation: {where} should be a valid ISO 8601 date string, "
            f"instead was {shown(value)}."
        ) from None
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment


def page_filter(spec: Any, where: str = "body.filter") -> Callable[[dict[str, Any]], bool]:
    """A predicate for a database query's ``filter`` (timestamp conditions, and/or)."""
    if spec is None:
        return lambda page: True
    if not isinstance(spec, dict):
        raise NotionValidationError(
            f"body failed validation: {where} should be an object, instead was {shown(spec)}."
        )
    for compound in ("and", "or"):
        if compound in spec:
            parts = spec[compound]
            if not isinstance(parts, list):
                raise NotionValidationError(
                    f"body failed validation: {where}.{compound} should be an array, "
                    f"instead was {shown(parts)}."
                )
            tests = [page_filter(p, f"{where}.{compound}[{i}]") for i, p in enumerate(parts)]
            combine = all if compound == "and" else any
            return lambda page: combine(test(page) for test in tests)
    timestamp = spec.get("timestamp")
    if timestamp not in TIMESTAMPS:
        raise NotionValidationError(
            f"body failed validation. Fix one: {where}.timestamp should be "
            f'`"created_time"` or `"last_edited_time"`, instead was {shown(timestamp)}. '
            f"{where}.property should be defined, instead was `undefined`."
        )
    condition = spec.get(timestamp)
    if not isinstance(condition, dict) or len(condition) != 1:
        raise NotionValidationError(
            f"body failed validation: {where}.{timestamp} should be an object with one of "
            f"{', '.join(CONDITIONS)}, instead was {shown(condition)}."
        )
    ((operator, raw),) = condition.items()
    if operator not in CONDITIONS:
        raise NotionValidationError(
            f"body failed validation: {where}.{timestamp}.{operator} is not a supported "
            f"condition; use one of {', '.join(CONDITIONS)}."
        )
    bound = _parse(raw, f"{where}.{timestamp}.{operator}")
    test = CONDITIONS[operator]
    return lambda page: test(_parse(page[timestamp], timestamp), bound)


def _property_key(page: dict[str, Any], name: str) -> Any:
    prop = page["properties"].get(name) or {}
    kind = prop.get("type")
    value = prop.get(kind) if kind else None
    if kind == "title":
        return "".join(part["plain_text"] for part in value or [])
    if kind == "select":
        return (value or {}).get("name") or ""
    return value if value is not None else float("-inf")


def sort_pages(
    pages: list[dict[str, Any]], sorts: Any, known_properties: set[str]
) -> list[dict[str, Any]]:
    """Pages in the order ``sorts`` asks (default: newest created first)."""
    if sorts is None:
        return sorted(pages, key=lambda p: p["created_time"], reverse=True)
    if not isinstance(sorts, list):
        raise NotionValidationError(
            f"body failed validation: body.sorts should be an array, instead was {shown(sorts)}."
        )
    ordered = list(pages)
    for index, sort in reversed(list(enumerate(sorts))):
        where = f"body.sorts[{index}]"
        direction = (sort or {}).get("direction")
        if direction not in ("ascending", "descending"):
            raise NotionValidationError(
                f'body failed validation: {where}.direction should be `"ascending"` or '
                f'`"descending"`, instead was {shown(direction)}.'
            )
        reverse = direction == "descending"
        if "timestamp" in sort:
            if sort["timestamp"] not in TIMESTAMPS:
                raise NotionValidationError(
                    f"body failed validation: {where}.timestamp should be "
                    f'`"created_time"` or `"last_edited_time"`, instead was '
                    f"{shown(sort['timestamp'])}."
                )
            name = sort["timestamp"]
            ordered.sort(key=operator.itemgetter(name), reverse=reverse)
        elif sort.get("property") in known_properties:
            name = sort["property"]
            ordered.sort(key=functools.partial(_property_key, name=name), reverse=reverse)
        else:
            raise NotionValidationError(
                f"Could not find sort property with name or id: {sort.get('property')}"
            )
    return ordered
