"""Notion's error codes and the status each is sent with (developers.notion.com, "Status
codes"). Every error body is ``{"object": "error", "status", "code", "message",
"request_id"}``; messages name the object or parameter at fault, so handlers write them
and :meth:`~.emulator.NotionEmulator.error` checks the code and status against this table.
"""

from __future__ import annotations

NOTION_ERRORS: dict[str, int] = {
    "invalid_json": 400,
    "invalid_request_url": 400,
    "invalid_request": 400,
    "missing_version": 400,
    "validation_error": 400,
    "unauthorized": 401,
    "restricted_resource": 403,
    "object_not_found": 404,
    "conflict_error": 409,
    "rate_limited": 429,
    "internal_server_error": 500,
    "bad_gateway": 502,
    "service_unavailable": 503,
    "gateway_timeout": 504,
}
