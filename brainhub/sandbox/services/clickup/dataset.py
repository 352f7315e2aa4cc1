"""One ClickUp dataset: the tree, lazily generated task lists, writes, counts and changes."""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from brainhub.sandbox.services.clickup.hierarchy import Hierarchy, TaskList, build_hierarchy
from brainhub.sandbox.services.clickup.sizes import SIZES, now_ms
from brainhub.sandbox.services.clickup.tasks import TaskFactory, TaskRecord, parse_task_id

#: How many generated lists stay in memory (lists changed by writes always stay).
LIST_CACHE_SIZE = 64


@dataclass
class ListTasks:
    """The tasks of one list, by index and in creation order."""

    tasks: list[TaskRecord]
    by_index: dict[int, TaskRecord] = field(default_factory=dict)
    #: Tasks created in this list through the API so far (numbers their ids).
    written: int = 0

    def __post_init__(self) -> None:
        self.by_index = {task.index: task for task in self.tasks}

    def add(self, task: TaskRecord) -> None:
        self.tasks.append(task)
        self.by_index[task.index] = task

    def remove(self, indices: set[int]) -> None:
        """Drop the tasks with ``indices`` and their subtasks (as ClickUp deletes them)."""
        self.tasks = [
            t for t in self.tasks if t.index not in indices and t.parent_index not in indices
        ]
        self.by_index = {task.index: task for task in self.tasks}


class ClickUpDataset:
    """The data of one ``(seed, size, generation)``; thread-safe."""

    def __init__(self, seed: int, size_name: str, generation: int) -> None:
        self.seed = seed
        self.size_name = size_name
        self.size = SIZES[size_name]
        self.generation = generation
        rng = random.Random(f"clickup:{seed}:{size_name}:tree")
        self.tree: Hierarchy = build_hierarchy(seed, self.size, rng)
        self.factory = TaskFactory(seed, size_name, self.size, self.tree)
        self.deleted_goals = deleted_goal_ids(self.tree.goals, generation)
        self.tree.goals = [g for g in self.tree.goals if g["id"] not in self.deleted_goals]
        self.time_spent: dict[tuple[int, int], int] = {}
        for entry in self.tree.time_entries:
            key = (entry.list_no, entry.task_index)
            self.time_spent[key] = self.time_spent.get(key, 0) + entry.duration_ms
        self._cache: OrderedDict[int, ListTasks] = OrderedDict()
        self._changed: dict[int, ListTasks] = {}
        self._write_clock = now_ms(generation)
        self._lock = threading.RLock()

    @property
    def now_ms(self) -> int:
        """The dataset's "now" (epoch ms): the end of its latest generation step."""
        return now_ms(self.generation)

    def list_tasks(self, task_list: TaskList) -> ListTasks:
        """The tasks of ``task_list``, generated on first use."""
        with self._lock:
            tasks = self._changed.get(task_list.no) or self._cache.get(task_list.no)
            if tasks is None:
                tasks = ListTasks(self.factory.build_list(task_list, self.generation))
                self._cache[task_list.no] = tasks
                while len(self._cache) > LIST_CACHE_SIZE:
                    self._cache.popitem(last=False)
            elif task_list.no in self._cache:
                self._cache.move_to_end(task_list.no)
            return tasks

    def find_task(self, task_id: str) -> tuple[TaskList, TaskRecord] | None:
        """The list and task with ``task_id``, or ``None``."""
        parsed = parse_task_id(self.seed, task_id)
        if parsed is None or parsed[0] >= len(self.tree.lists):
            return None
        task_list = self.tree.lists[parsed[0]]
        task = self.list_tasks(task_list).by_index.get(parsed[1])
        return (task_list, task) if task is not None else None

    def mark_changed(self, task_list: TaskList) -> ListTasks:
        """Keep ``task_list`` in memory for good: a write changed it."""
        with self._lock:
            tasks = self.list_tasks(task_list)
            self._changed[task_list.no] = tasks
            return tasks

    def next_write_ms(self) -> int:
        """A timestamp for the next write: after everything generated and every earlier
        write, one millisecond apart, so writes made at generation ``g`` fall in the first
        second after its "now" and the events of generation ``g + 1`` still come after
        them (up to 999 writes per generation)."""
        with self._lock:
            return max(self._write_clock, self.now_ms) + 1

    def note_write(self, when_ms: int) -> None:
        """An applied write happened at ``when_ms``; later writes come after it."""
        with self._lock:
            self._write_clock = max(self._write_clock, when_ms)

    def counts(self) -> dict[str, int]:
        """Records per stream a default sync extracts (see the emulator's docstring)."""
        active_spaces = [space for space in self.tree.spaces if not space.archived]
        folders = [f for space in active_spaces for f in space.folders if not f.archived]
        lists = [tl for tl in self.tree.lists if not tl.hidden_by_archive]
        tasks = comments = 0
        for task_list in lists:
            for task in self.list_tasks(task_list).tasks:
                if not task.archived:
                    tasks += 1
                    comments += len(task.comments)
        return {
            "teams": 1,
            "spaces": len(active_spaces),
            "folders": len(folders),
            "lists": len(lists),
            "tasks": tasks,
            "task_comments": comments,
            "custom_fields": sum(len(tl.fields) for tl in lists),
            "tags": sum(len(space.tags) for space in active_spaces),
            "goals": len(self.tree.goals),
            "time_entries": len(self.tree.time_entries),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        """Tasks updated, created and deleted (comments added and deleted with their tasks,
        goals deleted) after ``since_generation``."""
        updated: set[tuple[int, int]] = set()
        created = comments = 0
        deleted = self.factory.deleted_by(self.generation)
        for step in range(since_generation + 1, self.generation + 1):
            plan = self.factory.plan(step)
            for list_no, updates in plan.updates.items():
                for index, _status, _when, with_comment in updates:
                    if (list_no, index) in deleted:
                        continue  # updated, then deleted: only the deletion is a change
                    updated.add((list_no, index))
                    comments += with_comment
            for events in plan.creates.values():
                created += len(events)
                comments += len(events)
        before = ClickUpDataset(self.seed, self.size_name, since_generation)
        touched = {
            list_no
            for step in range(since_generation + 1, self.generation + 1)
            for list_no in self.factory.plan(step).deletes
        }
        tasks_deleted = comments_deleted = 0
        for list_no in touched:
            task_list = self.tree.lists[list_no]
            now = {task.id for task in self.list_tasks(task_list).tasks}
            for task in before.list_tasks(before.tree.lists[list_no]).tasks:
                if task.id not in now:
                    tasks_deleted += 1
                    comments_deleted += len(task.comments)
        return {
            "tasks_updated": len(updated),
            "tasks_created": created,
            "comments_created": comments,
            "tasks_deleted": tasks_deleted,
            "task_comments_deleted": comments_deleted,
            "goals_deleted": len(self.deleted_goals - before.deleted_goals),
        }


def deleted_goal_ids(goals: list[dict[str, object]], generation: int) -> set[object]:
    """Goals deleted by generations ``1..generation``: the oldest one per step, while more
    than one is left (ClickUp's ``DELETE /goal/{id}``)."""
    return {goal["id"] for goal in goals[: max(0, min(generation, len(goals) - 1))]}
