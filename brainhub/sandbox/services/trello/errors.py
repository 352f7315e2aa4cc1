"""Trello's error answers as one named table: plain text, not JSON.

What Trello sends (developer.atlassian.com/cloud/trello, observed answers): 401
``invalid key`` (no or a wrong ``key``), ``unauthorized permission requested`` (a key
without a token), ``invalid token``; 400 ``invalid id`` for an id that is not a 24-hex
object id and ``invalid value for <parameter>`` for a value Trello does not take; 404
``The requested resource was not found.`` for an id that names nothing (``model not
found`` for a member), and Express's ``Cannot GET /1/…`` for a path it does not route;
500 ``An unexpected error occurred``. A caller over the rate limit gets a JSON 429 (see
:func:`rate_limited_body`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import TextErrorTable

#: The content type of Trello's plain-text answers.
TEXT_CONTENT_TYPE = "text/plain; charset=utf-8"
#: The content type of Trello's JSON answers.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

INVALID_KEY = "INVALID_KEY"
INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 (an error name, not a secret)
NO_TOKEN = "NO_TOKEN"  # noqa: S105 (an error name, not a secret)
INVALID_ID = "INVALID_ID"
NOT_FOUND = "NOT_FOUND"
MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
SERVER_ERROR = "SERVER_ERROR"
MISSING_QUERY = "MISSING_QUERY"

ERRORS = TextErrorTable(
    {
        INVALID_KEY: (401, "invalid key"),
        NO_TOKEN: (401, "unauthorized permission requested"),
        INVALID_TOKEN: (401, "invalid token"),
        INVALID_ID: (400, "invalid id"),
        NOT_FOUND: (404, "The requested resource was not found."),
        MEMBER_NOT_FOUND: (404, "model not found"),
        SERVER_ERROR: (500, "An unexpected error occurred"),
        MISSING_QUERY: (400, "invalid value for query"),
    },
    content_type=TEXT_CONTENT_TYPE,
)


def fail(name: str) -> NoReturn:
    """Stop the handler and answer with error ``name``."""
    ERRORS.fail(name)


def invalid_value(parameter: str) -> Response:
    """Trello's 400 for a query parameter value it does not take."""
    return Response(f"invalid value for {parameter}", status=400, content_type=TEXT_CONTENT_TYPE)


def refuse_value(parameter: str) -> NoReturn:
    """Stop the handler with :func:`invalid_value`."""
    abort(invalid_value(parameter))


def route_not_found(request: Request) -> Response:
    """Express's answer to a path Trello does not route."""
    return Response(
        f"Cannot {request.method} {request.path}", status=404, content_type=TEXT_CONTENT_TYPE
    )


def rate_limited_body() -> dict[str, Any]:
    """The JSON body of Trello's 429 (sent without ``Retry-After``)."""
    return {"error": "API_TOKEN_LIMIT_EXCEEDED", "message": "Rate limit exceeded"}
