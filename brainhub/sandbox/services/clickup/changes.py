"""How journalled ClickUp writes change the dataset: one applier per ``(object, op)``.

The same code applies a write when it is made and when a later emulator process replays
the journal (:mod:`brainhub.sandbox.kit.journal`), so both see the same data. A change
whose task is gone (deleted by a later generation or an earlier change) is skipped.
"""

from __future__ import annotations

from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.services.clickup.dataset import ClickUpDataset
from brainhub.sandbox.services.clickup.tasks import Comment, TaskRecord

#: Task attributes an update may set.
TASK_ATTRIBUTES = frozenset(TaskRecord.__slots__) - {
    "list_no",
    "index",
    "id",
    "comments",
    "cached_json",
    "written_comments",
}
COMMENT_ATTRIBUTES = frozenset({"text", "assignee_index", "resolved"})


class ClickUpChanges:
    """Applies journalled changes to one :class:`ClickUpDataset`."""

    def __init__(self, data: ClickUpDataset) -> None:
        self.data = data

    def replay(self) -> Replay:
        """The applier table the kit replays the journal with."""
        return Replay(
            {
                ("task", "create"): self.create_task,
                ("task", "update"): self.update_task,
                ("task", "delete"): self.delete_task,
                ("comment", "create"): self.create_comment,
                ("comment", "update"): self.update_comment,
                ("comment", "delete"): self.delete_comment,
            }
        )

    def create_task(self, change: Change) -> None:
        values = dict(change.data)
        task_list = self.data.tree.lists_by_id.get(str(values.pop("list_id", "")))
        if task_list is None:
            return
        index = int(values.pop("index"))
        tasks = self.data.mark_changed(task_list)
        tasks.written += 1
        if index in tasks.by_index:
            return
        fields = {k: v for k, v in values.items() if k in TASK_ATTRIBUTES}
        tasks.add(TaskRecord(list_no=task_list.no, index=index, id=change.id, **fields))
        self.data.note_write(int(values["updated_ms"]))

    def update_task(self, change: Change) -> None:
        task = self._task(change.id)
        if task is None:
            return
        for key, value in change.data.items():
            if key in TASK_ATTRIBUTES and key != "updated_ms":
                setattr(task, key, value)
        self._stamp(task, int(change.data["updated_ms"]))

    def delete_task(self, change: Change) -> None:
        found = self.data.find_task(change.id)
        if found is None:
            return
        task_list, task = found
        self.data.mark_changed(task_list).remove({task.index})
        self.data.note_write(int(change.data["updated_ms"]))

    def create_comment(self, change: Change) -> None:
        task = self._task(str(change.data["task_id"]))
        if task is None:
            return
        task.written_comments += 1
        if any(c.id == change.id for c in task.comments):
            return
        date_ms = int(change.data["date_ms"])
        task.comments.append(
            Comment(
                id=change.id,
                user_index=int(change.data["user_index"]),
                text=str(change.data["text"]),
                date_ms=date_ms,
                assignee_index=change.data.get("assignee_index"),
            )
        )
        self._stamp(task, date_ms)

    def update_comment(self, change: Change) -> None:
        task = self._task(str(change.data["task_id"]))
        comment = self._comment(task, change.id)
        if task is None or comment is None:
            return
        for key, value in change.data.items():
            if key in COMMENT_ATTRIBUTES:
                setattr(comment, key, value)
        self._stamp(task, int(change.data["updated_ms"]))

    def delete_comment(self, change: Change) -> None:
        task = self._task(str(change.data["task_id"]))
        if task is None or self._comment(task, change.id) is None:
            return
        task.comments = [c for c in task.comments if c.id != change.id]
        self._stamp(task, int(change.data["updated_ms"]))

    # ------------------------------------------------------------------ helpers

    def _task(self, task_id: str) -> TaskRecord | None:
        found = self.data.find_task(task_id)
        if found is None:
            return None
        self.data.mark_changed(found[0])
        return found[1]

    @staticmethod
    def _comment(task: TaskRecord | None, comment_id: str) -> Comment | None:
        if task is None:
            return None
        return next((c for c in task.comments if c.id == comment_id), None)

    def _stamp(self, task: TaskRecord, when_ms: int) -> None:
        """``date_updated`` of ``task`` is ``when_ms`` (never earlier than it was)."""
        task.updated_ms = max(task.updated_ms, when_ms)
        task.touch()
        self.data.note_write(when_ms)
