"""The seeded Asana organization: users, projects, sections, tasks and stories, per generation.

Everything is a pure function of ``(seed, size, generation)``. Objects are kept in their
full form (every field a reader may ask for with ``opt_fields``); :mod:`.representation`
and :mod:`.fields` cut them down to what a request asks for, and :mod:`.catalog` adds tags,
custom fields, subtasks, time entries, goals and webhooks after the build. Generation 0 is the state at :data:`BASE` (2024-01-01);
each later generation ``g`` is day ``g`` after it: a few tasks edited, completed or
commented on (each such change moves the task's ``modified_at``), one new task, one new
user, one project renamed, one task deleted (gone with its stories, as ``DELETE
/tasks/{gid}`` does) and one user removed from the organization (gone from its user lists).

Ids are Asana-shaped ``gid`` digit strings; times are ISO 8601 with milliseconds and ``Z``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BASE = datetime(2024, 1, 1, tzinfo=UTC)
FIRST = ("Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jia")
LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kim")
PROJECTS = ("Website relaunch", "Q1 roadmap", "Hiring", "Customer onboarding", "Mobile app")
SECTIONS = ("To do", "Doing", "Done", "Backlog", "Blocked")
VERBS = ("Draft", "Review", "Ship", "Plan", "Fix", "Test", "Write", "Design")
NOUNS = ("landing page", "pricing copy", "release notes", "onboarding email", "API docs")
COLORS = ("dark-pink", "dark-green", "dark-blue", "light-teal", "dark-orange", "none")


@dataclass(frozen=True)
class AsanaSize:
    """How much data a named size holds."""

    users: int
    projects: int
    sections_per_project: int
    tasks_per_project: int
    max_stories_per_task: int


SIZES: dict[str, AsanaSize] = {
    "tiny": AsanaSize(4, 2, 2, 4, 3),
    "demo": AsanaSize(12, 5, 3, 10, 4),
    "large": AsanaSize(200, 40, 5, 100, 6),
}


def iso(moment: datetime) -> str:
    """Asana's time format: ``2024-01-01T09:30:00.123Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def compact(obj: dict[str, Any]) -> dict[str, Any]:
    """The compact form of a named resource: ``gid``, ``name``, ``resource_type``."""
    return {"gid": obj["gid"], "name": obj["name"], "resource_type": obj["resource_type"]}


