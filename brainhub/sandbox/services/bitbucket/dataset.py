"""The Bitbucket sandbox's seeded data: workspaces, repositories and what lives in them.

Everything is derived from ``(seed, size, generation)``: generation 0 is the seeded
dataset; each later generation (a day later) updates one pull request and one issue per
repository, opens a new pull request and issue, pushes two commits and runs a pipeline,
and replaces the throw-away repository ``scratch-<generation>`` of the first workspace
(the previous one is deleted).
Objects are kept in Bitbucket's own JSON shapes (``created_on``/``updated_on`` as
``2026-01-05T09:00:00.000000+00:00``), so handlers page and filter them as they are.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

#: The dataset's first day; generation ``g`` happens ``g`` days later.
BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PR_STATES = ("OPEN", "MERGED", "DECLINED", "SUPERSEDED")
ISSUE_STATES = ("new", "open", "resolved", "on hold", "closed")
PIPELINE_RESULTS = ("SUCCESSFUL", "FAILED", "STOPPED")


@dataclass(frozen=True)
class Size:
    """How many objects a named size holds (per workspace, per repository)."""

    workspaces: int
    repositories: int
    commits: int
    pull_requests: int
    issues: int
    pipelines: int
    members: int


SIZES = {
    "tiny": Size(1, 2, 12, 3, 4, 2, 3),
    "demo": Size(2, 3, 60, 12, 15, 8, 5),
    "large": Size(3, 6, 240, 60, 60, 30, 8),
}


def stamp(moment: datetime) -> str:
    """A Bitbucket timestamp (microseconds, ``+00:00``)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _uuid(*parts: object) -> str:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()
    return f"{{{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}}}"


def _hash(*parts: object) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


@dataclass
class Repository:
    """One repository and its objects, newest last (commits newest first when served)."""

    record: dict[str, Any]
    commits: list[dict[str, Any]] = field(default_factory=list)
    pull_requests: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    pipelines: list[dict[str, Any]] = field(default_factory=list)
    pr_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    issue_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)

    def next_comment_id(self, kind: str) -> int:
        """The next comment id of ``kind`` (``pullrequest`` or ``issue``) in this repository."""
        comments = self.pr_comments if kind == "pullrequest" else self.issue_comments
        return 1 + max((c["id"] for cs in comments.values() for c in cs), default=0)

    @property
    def workspace(self) -> str:
        return str(self.record["workspace"]["slug"])

    @property
    def slug(self) -> str:
        return str(self.record["slug"])

    @property
    def full_name(self) -> str:
        return str(self.record["full_name"])


@dataclass
class Dataset:
    """The whole sandbox: users, workspaces and repositories by full name."""

    users: list[dict[str, Any]]
    workspaces: list[dict[str, Any]]
    repositories: dict[str, Repository]
    members: dict[str, list[dict[str, Any]]]

    def repository(self, workspace: str, slug: str) -> Repository | None:
        return self.repositories.get(f"{workspace}/{slug}")

    def of_workspace(self, workspace: str) -> list[Repository]:
        return [r for r in self.repositories.values() if r.workspace == workspace]


