"""Jira's error responses as one named table: ErrorCollections
``{"errorMessages": [<message>], "errors": {}}``, served as ``application/json;charset=UTF-8``.

The texts are Jira Cloud's own: the issue, project, board and sprint not-found messages,
the search token and paging refusals. Messages that name the input (a JQL clause, a
property key) are built by :func:`collection`. Unknown paths get Jersey's
``{"message": "null for uri: …", "status-code": 404}`` and a missing or wrong login the
plain-text 401, as the real servers answer.
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import ErrorTable

#: The content type of every Jira JSON answer, errors included.
JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
UNAUTHENTICATED = "Client must be authenticated to access this resource."

ERRORS = ErrorTable(
    {
        "ISSUE_NOT_FOUND": (
            404,
            "Issue does not exist or you do not have permission to see it.",
            "",
        ),
        "BOARD_NOT_FOUND": (
            404,
            "Board does not exist or you do not have permission to see it.",
            "",
        ),
        "SPRINT_NOT_FOUND": (
            404,
            "Sprint does not exist or you do not have permission to see it.",
            "",
        ),
        "FILTER_NOT_AVAILABLE": (
            400,
            "The selected filter is not available to you, perhaps it has been deleted or had "
            "its permissions changed.",
            "",
        ),
        "NO_SPRINTS": (400, "The board does not support sprints", ""),
        "BAD_PAGE_TOKEN": (400, "The provided next page token is invalid or expired.", ""),
        "RATE_LIMITED": (429, "Rate limit exceeded.", ""),
        "SERVER_ERROR": (500, "Internal server error.", ""),
    },
    shape=lambda message, _code: {"errorMessages": [message], "errors": {}},
    content_type=JSON_CONTENT_TYPE,
)


def collection(status: int, *messages: str, **errors: str) -> Response:
    """An ErrorCollection with these messages (and field errors) and ``status``."""
    body = json.dumps({"errorMessages": list(messages), "errors": errors}, separators=(",", ":"))
    return Response(body, status=status, content_type=JSON_CONTENT_TYPE)


def named(name: str) -> HTTPException:
    """Error ``name`` of :data:`ERRORS`, to raise from a handler."""
    return HTTPException(response=ERRORS.response(name))


def failure(status: int, *messages: str, **errors: str) -> HTTPException:
    """An ErrorCollection with these messages, to raise from a handler."""
    return HTTPException(response=collection(status, *messages, **errors))


def project_not_found(ref: str) -> HTTPException:
    """Jira's 404 for a project id or key that names no project."""
    return failure(404, f"No project could be found with key '{ref}'.")


def property_not_found(key: str) -> HTTPException:
    """Jira's 404 for an entity property that is not set."""
    return failure(404, f"The property with key '{key}' does not exist.")


def paging_error(parameter: str, raw: Any) -> Response:
    """Jira's 400 for a page parameter that is not a whole number."""
    return collection(400, f"The value '{raw}' is not valid for {parameter}: expected a number.")


def unauthenticated(credentials_sent: bool) -> Response:
    """The plain-text 401 (``X-Seraph-LoginReason`` when credentials were wrong)."""
    response = Response(UNAUTHENTICATED, status=401, content_type="text/plain;charset=UTF-8")
    if credentials_sent:
        response.headers["X-Seraph-LoginReason"] = "AUTHENTICATED_FAILED"
    return response


def route_not_found(request: Request) -> Response:
    """Jersey's answer for a path Jira does not serve."""
    body = {"message": f"null for uri: {request.url}", "status-code": 404}
    return Response(
        json.dumps(body, separators=(",", ":")), status=404, content_type=JSON_CONTENT_TYPE
    )


# --------------------------------------------------------------------------- writes
#
# Field errors of writes, keyed by field as Jira sends them in ``errors`` (Jira Cloud's
# texts; the platform document quotes "The issue type selected is invalid."). Where the
# text is not published (a missing transition id, an unreadable start time) it follows
# the same pattern and is kept here, in one place.

SUMMARY_REQUIRED = "You must specify a summary of the issue."
SUMMARY_TOO_LONG = "Summary must be less than 255 characters."
PROJECT_INVALID = "Specify a valid project ID or key"
ISSUE_TYPE_REQUIRED = "Specify an issue type"
ISSUE_TYPE_INVALID = "The issue type selected is invalid."
PRIORITY_INVALID = "The priority selected is invalid."
NOT_A_DOCUMENT = "Operation value must be an Atlassian Document"
COMMENT_EMPTY = "Comment body can not be empty!"
TIME_REQUIRED = "You must indicate the time spent working."
TIME_INVALID = "Invalid time duration entered."
STARTED_INVALID = "Invalid start date/time."
TRANSITION_MISSING = "Missing 'transition' identifier"
BODY_MISSING = "The request body is missing."


def bulk_too_many(limit: int) -> str:
    """The message of a bulk create of more issues than it takes (wording not documented)."""
    return f"The number of issues to create exceeds the maximum of {limit}."


def cannot_set(name: str) -> str:
    """The field error for a field the edit screen does not have (or Jira does not know)."""
    return f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."


def user_invalid(account_id: str) -> str:
    """The field error for an ``accountId`` that names no user who can be assigned."""
    return f"User '{account_id}' cannot be assigned issues."


def label_has_spaces(label: str) -> str:
    """The field error for a label with a space in it."""
    return f"The label '{label}' contains spaces which is invalid."


def transition_invalid(transition_id: str) -> str:
    """The message for a transition that does not leave the issue's status."""
    return f"Transition id '{transition_id}' is not valid for this issue."


def comment_not_found(comment_id: str) -> HTTPException:
    """Jira's 404 for a comment id the issue does not have."""
    return failure(404, f"Can not find a comment for the id: {comment_id}.")


def worklog_not_found(worklog_id: str) -> HTTPException:
    """Jira's 404 for a worklog id the issue does not have."""
    return failure(404, f"Cannot find worklog with id: {worklog_id}.")


def field_failure(field_errors: dict[str, str]) -> HTTPException:
    """Jira's 400 naming each bad field (any field name, ``status`` included)."""
    body = json.dumps({"errorMessages": [], "errors": field_errors}, separators=(",", ":"))
    return HTTPException(response=Response(body, status=400, content_type=JSON_CONTENT_TYPE))
