"""Timestamps a stream's schema calls ``date-time`` leave the tap in RFC 3339 form.

Some vendors write the UTC offset without its colon (Jira: ``2026-02-27T10:00:00.000+0000``),
which ISO 8601 allows and RFC 3339 — what JSON Schema's ``date-time`` means — does not. A
target that checks formats would refuse such records, so the tap adds the colon
(``+00:00``). Only values of properties whose schema says ``format: date-time`` are touched,
and only when they end in a four-digit offset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

_BARE_OFFSET = re.compile(r"([+-])(\d\d)(\d\d)$")

Path = tuple[str, ...]


def date_time_paths(schema: Mapping[str, Any], prefix: Path = ()) -> list[Path]:
    """The paths (through nested objects, not arrays) of ``date-time`` properties."""
    paths: list[Path] = []
    for name, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, Mapping):
            continue
        path = (*prefix, name)
        if sub.get("format") == "date-time":
            paths.append(path)
        elif sub.get("properties"):
            paths.extend(date_time_paths(sub, path))
    return paths


def rfc3339(value: str) -> str:
    """``value`` with a colon in a bare ``±HHMM`` offset; any other text unchanged."""
    if len(value) > 5 and value[-5] in "+-" and value[-3] != ":":
        return _BARE_OFFSET.sub(r"\1\2:\3", value)
    return value


def normalise(records: Iterable[dict[str, Any]], paths: list[Path]) -> Iterator[dict[str, Any]]:
    """``records`` with the values at ``paths`` in RFC 3339 form (in place)."""
    for record in records:
        for path in paths:
            holder: Any = record
            for key in path[:-1]:
                holder = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(holder, dict):
                value = holder.get(path[-1])
                if isinstance(value, str):
                    holder[path[-1]] = rfc3339(value)
        yield record
