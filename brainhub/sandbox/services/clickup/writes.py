"""Writes to the ClickUp dataset, checked like ClickUp checks them, as journal drafts.

Each method validates one request against the current data and returns the
:class:`~brainhub.sandbox.kit.journal.Draft` of the change (resolved values, ready to
apply: see :mod:`.changes`); a bad field stops it with ClickUp's 4xx before anything
changes. Rules: a task needs a ``name``; ``status`` must be one of the space's statuses;
``priority`` is 1 = urgent … 4 = low or null; assignees and watchers are workspace user
ids (a list on create, ``{"add": [...], "rem": [...]}`` on update); ``parent`` is a task
of the same list; tags are the space's tags; custom field values are checked by field
type (:mod:`.field_values`). Every write stamps ``date_updated`` after everything
generated (:meth:`~.dataset.ClickUpDataset.next_write_ms`).
"""

from __future__ import annotations

import math
from typing import Any

from brainhub.sandbox.kit.journal import Draft
from brainhub.sandbox.params import finite_number, whole_number
from brainhub.sandbox.services.clickup import errors
from brainhub.sandbox.services.clickup.dataset import ClickUpDataset
from brainhub.sandbox.services.clickup.field_values import checked_value
from brainhub.sandbox.services.clickup.hierarchy import TaskList
from brainhub.sandbox.services.clickup.tasks import INDEX_SPAN, Comment, TaskRecord, task_id

#: Task indices of tasks created through the API (generated ones stay below).
WRITE_INDEX = 8000
#: Comment numbers of comments posted through the API (generated ones stay below).
WRITE_COMMENT = 500
COMMENT_ID_BASE = 9 * 10**15


def comment_id(task: TaskRecord, number: int) -> str:
    """The id of comment ``number`` of ``task`` (generated ids use the same scheme)."""
    return str(COMMENT_ID_BASE + int(task.id[2:], 36) * 1000 + number)


def comment_task_id(value: str) -> str | None:
    """The id of the task a comment id belongs to, or ``None`` if it is not a comment id."""
    if not value.isdigit() or int(value) < COMMENT_ID_BASE:
        return None
    serial = (int(value) - COMMENT_ID_BASE) // 1000
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        serial, rest = divmod(serial, 36)
        out = digits[rest] + out
        if serial == 0:
            return "86" + out.rjust(7, "0")


