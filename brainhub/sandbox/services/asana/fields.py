"""Asana's ``opt_fields``: exactly the fields a caller names.

With ``opt_fields=name,assignee.name,memberships.section`` only ``gid`` and the named fields
come back; a named field holding another resource, without sub-fields, comes back as that
resource's ``gid`` and ``resource_type``; a dotted field reaches into the nested resource's
whole record. Names the resource does not have are ignored. (Without ``opt_fields`` the
documented representation applies: see :mod:`.representation`.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FieldTree = dict[str, "FieldTree"]
#: Gives the whole record of a nested reference (``{"gid", "resource_type", …}``).
Resolver = Callable[[dict[str, Any]], dict[str, Any]]


def parse_opt_fields(text: str | None) -> FieldTree | None:
    """``"a,b.c,b.d"`` → ``{"a": {}, "b": {"c": {}, "d": {}}}``; ``None`` when not given."""
    if not text:
        return None
    tree: FieldTree = {}
    for dotted in text.split(","):
        node = tree
        for part in filter(None, dotted.strip().split(".")):
            node = node.setdefault(part, {})
    return tree


def select(
    obj: dict[str, Any], fields: FieldTree, resolve: Resolver | None = None
) -> dict[str, Any]:
    """``obj`` with ``gid`` and exactly ``fields``; ``resolve`` gives the whole record of a
    nested resource a dotted field reaches into (``owner.email``) when the nested
    reference lacks the field."""
    out: dict[str, Any] = {"gid": obj["gid"]} if "gid" in obj else {}
    for key, sub in fields.items():
        if key in obj:
            out[key] = _value(obj[key], sub, resolve)
    return out


def _value(value: Any, sub: FieldTree, resolve: Resolver | None) -> Any:
    if isinstance(value, list):
        return [_value(item, sub, resolve) for item in value]
    if isinstance(value, dict):
        if not sub:
            return _reference(value)
        if resolve is not None and "gid" in value and not sub.keys() <= value.keys():
            value = resolve(value)
        return select(value, sub, resolve)
    return value


def _reference(value: Any) -> Any:
    """A nested resource without named sub-fields: its ``gid`` and ``resource_type``."""
    if isinstance(value, dict) and "gid" in value:
        return {"gid": value["gid"], "resource_type": value.get("resource_type")}
    if isinstance(value, dict):
        return {key: _reference(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_reference(item) for item in value]
    return value
