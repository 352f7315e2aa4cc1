"""Named dataset sizes of the ClickUp emulator and the fixed timeline its data lives on.

Every timestamp is derived from ``BASE_MS`` (2026-03-01T00:00:00Z), never from the wall
clock: generation 0 was created in the year before it, and generation ``k`` happens in
the ``STEP_MS`` window ending at ``BASE_MS + k * STEP_MS`` (the dataset's "now").
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_MS = 1_772_323_200_000
DAY_MS = 86_400_000
STEP_MS = 600_000
#: Time entries are spread over this many days before the dataset's "now".
TIME_ENTRY_SPAN_DAYS = 60
#: The default window of ``GET /team/{id}/time_entries`` (ClickUp: the last 30 days).
TIME_ENTRY_DEFAULT_WINDOW_MS = 30 * DAY_MS


def now_ms(generation: int) -> int:
    """The dataset's "now" at ``generation`` (epoch milliseconds)."""
    return BASE_MS + generation * STEP_MS


@dataclass(frozen=True)
class ClickUpSize:
    """How much data one named size holds (per team unless said otherwise)."""

    spaces: int
    archived_spaces: int
    folders_per_space: int
    archived_folders_per_space: int
    lists_per_folder: int
    folderless_lists_per_space: int
    archived_lists_per_space: int
    top_level_tasks_per_list: int
    archived_task_every: int
    subtask_every: int
    max_comments: int
    long_thread_comments: int
    users: int
    goals: int
    time_entries: int
    time_entry_lists: int
    updates_per_step: int
    creates_per_step: int
    #: Top-level tasks (with their subtasks and comments) deleted per generation step.
    deletes_per_step: int = 1


SIZES: dict[str, ClickUpSize] = {
    # unit tests: ~30 tasks incl. closed, subtasks, archived; one 30-comment thread
    "tiny": ClickUpSize(
        spaces=2,
        archived_spaces=1,
        folders_per_space=2,
        archived_folders_per_space=1,
        lists_per_folder=1,
        folderless_lists_per_space=1,
        archived_lists_per_space=1,
        top_level_tasks_per_list=4,
        archived_task_every=4,
        subtask_every=2,
        max_comments=3,
        long_thread_comments=30,
        users=4,
        goals=2,
        time_entries=12,
        time_entry_lists=6,
        updates_per_step=3,
        creates_per_step=2,
    ),
    # the demo: a whole default sync stays under ~90 requests (ClickUp allows 100/min)
    "demo": ClickUpSize(
        spaces=2,
        archived_spaces=1,
        folders_per_space=2,
        archived_folders_per_space=0,
        lists_per_folder=1,
        folderless_lists_per_space=1,
        archived_lists_per_space=1,
        top_level_tasks_per_list=6,
        archived_task_every=6,
        subtask_every=3,
        max_comments=4,
        long_thread_comments=0,
        users=5,
        goals=3,
        time_entries=20,
        time_entry_lists=6,
        updates_per_step=4,
        creates_per_step=3,
    ),
    # benchmarks: >100,000 tasks over >1,000 lists, generated lazily per list
    "large": ClickUpSize(
        spaces=10,
        archived_spaces=1,
        folders_per_space=10,
        archived_folders_per_space=0,
        lists_per_folder=10,
        folderless_lists_per_space=1,
        archived_lists_per_space=0,
        top_level_tasks_per_list=100,
        archived_task_every=50,
        subtask_every=4,
        max_comments=3,
        long_thread_comments=0,
        users=25,
        goals=10,
        time_entries=2000,
        time_entry_lists=20,
        updates_per_step=200,
        creates_per_step=100,
        deletes_per_step=50,
    ),
}
