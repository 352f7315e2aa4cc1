"""Writes to the Notion workspace, checked like Notion checks them, as journal drafts.

``POST /pages`` (``parent`` a ``database_id`` or ``data_source_id``; ``properties``
checked against the database's schema; optional ``children`` blocks), ``PATCH
/pages/{id}`` (``properties``, ``archived``/``in_trash``), ``PATCH /blocks/{id}/children``
(``children``, at most 100 blocks) and ``POST /comments`` (``parent.page_id`` or
``discussion_id``, and ``rich_text``). Each method checks one body and returns the
:class:`~brainhub.sandbox.kit.journal.Draft` with every value resolved (see
:mod:`.changes`); a bad body stops it with Notion's ``validation_error`` (its message
style: ``body failed validation: body.properties.Points.number should be a number or
`null`, instead was `"five"`.``, ``Sprint is not a property that exists.``) or
``object_not_found``, before anything changes.

A select value naming an option the schema lacks adds the option, as Notion does. Every
write stamps ``last_edited_time`` (Notion's minute resolution) no earlier than the
dataset's "now", so the next incremental read (``last_edited_time`` on or after the
bookmark) picks it up.
"""

from __future__ import annotations

import copy
import math
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from brainhub.sandbox.kit.journal import Draft
from brainhub.sandbox.services.notion import render
from brainhub.sandbox.services.notion.listing import NotionValidationError, shown
from brainhub.sandbox.services.notion.workspace import (
    Database,
    Workspace,
    iso,
    minute,
    now_at,
    rich_text,
    user_ref,
)

MAX_CHILDREN = 100
#: Block types ``PATCH /blocks/{id}/children`` takes, each holding ``rich_text``.
TEXT_BLOCKS = (
    "paragraph",
    "heading_1",
    "heading_2",
    "heading_3",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "toggle",
    "quote",
    "callout",
)
NO_CONTENT_BLOCKS = ("divider",)


class NotionNotFoundError(Exception):
    """What a write names does not exist (Notion's 404 ``object_not_found``)."""

    def __init__(self, kind: str, object_id: str) -> None:
        super().__init__(kind, object_id)
        self.kind = kind
        self.object_id = object_id


def invalid(path: str, expectation: str, value: Any) -> NotionValidationError:
    """Notion's ``validation_error`` for the body field at ``path``."""
    return NotionValidationError(
        f"body failed validation: {path} should be {expectation}, instead was {shown(value)}."
    )


