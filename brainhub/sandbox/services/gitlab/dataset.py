"""The seeded GitLab instance: users, one group's projects and what lives in them.

Everything is derived from ``(seed, size, generation)``. Generation ``g`` (``brainhub
sandbox mutate``) updates the first ``g`` issues and merge requests of every project
(``updated_at`` one hour after the base time per generation, a note added), adds a new
issue per project, and deletes the project's ``g`` oldest releases, as a maintainer does
in GitLab (a deleted release is no longer listed).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from brainhub.sandbox.services.gitlab.repository import RepositoryFiles

#: The dataset's "now": every seeded timestamp is before it, writes come after it.
BASE = datetime(2026, 3, 1, tzinfo=UTC)
GROUP = "sandbox-group"
GROUP_ID = 10
WEB = "https://gitlab.com"


@dataclass(frozen=True)
class Size:
    """How much a named size seeds."""

    users: int
    projects: int
    issues: int
    merge_requests: int
    commits: int
    pipelines: int
    releases: int


SIZES = {
    "tiny": Size(
        users=3, projects=2, issues=4, merge_requests=2, commits=3, pipelines=2, releases=2
    ),
    "demo": Size(
        users=8, projects=3, issues=25, merge_requests=12, commits=30, pipelines=15, releases=4
    ),
    "large": Size(
        users=40, projects=6, issues=260, merge_requests=120, commits=240, pipelines=150, releases=8
    ),
}


def iso(moment: datetime) -> str:
    """GitLab's timestamp form: ``2016-01-04T15:31:51.081Z``."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 date or date-time as GitLab reads it (``None`` when unreadable)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ago(rng: random.Random, max_days: int) -> datetime:
    return BASE - timedelta(
        seconds=rng.randint(3600, max_days * 86400), milliseconds=rng.randint(0, 999)
    )


@dataclass
class Project:
    """One project of the group and everything in it (ids are instance-wide)."""

    json: dict[str, Any]
    issues: list[dict[str, Any]] = field(default_factory=list)
    merge_requests: list[dict[str, Any]] = field(default_factory=list)
    notes: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    commits: list[dict[str, Any]] = field(default_factory=list)
    pipelines: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)
    branches: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.json["id"])


