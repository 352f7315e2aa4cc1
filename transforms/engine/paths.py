"""Field paths (``status.status``, ``issue.title``, ``assignees[].username``) to DuckDB SQL.

A :class:`Scope` knows the sources visible to one output (the main source, joined sources,
an unnested element) and, when the warehouse or the stream schema tells us, their column
types. With types, a path is checked (unknown column → error listing the valid ones) and
compiled to the right accessor: struct field access for STRUCT, ``json_extract_string``
for JSON, ``list_transform`` for ``[]`` on a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from brainhub.sql import quote_identifier, quote_string
from transforms.engine import types as k
from transforms.engine.errors import suggest
from transforms.engine.functions import Compiled
from transforms.engine.types import UNKNOWN_TYPE, ColumnType

_SEGMENT = re.compile(r"\A(?P<name>.+?)(?P<each>\[\])?\Z", re.DOTALL)
UNNEST_TABLE = "__bh_unnest"


class PathError(ValueError):
    """A path names a column or nested field that does not exist, or misuses ``[]``."""


@dataclass
class Scope:
    """The sources one output can read: alias → columns (``None`` when types are unknown)."""

    main_alias: str
    sources: dict[str, dict[str, ColumnType] | None] = field(default_factory=dict)
    unnest_alias: str | None = None
    unnest_type: ColumnType = UNKNOWN_TYPE

    def compile(self, path: str) -> Compiled:
        """SQL and kind of ``path``; raises :class:`PathError` when it cannot exist."""
        segments = [_parse_segment(part, path) for part in _split(path)]
        first, first_each = segments[0]
        if self.unnest_alias is not None and first == self.unnest_alias:
            sql = f"{quote_identifier(UNNEST_TABLE)}.{quote_identifier(first)}"
            return _walk(sql, self.unnest_type, segments[1:], path, first_each)
        if first in self.sources and len(segments) > 1 and first != self._main_column(first):
            if first_each:
                raise PathError(f"path {path!r}: '[]' cannot follow a source alias")
            alias, (column, each) = first, segments[1]
            rest = segments[2:]
        else:
            alias, column, each, rest = self.main_alias, first, first_each, segments[1:]
        columns = self.sources.get(alias)
        sql = f"{quote_identifier(alias)}.{quote_identifier(column)}"
        if columns is None:
            return _walk(sql, UNKNOWN_TYPE, rest, path, each)
        if column not in columns:
            raise PathError(_unknown(column, alias, list(columns), path))
        return _walk(sql, columns[column], rest, path, each)

    def _main_column(self, name: str) -> str | None:
        columns = self.sources.get(self.main_alias)
        return name if columns is not None and name in columns else None


def _split(path: str) -> list[str]:
    parts = path.split(".")
    if any(part == "" for part in parts):
        raise PathError(f"path {path!r} has an empty part (check the dots)")
    return parts


def _parse_segment(part: str, path: str) -> tuple[str, bool]:
    match = _SEGMENT.match(part)
    if match is None or "[" in match["name"] or "]" in match["name"]:
        raise PathError(f"path {path!r}: '[]' may only end a part, as in 'assignees[].id'")
    return match["name"], bool(match["each"])


def _unknown(name: str, where: str, valid: list[str], path: str) -> str:
    shown = ", ".join(valid[:30]) + (", …" if len(valid) > 30 else "")
    return f"path {path!r}: {where} has no column {name!r}{suggest(name, valid)} (columns: {shown})"


def _walk(
    sql: str, ctype: ColumnType, rest: list[tuple[str, bool]], path: str, each: bool
) -> Compiled:
    """Follow the remaining path segments from a value of type ``ctype``."""
    if each:
        if ctype.kind not in (k.LIST, k.UNKNOWN):
            raise PathError(f"path {path!r}: '[]' needs a list, found {ctype.sql or ctype.kind}")
        element = ctype.element or UNKNOWN_TYPE
        inner = _walk("__bh_item", element, rest, path, each=False)
        if not rest:
            return Compiled(sql, k.LIST)
        return Compiled(f"list_transform({sql}, lambda __bh_item: {inner.sql})", k.LIST)
    if not rest:
        return Compiled(sql, ctype.kind)
    if ctype.kind == k.JSON:
        if any(flag for _, flag in rest):
            raise PathError(f"path {path!r}: '[]' inside a JSON column is not supported")
        json_path = "$" + "".join("." + _json_key(name) for name, _ in rest)
        return Compiled(f"json_extract_string({sql}, {quote_string(json_path)})", k.TEXT)
    name, next_each = rest[0]
    if ctype.kind == k.STRUCT:
        if name not in ctype.children:
            raise PathError(_unknown(name, "the object", list(ctype.children), path))
        child = ctype.children[name]
    elif ctype.kind == k.UNKNOWN:
        child = UNKNOWN_TYPE
    else:
        raise PathError(f"path {path!r}: cannot read {name!r} from a {ctype.sql or ctype.kind}")
    return _walk(f"{sql}.{quote_identifier(name)}", child, rest[1:], path, next_each)


def _json_key(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