class NotionWriter:
    """Builds the drafts of Notion writes on one workspace. Callers hold the emulator's lock."""

    def __init__(self, workspace: Workspace, generation: int, clock: Callable[[], float]) -> None:
        self.workspace = workspace
        self.generation = generation
        self.clock = clock

    # ------------------------------------------------------------------ pages

    def create_page(self, body: dict[str, Any]) -> Draft:
        database = self._parent_database(body.get("parent"))
        properties = body.get("properties")
        if properties is None:
            properties = {}
        if not isinstance(properties, dict):
            raise invalid("body.properties", "an object", properties)
        now = self._now()
        page_id = str(uuid.uuid4())
        bot = self._bot()
        values, options = self._properties(database, properties, {})
        for name, schema in database.json["properties"].items():
            if name not in values:
                values[name] = _empty(schema)
        title = "".join(part["plain_text"] for part in _title_of(values))
        slug = "-".join(title.split()) or "Untitled"
        page = {
            "object": "page",
            "id": page_id,
            "created_time": now,
            "last_edited_time": now,
            "created_by": bot,
            "last_edited_by": bot,
            "cover": body.get("cover"),
            "icon": body.get("icon"),
            "parent": {"type": "database_id", "database_id": database.id},
            "archived": False,
            "in_trash": False,
            "properties": values,
            "url": f"https://www.notion.so/{slug}-{page_id.replace('-', '')}",
            "public_url": None,
        }
        blocks = self._blocks(body.get("children", []), "body.children", page_id, "page_id", now)
        data = {"database": database.id, "page": page, "options": options, "blocks": blocks}
        return Draft("create", "page", page_id, data)

    def update_page(self, page: dict[str, Any], body: dict[str, Any]) -> Draft:
        database = self.workspace.find_database(page["parent"]["database_id"])
        assert database is not None  # a page is found through its database
        trash = [body[k] for k in ("archived", "in_trash") if k in body]
        for key in ("archived", "in_trash"):
            if key in body and not isinstance(body[key], bool):
                raise invalid(f"body.{key}", "a boolean or `undefined`", body[key])
        if page["in_trash"] and not any(value is False for value in trash):
            raise NotionValidationError(
                "Can't edit block that is archived. You must unarchive the block before editing."
            )
        properties = body.get("properties", {})
        if not isinstance(properties, dict):
            raise invalid("body.properties", "an object", properties)
        values, options = self._properties(database, properties, page["properties"])
        now = self._now()
        changes: dict[str, Any] = {
            "properties": values,
            "last_edited_time": now,
            "last_edited_by": self._bot(),
        }
        if trash:
            changes["archived"] = changes["in_trash"] = bool(trash[-1])
        data = {"database": database.id, "set": changes, "options": options}
        return Draft("update", "page", page["id"], data)

    # ------------------------------------------------------------------ blocks, comments

    def append_blocks(self, parent_id: str, page_id: str, kind: str, body: dict[str, Any]) -> Draft:
        children = body.get("children")
        if not isinstance(children, list):
            raise invalid("body.children", "an array", children)
        now = self._now()
        blocks = self._blocks(children, "body.children", parent_id, kind, now)
        data = {"parent": parent_id, "page": page_id, "blocks": blocks, "at": now}
        return Draft("create", "blocks", parent_id, data)

    def comment(self, page_id: str | None, discussion: str | None, body: dict[str, Any]) -> Draft:
        text = body.get("rich_text")
        runs = self._rich_text(text, "body.rich_text")
        if not runs:
            raise invalid("body.rich_text", "a non-empty array", text)
        assert page_id is not None
        now = self._now()
        comment_id = str(uuid.uuid4())
        bot = self._bot()
        bot_name = next(u["name"] for u in self.workspace.users if u["id"] == bot["id"])
        comment = {
            "object": "comment",
            "id": comment_id,
            "parent": {"type": "page_id", "page_id": page_id},
            "discussion_id": discussion or str(uuid.uuid4()),
            "created_time": now,
            "last_edited_time": now,
            "created_by": bot,
            "rich_text": runs,
            "attachments": [],
            "display_name": {"type": "integration", "resolved_name": bot_name},
        }
        return Draft("create", "comment", comment_id, {"page": page_id, "comment": comment})

    # ------------------------------------------------------------------ checks

    def _parent_database(self, parent: Any) -> Database:
        if not isinstance(parent, dict):
            raise invalid("body.parent", "an object", parent)
        if "database_id" in parent:
            database_id = _uuid(parent["database_id"], "body.parent.database_id")
            found = self.workspace.find_database(database_id)
            if found is None or not found.live:
                raise NotionNotFoundError("database", database_id)
            return found
        if "data_source_id" in parent:
            source = _uuid(parent["data_source_id"], "body.parent.data_source_id")
            found = next(
                (
                    db
                    for db in self.workspace.live_databases()
                    if render.data_source_id(db.id) == source
                ),
                None,
            )
            if found is None:
                raise NotionNotFoundError("data source", source)
            return found
        raise invalid("body.parent.database_id", "defined", None)

    def _properties(
        self, database: Database, given: dict[str, Any], current: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        """The page's properties with ``given`` applied (by name or id), and the select
        options the schema gains."""
        schema = database.json["properties"]
        by_id = {prop["id"]: name for name, prop in schema.items()}
        values = copy.deepcopy(current)
        options: dict[str, list[dict[str, Any]]] = {}
        for key, value in given.items():
            name = key if key in schema else by_id.get(key)
            if name is None:
                raise NotionValidationError(f"{key} is not a property that exists.")
            prop = schema[name]
            where = f"body.properties.{key}"
            values[name] = {
                "id": prop["id"],
                "type": prop["type"],
                prop["type"]: self._value(prop, value, where, options.setdefault(name, [])),
            }
        return values, {name: added for name, added in options.items() if added}

    def _value(self, prop: dict[str, Any], value: Any, where: str, added: list[Any]) -> Any:
        kind = prop["type"]
        if not isinstance(value, dict) or kind not in value:
            raise invalid(f"{where}.{kind}", "defined", None)
        raw = value[kind]
        where = f"{where}.{kind}"
        if kind in ("title", "rich_text"):
            return self._rich_text(raw, where)
        if kind == "number":
            if raw is not None and (
                isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw)
            ):
                raise invalid(where, "a number or `null`", raw)
            return raw
        if kind == "checkbox":
            if not isinstance(raw, bool):
                raise invalid(where, "a boolean", raw)
            return raw
        if kind in ("select", "status"):
            if raw is None:
                return None
            return self._option(prop, raw, where, added)
        if kind == "multi_select":
            if not isinstance(raw, list):
                raise invalid(where, "an array", raw)
            return [self._option(prop, item, f"{where}[{n}]", added) for n, item in enumerate(raw)]
        if kind == "people":
            if not isinstance(raw, list):
                raise invalid(where, "an array", raw)
            return [self._person(item, f"{where}[{n}]") for n, item in enumerate(raw)]
        if kind == "date":
            return _date_value(raw, where)
        if kind in ("url", "email", "phone_number"):
            if raw is not None and not isinstance(raw, str):
                raise invalid(where, "a string or `null`", raw)
            return raw
        raise NotionValidationError(
            f"body failed validation: {where} is a {kind} property, which the API cannot set."
        )

    def _option(self, prop: dict[str, Any], raw: Any, where: str, added: list[Any]) -> Any:
        if not isinstance(raw, dict):
            raise invalid(where, "an object or `null`", raw)
        known = [*prop[prop["type"]]["options"], *added]
        if "id" in raw:
            found = next((o for o in known if o["id"] == raw["id"]), None)
            if found is None:
                raise NotionValidationError(
                    f"body failed validation: {where}.id should be the id of an option of "
                    f"{prop['name']}, instead was {shown(raw['id'])}."
                )
            return dict(found)
        name = raw.get("name")
        if not isinstance(name, str) or not name:
            raise invalid(f"{where}.name", "a non-empty string", name)
        if "," in name and prop["type"] == "multi_select":
            raise NotionValidationError(f"Invalid multi_select value: {name} contains a comma.")
        found = next((o for o in known if o["name"] == name), None)
        if found is None:
            found = {"id": str(uuid.uuid4())[:8], "name": name, "color": "default"}
            added.append(found)
        return dict(found)

    def _person(self, raw: Any, where: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise invalid(where, "an object", raw)
        user_id = _uuid(raw.get("id"), f"{where}.id")
        if not any(u["id"] == user_id for u in self.workspace.users):
            raise NotionNotFoundError("user", user_id)
        return user_ref(user_id)

    def _rich_text(self, raw: Any, where: str) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            raise invalid(where, "an array", raw)
        runs: list[dict[str, Any]] = []
        for n, item in enumerate(raw):
            text = item.get("text") if isinstance(item, dict) else None
            content = text.get("content") if isinstance(text, dict) else None
            if not isinstance(content, str):
                raise invalid(f"{where}[{n}].text.content", "a string", content)
            if len(content) > 2000:
                raise NotionValidationError(
                    f"body failed validation: {where}[{n}].text.content.length should be ≤ "
                    f"`2000`, instead was `{len(content)}`."
                )
            run = rich_text(content)[0]
            link = text.get("link") if isinstance(text, dict) else None
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                run["text"]["link"] = {"url": link["url"]}
                run["href"] = link["url"]
            annotations = item.get("annotations")
            if isinstance(annotations, dict):
                run["annotations"].update(
                    {k: v for k, v in annotations.items() if k in run["annotations"]}
                )
            runs.append(run)
        return runs

    def _blocks(
        self, raw: Any, where: str, parent_id: str, parent_kind: str, now: str
    ) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            raise invalid(where, "an array", raw)
        if len(raw) > MAX_CHILDREN:
            raise NotionValidationError(
                f"body failed validation: {where}.length should be ≤ `{MAX_CHILDREN}`, "
                f"instead was `{len(raw)}`."
            )
        bot = self._bot()
        blocks = []
        for n, item in enumerate(raw):
            here = f"{where}[{n}]"
            if not isinstance(item, dict):
                raise invalid(here, "an object", item)
            kind = item.get("type") or next(
                (k for k in (*TEXT_BLOCKS, *NO_CONTENT_BLOCKS) if k in item), None
            )
            if kind not in (*TEXT_BLOCKS, *NO_CONTENT_BLOCKS):
                valid = ", ".join(f"`{k}`" for k in (*TEXT_BLOCKS, *NO_CONTENT_BLOCKS))
                raise NotionValidationError(
                    f"body failed validation: {here}.type should be one of {valid}, "
                    f"instead was {shown(kind)}."
                )
            content: dict[str, Any] = {}
            if kind in TEXT_BLOCKS:
                given = item.get(kind)
                if not isinstance(given, dict):
                    raise invalid(f"{here}.{kind}", "an object", given)
                content = {
                    "rich_text": self._rich_text(
                        given.get("rich_text"), f"{here}.{kind}.rich_text"
                    ),
                    "color": str(given.get("color", "default")),
                }
                if kind == "to_do":
                    content["checked"] = bool(given.get("checked", False))
                if kind.startswith("heading_"):
                    content["is_toggleable"] = bool(given.get("is_toggleable", False))
            blocks.append(
                {
                    "object": "block",
                    "id": str(uuid.uuid4()),
                    "parent": {"type": parent_kind, parent_kind: parent_id},
                    "created_time": now,
                    "last_edited_time": now,
                    "created_by": bot,
                    "last_edited_by": bot,
                    "has_children": False,
                    "archived": False,
                    "in_trash": False,
                    "type": kind,
                    kind: content,
                }
            )
        return blocks

    def _bot(self) -> dict[str, Any]:
        bot = next(u for u in self.workspace.users if u["type"] == "bot")
        return user_ref(bot["id"])

    def _now(self) -> str:
        """The write's ``last_edited_time``: the clock's minute, never before the
        dataset's "now"."""
        clock = minute(datetime.fromtimestamp(self.clock(), tz=UTC))
        return iso(max(clock, now_at(self.generation)))


def _uuid(value: Any, where: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise invalid(where, "a valid uuid", value) from None


def _date_value(raw: Any, where: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise invalid(where, "an object or `null`", raw)
    out: dict[str, Any] = {"start": None, "end": None, "time_zone": raw.get("time_zone")}
    for key in ("start", "end"):
        value = raw.get(key)
        if value is None and key == "end":
            continue
        if not isinstance(value, str) or not _is_date(value):
            raise invalid(f"{where}.{key}", "a valid ISO 8601 date string", value)
        out[key] = value
    return out


def _is_date(text: str) -> bool:
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _empty(schema: dict[str, Any]) -> dict[str, Any]:
    """A property the new page was not given, as Notion answers it (empty)."""
    kind = schema["type"]
    empty: Any = {
        "title": [],
        "rich_text": [],
        "people": [],
        "multi_select": [],
        "checkbox": False,
    }.get(kind)
    return {"id": schema["id"], "type": kind, kind: empty}


def _title_of(values: dict[str, Any]) -> list[dict[str, Any]]:
    title = next((v for v in values.values() if v["type"] == "title"), None)
    return title["title"] if title else []
