"""The Notion API as an emulator, on the emulator kit.

Every documented GET operation under ``/v1`` (users, databases, data sources and their
templates, pages, page properties and Markdown, blocks, block children, comments: see
``operations.py``), and the reads sent as POST: ``/search``, ``/databases/{id}/query`` and
``/data_sources/{id}/query``. ``Notion-Version`` 2025-09-03 (the document's, and the
official SDK's) splits a database into a container and its data sources: ``GET
/databases/{id}`` lists them and search finds ``data_source`` objects; older versions
(2022-06-28, the Notion tap's) see databases with their schema. Requests need ``Authorization: Bearer <token>`` and a
``Notion-Version`` header. Errors are Notion's JSON error objects
(``{"object": "error", "status", "code", "message", "request_id"}``): ``unauthorized``
(401), ``missing_version`` / ``validation_error`` / ``invalid_request_url`` (400),
``object_not_found`` (404), ``rate_limited`` (429, with ``Retry-After`` in seconds) and
``internal_server_error`` / ``service_unavailable``. Notion sends no rate-limit headers
besides ``Retry-After``; its limit averages three requests per second per integration, which
the emulator enforces as 90 requests per 30-second window.

Writes (:mod:`.writes`, applied by :mod:`.changes`): ``POST /pages`` in a database or
data source (properties checked against its schema), ``PATCH /pages/{id}`` (properties,
``archived``/``in_trash``), ``PATCH /blocks/{id}/children`` and ``POST /comments``.
Following the stored state they go to the change journal in the sandbox state directory
and outlive the process (the next emulator replays them, ``brainhub sandbox reset
notion`` forgets them); with a pinned ``generation`` they stay in memory. They count
against the rate limit like reads and stamp ``last_edited_time``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners, KitEmulator
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Draft, Replay
from brainhub.sandbox.kit.oauth import OAuthProfile
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.notion import render, webhooks
from brainhub.sandbox.services.notion.changes import NotionChanges, find_page
from brainhub.sandbox.services.notion.errors import NOTION_ERRORS
from brainhub.sandbox.services.notion.listing import (
    NotionValidationError,
    list_page,
    page_filter,
    page_size,
    shown,
    sort_pages,
)
from brainhub.sandbox.services.notion.operations import OPERATIONS
from brainhub.sandbox.services.notion.workspace import SIZES, Database, WorkspaceBuilder
from brainhub.sandbox.services.notion.writes import NotionNotFoundError, NotionWriter

#: Notion-Version values this emulator answers.
SUPPORTED_VERSIONS = ("2022-02-22", "2022-06-28", "2025-09-03")
#: The first version in which databases hold data sources.
DATA_SOURCE_VERSION = "2025-09-03"


class NotionEmulator(KitEmulator):
    """Notion's public API over one seeded workspace; see the module docstring."""

    service = "notion"
    base_path = "/v1"
    default_rate_limit = 90
    rate_limit_window_s = 30.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    #: Notion answers JSON as ``application/json; charset=utf-8``.
    manners = HttpManners("application/json; charset=utf-8")
    #: ``POST https://api.notion.com/v1/oauth/token`` (JSON body, client as basic auth).
    oauth = OAuthProfile(
        endpoint="/v1/oauth/token",
        prefix="ntn_",
        states_expiry=False,
        vendor_fields=lambda emulator: emulator.oauth_workspace(),
        invalid_grant_description="Invalid refresh token.",
    )
    retry_delays_s = webhooks.RETRY_DELAYS_S

    snapshot_keys = {"page": ("database",)}

    def journal_snapshot(self) -> Snapshot:
        """The pages of the live databases, property by property."""
        pages = {
            str(page["id"]): {
                "database": database.id,
                "last_edited_time": page["last_edited_time"],
                "archived": page["archived"],
                **page["properties"],
            }
            for database in self.workspace.live_databases()
            for page in database.pages
        }
        return {"page": pages}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(self.clock()))
        workspace_id = str(uuid.UUID(int=self.seed, version=4))
        bot = next(u for u in self.workspace.users if u["type"] == "bot")
        made = webhooks.event(change, workspace_id, at, str(bot["id"]))
        return [made] if made is not None else []

    def address_event(self, event: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
        return webhooks.addressed(event, subscription)

    def load(self) -> None:
        builder = WorkspaceBuilder(self.rng, SIZES[self.size], self.seed)
        self.workspace = builder.build(self.generation)
        self._request_ids = 0
        self.writer = NotionWriter(self.workspace, self.generation, self.clock)
        self._replay = NotionChanges(self.workspace).replay()
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

    # ---------------------------------------------------------------- settings and counts

    @property
    def credentials(self) -> dict[str, str]:
        return {"api_token": f"secret_sandbox{self.seed:04d}NotionIntegrationToken"}

    def oauth_workspace(self) -> dict[str, object]:
        """The workspace fields Notion's token answer carries."""
        return {
            "bot_id": str(uuid.UUID(int=self.seed, version=4)),
            "workspace_id": str(uuid.UUID(int=self.seed + 1, version=4)),
            "workspace_name": "Sandbox workspace",
            "workspace_icon": None,
            "owner": {"type": "workspace", "workspace": True},
            "duplicated_template_id": None,
        }

    def counts(self) -> dict[str, int]:
        pages = self.workspace.live_pages()
        return {
            "users": len(self.workspace.users),
            "databases": len(self.workspace.live_databases()),
            "pages": len(pages),
            "blocks": sum(len(self._live_blocks(p["id"])) for p in pages),
            "block_children": sum(len(self._live_blocks(b)) for b in self._nesting_blocks()),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        before = NotionEmulator(seed=self.seed, size=self.size, generation=since_generation)
        ids_now, ids_then = self._stream_ids(), before._stream_ids()
        return {
            "pages_updated": self.workspace.pages_updated - before.workspace.pages_updated,
            "pages_created": self.workspace.pages_created - before.workspace.pages_created,
            **{f"{name}_deleted": len(ids_then[name] - ids_now[name]) for name in ids_then},
        }

    def _stream_ids(self) -> dict[str, set[str]]:
        """The ids of what a default sync reads, per stream (trashed pages and what hangs
        off them, and departed users, are not read)."""
        pages = self.workspace.live_pages()
        return {
            "users": {u["id"] for u in self.workspace.users},
            "databases": {db.id for db in self.workspace.live_databases()},
            "pages": {p["id"] for p in pages},
            "blocks": {b["id"] for p in pages for b in self._live_blocks(p["id"])},
            "block_children": {
                b["id"] for parent in self._nesting_blocks() for b in self._live_blocks(parent)
            },
        }

    # --------------------------------------------------------------------- vendor hooks

    def error(self, status: int, code: str, message: str) -> Response:
        """A Notion error object (``code`` one of :data:`NOTION_ERRORS`, with its status)."""
        if NOTION_ERRORS.get(code) != status:
            valid = ", ".join(f"{name} ({answer})" for name, answer in NOTION_ERRORS.items())
            raise ValueError(f"Notion has no error {code!r} with status {status}; it has {valid}")
        self._request_ids += 1
        request_id = str(uuid.UUID(int=self.seed * 10**9 + self._request_ids, version=4))
        body = {
            "object": "error",
            "status": status,
            "code": code,
            "message": message,
            "request_id": request_id,
        }
        return self.json_response(body, status=status)

    def authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        static = scheme.lower() == "bearer" and token == self.credentials["api_token"]
        if not static and not self.bearer_token_issued(request):
            return self.error(401, "unauthorized", "API token is invalid.")
        version = request.headers.get("Notion-Version")
        if version is None:
            return self.error(
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be "
                "defined, instead was `undefined`.",
            )
        if version not in SUPPORTED_VERSIONS:
            return self.error(
                400,
                "validation_error",
                f"Notion-Version header failed validation: {version!r} is not a supported "
                f"version; this sandbox serves {', '.join(SUPPORTED_VERSIONS)}.",
            )
        return None

    def credential_key(self, request: Request) -> str:
        return request.headers.get("Authorization", "")

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        response = self.error(
            429,
            "rate_limited",
            "You have been rate limited. Please try again in a few minutes.",
        )
        response.headers["Retry-After"] = str(decision.retry_after_whole_s)
        return response

    def not_found_response(self, request: Request) -> Response:
        return self.error(400, "invalid_request_url", "Invalid request URL.")

    def server_error_response(self, status: int) -> Response:
        if status == 503:
            return self.error(
                503, "service_unavailable", "Notion is unavailable, please try again later."
            )
        if status == 500:
            return self.error(500, "internal_server_error", "Unexpected error occurred.")
        return super().server_error_response(status)

    # --------------------------------------------------------------------------- helpers

    def _body(self, request: Request) -> dict[str, Any] | Response:
        raw = request.get_data()
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            return self.error(400, "invalid_json", "Error parsing JSON body.")
        if not isinstance(body, dict):
            return self.error(
                400,
                "validation_error",
                f"body failed validation: body should be an object, instead was {shown(body)}.",
            )
        return body

    def _uuid(self, value: str, where: str) -> str | Response:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return self.error(
                400,
                "validation_error",
                f"path failed validation: path.{where} should be a valid uuid, "
                f"instead was `{json.dumps(value)}`.",
            )

    def _not_found(self, kind: str, object_id: str) -> Response:
        return self.error(
            404,
            "object_not_found",
            f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
            "databases are shared with your integration.",
        )

    def _live_blocks(self, block_id: str) -> list[dict[str, Any]]:
        return [b for b in self.workspace.blocks.get(block_id, []) if not b["archived"]]

    def _nesting_blocks(self) -> list[str]:
        """Ids of the top-level blocks of live pages that have children."""
        return [
            block["id"]
            for page in self.workspace.live_pages()
            for block in self._live_blocks(page["id"])
            if block["has_children"]
        ]

    def _listed(self, call: Any) -> Any:
        try:
            return call()
        except NotionValidationError as exc:
            return self.error(400, "validation_error", str(exc))

    # -------------------------------------------------------------------------- handlers

    def list_users(self, request: Request) -> Any:
        return self._listed(
            lambda: list_page(
                self.workspace.users,
                request.args.get("start_cursor"),
                page_size(request.args.get("page_size"), "query"),
                "user",
            )
        )

    def get_self(self, request: Request) -> Any:
        bot = next(u for u in self.workspace.users if u["type"] == "bot")
        return {
            **bot,
            "bot": {
                "owner": {"type": "workspace", "workspace": True},
                "workspace_name": f"Acme Workspace {self.seed}",
                "workspace_id": str(uuid.UUID(int=self.seed, version=4)),
                "workspace_limits": {"max_file_upload_size_in_bytes": 5_368_709_120},
            },
        }

    def get_user(self, request: Request, user_id: str) -> Any:
        checked = self._uuid(user_id, "user_id")
        if isinstance(checked, Response):
            return checked
        user = next((u for u in self.workspace.users if u["id"] == checked), None)
        return user if user is not None else self._not_found("user", checked)

    def search(self, request: Request) -> Any:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        return self._listed(lambda: self._search(body, _data_sources(request)))

    def _search(self, body: dict[str, Any], data_sources: bool) -> dict[str, Any]:
        container = "data_source" if data_sources else "database"
        objects = ("page", container)
        wanted = set(objects)
        search_filter = body.get("filter")
        if search_filter is not None:
            if not isinstance(search_filter, dict):
                raise NotionValidationError(
                    "body failed validation: body.filter should be an object or `undefined`, "
                    f"instead was {shown(search_filter)}."
                )
            value = search_filter.get("value")
            if search_filter.get("property") != "object" or value not in objects:
                raise NotionValidationError(
                    f'body failed validation: body.filter.value should be `"page"` or '
                    f'`"{container}"`, instead was {shown(value)}.'
                )
            wanted = {value}
        found: list[dict[str, Any]] = []
        if container in wanted:
            live = self.workspace.live_databases()
            found += [render.data_source(db) if data_sources else db.json for db in live]
        if "page" in wanted:
            pages = self.workspace.live_pages()
            found += [render.page_in_data_source(p) for p in pages] if data_sources else pages
        query = str(body.get("query") or "").lower()
        if query:
            found = [item for item in found if query in _title(item).lower()]
        sort = body.get("sort") or {"timestamp": "last_edited_time", "direction": "descending"}
        if sort.get("timestamp") != "last_edited_time":
            raise NotionValidationError(
                'body failed validation: body.sort.timestamp should be `"last_edited_time"`, '
                f"instead was {shown(sort.get('timestamp'))}."
            )
        reverse = sort.get("direction") != "ascending"
        found.sort(key=lambda item: (item["last_edited_time"], item["id"]), reverse=reverse)
        size = page_size(body.get("page_size"), "body")
        return list_page(found, body.get("start_cursor"), size, "page_or_database")

    def get_database(self, request: Request, database_id: str) -> Any:
        database = self._database(database_id, "database_id")
        if isinstance(database, Response):
            return database
        return render.database_container(database) if _data_sources(request) else database.json

    def get_data_source(self, request: Request, data_source_id: str) -> Any:
        database = self._data_source(data_source_id)
        return database if isinstance(database, Response) else render.data_source(database)

    def list_templates(self, request: Request, data_source_id: str) -> Any:
        database = self._data_source(data_source_id)
        if isinstance(database, Response):
            return database
        checked = self._listed(lambda: page_size(request.args.get("page_size"), "query"))
        if isinstance(checked, Response):
            return checked
        cursor = request.args.get("start_cursor")
        if cursor:  # the workspace has no templates, so no cursor was ever issued
            return self.error(
                400, "validation_error", f"start_cursor provided is invalid: {cursor}"
            )
        return {"templates": [], "has_more": False, "next_cursor": None}

    def query_database(self, request: Request, database_id: str) -> Any:
        database = self._database(database_id, "database_id")
        return database if isinstance(database, Response) else self._query(request, database)

    def query_data_source(self, request: Request, data_source_id: str) -> Any:
        database = self._data_source(data_source_id)
        return database if isinstance(database, Response) else self._query(request, database)

    def _query(self, request: Request, database: Database) -> Any:
        body = self._body(request)
        if isinstance(body, Response):
            return body

        def run() -> dict[str, Any]:
            keep = page_filter(body.get("filter"))
            pages = [p for p in database.pages if not p["archived"] and keep(p)]
            known = set(database.json["properties"])
            ordered = sort_pages(pages, body.get("sorts"), known)
            size = page_size(body.get("page_size"), "body")
            answer = list_page(ordered, body.get("start_cursor"), size, "page_or_database")
            if _data_sources(request):
                answer["results"] = [render.page_in_data_source(p) for p in answer["results"]]
            return answer

        return self._listed(run)

    def _database(self, database_id: str, where: str) -> Database | Response:
        checked = self._uuid(database_id, where)
        if isinstance(checked, Response):
            return checked
        database = self.workspace.find_database(checked)
        if database is None or not database.live:
            return self._not_found("database", checked)
        return database

    def _data_source(self, data_source_id: str) -> Database | Response:
        checked = self._uuid(data_source_id, "data_source_id")
        if isinstance(checked, Response):
            return checked
        found = next(
            (
                db
                for db in self.workspace.live_databases()
                if render.data_source_id(db.id) == checked
            ),
            None,
        )
        return found if found is not None else self._not_found("data source", checked)

    def get_page(self, request: Request, page_id: str) -> Any:
        page = self._page(page_id)
        if isinstance(page, Response):
            return page
        if _data_sources(request):
            page = render.page_in_data_source(page)
        wanted = request.args.getlist("filter_properties")
        if not wanted:
            return page
        kept = {
            name: value
            for name, value in page["properties"].items()
            if any(render.find_property({"properties": {name: value}}, w) for w in wanted)
        }
        return {**page, "properties": kept}

    def get_page_property(self, request: Request, page_id: str, property_id: str) -> Any:
        page = self._page(page_id)
        if isinstance(page, Response):
            return page
        found = render.find_property(page, property_id)
        if found is None:
            return self._not_found("property", property_id)
        _name, value = found
        items = render.property_items(value)
        if value["type"] not in render.LISTED_PROPERTY_TYPES:
            return items[0]
        keyed = [{**item, "id": f"{value['id']}-{n}"} for n, item in enumerate(items)]

        def listed() -> dict[str, Any]:
            size = page_size(request.args.get("page_size"), "query")
            answer = list_page(keyed, request.args.get("start_cursor"), size, "property_item")
            answer["results"] = [{**item, "id": value["id"]} for item in answer["results"]]
            answer["property_item"] = {
                "id": value["id"],
                "next_url": None,
                "type": value["type"],
                value["type"]: {},
            }
            return answer

        return self._listed(listed)

    def get_page_markdown(self, request: Request, page_id: str) -> Any:
        page = self._page(page_id)
        if isinstance(page, Response):
            return page
        blocks = self._live_blocks(page["id"])
        return {
            "object": "page_markdown",
            "id": page["id"],
            "markdown": render.markdown(blocks, self.workspace.blocks),
            "truncated": False,
            "unknown_block_ids": [],
        }

    def _page(self, page_id: str) -> dict[str, Any] | Response:
        checked = self._uuid(page_id, "page_id")
        if isinstance(checked, Response):
            return checked
        page = next((p for p in self.workspace.live_pages() if p["id"] == checked), None)
        return page if page is not None else self._not_found("page", checked)

    def get_block(self, request: Request, block_id: str) -> Any:
        checked = self._uuid(block_id, "block_id")
        if isinstance(checked, Response):
            return checked
        page = next((p for p in self.workspace.live_pages() if p["id"] == checked), None)
        if page is not None:
            return render.page_as_block(page, bool(self._live_blocks(checked)))
        for parent in self._live_parents():
            for block in self._live_blocks(parent):
                if block["id"] == checked:
                    return block
        return self._not_found("block", checked)

    def list_comments(self, request: Request) -> Any:
        block_id = request.args.get("block_id")
        if not block_id:
            return self.error(
                400,
                "validation_error",
                "query failed validation: query.block_id should be defined, instead was "
                "`undefined`.",
            )
        checked = self._uuid(block_id, "block_id")
        if isinstance(checked, Response):
            return checked
        if checked not in self._live_ids():
            return self._not_found("block", checked)
        page = next((p for p in self.workspace.live_pages() if p["id"] == checked), None)
        found = render.comments(page, self.workspace.users) if page is not None else []
        found = [*found, *self.workspace.written_comments.get(checked, [])]
        return self._listed(
            lambda: list_page(
                found,
                request.args.get("start_cursor"),
                page_size(request.args.get("page_size"), "query"),
                "comment",
            )
        )

    def _live_ids(self) -> set[str]:
        """Ids of every live page and every live block of theirs, nested ones included."""
        parents = self._live_parents()
        return set(parents) | {b["id"] for parent in parents for b in self._live_blocks(parent)}

    def _live_parents(self) -> list[str]:
        """Ids of every live page and every block of theirs that has children."""
        return [p["id"] for p in self.workspace.live_pages()] + self._nesting_blocks()

    def block_children(self, request: Request, block_id: str) -> Any:
        checked = self._uuid(block_id, "block_id")
        if isinstance(checked, Response):
            return checked
        if checked not in self._live_ids():
            return self._not_found("block", checked)
        # a block without children answers an empty list, as Notion does
        return self._listed(
            lambda: list_page(
                self._live_blocks(checked),
                request.args.get("start_cursor"),
                page_size(request.args.get("page_size"), "query"),
                "block",
            )
        )

    # --------------------------------------------------------------------------- writes

    def _write(self, build: Callable[[], Draft]) -> Change | Response:
        """Record one write, or answer Notion's error for it."""
        try:
            return self.record_change(build)
        except NotionValidationError as exc:
            return self.error(400, "validation_error", str(exc))
        except NotionNotFoundError as exc:
            return self._not_found(exc.kind, exc.object_id)

    def create_page(self, request: Request) -> Any:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        change = self._write(lambda: self.writer.create_page(body))
        if isinstance(change, Response):
            return change
        return self._page_answer(request, change.id)

    def update_page(self, request: Request, page_id: str) -> Any:
        checked = self._uuid(page_id, "page_id")
        if isinstance(checked, Response):
            return checked
        page = find_page(self.workspace, checked)
        if page is None:
            return self._not_found("page", checked)
        body = self._body(request)
        if isinstance(body, Response):
            return body
        change = self._write(lambda: self.writer.update_page(page, body))
        if isinstance(change, Response):
            return change
        return self._page_answer(request, change.id)

    def _page_answer(self, request: Request, page_id: str) -> Any:
        page = find_page(self.workspace, page_id)
        assert page is not None
        return render.page_in_data_source(page) if _data_sources(request) else page

    def append_block_children(self, request: Request, block_id: str) -> Any:
        checked = self._uuid(block_id, "block_id")
        if isinstance(checked, Response):
            return checked
        owner = self._owner_page(checked)
        if owner is None:
            return self._not_found("block", checked)
        body = self._body(request)
        if isinstance(body, Response):
            return body
        kind = "page_id" if owner == checked else "block_id"
        change = self._write(lambda: self.writer.append_blocks(checked, owner, kind, body))
        if isinstance(change, Response):
            return change
        return {
            "object": "list",
            "results": change.data["blocks"],
            "next_cursor": None,
            "has_more": False,
            "type": "block",
            "block": {},
        }

    def _owner_page(self, block_id: str) -> str | None:
        """The live page ``block_id`` is, or whose content holds it."""
        for page in self.workspace.live_pages():
            if page["id"] == block_id:
                return str(page["id"])
            waiting = [page["id"]]
            while waiting:
                for block in self._live_blocks(waiting.pop()):
                    if block["id"] == block_id:
                        return str(page["id"])
                    waiting.append(block["id"])
        return None

    def create_comment(self, request: Request) -> Any:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        discussion = body.get("discussion_id")
        parent = body.get("parent")
        if discussion is not None:
            page_id = self._discussion_page(str(discussion))
            if page_id is None:
                return self._not_found("discussion", str(discussion))
        elif isinstance(parent, dict) and "page_id" in parent:
            checked = self._uuid(str(parent["page_id"]), "page_id")
            if isinstance(checked, Response):
                return checked
            if not any(p["id"] == checked for p in self.workspace.live_pages()):
                return self._not_found("page", checked)
            page_id = checked
        else:
            return self.error(
                400,
                "validation_error",
                "body failed validation. Fix one:\nbody.parent should be defined, instead was "
                "`undefined`.\nbody.discussion_id should be defined, instead was `undefined`.",
            )
        change = self._write(lambda: self.writer.comment(page_id, discussion, body))
        return change if isinstance(change, Response) else change.data["comment"]

    def _discussion_page(self, discussion: str) -> str | None:
        for page in self.workspace.live_pages():
            found = [
                *render.comments(page, self.workspace.users),
                *self.workspace.written_comments.get(page["id"], []),
            ]
            if any(c["discussion_id"] == discussion for c in found):
                return str(page["id"])
        return None


def _data_sources(request: Request) -> bool:
    """Whether the request's Notion-Version sees databases as data source containers."""
    return request.headers.get("Notion-Version", "") >= DATA_SOURCE_VERSION


def _title(item: dict[str, Any]) -> str:
    is_database = item["object"] in ("database", "data_source")
    parts = item["title"] if is_database else item["properties"]["Name"]["title"]
    return "".join(part["plain_text"] for part in parts)
