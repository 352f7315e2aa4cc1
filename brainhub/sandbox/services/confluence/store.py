"""The seeded Confluence site: spaces, pages (a tree per space), blog posts, footer
comments, labels, attachments, versions and content properties.

Deterministic in ``(seed, size, generation)``: generation ``g`` publishes a new version of
``g`` pages (their ``version.createdAt`` moves on) and adds one page per generation to the
first space. Writes (create and update a page, create a footer comment) are applied here
by :class:`WikiChanges` from the change journal.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from brainhub.sandbox.kit.journal import Change, Replay


@dataclass(frozen=True)
class Size:
    spaces: int
    pages_per_space: int
    blogposts_per_space: int


SIZES = {
    "tiny": Size(spaces=1, pages_per_space=3, blogposts_per_space=1),
    "demo": Size(spaces=3, pages_per_space=8, blogposts_per_space=3),
    "large": Size(spaces=8, pages_per_space=60, blogposts_per_space=15),
}
BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SPACE_NAMES = ["Engineering", "Product", "Support", "Sales", "People", "Design", "Legal", "Ops"]
TOPICS = ["Onboarding", "Runbook", "Roadmap", "Release notes", "Architecture", "FAQ", "Retro"]
LABELS = ["how-to", "draft", "archive", "meeting-notes", "decision"]
ACCOUNTS = [f"5b10ac8d82e05b22cc7d4e{n:02d}" for n in range(1, 6)]


def stamp(moment: datetime) -> str:
    """Confluence's timestamp form: ``2026-01-05T09:00:00.000Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Wiki:
    """Every object of the site, by kind, in creation order."""

    spaces: list[dict[str, Any]] = field(default_factory=list)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    blogposts: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: content id → its labels, attachments, properties and versions (oldest first)
    labels: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    attachments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    properties: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    versions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_id: int = 1_000_000
    pages_updated: int = 0
    pages_created: int = 0
    comments_deleted: int = 0

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def content(self, content_id: str) -> dict[str, Any] | None:
        """A page, blog post or comment by id."""
        return (
            self.pages.get(content_id)
            or self.blogposts.get(content_id)
            or self.comments.get(content_id)
        )

    def all_labels(self) -> list[dict[str, Any]]:
        """Every distinct label of the site, by id."""
        seen: dict[str, dict[str, Any]] = {}
        for labels in self.labels.values():
            for label in labels:
                seen.setdefault(label["id"], label)
        return sorted(seen.values(), key=lambda label: int(label["id"]))

    # ------------------------------------------------------------------ building

    def add_content(
        self,
        kind: str,
        *,
        space_id: str,
        title: str,
        value: str,
        at: str,
        author: str,
        parent_id: str | None = None,
        content_id: str | None = None,
    ) -> dict[str, Any]:
        """A new page, blog post (``kind``) or footer comment at version 1."""
        content_id = content_id or self.new_id()
        version = {"createdAt": at, "message": "", "number": 1, "minorEdit": False}
        version["authorId"] = author
        item: dict[str, Any] = {
            "id": content_id,
            "status": "current",
            "title": title,
            "authorId": author,
            "createdAt": at,
            "version": version,
            "body": {"storage": {"representation": "storage", "value": value}},
        }
        if kind == "page":
            item.update(spaceId=space_id, ownerId=author)
            if parent_id:  # a top-level page has neither key (v2 types them as strings)
                item.update(parentId=parent_id, parentType="page")
            siblings = (p for p in self.pages.values() if p.get("parentId") == parent_id)
            item["position"] = sum(1 for _ in siblings)
            item["_links"] = {"webui": f"/spaces/{space_id}/pages/{content_id}", "tinyui": ""}
            self.pages[content_id] = item
        elif kind == "blogpost":
            item["spaceId"] = space_id
            item["_links"] = {"webui": f"/spaces/{space_id}/blog/{content_id}", "tinyui": ""}
            self.blogposts[content_id] = item
        else:
            item["pageId" if parent_id in self.pages else "blogPostId"] = parent_id
            item["_links"] = {"webui": f"/pages/{parent_id}?focusedCommentId={content_id}"}
            self.comments[content_id] = item
        self.versions[content_id] = [dict(version)]
        return item

    def new_version(
        self, content_id: str, at: str, author: str, title: str | None, value: str | None
    ) -> None:
        """Publish the next version of a page or blog post."""
        item = self.pages.get(content_id) or self.blogposts[content_id]
        number = item["version"]["number"] + 1
        version = {"createdAt": at, "message": "", "number": number, "minorEdit": False}
        version["authorId"] = author
        item["version"] = version
        if title is not None:
            item["title"] = title
        if value is not None:
            item["body"] = {"storage": {"representation": "storage", "value": value}}
        self.versions[content_id].append(dict(version))


