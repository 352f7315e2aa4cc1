"""Asana's ``opt_fields``: responses hold compact objects unless the caller names fields.

Without ``opt_fields`` a resource comes back compact (``gid``, ``name``, ``resource_type``;
tasks add ``resource_subtype``, stories their text and author). With
``opt_fields=name,assignee.name,memberships.section`` only ``gid`` and the named fields
come back; a named field holding another resource, without sub-fields, comes back as that
resource's ``gid`` and ``resource_type``. Names the resource does not have are ignored.
"""

from __future__ import annotations

from typing import Any

COMPACT_KEYS: dict[str, tuple[str, ...]] = {
    "task": ("gid", "name", "resource_type", "resource_subtype"),
    "story": ("gid", "created_at", "created_by", "resource_type", "resource_subtype", "text"),
}
DEFAULT_COMPACT = ("gid", "name", "resource_type")

FieldTree = dict[str, "FieldTree"]


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


def shape(obj: dict[str, Any], fields: FieldTree | None) -> dict[str, Any]:
    """The object as a response with these ``opt_fields`` shows it."""
    if fields is None:
        keys = COMPACT_KEYS.get(str(obj.get("resource_type")), DEFAULT_COMPACT)
        return {key: obj[key] for key in keys if key in obj}
    return select(obj, fields)


def select(obj: dict[str, Any], fields: FieldTree) -> dict[str, Any]:
    out: dict[str, Any] = {"gid": obj["gid"]} if "gid" in obj else {}
    for key, sub in fields.items():
        if key in obj:
            out[key] = _value(obj[key], sub)
    return out


def _value(value: Any, sub: FieldTree) -> Any:
    if isinstance(value, list):
        return [_value(item, sub) for item in value]
    if isinstance(value, dict):
        if sub:
            return select(value, sub)
        return _reference(value)
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
