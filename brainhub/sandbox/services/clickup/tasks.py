"""ClickUp tasks and comments: generated lazily per list, then changed generation by generation.

A list's tasks are a pure function of ``(seed, size, list number, generation)``:

1. the base tasks (top-level indices ``0..n-1``, subtasks from ``SUBTASK_INDEX``),
2. then, for each generation step ``1..g``, the step's plan for that list: updates of
   existing tasks (new status and name, ``date_updated`` inside the step, sometimes a new
   comment), newly created tasks (indices from ``CREATED_INDEX``, one comment each) and
   deleted top-level tasks (gone with their subtasks and comments, as ClickUp deletes them;
   never a task with tracked time).

Task ids encode the list number and index (``"86" + base36``), so a task is found by id
without an index of all tasks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from brainhub.sandbox.services.clickup.hierarchy import (
    Hierarchy,
    TaskList,
    is_archived_task,
    subtask_count,
)
from brainhub.sandbox.services.clickup.sizes import BASE_MS, DAY_MS, STEP_MS, ClickUpSize

SUBTASK_INDEX = 1000
CREATED_INDEX = 5000
INDEX_SPAN = 10_000
ID_SEED_SPAN = 12_000_000
EVENT_SPACING_MS = 1000

VERBS = ("Draft", "Review", "Fix", "Ship", "Plan", "Test", "Design", "Document", "Migrate")
OBJECTS = (
    "onboarding email",
    "billing page",
    "login timeout",
    "Q3 roadmap",
    "search filters",
    "mobile layout",
    "API rate limits",
    "release notes",
    "customer survey",
    "data export",
)
SENTENCES = (
    "The current behaviour confuses new users and generates support tickets every week.",
    "Acceptance criteria: the change is behind a flag, covered by tests and documented.",
    "Coordinate with the design team before the final copy is locked.",
    "See the linked customer conversation for the original request and screenshots.",
    "Estimate assumes the shared components are already migrated to the new theme.",
    "Blocked until the vendor confirms the new limits in writing.",
    "Roll out to internal workspaces first, then to 10% of customers, then everyone.",
    "Metrics to watch: activation rate, time to first value, and error rate.",
)
COMMENT_TEXTS = (
    "Looks good to me, merging after CI.",
    "Can we split this into two smaller tasks?",
    "I pushed a first draft, feedback welcome.",
    "Customer confirmed the fix works on their side.",
    "Moving this to next sprint, capacity is tight.",
    "Added screenshots of the new flow.",
)


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def task_id(seed: int, list_no: int, index: int) -> str:
    """The ClickUp-style id of task ``index`` in list ``list_no``."""
    serial = (seed % 1000) * ID_SEED_SPAN + list_no * INDEX_SPAN + index
    return "86" + _b36(serial).rjust(7, "0")


def parse_task_id(seed: int, value: str) -> tuple[int, int] | None:
    """(list number, index) encoded in a task id, or ``None`` if it is not one of ours."""
    if not value.startswith("86") or len(value) != 9:
        return None
    try:
        serial = int(value[2:], 36) - (seed % 1000) * ID_SEED_SPAN
    except ValueError:
        return None
    if not 0 <= serial < ID_SEED_SPAN:
        return None
    return divmod(serial, INDEX_SPAN)


@dataclass(slots=True)
class Comment:
    id: str
    user_index: int
    text: str
    date_ms: int
    assignee_index: int | None = None
    resolved: bool = False


@dataclass(slots=True)
class TaskRecord:
    """One task's state; rendered to ClickUp's JSON by :mod:`.render`."""

    list_no: int
    index: int
    id: str
    name: str
    description: str
    status_index: int
    priority: int
    created_ms: int
    updated_ms: int
    closed_ms: int | None
    archived: bool
    parent_index: int | None
    creator_index: int
    assignee_indices: list[int]
    watcher_indices: list[int]
    tag_names: list[str]
    due_ms: int | None
    start_ms: int | None
    points: float | None
    time_estimate: int | None
    field_values: dict[str, Any]
    comments: list[Comment] = field(default_factory=list)
    cached_json: bytes | None = None
    #: Comments posted through the API so far (numbers their ids; never reused).
    written_comments: int = 0

    def touch(self) -> None:
        """Forget the cached JSON after a change."""
        self.cached_json = None


@dataclass
class StepPlan:
    """What one generation step changes, per list number."""

    updates: dict[int, list[tuple[int, int, int, bool]]]  # list → (index, status, ms, comment)
    creates: dict[int, list[int]]  # list → event times
    deletes: dict[int, list[int]] = field(default_factory=dict)  # list → top-level indices


class TaskFactory:
    """Builds tasks of one ``(seed, size)`` dataset; knows the step plans."""

    def __init__(self, seed: int, size_name: str, size: ClickUpSize, tree: Hierarchy) -> None:
        self.seed = seed
        self.size_name = size_name
        self.size = size
        self.tree = tree
        self.active_lists = [tl for tl in tree.lists if not tl.hidden_by_archive]
        self._plans: dict[int, StepPlan] = {}
        self._tracked = {(entry.list_no, entry.task_index) for entry in tree.time_entries}

    def _rng(self, *scope: object) -> random.Random:
        return random.Random(":".join(map(str, ("clickup", self.seed, self.size_name, *scope))))

    # ------------------------------------------------------------------ plans

    def plan(self, step: int) -> StepPlan:
        """The changes generation ``step`` makes (``step`` >= 1)."""
        if step not in self._plans:
            self._plans[step] = self._build_plan(step)
        return self._plans[step]

    def _build_plan(self, step: int) -> StepPlan:
        rng = self._rng("step", step)
        plan = StepPlan(updates={}, creates={})
        if not self.active_lists:
            return plan
        clock = BASE_MS + (step - 1) * STEP_MS
        top = self.size.top_level_tasks_per_list
        gone = self.deleted_by(step - 1)
        for _ in range(self.size.updates_per_step):
            task_list = rng.choice(self.active_lists)
            index = rng.randrange(top)
            for _tries in range(top):
                if not (
                    is_archived_task(self.size, task_list.no, index)
                    or (task_list.no, index) in gone
                ):
                    break
                index = (index + 1) % top
            else:
                continue
            clock += EVENT_SPACING_MS
            status = rng.randrange(4)
            plan.updates.setdefault(task_list.no, []).append(
                (index, status, clock, rng.random() < 0.5)
            )
        for _ in range(self.size.creates_per_step):
            task_list = rng.choice(self.active_lists)
            clock += EVENT_SPACING_MS
            plan.creates.setdefault(task_list.no, []).append(clock)
        for _ in range(self.size.deletes_per_step):
            task_list = rng.choice(self.active_lists)
            updated = {u[0] for u in plan.updates.get(task_list.no, ())}
            candidates = [
                index
                for index in range(top)
                if not is_archived_task(self.size, task_list.no, index)
                and (task_list.no, index) not in gone
                and (task_list.no, index) not in self._tracked
                and index not in updated
            ]
            if candidates:
                index = rng.choice(candidates)
                gone.add((task_list.no, index))
                plan.deletes.setdefault(task_list.no, []).append(index)
        return plan

    def deleted_by(self, generation: int) -> set[tuple[int, int]]:
        """(list number, top-level index) of every task deleted by ``1..generation``."""
        return {
            (list_no, index)
            for step in range(1, generation + 1)
            for list_no, indices in self.plan(step).deletes.items()
            for index in indices
        }

    def created_count(self, list_no: int, generation: int) -> int:
        """Tasks created in list ``list_no`` by generations ``1..generation``."""
        return sum(len(self.plan(s).creates.get(list_no, ())) for s in range(1, generation + 1))

    def counted_tasks(self, task_list: TaskList, generation: int) -> int:
        """Unarchived tasks (with subtasks) of a list, without generating them."""
        top = self.size.top_level_tasks_per_list
        gone = self.deleted_by(generation)
        base = sum(
            1 + subtask_count(self.size, task_list.no, i)
            for i in range(top)
            if not is_archived_task(self.size, task_list.no, i) and (task_list.no, i) not in gone
        )
        return base + self.created_count(task_list.no, generation)

    # ------------------------------------------------------------------ tasks

    def build_list(self, task_list: TaskList, generation: int) -> list[TaskRecord]:
        """Every task of ``task_list`` at ``generation`` (parents before subtasks)."""
        rng = self._rng("list", task_list.no)
        tasks: list[TaskRecord] = []
        for index in range(self.size.top_level_tasks_per_list):
            parent = self._new_task(rng, task_list, index, None, None)
            parent.archived = is_archived_task(self.size, task_list.no, index)
            tasks.append(parent)
            for sub in range(subtask_count(self.size, task_list.no, index)):
                sub_index = SUBTASK_INDEX + index * 4 + sub
                tasks.append(self._new_task(rng, task_list, sub_index, parent, None))
        if self.size.long_thread_comments and task_list.no == 0:
            self._add_comments(rng, tasks[0], self.size.long_thread_comments)
        by_index = {task.index: task for task in tasks}
        created = 0
        for step in range(1, generation + 1):
            plan = self.plan(step)
            for index, status, when, with_comment in plan.updates.get(task_list.no, ()):
                self._apply_update(by_index[index], status, when, step, with_comment)
            for when in plan.creates.get(task_list.no, ()):
                step_rng = self._rng("create", task_list.no, created)
                task = self._new_task(step_rng, task_list, CREATED_INDEX + created, None, when)
                created += 1
                tasks.append(task)
                by_index[task.index] = task
            deleted = set(plan.deletes.get(task_list.no, ()))
            if deleted:
                tasks = [
                    t for t in tasks if t.index not in deleted and t.parent_index not in deleted
                ]
                by_index = {task.index: task for task in tasks}
        return tasks

    def _apply_update(
        self, task: TaskRecord, status: int, when: int, step: int, with_comment: bool
    ) -> None:
        task.status_index = status
        task.name = f"{task.name.split(' (rev ')[0]} (rev {step})"
        task.updated_ms = when
        task.closed_ms = when if status == 3 else None
        if with_comment:
            number = len(task.comments)
            task.comments.append(self._comment(task, number, when, number % len(self.tree.users)))
        task.touch()

    def _new_task(
        self,
        rng: random.Random,
        task_list: TaskList,
        index: int,
        parent: TaskRecord | None,
        created_at: int | None,
    ) -> TaskRecord:
        users = self.tree.users
        if created_at is not None:
            created = updated = created_at
            status = 0
        elif parent is not None:
            created = parent.created_ms + rng.randrange(3_600_000, 5 * DAY_MS)
            created = min(created, BASE_MS - 3_600_000)
            updated = created + rng.randrange(0, max(1, BASE_MS - 3_600_000 - created))
            status = rng.choice((0, 1, 1, 2, 3))
        else:
            created = BASE_MS - rng.randrange(2 * DAY_MS, 365 * DAY_MS)
            updated = created + rng.randrange(0, min(60 * DAY_MS, BASE_MS - created - DAY_MS))
            status = rng.choice((0, 0, 1, 1, 2, 3, 3))
        name = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        description = " ".join(rng.sample(SENTENCES, rng.randrange(2, 5)))
        tags = task_list.space.tags
        fields = task_list.fields
        task = TaskRecord(
            list_no=task_list.no,
            index=index,
            id=task_id(self.seed, task_list.no, index),
            name=name,
            description=description,
            status_index=status,
            priority=rng.choice((0, 1, 2, 3, 3, 4)),
            created_ms=created,
            updated_ms=updated,
            closed_ms=updated if status == 3 else None,
            archived=False,
            parent_index=parent.index if parent else None,
            creator_index=rng.randrange(len(users)),
            assignee_indices=sorted(rng.sample(range(len(users)), rng.randrange(0, 3))),
            watcher_indices=sorted(rng.sample(range(len(users)), rng.randrange(1, 3))),
            tag_names=sorted(tag["name"] for tag in rng.sample(tags, rng.randrange(0, 3))),
            due_ms=(created + rng.randrange(3, 40) * DAY_MS) if rng.random() < 0.6 else None,
            start_ms=created if rng.random() < 0.3 else None,
            points=float(rng.choice((1, 2, 3, 5, 8))) if rng.random() < 0.4 else None,
            time_estimate=rng.randrange(1, 17) * 1_800_000 if rng.random() < 0.5 else None,
            field_values=_field_values(rng, fields),
        )
        count = 1 if created_at is not None else rng.randrange(self.size.max_comments + 1)
        self._add_comments(rng, task, count)
        return task

    def _add_comments(self, rng: random.Random, task: TaskRecord, count: int) -> None:
        start = len(task.comments)
        span = max(1, task.updated_ms - task.created_ms)
        for offset in range(count):
            number = start + offset
            when = task.created_ms + (span * (offset + 1)) // (count + 1)
            comment = self._comment(task, number, when, rng.randrange(len(self.tree.users)))
            if rng.random() < 0.25:
                comment.assignee_index = rng.randrange(len(self.tree.users))
            task.comments.append(comment)
        task.comments.sort(key=lambda c: (c.date_ms, c.id))

    def _comment(self, task: TaskRecord, number: int, when: int, user: int) -> Comment:
        serial = int(task.id[2:], 36)
        return Comment(
            id=str(9 * 10**15 + serial * 1000 + number),
            user_index=user,
            text=COMMENT_TEXTS[(serial + number) % len(COMMENT_TEXTS)],
            date_ms=when,
        )


def _field_values(rng: random.Random, fields: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for custom_field in fields:
        if rng.random() < 0.4:
            continue
        if custom_field.type == "drop_down":
            values[custom_field.id] = rng.randrange(len(custom_field.type_config["options"]))
        elif custom_field.type == "number":
            values[custom_field.id] = str(rng.randrange(1, 40))
        elif custom_field.type == "checkbox":
            values[custom_field.id] = rng.choice(("true", "false"))
        else:
            values[custom_field.id] = rng.choice(("Globex", "Initech", "Umbrella", "Hooli"))
    return values
