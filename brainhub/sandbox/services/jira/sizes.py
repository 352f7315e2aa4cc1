"""Named dataset sizes of the Jira emulator and the fixed timeline its data lives on.

Every time is derived from ``BASE_S`` (2026-03-01T00:00:00Z), never from the wall clock:
generation 0 happened in the year before it, and generation ``k`` in the ``STEP_S`` window
ending at ``BASE_S + k * STEP_S``. JQL compares times to the minute, so each generation's
changes land at least a minute after the previous generation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

BASE_S = 1_772_323_200
DAY_S = 86_400
STEP_S = 600
HISTORY_DAYS = 300


def now_s(generation: int) -> int:
    """The dataset's "now" at ``generation`` (epoch seconds)."""
    return BASE_S + generation * STEP_S


def jira_time(epoch_s: float) -> str:
    """Jira's timestamp format: ``2026-02-27T13:33:48.000+0000``."""
    moment = datetime.fromtimestamp(epoch_s, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


@dataclass(frozen=True)
class JiraSize:
    """How much data one named size holds."""

    projects: int
    issues_per_project: int
    users: int
    max_comments: int
    max_worklogs: int
    #: The first issue gets this many comments (so comment paging shows at any size).
    long_thread_comments: int
    sprints_per_scrum_board: int
    updates_per_step: int
    creates_per_step: int


SIZES: dict[str, JiraSize] = {
    "tiny": JiraSize(
        projects=2,
        issues_per_project=5,
        users=4,
        max_comments=2,
        max_worklogs=2,
        long_thread_comments=105,
        sprints_per_scrum_board=3,
        updates_per_step=3,
        creates_per_step=2,
    ),
    # the demo: a whole default sync is ~70 requests, inside a 100-a-minute budget
    "demo": JiraSize(
        projects=3,
        issues_per_project=10,
        users=8,
        max_comments=4,
        max_worklogs=3,
        long_thread_comments=0,
        sprints_per_scrum_board=4,
        updates_per_step=4,
        creates_per_step=2,
    ),
    "large": JiraSize(
        projects=10,
        issues_per_project=1000,
        users=50,
        max_comments=4,
        max_worklogs=3,
        long_thread_comments=0,
        sprints_per_scrum_board=20,
        updates_per_step=200,
        creates_per_step=100,
    ),
}
