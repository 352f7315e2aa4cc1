"""The ClickUp workspace tree (team → spaces → folders → lists) and what hangs off it.

Built eagerly (it is small even at ``large``: ~1,000 lists): users, spaces with their
statuses and tags, folders, lists (in folders and folderless), custom fields, goals and
time entries. Tasks are generated lazily per list by :mod:`.tasks`.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from brainhub.sandbox.services.clickup.sizes import (
    BASE_MS,
    DAY_MS,
    TIME_ENTRY_SPAN_DAYS,
    ClickUpSize,
)

COLORS = ("#7b68ee", "#ff7fab", "#0ab4ff", "#1bbc9c", "#f9d900", "#e50000", "#827718")
FIRST_NAMES = ("Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jia")
LAST_NAMES = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kim")
SPACE_NAMES = ("Engineering", "Marketing", "Operations", "Sales", "Design", "Support")
FOLDER_NAMES = ("Roadmap", "Sprints", "Campaigns", "Onboarding", "Research", "Releases")
LIST_NAMES = ("Backlog", "This week", "Bugs", "Launch plan", "Content", "Ideas", "Requests")
TAG_NAMES = ("bug", "feature", "backend", "frontend", "design", "customer", "docs", "infra")


@dataclass
class User:
    """A workspace member; ``index`` 0 is the owner, who holds the API token."""

    index: int
    id: int
    username: str
    email: str
    color: str
    initials: str
    role: int

    @property
    def picture(self) -> str:
        return f"https://attachments.clickup.com/profilePictures/{self.id}_x7Q.jpg"

    @cached_property
    def short(self) -> dict[str, Any]:
        """The user object embedded in tasks and comments (shared: do not modify)."""
        return {
            "id": self.id,
            "username": self.username,
            "color": self.color,
            "initials": self.initials,
            "email": self.email,
            "profilePicture": self.picture,
        }

    @cached_property
    def creator(self) -> dict[str, Any]:
        """The user as a task's ``creator`` (no initials; shared: do not modify)."""
        return {key: value for key, value in self.short.items() if key != "initials"}


