"""How journalled Asana writes change the organization: one applier per ``(object, op)``.

The same code applies a write when it is made and when a later emulator process replays
the journal (:mod:`brainhub.sandbox.kit.journal`). A change whose task is gone (deleted by
a later generation or an earlier change) is skipped. After each change the representer
forgets the records it completed, so answers show the change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.services.asana.workspace import Organization
from brainhub.sandbox.services.asana.writes import TaskWriter


class AsanaChanges:
    """Applies journalled changes to one :class:`Organization`."""

    def __init__(self, org: Organization, writer: TaskWriter, forget: Callable[[], None]) -> None:
        self.org = org
        self.writer = writer
        self.forget = forget

    def replay(self) -> Replay:
        """The applier table the kit replays the journal with."""
        return Replay(
            {
                ("task", "create"): self.create_task,
                ("task", "update"): self.update_task,
                ("task", "delete"): self.delete_task,
                ("story", "create"): self.create_story,
            }
        )

    def create_task(self, change: Change) -> None:
        task = copy.deepcopy(dict(change.data["task"]))
        story = copy.deepcopy(dict(change.data["story"]))
        self.writer.note(story["gid"], task["modified_at"])
        home = str(change.data["home"])
        if self.org.task(task["gid"]) is not None:
            return
        if home != self.org.workspace["gid"] and self.org.project(home) is None:
            return
        self.org.tasks.setdefault(home, []).append(task)
        self.org.stories[task["gid"]] = [story]
        self.org.subtasks[task["gid"]] = []
        self.org.time_entries[task["gid"]] = []
        self.forget()

    def update_task(self, change: Change) -> None:
        values = copy.deepcopy(dict(change.data["set"]))
        self.writer.note(None, values["modified_at"])
        task = self.org.task(change.id)
        if task is None:
            return
        task.update(values)
        if "name" in values:
            for story in self.org.stories.get(task["gid"], []):
                story["target"]["name"] = values["name"]
        self.forget()

    def delete_task(self, change: Change) -> None:
        self.writer.note(None, str(change.data["at"]))
        for tasks in [*self.org.tasks.values(), *self.org.subtasks.values()]:
            for task in tasks:
                if task["gid"] == change.id:
                    tasks.remove(task)
                    self.org.stories.pop(change.id, None)
                    self.forget()
                    return

    def create_story(self, change: Change) -> None:
        story = copy.deepcopy(dict(change.data["story"]))
        self.writer.note(story["gid"], story["created_at"])
        task = self.org.task(str(change.data["task"]))
        if task is None:
            return
        stories = self.org.stories.setdefault(task["gid"], [])
        if any(s["gid"] == story["gid"] for s in stories):
            return
        stories.append(story)
        task["modified_at"] = max(task["modified_at"], story["created_at"])
        self.forget()
