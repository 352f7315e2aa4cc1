"""``GET /workspaces/{gid}/tasks/search``: Asana's advanced task search over the seeded tasks.

Filters (every one optional, all of them must hold):

- ``text`` in the name or notes (case-insensitive); ``resource_subtype``; ``completed``,
  ``is_subtask``, ``is_blocking``, ``is_blocked``, ``has_attachment`` (seeded tasks have no
  dependencies or attachments);
- ``<relation>.any|.not|.all`` with comma-separated gids, for assignee, projects, sections,
  tags, teams, portfolios, followers, created_by, assigned_by, liked_by, commented_on_by;
- ``<date>``, ``<date>.before``, ``<date>.after`` (``YYYY-MM-DD``) for due_on, start_on,
  created_on, completed_on, modified_on, and ``<time>.before|.after`` (ISO 8601) for
  due_at, created_at, completed_at, modified_at;
- ``sort_by`` (``modified_at`` by default, ``relevance`` likewise) and ``sort_ascending``.

Asana answers at most 100 tasks and no ``next_page`` (search is not paginated).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from brainhub.sandbox.services.asana import errors

MAX_RESULTS = 100
RELATIONS = (
    "assignee",
    "projects",
    "sections",
    "tags",
    "teams",
    "portfolios",
    "followers",
    "created_by",
    "assigned_by",
    "liked_by",
    "commented_on_by",
)
DAY_FIELDS = {
    "due_on": "due_on",
    "start_on": "start_on",
    "created_on": "created_at",
    "completed_on": "completed_at",
    "modified_on": "modified_at",
}
TIME_FIELDS = ("due_at", "created_at", "completed_at", "modified_at")
SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "due_date": lambda t: t.get("due_at") or t.get("due_on") or "",
    "created_at": lambda t: t["created_at"],
    "completed_at": lambda t: t.get("completed_at") or "",
    "likes": lambda t: t.get("num_likes", 0),
    "modified_at": lambda t: t["modified_at"],
    "relevance": lambda t: t["modified_at"],
}

Related = Callable[[dict[str, Any], str], set[str]]


def search(
    tasks: list[dict[str, Any]], args: Mapping[str, str], related: Related
) -> list[dict[str, Any]]:
    """The tasks matching the search ``args``, sorted and capped as Asana does;
    ``related(task, relation)`` gives the gids a task has for a relation."""
    checks = _flag_checks(args) + _relation_checks(args, related) + _date_checks(args)
    text = (args.get("text") or "").lower()
    if text:
        checks.append(lambda t: text in t["name"].lower() or text in t.get("notes", "").lower())
    subtype = args.get("resource_subtype")
    if subtype:
        checks.append(lambda t: t["resource_subtype"] == subtype)
    found = [t for t in tasks if all(check(t) for check in checks)]
    order = args.get("sort_by") or "modified_at"
    if order not in SORT_KEYS:
        errors.fail("BAD_ENUM", parameter="sort_by", value=order)
    ascending = _boolean(args, "sort_ascending", default=False)
    found.sort(key=SORT_KEYS[order], reverse=not ascending)
    return found[:MAX_RESULTS]


def _boolean(args: Mapping[str, str], name: str, default: bool | None = None) -> bool | None:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() not in ("true", "false"):
        errors.fail("NOT_A_BOOLEAN", parameter=name, value=raw)
    return raw.lower() == "true"


def _flag_checks(args: Mapping[str, str]) -> list[Callable[[dict[str, Any]], bool]]:
    checks: list[Callable[[dict[str, Any]], bool]] = []
    completed = _boolean(args, "completed")
    if completed is not None:
        checks.append(lambda t: bool(t["completed"]) is completed)
    subtask = _boolean(args, "is_subtask")
    if subtask is not None:
        checks.append(lambda t: (t.get("parent") is not None) is subtask)
    # no seeded task blocks, is blocked by or has an attachment
    for name in ("is_blocking", "is_blocked", "has_attachment"):
        if _boolean(args, name) is True:
            checks.append(lambda t: False)
    return checks


def _relation_checks(
    args: Mapping[str, str], related: Related
) -> list[Callable[[dict[str, Any]], bool]]:
    checks: list[Callable[[dict[str, Any]], bool]] = []
    for relation in RELATIONS:
        for mode in ("any", "not", "all"):
            raw = args.get(f"{relation}.{mode}")
            if not raw:
                continue
            wanted = {part.strip() for part in raw.split(",") if part.strip()}
            for gid in wanted:
                if not gid.isdigit() and not (relation == "assignee" and gid == "me"):
                    errors.fail("NOT_A_LONG", parameter=f"{relation}.{mode}", value=gid)
            checks.append(_relation_check(relation, mode, wanted, related))
    return checks


def _relation_check(
    relation: str, mode: str, wanted: set[str], related: Related
) -> Callable[[dict[str, Any]], bool]:
    def check(task: dict[str, Any]) -> bool:
        have = related(task, relation)
        if mode == "any":
            return bool(have & wanted)
        if mode == "not":
            return not have & wanted
        return wanted <= have

    return check


def _date_checks(args: Mapping[str, str]) -> list[Callable[[dict[str, Any]], bool]]:
    checks: list[Callable[[dict[str, Any]], bool]] = []
    for name, field in DAY_FIELDS.items():
        for suffix, compare in (("", _same), (".before", _before), (".after", _after)):
            raw = args.get(name + suffix)
            if raw:
                day = _day(name + suffix, raw)
                checks.append(_day_check(field, day, compare))
    for field in TIME_FIELDS:
        for suffix, compare in ((".before", _before), (".after", _after)):
            raw = args.get(field + suffix)
            if raw:
                moment = _moment(field + suffix, raw)
                checks.append(_time_check(field, moment, compare))
    return checks


def _same(value: Any, bound: Any) -> bool:
    return bool(value == bound)


def _before(value: Any, bound: Any) -> bool:
    return bool(value < bound)


def _after(value: Any, bound: Any) -> bool:
    return bool(value > bound)


def _day_check(
    field: str, day: date, compare: Callable[[Any, Any], bool]
) -> Callable[[dict[str, Any]], bool]:
    def check(task: dict[str, Any]) -> bool:
        value = task.get(field)
        return bool(value) and compare(date.fromisoformat(str(value)[:10]), day)

    return check


def _time_check(
    field: str, moment: datetime, compare: Callable[[Any, Any], bool]
) -> Callable[[dict[str, Any]], bool]:
    def check(task: dict[str, Any]) -> bool:
        value = task.get(field)
        return bool(value) and compare(_parse(str(value)), moment)

    return check


def _day(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.fail("BAD_DATE", parameter=name, value=raw)


def _moment(name: str, raw: str) -> datetime:
    try:
        return _parse(raw)
    except ValueError:
        errors.fail("BAD_DATE_TIME", parameter=name, value=raw)


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