@dataclass
class CustomField:
    """A custom field definition (created on a space or a folder)."""

    id: str
    name: str
    type: str
    type_config: dict[str, Any]
    date_created: int

    @cached_property
    def as_json(self) -> dict[str, Any]:
        """The field definition as ClickUp sends it (shared: copy before changing)."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "type_config": self.type_config,
            "date_created": str(self.date_created),
            "hide_from_guests": False,
            "required": False,
        }


@dataclass
class Space:
    id: str
    no: int
    name: str
    color: str
    archived: bool
    statuses: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    fields: list[CustomField]
    hidden_folder_id: str
    folders: list[Folder] = field(default_factory=list)
    lists: list[TaskList] = field(default_factory=list)


@dataclass
class Folder:
    id: str
    name: str
    orderindex: int
    archived: bool
    space: Space
    fields: list[CustomField]
    lists: list[TaskList] = field(default_factory=list)


@dataclass
class TaskList:
    """A list; ``no`` numbers lists across the team and seeds its tasks."""

    id: str
    no: int
    name: str
    orderindex: int
    content: str
    archived: bool
    space: Space
    folder: Folder | None

    @property
    def hidden_by_archive(self) -> bool:
        """Archived itself or inside an archived folder or space."""
        return (
            self.archived
            or self.space.archived
            or (self.folder is not None and self.folder.archived)
        )

    @property
    def fields(self) -> list[CustomField]:
        return self.space.fields + (self.folder.fields if self.folder else [])


@dataclass
class TimeEntrySpec:
    """A tracked time interval on one task (by list number and task index)."""

    id: str
    list_no: int
    task_index: int
    user: User
    start_ms: int
    duration_ms: int
    billable: bool
    description: str


@dataclass
class Hierarchy:
    """Everything above tasks, plus time entries and goals."""

    team_id: str
    team_name: str
    users: list[User]
    spaces: list[Space]
    lists: list[TaskList]
    goals: list[dict[str, Any]]
    time_entries: list[TimeEntrySpec]
    spaces_by_id: dict[str, Space] = field(default_factory=dict)
    folders_by_id: dict[str, Folder] = field(default_factory=dict)
    lists_by_id: dict[str, TaskList] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spaces_by_id = {space.id: space for space in self.spaces}
        self.folders_by_id = {f.id: f for space in self.spaces for f in space.folders}
        self.lists_by_id = {task_list.id: task_list for task_list in self.lists}


def is_archived_task(size: ClickUpSize, list_no: int, index: int) -> bool:
    """Whether base top-level task ``index`` of list ``list_no`` is archived."""
    every = size.archived_task_every
    return (index + list_no) % every == every - 1


def subtask_count(size: ClickUpSize, list_no: int, index: int) -> int:
    """How many subtasks base top-level task ``index`` has (archived ones have none)."""
    if is_archived_task(size, list_no, index) or index % size.subtask_every != 1:
        return 0
    return 1 + (index // size.subtask_every) % 2


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _users(rng: random.Random, size: ClickUpSize, seed_part: int) -> list[User]:
    users = []
    for index in range(size.users):
        first = FIRST_NAMES[(index + seed_part) % len(FIRST_NAMES)]
        last = LAST_NAMES[rng.randrange(len(LAST_NAMES))]
        users.append(
            User(
                index=index,
                id=80_000_000 + seed_part * 1000 + index,
                username=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}@example.com",
                color=COLORS[rng.randrange(len(COLORS))],
                initials=f"{first[0]}{last[0]}",
                role=1 if index == 0 else (2 if index == 1 else 3),
            )
        )
    return users


def _statuses(space_id: str) -> list[dict[str, Any]]:
    rows = [
        ("to do", "open", "#87909e"),
        ("in progress", "custom", "#5f55ee"),
        ("review", "custom", "#f8ae00"),
        ("complete", "closed", "#008844"),
    ]
    return [
        {"id": f"p{space_id}_s{i}", "status": name, "color": color, "orderindex": i, "type": kind}
        for i, (name, kind, color) in enumerate(rows)
    ]


def _space_fields(rng: random.Random) -> list[CustomField]:
    created = BASE_MS - 400 * DAY_MS + rng.randrange(DAY_MS)
    stage_options = [
        {"id": _uuid(rng), "name": name, "color": COLORS[i], "orderindex": i}
        for i, name in enumerate(("Idea", "Planned", "Building", "Shipped"))
    ]
    return [
        CustomField(
            _uuid(rng),
            "Stage",
            "drop_down",
            {"default": 0, "placeholder": None, "options": stage_options},
            created,
        ),
        CustomField(_uuid(rng), "Estimate (h)", "number", {}, created + 1000),
        CustomField(_uuid(rng), "Billable", "checkbox", {}, created + 2000),
    ]


def _tags(rng: random.Random, owner: User) -> list[dict[str, Any]]:
    names = rng.sample(TAG_NAMES, 5)
    return [
        {
            "name": name,
            "tag_fg": COLORS[i % len(COLORS)],
            "tag_bg": COLORS[(i + 3) % len(COLORS)],
            "creator": owner.id,
        }
        for i, name in enumerate(sorted(names))
    ]


def build_hierarchy(seed: int, size: ClickUpSize, rng: random.Random) -> Hierarchy:
    """The deterministic workspace tree for ``seed`` and ``size``."""
    seed_part = seed % 1000
    users = _users(rng, size, seed_part)
    team_id = str(9_015_000_000 + seed_part * 100 + 1)
    spaces: list[Space] = []
    lists: list[TaskList] = []
    folder_serial = 0
    for space_no in range(size.spaces + size.archived_spaces):
        space_id = str(90_150_000_000 + seed_part * 10_000 + space_no)
        space = Space(
            id=space_id,
            no=space_no,
            name=SPACE_NAMES[space_no % len(SPACE_NAMES)]
            + ("" if space_no < len(SPACE_NAMES) else f" {space_no}"),
            color=COLORS[space_no % len(COLORS)],
            archived=space_no >= size.spaces,
            statuses=_statuses(space_id),
            tags=_tags(rng, users[0]),
            fields=_space_fields(rng),
            hidden_folder_id=str(90_170_000_000 + seed_part * 10_000 + space_no),
        )
        spaces.append(space)
        for folder_no in range(size.folders_per_space + size.archived_folders_per_space):
            folder = Folder(
                id=str(90_160_000_000 + seed_part * 100_000 + folder_serial),
                name=FOLDER_NAMES[folder_no % len(FOLDER_NAMES)]
                + ("" if folder_no < len(FOLDER_NAMES) else f" {folder_no}"),
                orderindex=folder_no,
                archived=folder_no >= size.folders_per_space,
                space=space,
                fields=[
                    CustomField(_uuid(rng), "Customer", "short_text", {}, BASE_MS - 300 * DAY_MS)
                ],
            )
            folder_serial += 1
            space.folders.append(folder)
            for list_in_folder in range(size.lists_per_folder):
                folder.lists.append(_new_list(lists, seed_part, space, folder, list_in_folder))
        folderless = size.folderless_lists_per_space + size.archived_lists_per_space
        for list_no_in_space in range(folderless):
            task_list = _new_list(lists, seed_part, space, None, list_no_in_space)
            task_list.archived = list_no_in_space >= size.folderless_lists_per_space
            space.lists.append(task_list)
    hierarchy = Hierarchy(
        team_id=team_id,
        team_name=f"Acme Workspace {seed}",
        users=users,
        spaces=spaces,
        lists=lists,
        goals=[],
        time_entries=[],
    )
    hierarchy.goals = _goals(rng, size, hierarchy)
    hierarchy.time_entries = _time_entries(rng, size, hierarchy, seed_part)
    return hierarchy


def _new_list(
    lists: list[TaskList], seed_part: int, space: Space, folder: Folder | None, orderindex: int
) -> TaskList:
    no = len(lists)
    name = LIST_NAMES[no % len(LIST_NAMES)]
    task_list = TaskList(
        id=str(901_600_000_000 + seed_part * 1_000_000 + no),
        no=no,
        name=name if no < len(LIST_NAMES) else f"{name} {no}",
        orderindex=orderindex,
        content=f"Work tracked in {name.lower()} for {space.name}.",
        archived=False,
        space=space,
        folder=folder,
    )
    lists.append(task_list)
    return task_list


def _goals(rng: random.Random, size: ClickUpSize, hierarchy: Hierarchy) -> list[dict[str, Any]]:
    goals = []
    owner = hierarchy.users[0]
    for number in range(size.goals):
        created = BASE_MS - rng.randrange(60, 200) * DAY_MS
        member = {
            "id": owner.id,
            "username": owner.username,
            "email": owner.email,
            "color": owner.color,
            "permission_level": "edit",
            "profilePicture": owner.picture,
            "initials": owner.initials,
            "isCreator": True,
        }
        goals.append(
            {
                "id": _uuid(rng),
                "pretty_id": str(number + 1),
                "name": ("Ship v2", "Grow signups 20%", "Cut churn", "Hire 3 engineers")[number % 4]
                + ("" if number < 4 else f" ({number})"),
                "team_id": hierarchy.team_id,
                "creator": owner.id,
                "owner": None,
                "color": COLORS[number % len(COLORS)],
                "date_created": str(created),
                "start_date": None,
                "due_date": str(created + 120 * DAY_MS),
                "description": "Quarterly objective tracked by the leadership team.",
                "private": False,
                "archived": False,
                "multiple_owners": True,
                "editor_token": f"goal_{_uuid(rng)[:8]}",
                "date_updated": str(created + 7 * DAY_MS),
                "last_update": str(created + 7 * DAY_MS),
                "folder_id": None,
                "pinned": False,
                "owners": [],
                "key_result_count": rng.randrange(0, 4),
                "members": [member],
                "group_members": [],
                "percent_completed": rng.randrange(0, 101),
            }
        )
    return goals


def _time_entries(
    rng: random.Random, size: ClickUpSize, hierarchy: Hierarchy, seed_part: int
) -> list[TimeEntrySpec]:
    candidates = [tl for tl in hierarchy.lists if not tl.hidden_by_archive]
    candidates = candidates[: size.time_entry_lists]
    entries = []
    for number in range(size.time_entries if candidates else 0):
        task_list = candidates[number % len(candidates)]
        index = rng.randrange(size.top_level_tasks_per_list)
        while is_archived_task(size, task_list.no, index):
            index = (index + 1) % size.top_level_tasks_per_list
        start = BASE_MS - rng.randrange(1, TIME_ENTRY_SPAN_DAYS * 24) * 3_600_000
        entries.append(
            TimeEntrySpec(
                id=str(4_100_000_000_000_000_000 + seed_part * 1_000_000 + number),
                list_no=task_list.no,
                task_index=index,
                user=hierarchy.users[0],
                start_ms=start,
                duration_ms=rng.randrange(5, 240) * 60_000,
                billable=rng.random() < 0.5,
                description=rng.choice(("", "pairing", "review", "customer call")),
            )
        )
    entries.sort(key=lambda entry: entry.start_ms)
    return entries
