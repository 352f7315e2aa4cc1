"""The Notion workspace an emulator serves: users, databases, their pages and page blocks.

Deterministic from ``(seed, size, generation)``. Every timestamp derives from ``BASE``
(2026-03-01T00:00:00Z), never the wall clock, and is rounded to the minute as Notion does
with ``created_time`` and ``last_edited_time``. Generation ``k`` happens in the ten minutes
before ``BASE + k * STEP``: some pages are edited (a new status, an appended paragraph),
some are created, an older one is moved to the trash (``archived``/``in_trash``: gone from
queries and listings, 404 by id, its blocks with it) and a member leaves the workspace (gone
from ``/users``, 404 by id), so an incremental sync after ``mutate`` has work to do.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BASE = datetime(2026, 3, 1, tzinfo=UTC)
STEP = timedelta(minutes=10)

FIRST = ("Ada", "Bruno", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jia")
LAST = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Haddad", "Kim")
DATABASES = ("Roadmap", "Meeting notes", "Bugs", "Content calendar", "Hiring", "Docs")
WORDS = ("launch", "review", "migrate", "design", "draft", "plan", "fix", "sync", "audit")
TOPICS = ("billing", "onboarding", "search", "mobile app", "pricing page", "API docs")
STATUSES = (("Not started", "gray"), ("In progress", "blue"), ("Done", "green"))


@dataclass(frozen=True)
class NotionSize:
    """How much data one named size holds."""

    people: int
    bots: int
    databases: int
    archived_databases: int
    pages_per_database: int
    trashed_page_every: int
    blocks_per_page: int
    updates_per_step: int
    creates_per_step: int


SIZES: dict[str, NotionSize] = {
    # unit tests: 2 live databases with 5 live pages each, one trashed page per database
    "tiny": NotionSize(3, 1, 2, 1, 6, 6, 3, 2, 2),
    # the demo: a default sync needs ~50 requests (Notion averages 3 requests/s)
    "demo": NotionSize(6, 1, 3, 1, 14, 7, 4, 4, 3),
    # benchmarks: 20,000 pages
    "large": NotionSize(40, 2, 10, 1, 2000, 50, 4, 200, 100),
}


def iso(moment: datetime) -> str:
    """Notion's timestamp format: milliseconds and ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def minute(moment: datetime) -> datetime:
    """The moment rounded down to the minute (Notion's timestamp resolution)."""
    return moment.replace(second=0, microsecond=0)


def now_at(generation: int) -> datetime:
    """The dataset's "now" at a generation."""
    return BASE + generation * STEP


