"""The GitHub emulator's data: one organization, its members and repositories, and per
repository issues and pull requests (one number space), comments, commits, releases,
labels and milestones.

Built for ``(seed, size, generation)``: generation 0 from the seed, then each later
generation applies its own seeded changes (issues and PRs edited, closed or commented on,
comments edited, new issues, PRs and commits), each stamped inside that generation's time
window, so an incremental sync after ``mutate`` has exactly those records to read; and it
deletes a release and an older issue comment (gone from listings, 404 by id, the issue's
comment count one lower), as ``DELETE /repos/{owner}/{repo}/releases/{id}`` and
``…/issues/comments/{id}`` do.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field

from brainhub.sandbox.services.github.sizes import (
    BASE_S,
    DAY_S,
    HISTORY_DAYS,
    STEP_S,
    GitHubSize,
    now_s,
)

ORG_LOGIN = "octo-sandbox"
ORG_ID = 9_100_001
FIRST_USER_ID = 5_300_001
LOGINS = ("ada", "bruno", "chen", "dana", "emeka", "farah", "goran", "hana", "ivo", "jia")
REPO_NAMES = ("api", "web", "infra", "docs", "mobile", "data", "cli", "sdk", "design", "ops")
LANGUAGES = ("Python", "TypeScript", "Go", "HCL", "Markdown", "Kotlin", "Rust")
#: The labels GitHub creates in every new repository, with their colors.
DEFAULT_LABELS = (
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("question", "d876e3", "Further information is requested"),
)
TITLE_WORDS = ("Fix", "Add", "Remove", "Speed up", "Document", "Refactor", "Test", "Support")
TOPICS = ("login", "paging", "cache", "webhooks", "exports", "search", "retries", "settings")


@dataclass
class User:
    """An organization member; index 0 owns the sandbox token."""

    id: int
    login: str


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str
    default: bool


@dataclass
class Milestone:
    id: int
    number: int
    title: str
    description: str
    state: str
    creator: int
    created_at: int
    updated_at: int
    due_on: int
    closed_at: int | None


@dataclass
class Issue:
    """An issue or a pull request (``is_pull``): both live in the issues endpoint."""

    id: int
    number: int
    title: str
    body: str
    user: int
    state: str
    labels: list[str]
    assignee: int | None
    milestone: int | None
    created_at: int
    updated_at: int
    closed_at: int | None
    is_pull: bool
    pull_id: int = 0
    head_sha: str = ""
    merged_at: int | None = None
    comments: int = 0
    #: Assignees after the first (``assignee``): only writes set more than one.
    more_assignees: list[int] = field(default_factory=list)
    #: Why a closed issue was closed (``completed`` unless a write said otherwise), or
    #: ``reopened`` for an issue a write opened again.
    state_reason: str | None = None
    #: Who closed it (member index), when a write did; else its author.
    closed_by: int | None = None

    @property
    def assignee_indices(self) -> list[int]:
        """Every assignee, the first one first."""
        return ([] if self.assignee is None else [self.assignee]) + self.more_assignees


@dataclass
class Comment:
    id: int
    issue_number: int
    user: int
    body: str
    created_at: int
    updated_at: int


@dataclass
class Commit:
    sha: str
    message: str
    author: int
    date: int
    parent: str | None


@dataclass
class Release:
    id: int
    tag_name: str
    name: str
    body: str
    author: int
    created_at: int
    prerelease: bool


@dataclass
class Repository:
    id: int
    name: str
    description: str
    private: bool
    language: str
    created_at: int
    updated_at: int
    pushed_at: int
    labels: list[Label] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    commits: list[Commit] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)
    #: Issues and comments created through the API so far (their numbers and ids follow).
    written_issues: int = 0
    written_comments: int = 0
    #: Whether the repository's issues are on (``GET``/writes of its issues answer 410
    #: when they are off).
    has_issues: bool = True

    @property
    def full_name(self) -> str:
        return f"{ORG_LOGIN}/{self.name}"

    def find_issue(self, number: int) -> Issue | None:
        """The issue or pull request ``number`` (generated ones sit at ``number - 1``;
        issues created through the API follow them with numbers of their own)."""
        if 0 < number <= len(self.issues) and self.issues[number - 1].number == number:
            return self.issues[number - 1]
        return next((i for i in reversed(self.issues) if i.number == number), None)


def sha_of(*parts: object) -> str:
    """A stable 40-hex-digit id."""
    return hashlib.sha1(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


class GitHubDataset:
    """All records of one ``(seed, size, generation)``; ``changes`` counts per generation."""

    def __init__(self, rng_for: object, size: GitHubSize, generation: int) -> None:
        self._rng_for = rng_for
        self.size = size
        self.users = [
            User(FIRST_USER_ID + i, f"{LOGINS[i % len(LOGINS)]}{i // len(LOGINS) or ''}")
            for i in range(size.members)
        ]
        self._next_id = 1_000_000
        self.repos = [self._new_repo(i) for i in range(size.repos)]
        self.changes_by_generation: dict[int, dict[str, int]] = {}
        for step in range(1, generation + 1):
            self.changes_by_generation[step] = self._mutate(step)
        self.now = now_s(generation)
        self._write_clock = self.now

    # ----------------------------------------------------------------- writes

    def next_write_s(self) -> int:
        """A timestamp for the next write: after everything generated and every earlier
        write, one second apart (GitHub's timestamps are whole seconds), so the next
        incremental read (``since``) picks it up."""
        return max(self._write_clock, self.now) + 1

    def note_write(self, when_s: int) -> None:
        """An applied write happened at ``when_s``; later writes come after it."""
        self._write_clock = max(self._write_clock, when_s)

    def repo_named(self, name: str) -> Repository | None:
        """The repository called ``name`` (GitHub matches names case-insensitively)."""
        return next((r for r in self.repos if r.name.lower() == name.lower()), None)

    # ----------------------------------------------------------------- generation 0

    def _rng(self, *scope: object) -> random.Random:
        return self._rng_for(*scope)  # type: ignore[operator]

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _new_repo(self, index: int) -> Repository:
        rng = self._rng("repo", index)
        size = self.size
        created = BASE_S - HISTORY_DAYS * DAY_S + index * DAY_S
        repo = Repository(
            id=70_000_000 + index,
            name=REPO_NAMES[index % len(REPO_NAMES)] + (f"-{index}" if index >= 10 else ""),
            description=f"The {REPO_NAMES[index % len(REPO_NAMES)]} of the sandbox organization",
            private=index % 2 == 1,
            language=LANGUAGES[index % len(LANGUAGES)],
            created_at=created,
            updated_at=created,
            pushed_at=created,
        )
        repo.labels = [
            Label(self._id(), name, color, text, True) for name, color, text in DEFAULT_LABELS
        ]
        span = BASE_S - 3600 - created
        for m in range(size.milestones):
            opened = created + span * m // (size.milestones + 1)
            closed = opened + 30 * DAY_S if m == 0 and size.milestones > 1 else None
            repo.milestones.append(
                Milestone(
                    id=self._id(),
                    number=m + 1,
                    title=f"v{m + 1}.0",
                    description=f"Everything for release {m + 1}.0",
                    state="closed" if closed else "open",
                    creator=0,
                    created_at=opened,
                    updated_at=closed or opened,
                    due_on=opened + 45 * DAY_S,
                    closed_at=closed,
                )
            )
        commit_count = size.commits + (size.extra_commits_first_repo if index == 0 else 0)
        parent = None
        for c in range(commit_count):
            date = created + span * c // max(commit_count, 1)
            sha = sha_of(repo.name, "commit", c)
            repo.commits.append(
                Commit(sha, self._message(rng), rng.randrange(size.members), date, parent)
            )
            parent = sha
        repo.pushed_at = repo.updated_at = repo.commits[-1].date if repo.commits else created
        total = size.issues + size.pulls
        pulls = set(rng.sample(range(total), size.pulls))
        for n in range(total):
            opened = created + span * n // (total + 1)
            self._add_issue(repo, rng, opened, is_pull=n in pulls, settle=True)
        for r in range(size.releases):
            made = created + span * (r + 1) // (size.releases + 1)
            repo.releases.append(
                Release(
                    id=self._id(),
                    tag_name=f"v{r + 1}.0.0",
                    name=f"Release {r + 1}.0.0",
                    body=f"Changes in {r + 1}.0.0",
                    author=rng.randrange(size.members),
                    created_at=made,
                    prerelease=r == size.releases - 1 and size.releases > 1,
                )
            )
        return repo

    def _message(self, rng: random.Random) -> str:
        return f"{rng.choice(TITLE_WORDS)} {rng.choice(TOPICS)}"

    def _add_issue(
        self, repo: Repository, rng: random.Random, opened: int, *, is_pull: bool, settle: bool
    ) -> Issue:
        size = self.size
        number = len(repo.issues) + 1
        issue = Issue(
            id=self._id(),
            number=number,
            title=f"{self._message(rng)} ({'PR' if is_pull else 'issue'} {number})",
            body=f"Details of #{number}.",
            user=rng.randrange(size.members),
            state="open",
            labels=rng.sample([label.name for label in repo.labels], rng.randint(0, 2)),
            assignee=rng.choice([None, rng.randrange(size.members)]),
            milestone=rng.choice([None, *range(1, size.milestones + 1)]),
            created_at=opened,
            updated_at=opened,
            closed_at=None,
            is_pull=is_pull,
            pull_id=self._id() if is_pull else 0,
            head_sha=sha_of(repo.name, "head", number),
        )
        repo.issues.append(issue)
        if settle:
            # generation 0: history before BASE_S, so later generations are all newer
            first = len(repo.comments)
            for _ in range(rng.randint(0, size.max_comments)):
                self._comment(repo, rng, issue, issue.updated_at + rng.randint(60, 5 * DAY_S))
            if rng.random() < 0.4:
                self._close(issue, rng, issue.updated_at + rng.randint(600, 3 * DAY_S))
            cap = BASE_S - 3600
            for comment in repo.comments[first:]:
                comment.created_at = comment.updated_at = min(comment.created_at, cap)
            issue.updated_at = min(issue.updated_at, cap)
            if issue.closed_at is not None:
                issue.closed_at = min(issue.closed_at, cap)
            if issue.merged_at is not None:
                issue.merged_at = min(issue.merged_at, cap)
        return issue

    def _comment(self, repo: Repository, rng: random.Random, issue: Issue, when: int) -> None:
        repo.comments.append(
            Comment(
                id=self._id(),
                issue_number=issue.number,
                user=rng.randrange(self.size.members),
                body=f"Comment on #{issue.number}: {rng.choice(TOPICS)} looks fine.",
                created_at=when,
                updated_at=when,
            )
        )
        issue.comments += 1
        issue.updated_at = max(issue.updated_at, when)

    @staticmethod
    def _close(issue: Issue, rng: random.Random, when: int) -> None:
        issue.state = "closed"
        issue.closed_at = when
        issue.updated_at = max(issue.updated_at, when)
        if issue.is_pull and rng.random() < 0.7:
            issue.merged_at = when

    # ----------------------------------------------------------------- later generations

    def _mutate(self, step: int) -> dict[str, int]:
        rng = self._rng("mutate", step)
        size = self.size
        start = now_s(step - 1)
        counts = {
            "issues_updated": 0,
            "issues_created": 0,
            "comments": 0,
            "commits": 0,
            "releases_deleted": 0,
            "issue_comments_deleted": 0,
        }

        def moment() -> int:
            return start + rng.randint(1, STEP_S - 1)

        for _ in range(size.updates_per_step):
            repo = rng.choice(self.repos)
            issue = rng.choice(repo.issues)
            action = rng.choice(("comment", "close", "retitle", "edit_comment"))
            when = moment()
            if action == "comment" or (action == "close" and issue.state == "closed"):
                self._comment(repo, rng, issue, when)
                counts["comments"] += 1
            elif action == "close":
                self._close(issue, rng, when)
            elif action == "retitle":
                issue.title += " (updated)"
                issue.updated_at = when
            else:
                edited = [c for c in repo.comments if c.issue_number == issue.number]
                if edited:
                    edited[0].body += " Edited."
                    edited[0].updated_at = when
                    counts["comments"] += 1
                issue.updated_at = when
            counts["issues_updated"] += 1
        for n in range(size.creates_per_step):
            repo = self.repos[(step + n) % len(self.repos)]
            self._add_issue(repo, rng, moment(), is_pull=n % 2 == 1, settle=False)
            counts["issues_created"] += 1
            head = repo.commits[-1].sha if repo.commits else None
            when = moment()
            sha = sha_of(repo.name, "commit", step, n)
            repo.commits.append(Commit(sha, self._message(rng), 0, when, head))
            repo.pushed_at = repo.updated_at = max(repo.pushed_at, when)
            counts["commits"] += 1
        for repo in self.repos:
            repo.commits.sort(key=lambda c: c.date)
        self._delete(rng, start, counts)
        return counts

    def _delete(self, rng: random.Random, start: int, counts: dict[str, int]) -> None:
        """Delete one release and one comment untouched in this generation."""
        with_releases = [r for r in self.repos if r.releases]
        if with_releases:
            repo = rng.choice(with_releases)
            repo.releases.remove(rng.choice(repo.releases))
            counts["releases_deleted"] += 1
        older = [(r, c) for r in self.repos for c in r.comments if c.updated_at < start]
        if older:
            repo, comment = rng.choice(older)
            repo.comments.remove(comment)
            repo.issues[comment.issue_number - 1].comments -= 1
            counts["issue_comments_deleted"] += 1

    # ----------------------------------------------------------------- summaries

    def counts(self) -> dict[str, int]:
        """Records per stream a default sync reads (issues exclude pull requests)."""
        repos = self.repos
        return {
            "repositories": len(repos),
            "issues": sum(1 for r in repos for i in r.issues if not i.is_pull),
            "pull_requests": sum(1 for r in repos for i in r.issues if i.is_pull),
            "issue_comments": sum(len(r.comments) for r in repos),
            "commits": sum(len(r.commits) for r in repos),
            "releases": sum(len(r.releases) for r in repos),
            "labels": sum(len(r.labels) for r in repos),
            "milestones": sum(len(r.milestones) for r in repos),
        }
