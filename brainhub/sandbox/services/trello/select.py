"""Trello's query conventions: ``fields=``, filters, booleans and action paging.

- ``fields=name,idList`` answers only those fields (and ``id``, always); ``all`` or no
  ``fields`` answers every field; names Trello does not know are left out of the answer.
- Filters (``filter=open``, ``cards=closed``…) take the values Trello documents; another
  value is a 400 ``invalid value for <parameter>``.
- Actions (and a member's notifications) page newest first with ``limit`` (0 to 1000,
  default 50), ``page``, ``before`` and ``since`` (a date or an object id; both exclusive), ``filter`` (action types) and
  ``format=count``; ``memberCreator=false`` leaves the embedded creator out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from brainhub.sandbox.services.trello.errors import refuse_value

OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")
MAX_ACTIONS = 1000
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


def pick(obj: Mapping[str, Any], fields: str | None) -> dict[str, Any]:
    """``obj`` with only the ``fields`` asked (see the module doc)."""
    if fields is None or fields == "" or "all" in fields.split(","):
        return dict(obj)
    wanted = {"id", *fields.split(",")}
    return {key: value for key, value in obj.items() if key in wanted}


def pick_each(items: Iterable[Mapping[str, Any]], fields: str | None) -> list[dict[str, Any]]:
    return [pick(item, fields) for item in items]


def choice(args: MultiDict[str, str], name: str, valid: Sequence[str], default: str) -> set[str]:
    """The comma-separated values of ``name``, each one of ``valid``."""
    value = args.get(name, default)
    parts = set(value.split(","))
    if not parts <= set(valid):
        refuse_value(name)
    return parts


def flag(args: MultiDict[str, str], name: str, default: bool) -> bool:
    """A boolean query parameter as Trello reads it."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered not in FALSE_WORDS:
        refuse_value(name)
    return False


def whole(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter in ``low..high`` (Trello accepts ``50.0`` too)."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        number = float(raw)
    except ValueError:
        refuse_value(name)
    if not math.isfinite(number) or number != int(number) or not low <= number <= high:
        refuse_value(name)
    return int(number)


def passes(closed: bool, chosen: set[str]) -> bool:
    """Whether an object that is ``closed`` (or not) passes an open/closed filter."""
    if "all" in chosen:
        return True
    return ("open" in chosen and not closed) or ("closed" in chosen and closed)


def page_actions(args: MultiDict[str, str], actions: Iterable[dict[str, Any]]) -> Any:
    """Actions newest first, filtered and paged as Trello does (see the module doc)."""
    limit = whole(args, "limit", 50, 0, MAX_ACTIONS)
    page = whole(args, "page", 0, 0, MAX_ACTIONS)
    if page * limit > MAX_ACTIONS:
        refuse_value("page")
    ordered = sorted(actions, key=lambda a: a["id"], reverse=True)
    types = args.get("filter", "all") or "all"
    if types != "all":
        wanted = set(types.split(","))
        ordered = [a for a in ordered if a["type"] in wanted]
    ordered = between(args, ordered)
    chosen = ordered[page * limit : (page + 1) * limit]
    if args.get("format") == "count":
        return {"_value": len(ordered)}
    with_creator = flag(args, "memberCreator", True)
    fields = args.get("fields")
    out = []
    for action in chosen:
        answer = pick(action, fields)
        if not with_creator:
            answer.pop("memberCreator", None)
        out.append(answer)
    return out


def between(args: MultiDict[str, str], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``items`` (with ``id`` and ``date``) strictly ``before`` and ``since`` the bounds
    asked, each a date or an object id."""
    for name, keep in (("before", _is_before), ("since", _is_after)):
        raw = args.get(name)
        if raw is None or raw == "null":
            continue
        bound = _bound(raw)
        if bound is None:
            refuse_value(name)
        items = [item for item in items if keep(item, bound)]
    return items


def _bound(raw: str) -> str | datetime | None:
    """An object id (compared as id) or a date (compared as time); None if neither."""
    if OBJECT_ID.match(raw):
        return raw.lower()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _action_time(action: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(str(action["date"]).replace("Z", "+00:00"))


def _is_before(action: Mapping[str, Any], bound: str | datetime) -> bool:
    if isinstance(bound, str):
        return str(action["id"]) < bound
    return _action_time(action) < bound


def _is_after(action: Mapping[str, Any], bound: str | datetime) -> bool:
    if isinstance(bound, str):
        return str(action["id"]) > bound
    return _action_time(action) > bound
