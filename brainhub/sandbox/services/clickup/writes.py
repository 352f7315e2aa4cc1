"""Writes to the in-memory ClickUp dataset: create and update tasks, post comments.

They validate like ClickUp (a task needs a ``name``; ``status`` must be one of the
space's statuses; ``priority`` is 1 = urgent … 4 = low or null; assignees are workspace
user ids) and stamp changes after everything generated. They last until the dataset's
generation changes.
"""

from __future__ import annotations

import math
from typing import Any

from brainhub.sandbox.params import finite_number, whole_number
from brainhub.sandbox.services.clickup import errors
from brainhub.sandbox.services.clickup.dataset import ClickUpDataset
from brainhub.sandbox.services.clickup.hierarchy import TaskList
from brainhub.sandbox.services.clickup.tasks import Comment, TaskRecord, task_id

#: Task indices of tasks created through the API (generated ones stay below).
WRITE_INDEX = 8000


class TaskWriter:
    """Applies API writes to one dataset. Callers hold the emulator's data lock."""

    def __init__(self, data: ClickUpDataset) -> None:
        self.data = data

    def create_task(self, task_list: TaskList, body: dict[str, Any]) -> TaskRecord:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.fail(errors.TASK_NAME_INVALID)
        tasks = self.data.mark_changed(task_list)
        index = WRITE_INDEX + sum(1 for t in tasks.tasks if t.index >= WRITE_INDEX)
        now = self.data.next_write_ms()
        parent_index = None
        if body.get("parent"):
            found = self.data.find_task(str(body["parent"]))
            if found is None or found[0] is not task_list:
                errors.fail(errors.TASK_NOT_FOUND)
            parent_index = found[1].index
        task = TaskRecord(
            list_no=task_list.no,
            index=index,
            id=task_id(self.data.seed, task_list.no, index),
            name=name.strip(),
            description="",
            status_index=0,
            priority=0,
            created_ms=now,
            updated_ms=now,
            closed_ms=None,
            archived=False,
            parent_index=parent_index,
            creator_index=0,
            assignee_indices=[],
            watcher_indices=[0],
            tag_names=[],
            due_ms=None,
            start_ms=None,
            points=None,
            time_estimate=None,
            field_values={},
        )
        self._apply(task_list, task, body, now)
        tasks.add(task)
        return task

    def update_task(self, task_list: TaskList, task: TaskRecord, body: dict[str, Any]) -> None:
        self.data.mark_changed(task_list)
        if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
            errors.fail(errors.TASK_NAME_INVALID)
        now = self.data.next_write_ms()
        self._apply(task_list, task, body, now)
        if "name" in body:
            task.name = body["name"].strip()
        if "archived" in body:
            task.archived = bool(body["archived"])
        task.updated_ms = now
        task.touch()

    def add_comment(self, task_list: TaskList, task: TaskRecord, body: dict[str, Any]) -> Comment:
        text = body.get("comment_text")
        if not isinstance(text, str) or not text.strip():
            errors.fail(errors.COMMENT_TEXT_REQUIRED)
        self.data.mark_changed(task_list)
        assignee = body.get("assignee")
        now = self.data.next_write_ms()
        serial = int(task.id[2:], 36)
        comment = Comment(
            id=str(9 * 10**15 + serial * 1000 + 500 + len(task.comments)),
            user_index=0,
            text=text,
            date_ms=now,
            assignee_index=self._user_index(assignee) if assignee is not None else None,
        )
        task.comments.append(comment)
        task.updated_ms = now
        task.touch()
        return comment

    def _apply(self, task_list: TaskList, task: TaskRecord, body: dict[str, Any], now: int) -> None:
        """Check every field of ``body`` first (a 400 changes nothing), then apply them."""
        values = self._checked(task_list, task, body)
        if "description" in body or "markdown_content" in body:
            task.description = str(body.get("markdown_content") or body.get("description") or "")
        if "status_index" in values:
            task.status_index = values["status_index"]
            closed = task_list.space.statuses[task.status_index]["type"] == "closed"
            task.closed_ms = now if closed else None
        for attribute in ("priority", "due_ms", "start_ms", "time_estimate", "points"):
            if attribute in values:
                setattr(task, attribute, values[attribute])
        if "tags" in body and isinstance(body["tags"], list):
            known = {tag["name"] for tag in task_list.space.tags}
            task.tag_names = sorted({str(t) for t in body["tags"]} & known)
        if "assignee_indices" in values:
            task.assignee_indices = values["assignee_indices"]

    def _checked(
        self, task_list: TaskList, task: TaskRecord, body: dict[str, Any]
    ) -> dict[str, Any]:
        """The task attributes ``body`` sets, validated; a 400 for the first bad field."""
        values: dict[str, Any] = {}
        if "status" in body:
            names = [str(s["status"]).lower() for s in task_list.space.statuses]
            wanted = str(body["status"]).lower()
            if wanted not in names:
                errors.fail(errors.STATUS_NOT_FOUND)
            values["status_index"] = names.index(wanted)
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
        assignees = body.get("assignees")
        if isinstance(assignees, list):
            values["assignee_indices"] = sorted({self._user_index(a) for a in assignees})
        elif isinstance(assignees, dict):
            add, rem = assignees.get("add", []), assignees.get("rem", [])
            if not (isinstance(add, list) and isinstance(rem, list)):
                errors.fail(errors.ASSIGNEE_INVALID)
            current = set(task.assignee_indices)
            current |= {self._user_index(a) for a in add}
            current -= {self._user_index(a) for a in rem}
            values["assignee_indices"] = sorted(current)
        return values

    def _user_index(self, user_id: Any) -> int:
        users = self.data.tree.users
        index = next((u.index for u in users if str(u.id) == str(user_id)), None)
        if index is None:
            errors.fail(errors.ASSIGNEE_INVALID)
        return index


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
