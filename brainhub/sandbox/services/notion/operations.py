"""Every GET operation of Notion's API, served, and the POST reads the Notion tap uses.

Paths are the documented templates under ``/v1`` (``surface.json`` holds the derived
table; a test compares this one with Notion's document). Handlers are methods of
:class:`~.emulator.NotionEmulator`. Notion's documented response schemas are mostly bare
``{"type": "object"}``, so every answer comes from the seeded workspace; none is shaped.
``POST /search``, ``POST /databases/{id}/query`` (Notion-Version 2022-06-28) and
``POST /data_sources/{id}/query`` (2025-09-03) are reads sent as POST.

Writes (routed as extra operations: the document describes them, outside the read
surface): ``POST /pages``, ``PATCH /pages/{id}``, ``PATCH /blocks/{id}/children`` and
``POST /comments`` (see :mod:`.writes`). Their answers are Notion's: the page, the list
of appended blocks, the comment.
"""

from __future__ import annotations

from brainhub.sandbox.kit import Operation, OperationTable


def _get(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler)


def _read(path: str, handler: str) -> Operation:
    return Operation("POST", path, handler, complete=False)


OPERATIONS = OperationTable(
    served=[
        # Users
        _get("/users", "list_users"),
        # the document describes a bot owned by a user; ours is owned by the workspace, as
        # internal integrations are, so no documented ``owner.user`` is added
        Operation("GET", "/users/me", "get_self", complete=False),
        _get("/users/{user_id}", "get_user"),
        # Databases and data sources
        _get("/databases/{database_id}", "get_database"),
        _get("/data_sources/{data_source_id}", "get_data_source"),
        _get("/data_sources/{data_source_id}/templates", "list_templates"),
        # Pages
        _get("/pages/{page_id}", "get_page"),
        _get("/pages/{page_id}/properties/{property_id}", "get_page_property"),
        _get("/pages/{page_id}/markdown", "get_page_markdown"),
        # Blocks and comments
        _get("/blocks/{block_id}", "get_block"),
        _get("/blocks/{block_id}/children", "block_children"),
        _get("/comments", "list_comments"),
    ],
    extra=[
        _read("/search", "search"),
        _read("/databases/{database_id}/query", "query_database"),
        _read("/data_sources/{data_source_id}/query", "query_data_source"),
        Operation("POST", "/pages", "create_page", complete=False),
        Operation("PATCH", "/pages/{page_id}", "update_page", complete=False),
        Operation("PATCH", "/blocks/{block_id}/children", "append_block_children", complete=False),
        Operation("POST", "/comments", "create_comment", complete=False),
    ],
)
