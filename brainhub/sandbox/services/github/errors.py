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

from werkzeug.exceptions import abort
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


# --------------------------------------------------------------------------- writes

ISSUES_DOCS = "https://docs.github.com/rest/issues/issues"
COMMENTS_DOCS = "https://docs.github.com/rest/issues/comments"
LABELS_DOCS = "https://docs.github.com/rest/issues/labels"
SECONDARY_LIMIT_DOCS = RATE_LIMIT_DOCS + "#about-secondary-rate-limits"


def refuse(response: Response) -> NoReturn:
    """Stop the handler (or a write being checked: nothing changes) with ``response``."""
    abort(response)


def validation_failed(*problems: dict[str, Any], docs: str = ISSUES_DOCS) -> Response:
    """GitHub's 422 ``Validation Failed`` listing each problem (``resource``, ``code``,
    ``field`` and, for an unknown value, ``value``)."""
    return github_error(422, "Validation Failed", docs=docs, errors=list(problems))


def invalid_request(detail: str, docs: str = ISSUES_DOCS) -> Response:
    """GitHub's 422 for a body its schema rejects: ``Invalid request.\\n\\n<detail>``."""
    return github_error(422, f"Invalid request.\n\n{detail}", docs=docs)


def not_supplied(name: str, docs: str) -> Response:
    """The 422 for a required body field that is missing."""
    return invalid_request(f'"{name}" wasn\'t supplied.', docs)


def not_one_of(name: str, value: Any, allowed: tuple[str, ...]) -> Response:
    """The 422 for a body field outside its documented values."""
    listed = ", ".join(json.dumps(a) for a in allowed)
    return invalid_request(
        f"For 'properties/{name}', {json.dumps(value)} is not one of [{listed}]."
    )


def issues_disabled() -> Response:
    """410 for any issue request on a repository whose issues are turned off."""
    return github_error(410, "Issues are disabled for this repo", docs=ISSUES_DOCS)


def problems_parsing_json() -> Response:
    """400 for a body that is not JSON."""
    return github_error(400, "Problems parsing JSON", docs=DOCS)


def label_does_not_exist() -> Response:
    """404 for removing a label the issue does not carry."""
    return github_error(404, "Label does not exist", docs=LABELS_DOCS)


def secondary_limit(request_id: str) -> Response:
    """403 when content is created faster than GitHub's secondary rate limit allows."""
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you "
        "try again. If you reach out to GitHub Support for help, please include the "
        f"request ID {request_id}."
    )
    return github_error(403, message, docs=SECONDARY_LIMIT_DOCS)