class _Builder:
    def __init__(self, seed: int, size: Size) -> None:
        self.seed = seed
        self.size = size
        self.rng = random.Random(f"bitbucket:{seed}")
        self.users = [self._user(i) for i in range(max(size.members * size.workspaces, 2))]

    def _user(self, index: int) -> dict[str, Any]:
        account_id = f"5b10a2844c20165700ede{index:03d}"
        return {
            "type": "user",
            "uuid": _uuid("user", self.seed, index),
            "account_id": account_id,
            "nickname": f"dev{index}",
            "display_name": f"Developer {index}",
            "created_on": stamp(BASE - timedelta(days=400 - index)),
        }

    def someone(self) -> dict[str, Any]:
        return dict(self.rng.choice(self.users))

    def build(self) -> Dataset:
        workspaces, repositories, members = [], {}, {}
        for w in range(self.size.workspaces):
            slug = f"sandbox-team-{w + 1}"
            workspace = {
                "type": "workspace",
                "uuid": _uuid("workspace", self.seed, w),
                "slug": slug,
                "name": f"Sandbox Team {w + 1}",
                "is_private": w > 0,
                "created_on": stamp(BASE - timedelta(days=300 - w)),
            }
            workspaces.append(workspace)
            start = w * self.size.members
            members[slug] = self.users[start : start + self.size.members] or self.users[:1]
            for r in range(self.size.repositories):
                repo = self._repository(workspace, r)
                repositories[repo.full_name] = repo
        scratch = self.scratch(workspaces[0], 0)
        repositories[scratch.full_name] = scratch
        return Dataset(self.users, workspaces, repositories, members)

    def scratch(self, workspace: dict[str, Any], generation: int) -> Repository:
        """A throw-away repository each generation deletes and makes anew (one commit)."""
        repo = self._repository(workspace, 0, f"scratch-{generation}")
        repo.record["has_issues"] = False
        del repo.commits[1:]
        repo.pull_requests.clear()
        repo.pr_comments.clear()
        repo.issues.clear()
        repo.issue_comments.clear()
        repo.pipelines.clear()
        return repo

    def _repository(self, workspace: dict[str, Any], index: int, slug: str = "") -> Repository:
        slug = slug or f"service-{index + 1}"
        full_name = f"{workspace['slug']}/{slug}"
        created = BASE - timedelta(days=200 - index)
        record = {
            "type": "repository",
            "uuid": _uuid("repo", self.seed, full_name),
            "full_name": full_name,
            "name": slug,
            "slug": slug,
            "description": f"The {slug} service",
            "is_private": True,
            "scm": "git",
            "has_issues": index % 3 != 1,  # every third repository keeps no issue tracker
            "has_wiki": False,
            "fork_policy": "no_public_forks",
            "language": self.rng.choice(["python", "go", "typescript"]),
            "mainbranch": {"type": "branch", "name": "main"},
            "owner": {"type": "team", "uuid": workspace["uuid"], "username": workspace["slug"]},
            "workspace": {
                "type": "workspace",
                "uuid": workspace["uuid"],
                "slug": workspace["slug"],
                "name": workspace["name"],
            },
            "project": {
                "type": "project",
                "key": "CORE",
                "uuid": _uuid("project", self.seed, workspace["slug"]),
                "name": "Core",
            },
            "website": None,
            "created_on": stamp(created),
            "updated_on": stamp(created + timedelta(days=100)),
            "size": 102400 + index,
        }
        repo = Repository(record)
        for c in range(self.size.commits):
            self.commit(repo, BASE - timedelta(hours=6 * (self.size.commits - c)))
        for p in range(self.size.pull_requests):
            self.pull_request(repo, BASE - timedelta(hours=5 * (self.size.pull_requests - p)))
        if record["has_issues"]:
            for i in range(self.size.issues):
                self.issue(repo, BASE - timedelta(hours=4 * (self.size.issues - i)))
        for n in range(self.size.pipelines):
            self.pipeline(repo, BASE - timedelta(hours=7 * (self.size.pipelines - n)))
        return repo

    def commit(self, repo: Repository, moment: datetime) -> dict[str, Any]:
        sha = _hash("commit", self.seed, repo.full_name, len(repo.commits))
        author = self.someone()
        parents = [{"type": "commit", "hash": repo.commits[-1]["hash"]}] if repo.commits else []
        commit = {
            "type": "commit",
            "hash": sha,
            "date": stamp(moment),
            "message": f"Change {len(repo.commits) + 1} of {repo.slug}\n",
            "author": {
                "type": "author",
                "raw": f"{author['display_name']} <{author['nickname']}@example.com>",
                "user": author,
            },
            "parents": parents,
            "repository": _repo_ref(repo),
        }
        repo.commits.append(commit)
        return commit

    def pull_request(self, repo: Repository, moment: datetime) -> dict[str, Any]:
        number = len(repo.pull_requests) + 1
        state = PR_STATES[self.rng.randrange(len(PR_STATES))] if number > 1 else "OPEN"
        head = repo.commits[-1]["hash"] if repo.commits else _hash(repo.full_name)
        title = f"Pull request {number} of {repo.slug}"
        description = f"Changes for ticket {number}"
        reviewer = self.someone()
        pull = {
            "type": "pullrequest",
            "id": number,
            "title": title,
            "description": description,
            "summary": _rendered(description),
            "rendered": {"title": _rendered(title), "description": _rendered(description)},
            "state": state,
            "closed_by": self.someone() if state in ("MERGED", "DECLINED") else None,
            "reviewers": [reviewer],
            "participants": [
                {
                    "type": "participant",
                    "user": reviewer,
                    "role": "REVIEWER",
                    "approved": state == "MERGED",
                    "state": "approved" if state == "MERGED" else None,
                    "participated_on": stamp(moment),
                }
            ],
            "author": self.someone(),
            "source": {
                "branch": {"name": f"feature/{number}"},
                "commit": {"hash": head[:12]},
                "repository": _repo_ref(repo),
            },
            "destination": {
                "branch": {"name": "main"},
                "commit": {"hash": head[:12]},
                "repository": _repo_ref(repo),
            },
            "merge_commit": {"hash": head[:12]} if state == "MERGED" else None,
            "comment_count": 0,
            "task_count": 0,
            "close_source_branch": True,
            "reason": "",
            "created_on": stamp(moment),
            "updated_on": stamp(moment),
        }
        repo.pull_requests.append(pull)
        comments = repo.pr_comments.setdefault(number, [])
        for c in range(number % 3):
            comments.append(
                self.comment(repo, f"Looks fine ({c + 1})", moment, "pullrequest", number)
            )
        pull["comment_count"] = len(comments)
        return pull

    def comment(
        self, repo: Repository, text: str, moment: datetime, kind: str, parent: int
    ) -> dict[str, Any]:
        return {
            "type": f"{kind}_comment",
            "id": repo.next_comment_id(kind),
            "content": {"raw": text, "markup": "markdown", "html": f"<p>{text}</p>"},
            "user": self.someone(),
            "deleted": False,
            "created_on": stamp(moment),
            "updated_on": stamp(moment),
            kind: {"type": kind, "id": parent},
        }

    def issue(self, repo: Repository, moment: datetime) -> dict[str, Any]:
        number = len(repo.issues) + 1
        issue = {
            "type": "issue",
            "id": number,
            "title": f"Issue {number} of {repo.slug}",
            "kind": self.rng.choice(["bug", "enhancement", "task"]),
            "priority": self.rng.choice(["trivial", "minor", "major", "critical"]),
            "state": self.rng.choice(ISSUE_STATES),
            "reporter": self.someone(),
            "assignee": self.someone() if number % 2 else None,
            "content": {"raw": f"Steps for {number}", "markup": "markdown", "html": ""},
            "votes": 0,
            "watches": 1,
            "repository": _repo_ref(repo),
            "created_on": stamp(moment),
            "updated_on": stamp(moment),
            "edited_on": None,
        }
        repo.issues.append(issue)
        repo.issue_comments[number] = [
            self.comment(repo, "Seen here too", moment, "issue", number) for _ in range(number % 2)
        ]
        return issue

    def pipeline(self, repo: Repository, moment: datetime) -> dict[str, Any]:
        number = len(repo.pipelines) + 1
        result = self.rng.choice(PIPELINE_RESULTS)
        pipeline = {
            "type": "pipeline",
            "uuid": _uuid("pipeline", self.seed, repo.full_name, number),
            "build_number": number,
            "creator": self.someone(),
            "repository": _repo_ref(repo),
            "target": {
                "type": "pipeline_ref_target",
                "ref_type": "branch",
                "ref_name": "main",
                "commit": {"type": "commit", "hash": repo.commits[-1]["hash"]},
            },
            "trigger": {"type": "pipeline_trigger_push", "name": "PUSH"},
            "state": {
                "type": "pipeline_state_completed",
                "name": "COMPLETED",
                "result": {
                    "type": f"pipeline_state_completed_{result.lower()}",
                    "name": result,
                },
            },
            "created_on": stamp(moment),
            "completed_on": stamp(moment + timedelta(minutes=4)),
            "build_seconds_used": 180 + number,
            "duration_in_seconds": 240,
            "run_number": 1,
            "expired": False,
            "has_variables": False,
            "first_successful": result == "SUCCESSFUL"
            and all(p["state"]["result"]["name"] != "SUCCESSFUL" for p in repo.pipelines),
        }
        repo.pipelines.append(pipeline)
        return pipeline

    def advance(self, dataset: Dataset, generation: int) -> None:
        """Apply generation ``generation``'s changes to every repository."""
        moment = BASE + timedelta(days=generation)
        rng = random.Random(f"bitbucket:{self.seed}:generation:{generation}")
        workspace = dataset.workspaces[0]
        del dataset.repositories[f"{workspace['slug']}/scratch-{generation - 1}"]
        for repo in dataset.repositories.values():
            pull = rng.choice(repo.pull_requests)
            pull["title"] = f"{pull['title'].split(' (')[0]} (revised {generation})"
            pull["updated_on"] = stamp(moment)
            self.commit(repo, moment + timedelta(minutes=1))
            self.commit(repo, moment + timedelta(minutes=2))
            self.pull_request(repo, moment + timedelta(minutes=3))
            if repo.issues:
                issue = rng.choice(repo.issues)
                issue["state"] = "resolved"
                issue["updated_on"] = stamp(moment + timedelta(minutes=4))
                self.issue(repo, moment + timedelta(minutes=5))
            self.pipeline(repo, moment + timedelta(minutes=6))
        scratch = self.scratch(workspace, generation)
        dataset.repositories[scratch.full_name] = scratch


def _rendered(text: str) -> dict[str, str]:
    return {"raw": text, "markup": "markdown", "html": f"<p>{text}</p>"}


def _repo_ref(repo: Repository) -> dict[str, Any]:
    return {
        "type": "repository",
        "uuid": repo.record["uuid"],
        "full_name": repo.full_name,
        "name": repo.slug,
    }


def build(seed: int, size: str, generation: int) -> Dataset:
    """The dataset of ``(seed, size)`` as it is at ``generation``."""
    builder = _Builder(seed, SIZES[size])
    dataset = builder.build()
    for g in range(1, generation + 1):
        builder.advance(dataset, g)
    return dataset