@dataclass
class Organization:
    """One workspace (an organization) and everything in it."""

    workspace: dict[str, Any]
    team: dict[str, Any]
    users: list[dict[str, Any]]
    projects: list[dict[str, Any]]
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tasks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the catalog (see :mod:`.catalog`): filled by ``furnish`` after the build
    tags: list[dict[str, Any]] = field(default_factory=list)
    custom_fields: list[dict[str, Any]] = field(default_factory=list)
    custom_field_settings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    subtasks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    time_entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    goals: list[dict[str, Any]] = field(default_factory=list)
    webhooks: list[dict[str, Any]] = field(default_factory=list)

    def project(self, gid: str) -> dict[str, Any] | None:
        return next((p for p in self.projects if p["gid"] == gid), None)

    def task(self, gid: str) -> dict[str, Any] | None:
        """A task of a project or a subtask, by id."""
        found = next((t for tasks in self.tasks.values() for t in tasks if t["gid"] == gid), None)
        if found is None:
            found = next((t for ts in self.subtasks.values() for t in ts if t["gid"] == gid), None)
        return found

    def all_tasks(self) -> list[dict[str, Any]]:
        """Every task of every project, project by project (subtasks not included)."""
        return [t for tasks in self.tasks.values() for t in tasks]

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record of the organization that has an id, each once."""
        yield self.workspace
        yield self.team
        yield from self.users
        yield from self.projects
        for group in (self.sections, self.tasks, self.subtasks, self.stories, self.time_entries):
            for items in group.values():
                yield from items
        yield from self.tags
        yield from self.custom_fields
        for settings in self.custom_field_settings.values():
            yield from settings
        yield from self.goals
        yield from self.webhooks

    def sections_by_gid(self) -> dict[str, dict[str, Any]]:
        return {s["gid"]: s for sections in self.sections.values() for s in sections}


class OrganizationBuilder:
    """Builds the organization for one ``(seed, size, generation)``."""

    def __init__(self, seed: int, size: AsanaSize, rng: Callable[..., random.Random]) -> None:
        self.size = size
        self.rng = rng
        self._next_gid = 1_205_000_000_000_000 + (seed % 1000) * 1_000_000

    def gid(self) -> str:
        self._next_gid += 1
        return str(self._next_gid)

    def build(self, generation: int) -> Organization:
        workspace = {
            "gid": self.gid(),
            "resource_type": "workspace",
            "name": "Acme Corp",
            "email_domains": ["acme.test"],
            "is_organization": True,
        }
        team = {"gid": self.gid(), "resource_type": "team", "name": "Everyone at Acme"}
        org = Organization(workspace, team, [], [])
        org.users = [self._user(org, i) for i in range(self.size.users)]
        for p in range(self.size.projects + 1):  # the last one is archived
            self._project(org, p, archived=p == self.size.projects)
        for step in range(1, generation + 1):
            self._mutate(org, step)
        return org

    def _user(self, org: Organization, index: int) -> dict[str, Any]:
        rng = self.rng("user", index)
        first, last = FIRST[index % len(FIRST)], LAST[rng.randrange(len(LAST))]
        gid = self.gid()
        photo = None
        if index % 3 != 2:
            photo = {
                f"image_{px}x{px}": f"https://s3.amazonaws.com/profile_photos/{gid}.{px}.png"
                for px in (21, 27, 36, 60, 128)
            }
        return {
            "gid": gid,
            "resource_type": "user",
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}{index}@acme.test",
            "photo": photo,
            "workspaces": [compact(org.workspace)],
        }

    def _project(self, org: Organization, no: int, archived: bool) -> None:
        rng = self.rng("project", no)
        created = BASE - timedelta(days=200 - no * 3, minutes=rng.randrange(600))
        owner = org.users[no % len(org.users)]
        name = PROJECTS[no % len(PROJECTS)] + ("" if no < len(PROJECTS) else f" {no}")
        project: dict[str, Any] = {
            "gid": self.gid(),
            "resource_type": "project",
            "name": name,
            "archived": archived,
            "color": COLORS[no % len(COLORS)],
            "created_at": iso(created),
            "modified_at": iso(created + timedelta(days=30)),
            "current_status": None,
            "default_view": ("list", "board")[no % 2],
            "due_on": (BASE + timedelta(days=30 + no)).date().isoformat(),
            "due_date": (BASE + timedelta(days=30 + no)).date().isoformat(),
            "start_on": None,
            "notes": f"Everything for {name.lower()}.",
            "html_notes": f"<body>Everything for {name.lower()}.</body>",
            "public": no % 4 != 3,
            "privacy_setting": "public_to_workspace" if no % 4 != 3 else "private_to_team",
            "completed": archived,
            "completed_at": iso(created + timedelta(days=60)) if archived else None,
            "members": [compact(u) for u in org.users[: 2 + no % 3]],
            "followers": [compact(owner)],
            "owner": compact(owner),
            "team": dict(org.team),
            "workspace": compact(org.workspace),
            "permalink_url": "",
            "icon": "list",
        }
        project["permalink_url"] = f"https://app.asana.com/0/{project['gid']}/{project['gid']}"
        org.projects.append(project)
        sections = []
        for s in range(self.size.sections_per_project):
            sections.append(
                {
                    "gid": self.gid(),
                    "resource_type": "section",
                    "name": SECTIONS[s % len(SECTIONS)],
                    "created_at": iso(created + timedelta(minutes=s + 1)),
                    "project": compact(project),
                    "projects": [compact(project)],
                }
            )
        org.sections[project["gid"]] = sections
        org.tasks[project["gid"]] = []
        span = max(1, (BASE - created).days - 10)
        for t in range(self.size.tasks_per_project):
            moment = created + timedelta(days=1 + t * span // self.size.tasks_per_project)
            self._task(org, project, t, moment, rng)

    def _task(
        self,
        org: Organization,
        project: dict[str, Any],
        index: int,
        created: datetime,
        rng: random.Random,
        fresh: bool = False,
    ) -> dict[str, Any]:
        """A task with its stories; a ``fresh`` one (made by a mutation) is open and quiet."""
        sections = org.sections[project["gid"]]
        section = sections[index % len(sections)]
        assignee = org.users[rng.randrange(len(org.users))] if index % 4 else None
        creator = org.users[rng.randrange(len(org.users))]
        created = created + timedelta(seconds=rng.randrange(3_600), milliseconds=rng.randrange(999))
        done = section["name"] == "Done" and not fresh
        name = f"{VERBS[rng.randrange(len(VERBS))]} {NOUNS[rng.randrange(len(NOUNS))]}"
        task: dict[str, Any] = {
            "gid": self.gid(),
            "resource_type": "task",
            "resource_subtype": "milestone" if index % 9 == 8 else "default_task",
            "name": name,
            "notes": f"{name} for {project['name']}.",
            "html_notes": f"<body>{name} for {project['name']}.</body>",
            "completed": done,
            "completed_at": iso(created + timedelta(days=3)) if done else None,
            "completed_by": None,
            "created_at": iso(created),
            "created_by": {"gid": creator["gid"], "resource_type": "user"},
            "modified_at": iso(created),
            "due_on": (created + timedelta(days=14)).date().isoformat() if index % 3 else None,
            "due_at": None,
            "start_on": None,
            "assignee": compact(assignee) if assignee else None,
            "assignee_status": "upcoming" if assignee else "inbox",
            "followers": [compact(creator)],
            "hearted": False,
            "num_hearts": 0,
            "num_likes": index % 3,
            "num_subtasks": 0,
            "parent": None,
            "memberships": [{"project": compact(project), "section": compact(section)}],
            "projects": [compact(project)],
            "tags": [],
            "workspace": compact(org.workspace),
            "custom_fields": [],
            "permalink_url": "",
        }
        task["permalink_url"] = f"https://app.asana.com/0/{project['gid']}/{task['gid']}"
        org.tasks[project["gid"]].append(task)
        stories = [self._story(org, task, creator, created, "added_to_project", project)]
        for s in range(0 if fresh else rng.randrange(self.size.max_stories_per_task)):
            author = org.users[rng.randrange(len(org.users))]
            moment = created + timedelta(hours=5 * (s + 1), milliseconds=rng.randrange(999))
            stories.append(self._story(org, task, author, moment, "comment_added", project))
        if done:
            stories.append(
                self._story(org, task, creator, created + timedelta(days=3), "marked_complete")
            )
        org.stories[task["gid"]] = stories
        task["modified_at"] = max(task["modified_at"], stories[-1]["created_at"])
        return task

    def _story(
        self,
        org: Organization,
        task: dict[str, Any],
        author: dict[str, Any],
        moment: datetime,
        subtype: str,
        project: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        comment = subtype == "comment_added"
        text = {
            "added_to_project": f"added to {project['name'] if project else ''}",
            "marked_complete": "marked this task complete",
            "comment_added": f"Update on {task['name'].lower()}: on track.",
        }.get(subtype, subtype.replace("_", " "))
        story: dict[str, Any] = {
            "gid": self.gid(),
            "resource_type": "story",
            "resource_subtype": subtype,
            "created_at": iso(moment),
            "created_by": compact(author),
            "type": "comment" if comment else "system",
            "text": text,
            "is_pinned": False,
            "is_edited": False,
            "is_editable": comment,
            "hearted": False,
            "num_hearts": 0,
            "num_likes": 0,
            "source": "web",
            "target": {
                "gid": task["gid"],
                "name": task["name"],
                "resource_type": "task",
                "resource_subtype": task["resource_subtype"],
            },
        }
        if comment:
            story["html_text"] = f"<body>{text}</body>"
        if project is not None and subtype == "added_to_project":
            story["project"] = compact(project)
        return story

    def _mutate(self, org: Organization, step: int) -> None:
        """What happens on day ``step`` after :data:`BASE`."""
        rng = self.rng("step", step)
        day = BASE + timedelta(days=step - 1, hours=9)
        live = [p for p in org.projects if not p["archived"]]
        newcomer = self._user(org, 1_000 + step)
        org.users.append(newcomer)
        for k, project in enumerate(live[: 2 + step % 2]):
            tasks = org.tasks[project["gid"]]
            task = tasks[(step * 3 + k) % len(tasks)]
            moment = day + timedelta(minutes=10 * k, milliseconds=rng.randrange(999))
            if k % 2 == 0:
                author = org.users[rng.randrange(len(org.users))]
                org.stories[task["gid"]].append(
                    self._story(org, task, author, moment, "comment_added")
                )
            else:
                task["name"] += " (v2)"
                org.stories[task["gid"]].append(
                    self._story(org, task, org.users[0], moment, "name_changed")
                )
            task["modified_at"] = iso(moment)
        project = live[step % len(live)]
        created = day + timedelta(hours=2)
        task = self._task(org, project, 1_000 + step, created, rng, fresh=True)
        task["assignee"] = compact(newcomer)
        renamed = live[(step + 1) % len(live)]
        renamed["name"] = renamed["name"].split(" (")[0] + f" (phase {step + 1})"
        renamed["modified_at"] = iso(day + timedelta(hours=3))
        self._delete_task(org, live[(step + 2) % len(live)], iso(day), rng)
        if len(org.users) > 2:
            del org.users[1]  # the oldest member but the token's user leaves

    @staticmethod
    def _delete_task(
        org: Organization, project: dict[str, Any], today: str, rng: random.Random
    ) -> None:
        """Delete a task untouched today, with its stories."""
        tasks = org.tasks[project["gid"]]
        older = [t for t in tasks if t["modified_at"] < today]
        if older:
            task = older[rng.randrange(len(older))]
            tasks.remove(task)
            del org.stories[task["gid"]]
