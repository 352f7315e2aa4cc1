"""Notion objects derived from the seeded workspace for the newer read operations.

- a database's *data source* (Notion-Version 2025-09-03 splits a database into a
  container and its data sources): the database's schema and pages under its own id;
- page *property items* (``GET /pages/{id}/properties/{property_id}``): title, rich text,
  people and relation values are paginated lists of items, the others one item;
- a page's content as Notion's enhanced Markdown (``GET /pages/{id}/markdown``);
- a page's discussion (``GET /comments``): pages whose id ends in an even hex digit have
  two comments by their author, derived from the page so the seeded data is unchanged.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import unquote

from brainhub.sandbox.services.notion.workspace import Database, rich_text

#: Property types Notion answers as a paginated list of property items.
LISTED_PROPERTY_TYPES = ("title", "rich_text", "people", "relation")
_MARKDOWN_PREFIX = {
    "heading_1": "# ",
    "heading_2": "## ",
    "heading_3": "### ",
    "bulleted_list_item": "- ",
    "numbered_list_item": "1. ",
    "quote": "> ",
}


def data_source_id(database_id: str) -> str:
    """The id of a database's one data source (stable: derived from the database id)."""
    return str(uuid.uuid5(uuid.UUID(database_id), "data_source"))


def data_source(database: Database) -> dict[str, Any]:
    """The data source object of ``database``."""
    source = {
        key: value
        for key, value in database.json.items()
        if key not in ("object", "id", "parent", "is_inline", "public_url")
    }
    return {
        "object": "data_source",
        "id": data_source_id(database.id),
        **source,
        "parent": {"type": "database_id", "database_id": database.id},
        "database_parent": database.json["parent"],
    }


def page_in_data_source(page: dict[str, Any]) -> dict[str, Any]:
    """``page`` as Notion-Version 2025-09-03 answers it: its parent is a data source."""
    parent = page["parent"]
    if parent.get("type") != "database_id":
        return page
    database_id = parent["database_id"]
    return {
        **page,
        "parent": {
            "type": "data_source_id",
            "data_source_id": data_source_id(database_id),
            "database_id": database_id,
        },
    }


def database_container(database: Database) -> dict[str, Any]:
    """``database`` as Notion-Version 2025-09-03 answers it: its data sources, no schema."""
    container = {key: value for key, value in database.json.items() if key != "properties"}
    name = "".join(part["plain_text"] for part in database.json["title"])
    container["data_sources"] = [{"id": data_source_id(database.id), "name": name}]
    return container


def page_as_block(page: dict[str, Any], has_children: bool) -> dict[str, Any]:
    """``page`` as ``GET /blocks/{id}`` answers it: pages are ``child_page`` blocks."""
    title = "".join(part["plain_text"] for part in page["properties"]["Name"]["title"])
    return {
        "object": "block",
        "id": page["id"],
        "parent": page["parent"],
        **{key: page[key] for key in ("created_time", "last_edited_time")},
        **{key: page[key] for key in ("created_by", "last_edited_by")},
        "has_children": has_children,
        "archived": page["archived"],
        "in_trash": page["in_trash"],
        "type": "child_page",
        "child_page": {"title": title},
    }


def find_property(page: dict[str, Any], property_id: str) -> tuple[str, dict[str, Any]] | None:
    """The page property whose id (URL-encoded or not) or name is ``property_id``."""
    wanted = unquote(property_id)
    for name, value in page["properties"].items():
        if unquote(value["id"]) == wanted or name == wanted:
            return name, value
    return None


def property_items(value: dict[str, Any]) -> list[dict[str, Any]]:
    """The property items of one page property value."""
    kind = value["type"]
    if kind not in LISTED_PROPERTY_TYPES:
        return [{"object": "property_item", "id": value["id"], "type": kind, kind: value[kind]}]
    return [
        {"object": "property_item", "id": value["id"], "type": kind, kind: part}
        for part in value[kind]
    ]


def markdown(blocks: list[dict[str, Any]], children: dict[str, list[dict[str, Any]]]) -> str:
    """``blocks`` (and their children, indented) as Markdown."""
    lines: list[str] = []
    _render(blocks, children, 0, lines)
    return "\n".join(lines)


def _render(
    blocks: list[dict[str, Any]],
    children: dict[str, list[dict[str, Any]]],
    depth: int,
    lines: list[str],
) -> None:
    for block in blocks:
        kind = block["type"]
        content = block[kind]
        text = "".join(part["plain_text"] for part in content.get("rich_text", []))
        if kind == "to_do":
            prefix = "- [x] " if content.get("checked") else "- [ ] "
        elif kind == "toggle":
            prefix = "<details><summary>"
            text += "</summary></details>"
        else:
            prefix = _MARKDOWN_PREFIX.get(kind, "")
        lines.append("\t" * depth + prefix + text)
        if block["has_children"]:
            nested = [b for b in children.get(block["id"], []) if not b["archived"]]
            _render(nested, children, depth + 1, lines)


def comments(page: dict[str, Any], users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The comments on ``page`` (oldest first)."""
    if int(page["id"][-1], 16) % 2:
        return []
    page_uuid = uuid.UUID(page["id"])
    discussion = str(uuid.uuid5(page_uuid, "discussion"))
    author = page["created_by"]["id"]
    name = next((u["name"] for u in users if u["id"] == author), "Former member")
    texts = ("Can we review this on Monday?", "Done, see the latest version.")
    return [
        {
            "object": "comment",
            "id": str(uuid.uuid5(page_uuid, f"comment {number}")),
            "parent": {"type": "page_id", "page_id": page["id"]},
            "discussion_id": discussion,
            "created_time": page["created_time"],
            "last_edited_time": page["created_time"],
            "created_by": {"object": "user", "id": author},
            "rich_text": rich_text(text),
            "attachments": [],
            "display_name": {"type": "user", "resolved_name": name},
        }
        for number, text in enumerate(texts)
    ]