class TaskWriter:
    """Builds the drafts of API writes on one dataset. Callers hold the emulator's lock."""

    def __init__(self, data: ClickUpDataset) -> None:
        self.data = data

    # ------------------------------------------------------------------ lookups

    def task(self, value: str) -> tuple[TaskList, TaskRecord]:
        found = self.data.find_task(value)
        if found is None:
            errors.fail(errors.TASK_NOT_FOUND)
        return found

    def comment(self, value: str) -> tuple[TaskRecord, Comment]:
        owner = comment_task_id(value)
        found = self.data.find_task(owner) if owner else None
        comment = next((c for c in found[1].comments if c.id == value), None) if found else None
        if found is None or comment is None:
            errors.fail(errors.COMMENT_NOT_FOUND)
        return found[1], comment

    # ------------------------------------------------------------------ tasks

    def create_task(self, list_id: str, body: dict[str, Any]) -> Draft:
        task_list = self.data.tree.lists_by_id.get(list_id)
        if task_list is None:
            errors.fail(errors.LIST_NOT_FOUND)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.fail(errors.TASK_NAME_INVALID)
        index = WRITE_INDEX + self.data.list_tasks(task_list).written
        if index >= INDEX_SPAN:
            errors.fail(errors.SERVER_ERROR)  # the emulator's id space for this list is full
        now = self.data.next_write_ms()
        values: dict[str, Any] = {
            "list_id": task_list.id,
            "index": index,
            "name": name.strip(),
            "description": _description(body) or "",
            "status_index": 0,
            "priority": 0,
            "created_ms": now,
            "updated_ms": now,
            "closed_ms": None,
            "archived": bool(body.get("archived", False)),
            "parent_index": None,
            "creator_index": 0,
            "assignee_indices": [],
            "watcher_indices": [0],
            "tag_names": [],
            "due_ms": None,
            "start_ms": None,
            "points": None,
            "time_estimate": None,
            "field_values": self._create_fields(task_list, body.get("custom_fields")),
        }
        blank = TaskRecord(list_no=task_list.no, index=index, id="", **_task_fields(values))
        values.update(self._checked(task_list, blank, body, now))
        return Draft("create", "task", task_id(self.data.seed, task_list.no, index), values)

    def update_task(self, value: str, body: dict[str, Any]) -> Draft:
        task_list, task = self.task(value)
        if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
            errors.fail(errors.TASK_NAME_INVALID)
        now = self.data.next_write_ms()
        values = self._checked(task_list, task, body, now)
        if "name" in body:
            values["name"] = body["name"].strip()
        description = _description(body)
        if description is not None:
            values["description"] = description.strip()
        if "archived" in body:
            values["archived"] = bool(body["archived"])
        values["updated_ms"] = now
        return Draft("update", "task", task.id, values)

    def delete_task(self, value: str) -> Draft:
        _task_list, task = self.task(value)
        return Draft("delete", "task", task.id, {"updated_ms": self.data.next_write_ms()})

    def set_field(self, value: str, field_id: str, body: dict[str, Any]) -> Draft:
        task_list, task = self.task(value)
        custom_field = next((f for f in task_list.fields if f.id == field_id), None)
        if custom_field is None:
            errors.fail(errors.FIELD_NOT_APPLICABLE)
        if "value" not in body:
            errors.fail(errors.FIELD_VALUE_INVALID)
        stored = checked_value(custom_field, body["value"])
        fields = {k: v for k, v in task.field_values.items() if k != field_id}
        if stored is not None:
            fields[field_id] = stored
        return self._touch(task, {"field_values": fields})

    def remove_field(self, value: str, field_id: str) -> Draft:
        task_list, task = self.task(value)
        if not any(f.id == field_id for f in task_list.fields):
            errors.fail(errors.FIELD_NOT_APPLICABLE)
        fields = {k: v for k, v in task.field_values.items() if k != field_id}
        return self._touch(task, {"field_values": fields})

    def add_tag(self, value: str, tag_name: str) -> Draft:
        task_list, task = self.task(value)
        name = self._space_tag(task_list, tag_name)
        return self._touch(task, {"tag_names": sorted({*task.tag_names, name})})

    def remove_tag(self, value: str, tag_name: str) -> Draft:
        task_list, task = self.task(value)
        name = self._space_tag(task_list, tag_name)
        return self._touch(task, {"tag_names": [n for n in task.tag_names if n != name]})

    def _touch(self, task: TaskRecord, values: dict[str, Any]) -> Draft:
        return Draft("update", "task", task.id, {**values, "updated_ms": self.data.next_write_ms()})

    @staticmethod
    def _space_tag(task_list: TaskList, tag_name: str) -> str:
        """The space's tag called ``tag_name`` (ClickUp matches tag names case-insensitively)."""
        names = [str(tag["name"]) for tag in task_list.space.tags]
        found = next((name for name in names if name.lower() == tag_name.lower()), None)
        if found is None:
            errors.fail(errors.TAG_NOT_FOUND)
        return found

    # ------------------------------------------------------------------ comments

    def add_comment(self, value: str, body: dict[str, Any]) -> Draft:
        _task_list, task = self.task(value)
        text = body.get("comment_text")
        if not isinstance(text, str) or not text.strip():
            errors.fail(errors.COMMENT_TEXT_REQUIRED)
        assignee = body.get("assignee")
        values = {
            "task_id": task.id,
            "user_index": 0,
            "text": text,
            "date_ms": self.data.next_write_ms(),
            "assignee_index": self._user(assignee) if assignee is not None else None,
        }
        number = WRITE_COMMENT + task.written_comments
        return Draft("create", "comment", comment_id(task, number), values)

    def update_comment(self, value: str, body: dict[str, Any]) -> Draft:
        task, comment = self.comment(value)
        values: dict[str, Any] = {"task_id": task.id, "updated_ms": self.data.next_write_ms()}
        if "comment_text" in body:
            text = body["comment_text"]
            if not isinstance(text, str) or not text.strip():
                errors.fail(errors.COMMENT_TEXT_REQUIRED)
            values["text"] = text
        if "assignee" in body:
            assignee = body["assignee"]
            values["assignee_index"] = None if assignee is None else self._user(assignee)
        if "resolved" in body:
            if not isinstance(body["resolved"], bool):
                errors.fail(errors.RESOLVED_INVALID)
            values["resolved"] = body["resolved"]
        return Draft("update", "comment", comment.id, values)

    def delete_comment(self, value: str) -> Draft:
        task, comment = self.comment(value)
        values = {"task_id": task.id, "updated_ms": self.data.next_write_ms()}
        return Draft("delete", "comment", comment.id, values)

    # ------------------------------------------------------------------ checks

    def _checked(
        self, task_list: TaskList, task: TaskRecord, body: dict[str, Any], now: int
    ) -> dict[str, Any]:
        """The task attributes ``body`` sets, validated; a 4xx for the first bad field."""
        values: dict[str, Any] = {}
        if "status" in body:
            statuses = task_list.space.statuses
            names = [str(s["status"]).lower() for s in statuses]
            wanted = str(body["status"]).lower()
            if wanted not in names:
                errors.fail(errors.STATUS_NOT_FOUND)
            values["status_index"] = names.index(wanted)
            closed = statuses[values["status_index"]]["type"] == "closed"
            values["closed_ms"] = now if closed else None
        if "priority" in body:
            priority = body["priority"]
            if priority is not None and (
                isinstance(priority, bool) or priority not in (1, 2, 3, 4)
            ):
                errors.fail(errors.PRIORITY_INVALID)
            values["priority"] = priority or 0
        for key, attribute in (("due_date", "due_ms"), ("start_date", "start_ms")):
            if key in body:
                values[attribute] = _whole(body[key], errors.DATE_INVALID)
        if "time_estimate" in body:
            values["time_estimate"] = _whole(body["time_estimate"], errors.NUMBER_INVALID)
        if "points" in body:
            values["points"] = _points(body["points"])
        if isinstance(body.get("tags"), list):
            known = {tag["name"] for tag in task_list.space.tags}
            values["tag_names"] = sorted({str(t) for t in body["tags"]} & known)
        if body.get("parent") is not None:
            values["parent_index"] = self._parent(task_list, task, body["parent"])
        for key, attribute, error in (
            ("assignees", "assignee_indices", errors.ASSIGNEE_INVALID),
            ("watchers", "watcher_indices", errors.WATCHER_INVALID),
        ):
            if key in body:
                current = getattr(task, attribute)
                values[attribute] = self._people(body[key], current, error)
        return values

    def _parent(self, task_list: TaskList, task: TaskRecord, value: Any) -> int:
        found = self.data.find_task(str(value))
        if found is None:
            errors.fail(errors.TASK_NOT_FOUND)
        if found[0] is not task_list or found[1].index == task.index:
            errors.fail(errors.PARENT_INVALID)
        return found[1].index

    def _people(self, value: Any, current: list[int], error: str) -> list[int]:
        """A list of user ids (replaces), or ``{"add": [...], "rem": [...]}`` (changes)."""
        if isinstance(value, list):
            return sorted({self._user(v, error) for v in value})
        if not isinstance(value, dict):
            errors.fail(error)
        add, rem = value.get("add", []), value.get("rem", [])
        if not (isinstance(add, list) and isinstance(rem, list)):
            errors.fail(error)
        people = set(current) | {self._user(v, error) for v in add}
        return sorted(people - {self._user(v, error) for v in rem})

    def _user(self, user_id: Any, error: str = errors.ASSIGNEE_INVALID) -> int:
        users = self.data.tree.users
        index = next((u.index for u in users if str(u.id) == str(user_id)), None)
        if index is None:
            errors.fail(error)
        return index

    def _create_fields(self, task_list: TaskList, value: Any) -> dict[str, Any]:
        """``custom_fields`` of a new task: values of fields that apply to the list, checked
        by type; fields of other lists are ignored (as ClickUp documents)."""
        if value is None:
            return {}
        if not isinstance(value, list):
            errors.fail(errors.FIELD_VALUE_INVALID)
        by_id = {f.id: f for f in task_list.fields}
        stored: dict[str, Any] = {}
        for item in value:
            if not isinstance(item, dict) or "id" not in item:
                errors.fail(errors.FIELD_VALUE_INVALID)
            custom_field = by_id.get(str(item["id"]))
            if custom_field is None:
                continue
            checked = checked_value(custom_field, item.get("value"))
            if checked is not None:
                stored[custom_field.id] = checked
        return stored


def _task_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The TaskRecord attributes among a create draft's values."""
    return {k: v for k, v in values.items() if k not in ("list_id", "index")}


def _description(body: dict[str, Any]) -> str | None:
    """``markdown_content`` wins over ``description`` (as documented); ``None`` if neither."""
    for key in ("markdown_content", "description"):
        if isinstance(body.get(key), str):
            return str(body[key])
    return None


def _whole(value: Any, error: str) -> int | None:
    """A whole number >= 0 (or digits), ``None`` for null; else ``error``."""
    if value is None:
        return None
    if isinstance(value, str):
        value = whole_number(value, signed=False)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        errors.fail(error)
    return value


def _points(value: Any) -> float | None:
    """Sprint points: a finite number (or its text), ``None`` for null."""
    if value is None:
        return None
    if isinstance(value, str):
        value = finite_number(value)
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        errors.fail(errors.NUMBER_INVALID)
    return float(value)