def build(seed: int, size_name: str, generation: int) -> Wiki:
    """The site of ``(seed, size, generation)``."""
    size = SIZES[size_name]
    rng = random.Random(f"confluence:{seed}:{size_name}")
    wiki = Wiki()
    moment = BASE
    for s in range(size.spaces):
        name = SPACE_NAMES[s % len(SPACE_NAMES)] + ("" if s < len(SPACE_NAMES) else f" {s}")
        space_id = str(98_300 + s)
        key = name.upper().replace(" ", "")[:6] + (str(s) if s >= len(SPACE_NAMES) else "")
        wiki.spaces.append(
            {
                "id": space_id,
                "key": key,
                "name": name,
                "type": "global",
                "status": "current",
                "authorId": ACCOUNTS[s % len(ACCOUNTS)],
                "createdAt": stamp(moment),
                "homepageId": None,
                "_links": {"webui": f"/spaces/{key}"},
            }
        )
        page_ids: list[str] = []
        for p in range(size.pages_per_space):
            moment += timedelta(minutes=37 + rng.randrange(90))
            parent = page_ids[rng.randrange(len(page_ids))] if page_ids and p % 3 else None
            topic = TOPICS[rng.randrange(len(TOPICS))]
            page = wiki.add_content(
                "page",
                space_id=space_id,
                title=f"{name} {topic} {p + 1}",
                value=f"<p>{topic} for the {name} team, part {p + 1}.</p>",
                at=stamp(moment),
                author=ACCOUNTS[rng.randrange(len(ACCOUNTS))],
                parent_id=parent,
            )
            page_ids.append(page["id"])
            if p == 0:
                wiki.spaces[-1]["homepageId"] = page["id"]
            _decorate(wiki, rng, page["id"], moment, first=p == 0)
        for b in range(size.blogposts_per_space):
            moment += timedelta(minutes=53 + rng.randrange(120))
            post = wiki.add_content(
                "blogpost",
                space_id=space_id,
                title=f"{name} weekly {b + 1}",
                value=f"<p>What the {name} team shipped in week {b + 1}.</p>",
                at=stamp(moment),
                author=ACCOUNTS[rng.randrange(len(ACCOUNTS))],
            )
            _decorate(wiki, rng, post["id"], moment, first=False)
    _advance(wiki, generation, moment)
    return wiki