class GitLabDataset:
    """The seeded instance for one ``(seed, size, generation)``; see the module doc."""

    def __init__(self, seed: int, size: Size, generation: int) -> None:
        self.seed = seed
        self.size = size
        self.generation = generation
        self._next_note = 5000
        self._next_issue = 1000
        rng = random.Random(f"gitlab:{seed}:{size}")
        self.users = [self._user(rng, n) for n in range(1, size.users + 1)]
        self.projects = [self._project(rng, n) for n in range(1, size.projects + 1)]
        self._apply_generations()

    # ------------------------------------------------------------------ reads

    def project(self, ref: str) -> Project | None:
        """A project by numeric id or URL-encoded ``namespace/path``."""
        for project in self.projects:
            if ref in (str(project.id), project.json["path_with_namespace"]):
                return project
        return None

    def group(self) -> dict[str, Any]:
        """The one group every project belongs to."""
        return {
            "id": GROUP_ID,
            "name": "Sandbox Group",
            "path": GROUP,
            "full_name": "Sandbox Group",
            "full_path": GROUP,
            "description": "The sandbox's group",
            "visibility": "private",
            "parent_id": None,
            "avatar_url": None,
            "web_url": f"{WEB}/groups/{GROUP}",
            "created_at": min(p.json["created_at"] for p in self.projects),
        }

    def files(self, project: Project) -> RepositoryFiles:
        """The files on ``project``'s default branch."""
        return RepositoryFiles(project.json["name"])

    def user(self, ref: str) -> dict[str, Any] | None:
        return next((u for u in self.users if str(u["id"]) == ref), None)

    def counts(self) -> dict[str, int]:
        """Records per stream a default sync reads."""
        every = self.projects
        return {
            "projects": len(every),
            "users": len(self.users),
            "issues": sum(len(p.issues) for p in every),
            "merge_requests": sum(len(p.merge_requests) for p in every),
            "issue_notes": sum(
                len(v) for p in every for k, v in p.notes.items() if k[0] == "issues"
            ),
            "merge_request_notes": sum(
                len(v) for p in every for k, v in p.notes.items() if k[0] == "merge_requests"
            ),
            "commits": sum(len(p.commits) for p in every),
            "pipelines": sum(len(p.pipelines) for p in every),
            "releases": sum(len(p.releases) for p in every),
        }

    def stream_ids(self) -> dict[str, set[Any]]:
        """The keys of what a default sync reads, per stream."""
        every = self.projects
        return {
            "issues": {i["id"] for p in every for i in p.issues},
            "releases": {(p.id, r["tag_name"]) for p in every for r in p.releases},
        }

    # ------------------------------------------------------------------ seeding

    def _user(self, rng: random.Random, n: int) -> dict[str, Any]:
        first = rng.choice(
            ["ada", "grace", "linus", "margaret", "ken", "barbara", "alan", "frances"]
        )
        username = f"{first}{n}"
        return {
            "id": n,
            "username": username,
            "name": f"{first.title()} Sandbox {n}",
            "state": "active",
            "locked": False,
            "avatar_url": f"https://secure.gravatar.com/avatar/{_digest(username)[:32]}?s=80&d=identicon",
            "web_url": f"{WEB}/{username}",
        }

    def _brief(self, user: dict[str, Any]) -> dict[str, Any]:
        return dict(user)

    def _project(self, rng: random.Random, n: int) -> Project:
        pid = 100 + n
        path = f"project-{n}"
        created = _ago(rng, 400)
        namespace = {
            "id": GROUP_ID,
            "name": "Sandbox Group",
            "path": GROUP,
            "kind": "group",
            "full_path": GROUP,
        }
        project = Project(
            json={
                "id": pid,
                "description": f"Sandbox project {n}",
                "name": f"Project {n}",
                "name_with_namespace": f"Sandbox Group / Project {n}",
                "path": path,
                "path_with_namespace": f"{GROUP}/{path}",
                "created_at": iso(created),
                "updated_at": iso(created),
                "last_activity_at": iso(created),
                "default_branch": "main",
                "visibility": "private",
                "archived": False,
                "topics": [],
                "ssh_url_to_repo": f"git@gitlab.com:{GROUP}/{path}.git",
                "http_url_to_repo": f"{WEB}/{GROUP}/{path}.git",
                "web_url": f"{WEB}/{GROUP}/{path}",
                "namespace": namespace,
                "star_count": rng.randint(0, 40),
                "forks_count": rng.randint(0, 5),
                "open_issues_count": 0,
                "creator_id": self.users[0]["id"],
            }
        )
        size = self.size
        project.labels = [
            {"id": pid * 10 + k, "name": name, "color": color, "description": None}
            for k, (name, color) in enumerate(
                (("bug", "#d9534f"), ("feature", "#428bca"), ("docs", "#5cb85c"))
            )
        ]
        project.milestones = [
            {
                "id": pid * 10 + k,
                "iid": k + 1,
                "project_id": pid,
                "title": f"v{k + 1}.0",
                "description": "",
                "state": "active" if k else "closed",
                "created_at": iso(created),
                "updated_at": iso(created),
                "due_date": None,
                "start_date": None,
                "expired": False,
                "web_url": f"{WEB}/{GROUP}/{path}/-/milestones/{k + 1}",
            }
            for k in range(2)
        ]
        project.members = [
            {
                **self._brief(u),
                "access_level": 40 if k == 0 else 30,
                "created_at": iso(created),
                "expires_at": None,
            }
            for k, u in enumerate(self.users)
        ]
        for k in range(size.commits):
            moment = created + (BASE - created) * (k + 1) / (size.commits + 1)
            project.commits.append(self._commit(rng, project, moment, k))
        head = project.commits[-1]["id"]
        project.branches = [
            {
                "name": name,
                "merged": False,
                "protected": name == "main",
                "default": name == "main",
                "developers_can_push": False,
                "developers_can_merge": False,
                "can_push": True,
                "web_url": f"{WEB}/{GROUP}/{path}/-/tree/{name}",
                "commit": {k: v for k, v in project.commits[-1].items() if k != "project_id"},
            }
            for name in ("main", "develop")
        ]
        for k in range(size.issues):
            project.issues.append(self._issue(rng, project, k + 1, _ago(rng, 300)))
        for k in range(size.merge_requests):
            project.merge_requests.append(self._merge_request(rng, project, k + 1, _ago(rng, 200)))
        for k in range(size.pipelines):
            moment = created + (BASE - created) * (k + 1) / (size.pipelines + 1)
            project.pipelines.append(self._pipeline(rng, project, pid * 1000 + k + 1, moment, head))
        for k in range(size.releases):
            moment = created + (BASE - created) * (k + 1) / (size.releases + 1)
            project.releases.append(self._release(project, k, moment))
        project.json["open_issues_count"] = sum(1 for i in project.issues if i["state"] == "opened")
        return project

    def _commit(
        self, rng: random.Random, project: Project, moment: datetime, k: int
    ) -> dict[str, Any]:
        sha = _digest(f"{project.id}:{k}:{self.seed}")
        author = rng.choice(self.users)
        title = rng.choice(
            ["Fix the build", "Add tests", "Update docs", "Refactor paging", "Bump dependencies"]
        )
        email = f"{author['username']}@example.com"
        return {
            "id": sha,
            "short_id": sha[:8],
            "title": title,
            "message": title + "\n",
            "author_name": author["name"],
            "author_email": email,
            "authored_date": iso(moment),
            "committer_name": author["name"],
            "committer_email": email,
            "committed_date": iso(moment),
            "created_at": iso(moment),
            "parent_ids": [project.commits[-1]["id"]] if project.commits else [],
            "trailers": {},
            "extended_trailers": {},
            "web_url": f"{project.json['web_url']}/-/commit/{sha}",
            "project_id": project.id,
        }

    def _issue(
        self,
        rng: random.Random,
        project: Project,
        iid: int,
        created: datetime,
        latest: datetime | None = None,
    ) -> dict[str, Any]:
        """A seeded issue changed last at or before ``latest`` (default: before "now")."""
        self._next_issue += 1
        ceiling = latest or BASE - timedelta(seconds=1)
        updated = min(created + timedelta(hours=rng.randint(0, 48)), ceiling)
        closed = rng.random() < 0.3
        author, assignee = rng.choice(self.users), rng.choice(self.users)
        issue = {
            "id": project.id * 10000 + iid,
            "iid": iid,
            "project_id": project.id,
            "title": f"{rng.choice(['Crash', 'Slow page', 'Typo', 'Broken link', 'Add export'])} #{iid}",
            "description": "Steps to reproduce are in the thread.",
            "state": "closed" if closed else "opened",
            "created_at": iso(created),
            "updated_at": iso(updated),
            "closed_at": iso(updated) if closed else None,
            "closed_by": self._brief(assignee) if closed else None,
            "labels": sorted(rng.sample([lb["name"] for lb in project.labels], rng.randint(0, 2))),
            "milestone": project.milestones[1] if rng.random() < 0.5 else None,
            "assignees": [self._brief(assignee)],
            "assignee": self._brief(assignee),
            "author": self._brief(author),
            "type": "ISSUE",
            "issue_type": "issue",
            "user_notes_count": 0,
            "merge_requests_count": 0,
            "upvotes": 0,
            "downvotes": 0,
            "due_date": None,
            "confidential": False,
            "discussion_locked": None,
            "web_url": f"{project.json['web_url']}/-/issues/{iid}",
            "references": {
                "short": f"#{iid}",
                "relative": f"#{iid}",
                "full": f"{project.json['path_with_namespace']}#{iid}",
            },
            "time_stats": {
                "time_estimate": 0,
                "total_time_spent": 0,
                "human_time_estimate": None,
                "human_total_time_spent": None,
            },
        }
        for k in range(rng.randint(0, 3)):
            self._add_note(
                project,
                "issues",
                issue,
                rng.choice(self.users),
                min(created + timedelta(minutes=10 * (k + 1)), updated),
            )
        return issue

    def _merge_request(
        self, rng: random.Random, project: Project, iid: int, created: datetime
    ) -> dict[str, Any]:
        updated = _before_base(created + timedelta(hours=rng.randint(0, 72)))
        state = rng.choice(["opened", "merged", "closed", "opened"])
        author, reviewer = rng.choice(self.users), rng.choice(self.users)
        mr = {
            "id": project.id * 10000 + 5000 + iid,
            "iid": iid,
            "project_id": project.id,
            "title": f"{rng.choice(['Fix', 'Add', 'Improve', 'Remove'])} {rng.choice(['paging', 'auth', 'docs', 'cache'])} (!{iid})",
            "description": "Closes a sandbox issue.",
            "state": state,
            "created_at": iso(created),
            "updated_at": iso(updated),
            "merged_at": iso(updated) if state == "merged" else None,
            "closed_at": iso(updated) if state == "closed" else None,
            "merged_by": self._brief(reviewer) if state == "merged" else None,
            "closed_by": self._brief(reviewer) if state == "closed" else None,
            "approvals_before_merge": None,
            "reference": f"!{iid}",
            "task_completion_status": {"count": 0, "completed_count": 0},
            "target_branch": "main",
            "source_branch": f"feature-{iid}",
            "source_project_id": project.id,
            "target_project_id": project.id,
            "author": self._brief(author),
            "assignees": [self._brief(author)],
            "assignee": self._brief(author),
            "reviewers": [self._brief(reviewer)],
            "labels": [],
            "draft": False,
            "work_in_progress": False,
            "milestone": None,
            "merge_when_pipeline_succeeds": False,
            "merge_status": "can_be_merged",
            "detailed_merge_status": "mergeable",
            "sha": project.commits[-1]["id"],
            "merge_commit_sha": None,
            "squash_commit_sha": None,
            "user_notes_count": 0,
            "upvotes": 0,
            "downvotes": 0,
            "discussion_locked": None,
            "should_remove_source_branch": None,
            "force_remove_source_branch": True,
            "squash": False,
            "web_url": f"{project.json['web_url']}/-/merge_requests/{iid}",
            "references": {
                "short": f"!{iid}",
                "relative": f"!{iid}",
                "full": f"{project.json['path_with_namespace']}!{iid}",
            },
            "time_stats": {
                "time_estimate": 0,
                "total_time_spent": 0,
                "human_time_estimate": None,
                "human_total_time_spent": None,
            },
        }
        for k in range(rng.randint(0, 2)):
            self._add_note(
                project,
                "merge_requests",
                mr,
                rng.choice(self.users),
                min(created + timedelta(minutes=15 * (k + 1)), updated),
            )
        return mr

    def _add_note(
        self,
        project: Project,
        kind: str,
        parent: dict[str, Any],
        author: dict[str, Any],
        moment: datetime,
    ) -> dict[str, Any]:
        self._next_note += 1
        note = {
            "id": self._next_note,
            "type": None,
            "body": f"Note {self._next_note} on {parent['references']['short']}",
            "attachment": None,
            "author": self._brief(author),
            "created_at": iso(moment),
            "updated_at": iso(moment),
            "system": False,
            "noteable_id": parent["id"],
            "noteable_type": "Issue" if kind == "issues" else "MergeRequest",
            "noteable_iid": parent["iid"],
            "project_id": project.id,
            "resolvable": False,
            "confidential": False,
            "internal": False,
        }
        project.notes.setdefault((kind, parent["iid"]), []).append(note)
        parent["user_notes_count"] = len(project.notes[(kind, parent["iid"])])
        return note

    def _pipeline(
        self, rng: random.Random, project: Project, pid: int, moment: datetime, sha: str
    ) -> dict[str, Any]:
        status = rng.choice(["success", "success", "failed", "canceled", "skipped"])
        return {
            "id": pid,
            "iid": pid % 1000,
            "project_id": project.id,
            "sha": sha,
            "ref": "main",
            "status": status,
            "source": "push",
            "created_at": iso(moment),
            "updated_at": iso(_before_base(moment + timedelta(minutes=rng.randint(1, 30)))),
            "web_url": f"{project.json['web_url']}/-/pipelines/{pid}",
        }

    def _release(self, project: Project, k: int, moment: datetime) -> dict[str, Any]:
        tag = f"v{k + 1}.0.0"
        commit = project.commits[min(k, len(project.commits) - 1)]
        return {
            "tag_name": tag,
            "name": f"Release {tag}",
            "description": f"Changes in {tag}.",
            "created_at": iso(moment),
            "released_at": iso(moment),
            "upcoming_release": False,
            "author": self._brief(self.users[0]),
            "commit": {k2: v for k2, v in commit.items() if k2 != "project_id"},
            "commit_path": f"/{project.json['path_with_namespace']}/-/commit/{commit['id']}",
            "tag_path": f"/{project.json['path_with_namespace']}/-/tags/{tag}",
            "milestones": [],
            "assets": {"count": 0, "sources": [], "links": []},
            "evidences": [],
            "_links": {"self": f"{project.json['web_url']}/-/releases/{tag}"},
        }

    # ------------------------------------------------------------------ generations

    def _apply_generations(self) -> None:
        for g in range(1, self.generation + 1):
            moment = BASE + timedelta(hours=g)
            rng = random.Random(f"gitlab:{self.seed}:{self.size}:gen{g}")
            for project in self.projects:
                for kind, items in (
                    ("issues", project.issues),
                    ("merge_requests", project.merge_requests),
                ):
                    for item in items[g - 1 : g]:
                        self._add_note(project, kind, item, rng.choice(self.users), moment)
                        item["updated_at"] = iso(moment)
                iid = max((i["iid"] for i in project.issues), default=0) + 1
                created = moment - timedelta(minutes=30)
                project.issues.append(self._issue(rng, project, iid, created, latest=moment))
                project.issues[-1]["updated_at"] = iso(moment)
                del project.releases[:1]
                project.json["last_activity_at"] = iso(moment)

    # ------------------------------------------------------------------ writes

    def now(self) -> datetime:
        """A moment after every stored change (writes stamp it)."""
        return BASE + timedelta(hours=self.generation + 1)


def _before_base(moment: datetime) -> datetime:
    """``moment``, or just before the dataset's "now" if it would fall after it (seeded
    changes all precede the changes of later generations and writes)."""
    return min(moment, BASE - timedelta(seconds=1))


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()