def new_id(rng: random.Random) -> str:
    """A UUID v4 drawn from ``rng``, in Notion's dashed form."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def rich_text(content: str) -> list[dict[str, Any]]:
    """A one-run rich text array with default annotations."""
    return [
        {
            "type": "text",
            "text": {"content": content, "link": None},
            "annotations": {
                "bold": False,
                "italic": False,
                "strikethrough": False,
                "underline": False,
                "code": False,
                "color": "default",
            },
            "plain_text": content,
            "href": None,
        }
    ]


def user_ref(user_id: str) -> dict[str, Any]:
    """How pages and blocks point at a user."""
    return {"object": "user", "id": user_id}


@dataclass
class Database:
    """A database and its pages (in creation order)."""

    json: dict[str, Any]
    pages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.json["id"])

    @property
    def live(self) -> bool:
        return not self.json["archived"]


@dataclass
class Workspace:
    """Everything the emulator serves."""

    users: list[dict[str, Any]]
    databases: list[Database]
    blocks: dict[str, list[dict[str, Any]]]
    pages_updated: int = 0
    pages_created: int = 0
    #: Comments made through the API, per page (generated ones are derived from the page).
    written_comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def live_databases(self) -> list[Database]:
        return [db for db in self.databases if db.live]

    def live_pages(self) -> list[dict[str, Any]]:
        return [p for db in self.live_databases() for p in db.pages if not p["archived"]]

    def find_database(self, database_id: str) -> Database | None:
        return next((db for db in self.databases if db.id == database_id), None)


class WorkspaceBuilder:
    """Builds a :class:`Workspace` for one seed, size and generation."""

    def __init__(self, rng_for: Any, size: NotionSize, seed: int) -> None:
        self.rng_for = rng_for
        self.size = size
        self.seed = seed

    def build(self, generation: int) -> Workspace:
        rng = self.rng_for("workspace")
        users = self._users(rng)
        people = [u["id"] for u in users if u["type"] == "person"]
        self.people = people
        workspace = Workspace(users=users, databases=[], blocks={})
        total = self.size.databases + self.size.archived_databases
        for number in range(total):
            database = self._database(rng, number, archived=number >= self.size.databases)
            workspace.databases.append(database)
            for index in range(self.size.pages_per_database):
                created = minute(BASE - timedelta(minutes=rng.randrange(2 * 1440, 300 * 1440)))
                edited = minute(created + timedelta(minutes=rng.randrange(0, 40 * 1440)))
                edited = min(edited, BASE - timedelta(minutes=1))
                page = self._page(rng, database, created, edited)
                page["archived"] = page["in_trash"] = (
                    index % self.size.trashed_page_every == self.size.trashed_page_every - 1
                )
                database.pages.append(page)
                self._blocks(workspace, rng, page)
        for step in range(1, generation + 1):
            self._mutate(workspace, step)
        return workspace

    def _users(self, rng: random.Random) -> list[dict[str, Any]]:
        users: list[dict[str, Any]] = []
        for index in range(self.size.people):
            first, last = FIRST[(index + self.seed) % len(FIRST)], LAST[rng.randrange(len(LAST))]
            users.append(
                {
                    "object": "user",
                    "id": new_id(rng),
                    "name": f"{first} {last}",
                    "avatar_url": None if index % 2 else f"https://s3.example.com/{index}.png",
                    "type": "person",
                    "person": {"email": f"{first.lower()}.{last.lower()}@example.com"},
                }
            )
        for index in range(self.size.bots):
            users.append(
                {
                    "object": "user",
                    "id": new_id(rng),
                    "name": "Brainhub" if index == 0 else f"Automation {index}",
                    "avatar_url": None,
                    "type": "bot",
                    "bot": {},
                }
            )
        return users

    def _database(self, rng: random.Random, number: int, archived: bool) -> Database:
        database_id = new_id(rng)
        name = DATABASES[number % len(DATABASES)] + (
            "" if number < len(DATABASES) else f" {number}"
        )
        created = minute(BASE - timedelta(days=400 - number))
        options = [
            {"id": new_id(rng)[:8], "name": label, "color": color} for label, color in STATUSES
        ]
        author = user_ref(self.people[0])
        return Database(
            {
                "object": "database",
                "id": database_id,
                "cover": None,
                "icon": {"type": "emoji", "emoji": "🗂️"},
                "created_time": iso(created),
                "created_by": author,
                "last_edited_by": author,
                "last_edited_time": iso(created + timedelta(days=3)),
                "title": rich_text(name),
                "description": rich_text(f"Everything about {name.lower()}."),
                "is_inline": False,
                "properties": {
                    "Name": {"id": "title", "name": "Name", "type": "title", "title": {}},
                    "Status": {
                        "id": "s%3Ab",
                        "name": "Status",
                        "type": "select",
                        "select": {"options": options},
                    },
                    "Owner": {"id": "o%3Aw", "name": "Owner", "type": "people", "people": {}},
                    "Due": {"id": "d%3Ue", "name": "Due", "type": "date", "date": {}},
                    "Points": {
                        "id": "p%3At",
                        "name": "Points",
                        "type": "number",
                        "number": {"format": "number"},
                    },
                },
                "parent": {"type": "workspace", "workspace": True},
                "url": f"https://www.notion.so/{database_id.replace('-', '')}",
                "public_url": None,
                "archived": archived,
                "in_trash": archived,
            }
        )

    def _page(
        self, rng: random.Random, database: Database, created: datetime, edited: datetime
    ) -> dict[str, Any]:
        page_id = new_id(rng)
        title = f"{rng.choice(WORDS).title()} {rng.choice(TOPICS)}"
        author = user_ref(rng.choice(self.people))
        options = database.json["properties"]["Status"]["select"]["options"]
        due = created.date() + timedelta(days=rng.randrange(7, 60))
        slug = "-".join(title.split())
        return {
            "object": "page",
            "id": page_id,
            "created_time": iso(created),
            "last_edited_time": iso(edited),
            "created_by": author,
            "last_edited_by": author,
            "cover": None,
            "icon": None,
            "parent": {"type": "database_id", "database_id": database.id},
            "archived": False,
            "in_trash": False,
            "properties": {
                "Name": {"id": "title", "type": "title", "title": rich_text(title)},
                "Status": {"id": "s%3Ab", "type": "select", "select": rng.choice(options)},
                "Owner": {"id": "o%3Aw", "type": "people", "people": [author]},
                "Due": {
                    "id": "d%3Ue",
                    "type": "date",
                    "date": {"start": due.isoformat(), "end": None, "time_zone": None}
                    if rng.random() < 0.7
                    else None,
                },
                "Points": {"id": "p%3At", "type": "number", "number": rng.choice((1, 2, 3, 5))},
            },
            "url": f"https://www.notion.so/{slug}-{page_id.replace('-', '')}",
            "public_url": None,
        }

    def _blocks(self, workspace: Workspace, rng: random.Random, page: dict[str, Any]) -> None:
        """The page's content; about half the pages end with a toggle holding two blocks."""
        kinds = ("heading_2", "paragraph", "to_do", "bulleted_list_item", "paragraph")
        when = page["created_time"]
        blocks = [
            self._block(rng, page, kinds[n % len(kinds)], when)
            for n in range(self.size.blocks_per_page)
        ]
        if rng.random() < 0.5:
            toggle = self._block(rng, page, "toggle", when)
            toggle["has_children"] = True
            parent = {"type": "block_id", "block_id": toggle["id"]}
            children = [self._block(rng, page, kind, when) for kind in ("paragraph", "to_do")]
            for child in children:
                child["parent"] = parent
            workspace.blocks[toggle["id"]] = children
            blocks.append(toggle)
        workspace.blocks[page["id"]] = blocks

    def _block(
        self, rng: random.Random, page: dict[str, Any], kind: str, when: str
    ) -> dict[str, Any]:
        text = f"{rng.choice(WORDS).title()} the {rng.choice(TOPICS)}"
        content: dict[str, Any] = {"rich_text": rich_text(text), "color": "default"}
        if kind == "heading_2":
            content["is_toggleable"] = False
        if kind == "to_do":
            content["checked"] = rng.random() < 0.5
        return {
            "object": "block",
            "id": new_id(rng),
            "parent": {"type": "page_id", "page_id": page["id"]},
            "created_time": when,
            "last_edited_time": when,
            "created_by": page["created_by"],
            "last_edited_by": page["created_by"],
            "has_children": False,
            "archived": False,
            "in_trash": False,
            "type": kind,
            kind: content,
        }

    def _mutate(self, workspace: Workspace, step: int) -> None:
        rng = self.rng_for("step", step)
        window_end = now_at(step)
        databases = workspace.live_databases()

        def moment() -> datetime:
            return minute(window_end - timedelta(seconds=rng.randrange(60, int(STEP.seconds))))

        live = workspace.live_pages()
        for page in rng.sample(live, min(self.size.updates_per_step, len(live))):
            edited = moment()
            page["last_edited_time"] = iso(edited)
            database = workspace.find_database(page["parent"]["database_id"])
            assert database is not None
            options = database.json["properties"]["Status"]["select"]["options"]
            page["properties"]["Status"]["select"] = rng.choice(options)
            block = self._block(rng, page, "paragraph", iso(edited))
            workspace.blocks[page["id"]].append(block)
            workspace.pages_updated += 1
        for _ in range(self.size.creates_per_step):
            database = rng.choice(databases)
            created = moment()
            page = self._page(rng, database, created, created)
            database.pages.append(page)
            self._blocks(workspace, rng, page)
            workspace.pages_created += 1
        untouched = [p for p in workspace.live_pages() if p["last_edited_time"] < iso(BASE)]
        if untouched:
            trashed = rng.choice(untouched)
            trashed["archived"] = trashed["in_trash"] = True
            trashed["last_edited_time"] = iso(moment())
        people = [u for u in workspace.users if u["type"] == "person"]
        if len(people) > 1:
            workspace.users.remove(people[-1])  # a member leaves the workspace
            self.people = [u for u in self.people if u != people[-1]["id"]]
