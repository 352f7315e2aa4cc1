"""Google's error answers, as the Calendar, Gmail, Drive and Docs APIs send them.

Every JSON API of Google answers ``{"error": {"code", "message", "errors": [{"domain",
"reason", "message"}], "status"}}``; the token endpoint answers OAuth's
``{"error": "invalid_grant", "error_description": …}`` instead.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

#: name → (HTTP status, gRPC-style status, domain, reason, default message)
ERRORS: dict[str, tuple[int, str, str, str, str]] = {
    "AUTH_ERROR": (401, "UNAUTHENTICATED", "global", "authError", "Invalid Credentials"),
    "NOT_FOUND": (404, "NOT_FOUND", "global", "notFound", "Not Found"),
    "BAD_REQUEST": (400, "INVALID_ARGUMENT", "global", "badRequest", "Bad Request"),
    "INVALID_PARAMETER": (400, "INVALID_ARGUMENT", "global", "invalidParameter", "Invalid Value"),
    "INVALID_ARGUMENT": (400, "INVALID_ARGUMENT", "global", "invalidArgument", "Invalid argument"),
    "FULL_SYNC_REQUIRED": (
        410,
        "GONE",
        "calendar",
        "fullSyncRequired",
        "Sync token is no longer valid, a full sync is required.",
    ),
    "HISTORY_NOT_FOUND": (
        404,
        "NOT_FOUND",
        "global",
        "notFound",
        "Requested entity was not found.",
    ),
    "RATE_LIMIT_EXCEEDED": (
        429,
        "RESOURCE_EXHAUSTED",
        "usageLimits",
        "rateLimitExceeded",
        "Rate Limit Exceeded",
    ),
    "USER_RATE_LIMIT_EXCEEDED": (
        403,
        "PERMISSION_DENIED",
        "usageLimits",
        "userRateLimitExceeded",
        "User Rate Limit Exceeded",
    ),
    "BACKEND_ERROR": (500, "INTERNAL", "global", "backendError", "Backend Error"),
    "METHOD_NOT_ALLOWED": (405, "UNIMPLEMENTED", "global", "httpMethodNotAllowed", "Not allowed"),
}


def body(name: str, message: str | None = None) -> dict[str, Any]:
    """The error body of ``name`` (with ``message`` instead of the default one)."""
    status, grpc, domain, reason, default = ERRORS[name]
    text = message or default
    return {
        "error": {
            "code": status,
            "message": text,
            "errors": [{"message": text, "domain": domain, "reason": reason}],
            "status": grpc,
        }
    }


def response(name: str, message: str | None = None) -> Response:
    """Google's answer for error ``name``."""
    return Response(
        json.dumps(body(name, message), separators=(",", ":")),
        status=ERRORS[name][0],
        content_type="application/json; charset=UTF-8",
    )


def fail(name: str, message: str | None = None) -> NoReturn:
    """Stop the handler with Google's answer for error ``name``."""
    abort(response(name, message))


def token_refusal(description: str) -> Response:
    """The token endpoint's refusal of an assertion (OAuth's error body)."""
    answer = {"error": "invalid_grant", "error_description": description}
    return Response(json.dumps(answer), status=400, content_type="application/json; charset=utf-8")
