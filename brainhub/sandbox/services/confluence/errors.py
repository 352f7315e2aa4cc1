"""Confluence REST v2's error answers, one named table.

v2 answers every error as ``{"errors": [{"status", "code", "title", "detail"}]}`` (the
``detail`` often ``null``); handlers name the error and may add a ``detail`` sentence.
"""

from __future__ import annotations

import json
from typing import NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

#: Error name → (status, title); the name is also the body's ``code``.
ERRORS: dict[str, tuple[int, str]] = {
    "INVALID_REQUEST_PARAMETER": (400, "Bad Request"),
    "UNAUTHORIZED": (401, "Unauthorized"),
    "NOT_FOUND": (404, "Not Found"),
    "CONFLICT": (409, "Conflict"),
    "TOO_MANY_REQUESTS": (429, "Too Many Requests"),
    "INTERNAL_SERVER_ERROR": (500, "Internal Server Error"),
    "SERVICE_UNAVAILABLE": (503, "Service Unavailable"),
}


def body(name: str, detail: str | None = None) -> dict[str, object]:
    """The error body of ``name`` (one of :data:`ERRORS`)."""
    status, title = ERRORS[name]
    return {"errors": [{"status": status, "code": name, "title": title, "detail": detail}]}


def response(name: str, detail: str | None = None) -> Response:
    """The answer for error ``name`` with an optional ``detail`` sentence."""
    status = ERRORS[name][0]
    text = json.dumps(body(name, detail), separators=(",", ":"))
    return Response(text, status=status, content_type="application/json")


def fail(name: str, detail: str | None = None) -> NoReturn:
    """Stop the handler with error ``name``."""
    abort(response(name, detail))
