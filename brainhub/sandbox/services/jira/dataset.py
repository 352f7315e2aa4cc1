"""The Jira emulator's data: users, projects with their issues (comments and worklogs hang
off each issue), and one agile board per project (scrum boards have sprints).

Built for ``(seed, size, generation)``: generation 0 from the seed, then each later
generation applies its own seeded changes (issues edited or moved on, commented on, worked
on, and new issues), each stamped inside that generation's window, after its first minute;
and deletes an older issue (with its comments and worklogs; its key is never reused) and a
future sprint while a board has one, as ``DELETE /issue/{key}`` and ``DELETE /sprint/{id}``
do.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from brainhub.sandbox.services.jira.sizes import (
    BASE_S,
    DAY_S,
    HISTORY_DAYS,
    STEP_S,
    JiraSize,
    now_s,
)

PROJECT_KEYS = ("ENG", "OPS", "WEB", "MOB", "DATA", "SEC", "DES", "SUP", "FIN", "HR")
PROJECT_NAMES = (
    "Engineering",
    "Operations",
    "Website",
    "Mobile",
    "Data",
    "Security",
    "Design",
    "Support",
    "Finance",
    "People",
)
NAMES: tuple[str, ...] = ("Ada Okafor", "Bruno Lindqvist", "Chen Moreau", "Dana Tanaka")
NAMES += ("Emeka Silva", "Farah Novak", "Goran Haddad", "Hana Kim", "Ivo Okafor", "Jia Lindqvist")
VERBS = ("Fix", "Add", "Remove", "Speed up", "Document", "Refactor", "Test", "Support")
TOPICS = ("login", "paging", "cache", "webhooks", "exports", "search", "retries", "settings")
#: (id, name, status category key) of the workflow every project uses.
STATUSES = (
    ("10000", "To Do", "new"),
    ("3", "In Progress", "indeterminate"),
    ("10001", "Done", "done"),
)
ISSUE_TYPES = (("10001", "Task"), ("10002", "Bug"), ("10003", "Story"))
PRIORITIES = (("1", "Highest"), ("2", "High"), ("3", "Medium"), ("4", "Low"))


def account_id(*parts: object) -> str:
    """A 24-hex-digit Atlassian account id."""
    return hashlib.sha1(":".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:24]


@dataclass
class User:
    account_id: str
    display_name: str
    email: str
    account_type: str = "atlassian"


@dataclass
class Comment:
    id: int
    author: int
    text: str
    created: int
    updated: int
    #: The body as written through the API (an ADF document); ``None``: ``text``.
    doc: dict[str, Any] | None = None


@dataclass
class Worklog:
    id: int
    author: int
    text: str
    started: int
    seconds: int
    created: int
    updated: int
    #: The comment as written through the API (an ADF document); ``None``: ``text``.
    doc: dict[str, Any] | None = None


@dataclass
class Issue:
    id: int
    key: str
    project: int
    summary: str
    issue_type: int
    status: int
    priority: int
    reporter: int
    assignee: int | None
    labels: list[str]
    created: int
    updated: int
    comments: list[Comment] = field(default_factory=list)
    worklogs: list[Worklog] = field(default_factory=list)
    #: The description a write set (an ADF document, or ``None`` when it cleared it);
    #: until then (``description_written`` false) the generated one.
    description: dict[str, Any] | None = None
    description_written: bool = False

    @property
    def resolved(self) -> int | None:
        return self.updated if STATUSES[self.status][2] == "done" else None


@dataclass
class Sprint:
    id: int
    board: int
    name: str
    state: str
    start: int
    end: int
    goal: str


@dataclass
class Project:
    id: int
    key: str
    name: str
    lead: int
    board_id: int
    scrum: bool
    issues: list[Issue] = field(default_factory=list)
    sprints: list[Sprint] = field(default_factory=list)
    #: Issues ever created (keys are never reused after a deletion).
    issues_created: int = 0
    #: Issues created through the API (their keys follow ``WRITE_NUMBER``).
    written_issues: int = 0


class JiraDataset:
    """All records of one ``(seed, size, generation)``."""

    def __init__(
        self, rng_for: Callable[..., random.Random], size: JiraSize, generation: int
    ) -> None:
        self._rng_for = rng_for
        self.size = size
        self._next = {"issue": 10000, "comment": 20000, "worklog": 30000, "sprint": 0}
        self.users = [
            User(
                account_id("user", i),
                NAMES[i % len(NAMES)] + (f" {i // len(NAMES) + 1}" if i >= len(NAMES) else ""),
                f"{NAMES[i % len(NAMES)].split()[0].lower()}{i}@example.com",
            )
            for i in range(size.users)
        ]
        self.users.append(User(account_id("app", 0), "Automation for Jira", "", account_type="app"))
        self.projects = [self._new_project(p) for p in range(size.projects)]
        self.changes_by_generation: dict[int, dict[str, int]] = {}
        for step in range(1, generation + 1):
            self.changes_by_generation[step] = self._mutate(step)
        self.now = now_s(generation)
        self._write_clock = self.now
        #: Objects created through the API so far, per kind (their ids follow).
        self.written = {"issue": 0, "comment": 0, "worklog": 0}

    def next_write_s(self) -> int:
        """A timestamp for the next write: after everything generated and every earlier
        write, one second apart; the next generation's changes start a minute after "now",
        so they still come after the writes of this one."""
        return max(self._write_clock, self.now) + 1

    def note_write(self, when_s: int) -> None:
        """An applied write happened at ``when_s``; later writes come after it."""
        self._write_clock = max(self._write_clock, when_s)

    def _id(self, kind: str) -> int:
        self._next[kind] += 1
        return self._next[kind]

    @property
    def people(self) -> int:
        """How many human (non-app) users there are."""
        return self.size.users

    # ----------------------------------------------------------------- generation 0

    def _new_project(self, index: int) -> Project:
        rng = self._rng_for("project", index)
        size = self.size
        key = PROJECT_KEYS[index % len(PROJECT_KEYS)] + (str(index) if index >= 10 else "")
        project = Project(
            id=10000 + index,
            key=key,
            name=PROJECT_NAMES[index % len(PROJECT_NAMES)],
            lead=index % self.people,
            board_id=index + 1,
            scrum=index % 2 == 0,
        )
        start = BASE_S - HISTORY_DAYS * DAY_S + index * DAY_S
        span = BASE_S - 3600 - start
        count = size.issues_per_project
        for n in range(count):
            created = start + span * n // (count + 1)
            issue = self._new_issue(project, rng, created)
            long_thread = size.long_thread_comments if index == 0 and n == 0 else 0
            for c in range(long_thread or rng.randint(0, size.max_comments)):
                when = min(created + 600 * (c + 1), BASE_S - 3600)
                self._comment(issue, rng, when)
            for _ in range(rng.randint(0, size.max_worklogs)):
                self._worklog(issue, rng, min(created + rng.randint(600, DAY_S), BASE_S - 3600))
            if rng.random() < 0.6:
                issue.status = rng.randrange(1, len(STATUSES))
                issue.updated = max(issue.updated, min(created + 2 * DAY_S, BASE_S - 3600))
        if project.scrum:
            for s in range(size.sprints_per_scrum_board):
                begin = start + s * 14 * DAY_S
                last = s == size.sprints_per_scrum_board - 1
                state = (
                    "future"
                    if last
                    else "active"
                    if s == size.sprints_per_scrum_board - 2
                    else "closed"
                )
                project.sprints.append(
                    Sprint(
                        id=self._id("sprint"),
                        board=project.board_id,
                        name=f"{key} Sprint {s + 1}",
                        state=state,
                        start=begin,
                        end=begin + 14 * DAY_S,
                        goal=f"Ship {rng.choice(TOPICS)}",
                    )
                )
        return project

    def _new_issue(self, project: Project, rng: random.Random, created: int) -> Issue:
        project.issues_created += 1
        number = project.issues_created
        issue = Issue(
            id=self._id("issue"),
            key=f"{project.key}-{number}",
            project=project.id,
            summary=f"{rng.choice(VERBS)} {rng.choice(TOPICS)}",
            issue_type=rng.randrange(len(ISSUE_TYPES)),
            status=0,
            priority=rng.randrange(len(PRIORITIES)),
            reporter=rng.randrange(self.people),
            assignee=rng.choice([None, rng.randrange(self.people)]),
            labels=rng.sample(list(TOPICS), rng.randint(0, 2)),
            created=created,
            updated=created,
        )
        project.issues.append(issue)
        return issue

    def _comment(self, issue: Issue, rng: random.Random, when: int) -> None:
        text = f"Looked at {rng.choice(TOPICS)} for {issue.key}."
        issue.comments.append(
            Comment(self._id("comment"), rng.randrange(self.people), text, when, when)
        )
        issue.updated = max(issue.updated, when)

    def _worklog(self, issue: Issue, rng: random.Random, when: int) -> None:
        seconds = rng.choice((900, 1800, 3600, 5400, 7200, 12000))
        issue.worklogs.append(
            Worklog(
                self._id("worklog"),
                rng.randrange(self.people),
                f"Worked on {issue.key}",
                when - seconds,
                seconds,
                when,
                when,
            )
        )
        issue.updated = max(issue.updated, when)

    # ----------------------------------------------------------------- later generations

    def _mutate(self, step: int) -> dict[str, int]:
        rng = self._rng_for("mutate", step)
        start = now_s(step - 1) + 60
        counts = {"issues_updated": 0, "issues_created": 0, "comments": 0, "worklogs": 0}

        def moment() -> int:
            return start + rng.randint(0, STEP_S - 120)

        for _ in range(self.size.updates_per_step):
            project = rng.choice(self.projects)
            issue = rng.choice(project.issues)
            action = rng.choice(("edit", "transition", "comment", "worklog"))
            when = moment()
            if action == "comment":
                self._comment(issue, rng, when)
                counts["comments"] += 1
            elif action == "worklog":
                self._worklog(issue, rng, when)
                counts["worklogs"] += 1
            else:
                if action == "edit":
                    issue.summary += " (edited)"
                else:
                    issue.status = (issue.status + 1) % len(STATUSES)
                issue.updated = when
            counts["issues_updated"] += 1
        for n in range(self.size.creates_per_step):
            project = self.projects[(step + n) % len(self.projects)]
            self._new_issue(project, rng, moment())
            counts["issues_created"] += 1
        counts.update(self._delete(rng, start))
        return counts

    def _delete(self, rng: random.Random, start: int) -> dict[str, int]:
        """Delete an issue untouched in this generation, and one future sprint."""
        deleted = dict.fromkeys(
            (
                "issues_deleted",
                "issue_comments_deleted",
                "issue_worklogs_deleted",
                "sprints_deleted",
            ),
            0,
        )
        older = [(p, i) for p in self.projects for i in p.issues if i.updated < start]
        if older:
            project, issue = rng.choice(older)
            project.issues.remove(issue)
            deleted["issues_deleted"] = 1
            deleted["issue_comments_deleted"] = len(issue.comments)
            deleted["issue_worklogs_deleted"] = len(issue.worklogs)
        future = [(p, s) for p in self.projects for s in p.sprints if s.state == "future"]
        if future:
            project, sprint = rng.choice(future)
            project.sprints.remove(sprint)
            deleted["sprints_deleted"] = 1
        return deleted

    # ----------------------------------------------------------------- summaries

    def issues(self) -> list[Issue]:
        """Every issue of every project."""
        return [issue for project in self.projects for issue in project.issues]

    def counts(self) -> dict[str, int]:
        """Records per stream a default sync reads."""
        issues = self.issues()
        return {
            "projects": len(self.projects),
            "users": len(self.users),
            "issues": len(issues),
            "issue_comments": sum(len(i.comments) for i in issues),
            "issue_worklogs": sum(len(i.worklogs) for i in issues),
            "boards": len(self.projects),
            "sprints": sum(len(p.sprints) for p in self.projects),
        }
