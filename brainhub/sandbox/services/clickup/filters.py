"""ClickUp's task filters and orderings, shared by list, team (filtered) and view listings.

Parameters as documented for ``GET /list/{id}/task`` and ``GET /team/{id}/task``; arrays
are accepted as ``name[]=a&name[]=b`` or ``name=a``. Defaults: open, top-level,
unarchived tasks. ``date_updated_gt`` is inclusive (≥), as the real API behaves; every
other ``_gt``/``_lt`` is strict. ``custom_fields`` is a JSON array of
``{"field_id", "operator", "value"}`` with operators ``=``, ``!=``, ``IS NULL``,
``IS NOT NULL``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request

from brainhub.sandbox.params import finite_number
from brainhub.sandbox.services.clickup import errors
from brainhub.sandbox.services.clickup.hierarchy import Hierarchy
from brainhub.sandbox.services.clickup.tasks import TaskRecord

ORDER_KEYS = ("created", "updated", "id", "due_date")
CLOSED_STATUS = 3
FIELD_OPERATORS = ("=", "!=", "IS NULL", "IS NOT NULL")

Check = Callable[[TaskRecord], bool]


def arg(request: Request, name: str) -> str | None:
    """A query parameter or ``None`` (checked first: werkzeug's misses are slow)."""
    args = request.args
    return args[name] if name in args else None  # noqa: SIM401


def flag(request: Request, name: str) -> bool:
    """A boolean query parameter (``true``/``false``)."""
    return (arg(request, name) or "").strip().lower() == "true"


def array_param(request: Request, name: str) -> list[str]:
    """``name[]=a&name[]=b`` (or ``name=a``) as a list."""
    args = request.args
    return [value for key in (f"{name}[]", name) if key in args for value in args.getlist(key)]


def ms_param(request: Request, name: str) -> int | None:
    """A Unix-milliseconds query parameter; a 400 when it is not a number."""
    raw = arg(request, name)
    if raw is None or raw == "":
        return None
    value = finite_number(raw)
    if value is None:
        errors.fail(errors.BAD_TIMESTAMP)
    return int(value)


def task_checks(
    request: Request, tree: Hierarchy, find_parent: Callable[[str], Any]
) -> list[Check]:
    """The checks a task must pass for ``request``'s filters (``archived`` aside)."""
    checks: list[Check] = []
    if not flag(request, "include_closed"):
        checks.append(lambda t: t.status_index != CLOSED_STATUS)
    parent = arg(request, "parent")
    if parent:
        found = find_parent(parent)
        where = (found.list_no, found.index) if found is not None else (-1, -1)
        checks.append(lambda t: (t.list_no, t.parent_index) == where)
    elif not flag(request, "subtasks"):
        checks.append(lambda t: t.parent_index is None)
    statuses = {s.lower() for s in array_param(request, "statuses")}
    if statuses:
        names = {tl.no: [str(s["status"]).lower() for s in tl.space.statuses] for tl in tree.lists}
        checks.append(lambda t: names[t.list_no][t.status_index] in statuses)
    user_index = {str(user.id): user.index for user in tree.users}
    for name, attribute in (("assignees", "assignee_indices"), ("watchers", "watcher_indices")):
        wanted = {user_index.get(value, -1) for value in array_param(request, name)}
        if wanted:
            checks.append(_any_user(attribute, wanted))
    tags = {tag.lower() for tag in array_param(request, "tags")}
    if tags:
        checks.append(lambda t: bool(tags.intersection(n.lower() for n in t.tag_names)))
    checks.extend(_date_checks(request))
    checks.extend(_field_checks(request))
    return checks


def _date_checks(request: Request) -> list[Check]:
    checks: list[Check] = []
    bounds = (
        ("date_updated", "updated_ms", True),
        ("date_created", "created_ms", False),
        ("due_date", "due_ms", False),
        ("date_done", "closed_ms", False),
    )
    for prefix, attribute, inclusive_gt in bounds:
        low = ms_param(request, f"{prefix}_gt")
        high = ms_param(request, f"{prefix}_lt")
        if low is not None:
            checks.append(_after(attribute, low - 1 if inclusive_gt else low))
        if high is not None:
            checks.append(_before(attribute, high))
    return checks


def _any_user(attribute: str, wanted: set[int]) -> Check:
    return lambda task: bool(wanted.intersection(getattr(task, attribute)))


def _after(attribute: str, bound: int) -> Check:
    return lambda task: _ms(task, attribute) > bound


def _before(attribute: str, bound: int) -> Check:
    return lambda task: -1 < _ms(task, attribute) < bound


def _ms(task: TaskRecord, attribute: str) -> int:
    value = getattr(task, attribute)
    return -1 if value is None else int(value)


def _field_checks(request: Request) -> list[Check]:
    checks: list[Check] = []
    for name in ("custom_fields", "custom_field"):
        raw = arg(request, name)
        if not raw:
            continue
        try:
            parsed = json.loads(raw)
        except ValueError:
            errors.fail(errors.BAD_CUSTOM_FIELDS)
        for condition in parsed if isinstance(parsed, list) else [parsed]:
            checks.append(_field_check(condition))
    return checks


def _field_check(condition: Any) -> Check:
    if not (
        isinstance(condition, dict)
        and isinstance(condition.get("field_id"), str)
        and condition.get("operator", "=") in FIELD_OPERATORS
    ):
        errors.fail(errors.BAD_CUSTOM_FIELDS)
    field_id = condition["field_id"]
    operator = condition.get("operator", "=")
    wanted = str(condition.get("value"))
    if operator == "IS NULL":
        return lambda t: field_id not in t.field_values
    if operator == "IS NOT NULL":
        return lambda t: field_id in t.field_values
    if operator == "!=":
        return lambda t: str(t.field_values.get(field_id)) != wanted
    return lambda t: field_id in t.field_values and str(t.field_values[field_id]) == wanted


def ordered(tasks: list[TaskRecord], request: Request) -> list[TaskRecord]:
    """Ordered by ``order_by`` (newest/largest first), reversed with ``reverse=true``;
    tasks without a due date come last when ordered by it."""
    order_by = arg(request, "order_by") or "created"
    if order_by == "updated":
        out = sorted(tasks, key=lambda t: (t.updated_ms, t.id), reverse=True)
    elif order_by == "id":
        out = sorted(tasks, key=lambda t: t.id, reverse=True)
    elif order_by == "due_date":
        with_due = sorted((t for t in tasks if t.due_ms), key=lambda t: (t.due_ms or 0, t.id))
        out = [*reversed(with_due), *(t for t in tasks if not t.due_ms)]
    else:
        out = sorted(tasks, key=lambda t: (t.created_ms, t.id), reverse=True)
    if flag(request, "reverse"):
        out.reverse()
    return out
