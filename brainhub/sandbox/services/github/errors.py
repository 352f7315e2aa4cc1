"""GitHub's error answers: ``{"message", "documentation_url", "status"}``, the status as text.

The fixed ones are a named table (docs.github.com, "Troubleshooting the REST API" and the
bodies api.github.com sends): ``Not Found`` for unknown paths, objects, trailing slashes
and unsupported methods alike (GitHub answers 404, not 405, so as not to reveal what
exists), ``Requires authentication`` and ``Bad credentials`` (401). Errors whose message
names the request (rate limit, validation, an unsupported API version) are built by
:func:`github_error` in the same shape.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from werkzeug.wrappers import Response

from brainhub.sandbox.kit import ErrorTable

#: The content type of every GitHub JSON answer, errors included.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
DOCS = "https://docs.github.com/rest"
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
VERSIONS_DOCS = "https://docs.github.com/rest/about-the-rest-api/api-versions"

ERRORS = ErrorTable(
    {
        "NOT_FOUND": (404, "Not Found", "404"),
        "REQUIRES_AUTHENTICATION": (401, "Requires authentication", "401"),
        "BAD_CREDENTIALS": (401, "Bad credentials", "401"),
        "SERVER_ERROR": (500, "Server Error", "500"),
    },
    shape=lambda message, status: {"message": message, "documentation_url": DOCS, "status": status},
    content_type=JSON_CONTENT_TYPE,
)

NOT_FOUND = "NOT_FOUND"
REQUIRES_AUTHENTICATION = "REQUIRES_AUTHENTICATION"
BAD_CREDENTIALS = "BAD_CREDENTIALS"
SERVER_ERROR = "SERVER_ERROR"


def fail(name: str) -> NoReturn:
    """Stop the handler and answer with error ``name`` of :data:`ERRORS`."""
    ERRORS.fail(name)


def github_error(status: int, message: str, docs: str = DOCS, **extra: Any) -> Response:
    """A GitHub error body with a message of its own (``extra`` goes before the links)."""
    body = {"message": message, **extra, "documentation_url": docs, "status": str(status)}
    return Response(
        json.dumps(body, separators=(",", ":")), status=status, content_type=JSON_CONTENT_TYPE
    )


def unsupported_version(version: str, supported: tuple[str, ...]) -> Response:
    """GitHub's 400 for an ``X-GitHub-Api-Version`` it does not serve (newest first)."""
    listed = ", ".join(
        f'"{v}"' + (" (most recent)" if i == 0 else "") for i, v in enumerate(supported)
    )
    message = (
        f'The version you specified in the "X-GitHub-Api-Version" request header, "{version}", '
        f"is not a supported version. The following versions are currently supported: {listed}."
    )
    return github_error(400, message, docs=VERSIONS_DOCS)
