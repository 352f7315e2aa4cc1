"""Shaped Jira answers made to read like this site's: nesting cut where the documents
stop describing objects, ``self`` links to where objects live, users that are the
caller."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.jira import render

#: Objects nested deeper than this are left out of shaped answers (see :func:`pruned`).
SHAPED_DEPTH = 5


def pruned(value: Any, depth: int = 0) -> Any:
    """A shaped answer without the objects nested deeper than :data:`SHAPED_DEPTH`: the
    surface stops describing objects there (a project's component's lead's application
    roles…), and real answers leave such optional detail out."""
    if isinstance(value, dict):
        return {
            key: pruned(item, depth + 1)
            for key, item in value.items()
            if depth < SHAPED_DEPTH or not isinstance(item, dict | list)
        }
    if isinstance(value, list):
        return [pruned(item, depth) for item in value]
    return value


#: Path segments that name a way of listing, not the kind of object listed.
_LISTINGS = frozenset(
    ("search", "my", "favourite", "recent", "picker", "bulk", "member", "accessible", "query")
)


def resource_kind(template: str) -> str:
    """The kind of object an operation answers with, from its path: ``component`` for
    ``/project/{key}/components``, ``filter`` for ``/filter/search``."""
    segments = [s for s in template.split("/")[4:] if s and not s.startswith("{")]
    kind = next((s for s in reversed(segments) if s not in _LISTINGS), "item")
    return kind[:-1] if kind.endswith("s") and kind != "status" else kind


def linked(value: Any, kind: str, owner: dict[str, Any]) -> Any:
    """A shaped answer whose objects' ``self`` links point at where the object lives:
    ``<site>/rest/api/3/<kind>/<id>``, the kind being the field that holds it; users
    (objects with an ``accountId``, the caller's as shaped) are the caller, as
    ``/myself`` describes them."""
    if isinstance(value, list):
        return [linked(item, kind, owner) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        inner = key[:-1] if key.endswith("s") and key != "status" else key
        out[key] = linked(item, kind if key in ("values", "items") else inner, owner)
    if out.get("accountId") == owner["accountId"]:
        # the fields the caller's user has, and none it lacks (deprecated key and name)
        return {key: owner[key] for key in out if key in owner}
    if isinstance(out.get("self"), str) and "id" in out:
        out["self"] = f"{render.API}/{kind}/{out['id']}"
    return out
