"""Named dataset sizes of the GitHub emulator and the fixed timeline its data lives on.

Every time is derived from ``BASE_S`` (2026-03-01T00:00:00Z), never from the wall clock:
generation 0 was created in the year before it, and generation ``k`` happens in the
``STEP_S`` window ending at ``BASE_S + k * STEP_S`` (the dataset's "now").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

BASE_S = 1_772_323_200
DAY_S = 86_400
STEP_S = 600
#: Generation-0 data is spread over this many days before ``BASE_S``.
HISTORY_DAYS = 360


def now_s(generation: int) -> int:
    """The dataset's "now" at ``generation`` (epoch seconds)."""
    return BASE_S + generation * STEP_S


def iso(epoch_s: int) -> str:
    """GitHub's timestamp format: ``2026-02-27T13:33:48Z``."""
    return datetime.fromtimestamp(epoch_s, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class GitHubSize:
    """How much data one named size holds (per repository unless said otherwise)."""

    repos: int
    members: int
    issues: int
    pulls: int
    max_comments: int
    commits: int
    #: The first repository gets this many extra commits (so paging shows at any size).
    extra_commits_first_repo: int
    releases: int
    milestones: int
    updates_per_step: int
    creates_per_step: int


SIZES: dict[str, GitHubSize] = {
    # unit tests: two repositories, a handful of issues and PRs, commits over two pages
    "tiny": GitHubSize(
        repos=2,
        members=4,
        issues=6,
        pulls=3,
        max_comments=3,
        commits=5,
        extra_commits_first_repo=105,
        releases=2,
        milestones=2,
        updates_per_step=3,
        creates_per_step=2,
    ),
    # the demo: a whole default sync is ~35 requests (GitHub allows 5,000 an hour)
    "demo": GitHubSize(
        repos=4,
        members=8,
        issues=40,
        pulls=15,
        max_comments=4,
        commits=60,
        extra_commits_first_repo=90,
        releases=4,
        milestones=3,
        updates_per_step=6,
        creates_per_step=3,
    ),
    # benchmarks: ~20,000 issues and pull requests, ~30,000 comments
    "large": GitHubSize(
        repos=10,
        members=25,
        issues=1500,
        pulls=500,
        max_comments=3,
        commits=500,
        extra_commits_first_repo=0,
        releases=20,
        milestones=10,
        updates_per_step=200,
        creates_per_step=100,
    ),
}