def _decorate(
    wiki: Wiki, rng: random.Random, content_id: str, moment: datetime, *, first: bool
) -> None:
    """Labels, footer comments, an attachment and a property for one item (a space's
    first page has at least one of each)."""
    wiki.labels[content_id] = [
        {"id": str(4_000 + LABELS.index(name)), "name": name, "prefix": "global"}
        for name in sorted(rng.sample(LABELS, max(first, rng.randrange(3))))
    ]
    for c in range(max(first * 2, rng.randrange(3))):
        wiki.add_content(
            "comment",
            space_id="",
            title=f"Re: {content_id}",
            value=f"<p>Comment {c + 1}: looks good.</p>",
            at=stamp(moment + timedelta(minutes=5 + c)),
            author=ACCOUNTS[rng.randrange(len(ACCOUNTS))],
            parent_id=content_id,
        )
    wiki.attachments[content_id] = []
    if rng.random() < 0.4 or first:
        attachment_id = "att" + wiki.new_id()
        wiki.attachments[content_id].append(
            {
                "id": attachment_id,
                "status": "current",
                "title": f"diagram-{content_id}.png",
                "createdAt": stamp(moment),
                "pageId": content_id,
                "mediaType": "image/png",
                "mediaTypeDescription": "PNG Image",
                "comment": "",
                "fileId": f"f{int(content_id):08x}-0000-4000-8000-000000000000",
                "fileSize": 1024 + rng.randrange(90_000),
                "webuiLink": f"/pages/viewpageattachments.action?pageId={content_id}",
                "downloadLink": f"/download/attachments/{content_id}/diagram.png",
                "version": {"createdAt": stamp(moment), "number": 1, "minorEdit": False},
                "_links": {"download": f"/download/attachments/{content_id}/diagram.png"},
            }
        )
    wiki.properties[content_id] = [
        {
            "id": str(6_000_000 + int(content_id) % 1_000_000),
            "key": "content-appearance-published",
            "value": "full-width" if rng.random() < 0.5 else "default",
            "version": {"createdAt": stamp(moment), "number": 1, "minorEdit": False},
        }
    ]


def _advance(wiki: Wiki, generation: int, moment: datetime) -> None:
    """The changes of generations 1..``generation``: a page edited, a page added and the
    oldest live footer comment deleted, per generation."""
    pages = list(wiki.pages)
    first_space = wiki.spaces[0]["id"]
    for g in range(1, generation + 1):
        moment += timedelta(hours=6)
        edited = pages[(g * 3) % len(pages)]
        wiki.new_version(edited, stamp(moment), ACCOUNTS[g % len(ACCOUNTS)], None, None)
        wiki.pages_updated += 1
        wiki.add_content(
            "page",
            space_id=first_space,
            title=f"Meeting notes {g}",
            value=f"<p>Notes of meeting {g}.</p>",
            at=stamp(moment + timedelta(minutes=1)),
            author=ACCOUNTS[g % len(ACCOUNTS)],
        )
        wiki.pages_created += 1
        live = [c for c in wiki.comments.values() if c["status"] == "current" and "pageId" in c]
        if live:
            live[0]["status"] = "deleted"
            wiki.comments_deleted += 1


def journal_time(at: str) -> str:
    """A journal time (microseconds) in Confluence's millisecond form."""
    return at[:23] + "Z" if len(at) > 24 else at


class WikiChanges:
    """How journalled writes apply to a :class:`Wiki`."""

    def __init__(self, wiki: Wiki) -> None:
        self.wiki = wiki

    def replay(self) -> Replay:
        return Replay(
            {
                ("page", "create"): self.create_page,
                ("page", "update"): self.update_page,
                ("footer_comment", "create"): self.create_comment,
            }
        )

    def create_page(self, change: Change) -> None:
        data = change.data
        self.wiki.add_content(
            "page",
            space_id=data["spaceId"],
            title=data["title"],
            value=data["value"],
            at=journal_time(change.at),
            author=data["authorId"],
            parent_id=data.get("parentId"),
            content_id=change.id,
        )
        self.wiki.next_id = max(self.wiki.next_id, int(change.id))

    def update_page(self, change: Change) -> None:
        data = change.data
        self.wiki.new_version(
            change.id,
            journal_time(change.at),
            data["authorId"],
            data.get("title"),
            data.get("value"),
        )
        page = self.wiki.pages[change.id]
        if data.get("status"):
            page["status"] = data["status"]

    def create_comment(self, change: Change) -> None:
        data = change.data
        self.wiki.add_content(
            "comment",
            space_id="",
            title=f"Re: {data['pageId']}",
            value=data["value"],
            at=journal_time(change.at),
            author=data["authorId"],
            parent_id=data["pageId"],
            content_id=change.id,
        )
        self.wiki.next_id = max(self.wiki.next_id, int(change.id))
