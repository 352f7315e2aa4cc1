"""The Notion API (``Notion-Version: 2022-06-28``) as an emulator.

Routes under ``/v1``: ``GET /users`` (and ``/users/me``, ``/users/{id}``), ``POST /search``,
``GET /databases/{id}``, ``POST /databases/{id}/query``, ``GET /pages/{id}`` and
``GET /blocks/{id}/children``. Requests need ``Authorization: Bearer <token>`` and a
``Notion-Version`` header. Errors are Notion's JSON error objects
(``{"object": "error", "status", "code", "message", "request_id"}``): ``unauthorized``
(401), ``missing_version`` / ``validation_error`` / ``invalid_request_url`` (400),
``object_not_found`` (404), ``rate_limited`` (429, with ``Retry-After`` in seconds) and
``internal_server_error`` / ``service_unavailable``. Notion sends no rate-limit headers
besides ``Retry-After``; its limit averages three requests per second per integration, which
the emulator enforces as 90 requests per 30-second window.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.notion.listing import (
    NotionValidationError,
    list_page,
    page_filter,
    page_size,
    shown,
    sort_pages,
)
from brainhub.sandbox.services.notion.workspace import SIZES, WorkspaceBuilder

#: Notion-Version values this emulator answers (their shapes are the 2022-06-28 ones).
SUPPORTED_VERSIONS = ("2022-02-22", "2022-06-28")
SEARCH_OBJECTS = ("page", "database")


class NotionEmulator(Emulator):
    """Notion's public API over one seeded workspace; see the module docstring."""

    service = "notion"
    base_path = "/v1"
    default_rate_limit = 90
    rate_limit_window_s = 30.0
    routes = (
        Rule("/users", endpoint="list_users", methods=["GET"]),
        Rule("/users/me", endpoint="get_self", methods=["GET"]),
        Rule("/users/<user_id>", endpoint="get_user", methods=["GET"]),
        Rule("/search", endpoint="search", methods=["POST"]),
        Rule("/databases/<database_id>", endpoint="get_database", methods=["GET"]),
        Rule("/databases/<database_id>/query", endpoint="query_database", methods=["POST"]),
        Rule("/pages/<page_id>", endpoint="get_page", methods=["GET"]),
        Rule("/blocks/<block_id>/children", endpoint="block_children", methods=["GET"]),
    )

    def load(self) -> None:
        builder = WorkspaceBuilder(self.rng, SIZES[self.size], self.seed)
        self.workspace = builder.build(self.generation)
        self._request_ids = 0

    # ---------------------------------------------------------------- settings and counts

    @property
    def credentials(self) -> dict[str, str]:
        return {"api_token": f"secret_sandbox{self.seed:04d}NotionIntegrationToken"}

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
        """A Notion error object."""
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
        if scheme.lower() != "bearer" or token != self.credentials["api_token"]:
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
        return self._listed(lambda: self._search(body))

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        wanted = set(SEARCH_OBJECTS)
        search_filter = body.get("filter")
        if search_filter is not None:
            if not isinstance(search_filter, dict):
                raise NotionValidationError(
                    "body failed validation: body.filter should be an object or `undefined`, "
                    f"instead was {shown(search_filter)}."
                )
            value = search_filter.get("value")
            if search_filter.get("property") != "object" or value not in SEARCH_OBJECTS:
                raise NotionValidationError(
                    'body failed validation: body.filter.value should be `"page"` or '
                    f'`"database"`, instead was {shown(value)}.'
                )
            wanted = {value}
        found: list[dict[str, Any]] = []
        if "database" in wanted:
            found += [db.json for db in self.workspace.live_databases()]
        if "page" in wanted:
            found += self.workspace.live_pages()
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
        checked = self._uuid(database_id, "database_id")
        if isinstance(checked, Response):
            return checked
        database = self.workspace.find_database(checked)
        if database is None or not database.live:
            return self._not_found("database", checked)
        return database.json

    def query_database(self, request: Request, database_id: str) -> Any:
        checked = self._uuid(database_id, "database_id")
        if isinstance(checked, Response):
            return checked
        database = self.workspace.find_database(checked)
        if database is None or not database.live:
            return self._not_found("database", checked)
        body = self._body(request)
        if isinstance(body, Response):
            return body

        def run() -> dict[str, Any]:
            keep = page_filter(body.get("filter"))
            pages = [p for p in database.pages if not p["archived"] and keep(p)]
            known = set(database.json["properties"])
            ordered = sort_pages(pages, body.get("sorts"), known)
            size = page_size(body.get("page_size"), "body")
            return list_page(ordered, body.get("start_cursor"), size, "page_or_database")

        return self._listed(run)

    def get_page(self, request: Request, page_id: str) -> Any:
        checked = self._uuid(page_id, "page_id")
        if isinstance(checked, Response):
            return checked
        page = next((p for p in self.workspace.live_pages() if p["id"] == checked), None)
        return page if page is not None else self._not_found("page", checked)

    def block_children(self, request: Request, block_id: str) -> Any:
        checked = self._uuid(block_id, "block_id")
        if isinstance(checked, Response):
            return checked
        live_ids = {p["id"] for p in self.workspace.live_pages()} | set(self._nesting_blocks())
        if checked not in live_ids:
            return self._not_found("block", checked)
        return self._listed(
            lambda: list_page(
                self._live_blocks(checked),
                request.args.get("start_cursor"),
                page_size(request.args.get("page_size"), "query"),
                "block",
            )
        )


def _title(item: dict[str, Any]) -> str:
    is_database = item["object"] == "database"
    parts = item["title"] if is_database else item["properties"]["Name"]["title"]
    return "".join(part["plain_text"] for part in parts)
