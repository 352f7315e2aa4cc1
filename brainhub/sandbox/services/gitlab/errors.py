"""GitLab's error answers: ``{"message": "404 Project Not Found"}`` bodies, ``{"error": …}``
for parameters it cannot read, and the plain-text ``Retry later`` of a throttled request."""

from __future__ import annotations

import json
from typing import NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

from brainhub.sandbox.kit import ErrorTable

JSON_CONTENT_TYPE = "application/json"

#: Named errors: ``(status, message, unused code)``; the body is ``{"message": message}``.
ERRORS = ErrorTable(
    {
        "unauthorized": (401, "401 Unauthorized", ""),
        "not_found": (404, "404 Not Found", ""),
        "project_not_found": (404, "404 Project Not Found", ""),
        "issue_not_found": (404, "404 Issue Not Found", ""),
        "merge_request_not_found": (404, "404 Merge Request Not Found", ""),
        "commit_not_found": (404, "404 Commit Not Found", ""),
        "pipeline_not_found": (404, "404 Not found", ""),
        "release_not_found": (404, "404 Not Found", ""),
        "branch_not_found": (404, "404 Branch Not Found", ""),
        "user_not_found": (404, "404 User Not Found", ""),
        "member_not_found": (404, "404 Member Not Found", ""),
        "milestone_not_found": (404, "404 Milestone Not Found", ""),
        "label_not_found": (404, "404 Label Not Found", ""),
        "tag_not_found": (404, "404 Tag Not Found", ""),
        "group_not_found": (404, "404 Group Not Found", ""),
        "file_not_found": (404, "404 File Not Found", ""),
        "tree_not_found": (404, "404 Tree Not Found", ""),
        "blob_not_found": (404, "404 Blob Not Found", ""),
        "server_error": (500, "500 Internal Server Error", ""),
    },
    shape=lambda message, _code: {"message": message},
    content_type=JSON_CONTENT_TYPE,
)

#: GitLab's answer over the rate limit (plain text, ``Retry-After`` beside it).
RETRY_LATER = "Retry later\n"


def invalid(parameter: str, what: str = "is invalid") -> NoReturn:
    """GitLab's 400 for a parameter it cannot read: ``{"error": "<name> is invalid"}``."""
    body = json.dumps({"error": f"{parameter} {what}"}, separators=(",", ":"))
    abort(Response(body, status=400, content_type=JSON_CONTENT_TYPE))


def bad_request(errors: dict[str, list[str]]) -> NoReturn:
    """GitLab's 400 for a write it refuses: ``{"message": {"title": ["can't be blank"]}}``."""
    body = json.dumps({"message": errors}, separators=(",", ":"))
    abort(Response(body, status=400, content_type=JSON_CONTENT_TYPE))


def fail(name: str) -> NoReturn:
    """Answer the named error of :data:`ERRORS`."""
    ERRORS.fail(name)
