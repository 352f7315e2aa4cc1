"""ClickUp's error responses as one named table: ``{"err": <message>, "ECODE": <code>}``.

Documented (developer.clickup.com common errors, recorded responses): ``OAUTH_017``
missing Authorization header, ``OAUTH_025`` token invalid, ``OAUTH_027`` team (workspace)
not authorized, ``ITEM_015`` "Space not found", 429 "Rate Limit reached". The other
``ITEM_*`` not-found codes and the input-validation codes follow the same pattern but are
not published; they are this emulator's best guess and are kept in this one place.
Of the writes, the v2 reference documents only the shape (``{"err", "ECODE"}``) and
statuses: 400 from ``POST /task/{id}/field/{field_id}`` when the field does not apply to
the task, 204 from ``DELETE /task/{id}``, ``{}`` from the other writes; the write codes
below (``INPUT_014`` on, ``ITEM_018``) follow the same pattern.
Unknown routes and methods get Express's HTML 404 ("Cannot GET /path"), as ClickUp sends.
"""

from __future__ import annotations

from typing import NoReturn

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import ErrorTable

#: The content type of every ClickUp JSON answer, errors included.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

ERRORS = ErrorTable(
    {
        "MISSING_AUTH": (401, "Authorization header required", "OAUTH_017"),
        "TOKEN_INVALID": (401, "Token invalid", "OAUTH_025"),
        "TEAM_NOT_AUTHORIZED": (401, "Team not authorized", "OAUTH_027"),
        "SPACE_NOT_FOUND": (404, "Space not found", "ITEM_015"),
        "FOLDER_NOT_FOUND": (404, "Folder not found", "ITEM_014"),
        "LIST_NOT_FOUND": (404, "List not found", "ITEM_013"),
        "TASK_NOT_FOUND": (404, "Task not found", "ITEM_017"),
        "GOAL_NOT_FOUND": (404, "Goal not found", "GOAL_002"),
        "USER_NOT_FOUND": (404, "User not found", "TEAM_026"),
        "TIME_ENTRY_NOT_FOUND": (404, "Time entry not found", "TIMEENTRY_002"),
        "RATE_LIMITED": (429, "Rate Limit reached", "APP_002"),
        "SERVER_ERROR": (500, "Internal Server Error", "APP_001"),
        "BAD_JSON": (400, "Unexpected token in JSON body", "INPUT_001"),
        "BAD_PAGE": (400, "page must be a whole number >= 0", "INPUT_002"),
        "BAD_TIMESTAMP": (400, "Date filters must be Unix time in milliseconds", "INPUT_003"),
        "BAD_CUSTOM_FIELDS": (
            400,
            "custom_fields must be a JSON array of {field_id, operator, value}",
            "INPUT_004",
        ),
        "TASK_NAME_INVALID": (400, "Task name invalid", "INPUT_005"),
        "STATUS_NOT_FOUND": (400, "Status not found", "INPUT_006"),
        "PRIORITY_INVALID": (400, "Priority invalid", "INPUT_007"),
        "COMMENT_TEXT_REQUIRED": (400, "Comment text required", "INPUT_008"),
        "ASSIGNEE_INVALID": (400, "Assignee not found in workspace", "INPUT_009"),
        "DATE_INVALID": (400, "Dates must be Unix time in milliseconds", "INPUT_010"),
        "NUMBER_INVALID": (400, "time_estimate and points must be numbers >= 0", "INPUT_011"),
        "TASK_IDS_REQUIRED": (400, "task_ids must name 1 to 100 tasks", "INPUT_012"),
        "QUERY_REQUIRED": (400, "A required query parameter is missing", "INPUT_013"),
        "COMMENT_NOT_FOUND": (404, "Comment not found", "ITEM_018"),
        "FIELD_NOT_APPLICABLE": (
            400,
            "Custom field is not applicable to this task",
            "INPUT_014",
        ),
        "FIELD_VALUE_INVALID": (400, "Value is not valid for this custom field", "INPUT_015"),
        "TAG_NOT_FOUND": (400, "Tag not found in this space", "INPUT_016"),
        "WATCHER_INVALID": (400, "Watcher not found in workspace", "INPUT_017"),
        "RESOLVED_INVALID": (400, "resolved must be true or false", "INPUT_018"),
        "PARENT_INVALID": (400, "Parent must be a task of the same list", "INPUT_019"),
    },
    shape=lambda message, code: {"err": message, "ECODE": code},
    content_type=JSON_CONTENT_TYPE,
)

MISSING_AUTH = "MISSING_AUTH"
TOKEN_INVALID = "TOKEN_INVALID"  # noqa: S105 (an error name, not a secret)
TEAM_NOT_AUTHORIZED = "TEAM_NOT_AUTHORIZED"
SPACE_NOT_FOUND = "SPACE_NOT_FOUND"
FOLDER_NOT_FOUND = "FOLDER_NOT_FOUND"
LIST_NOT_FOUND = "LIST_NOT_FOUND"
TASK_NOT_FOUND = "TASK_NOT_FOUND"
GOAL_NOT_FOUND = "GOAL_NOT_FOUND"
USER_NOT_FOUND = "USER_NOT_FOUND"
TIME_ENTRY_NOT_FOUND = "TIME_ENTRY_NOT_FOUND"
RATE_LIMITED = "RATE_LIMITED"
SERVER_ERROR = "SERVER_ERROR"
BAD_JSON = "BAD_JSON"
BAD_PAGE = "BAD_PAGE"
BAD_TIMESTAMP = "BAD_TIMESTAMP"
BAD_CUSTOM_FIELDS = "BAD_CUSTOM_FIELDS"
TASK_NAME_INVALID = "TASK_NAME_INVALID"
STATUS_NOT_FOUND = "STATUS_NOT_FOUND"
PRIORITY_INVALID = "PRIORITY_INVALID"
COMMENT_TEXT_REQUIRED = "COMMENT_TEXT_REQUIRED"
ASSIGNEE_INVALID = "ASSIGNEE_INVALID"
DATE_INVALID = "DATE_INVALID"
NUMBER_INVALID = "NUMBER_INVALID"
TASK_IDS_REQUIRED = "TASK_IDS_REQUIRED"
QUERY_REQUIRED = "QUERY_REQUIRED"
COMMENT_NOT_FOUND = "COMMENT_NOT_FOUND"
FIELD_NOT_APPLICABLE = "FIELD_NOT_APPLICABLE"
FIELD_VALUE_INVALID = "FIELD_VALUE_INVALID"
TAG_NOT_FOUND = "TAG_NOT_FOUND"
WATCHER_INVALID = "WATCHER_INVALID"
RESOLVED_INVALID = "RESOLVED_INVALID"
PARENT_INVALID = "PARENT_INVALID"


def error_response(name: str) -> Response:
    """The JSON error ClickUp sends for error ``name`` of :data:`ERRORS`."""
    return ERRORS.response(name)


def fail(name: str) -> NoReturn:
    """Stop the handler and answer with error ``name``."""
    ERRORS.fail(name)


def route_not_found(request: Request) -> Response:
    """The HTML page ClickUp answers unknown paths and methods with."""
    body = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Error</title>\n</head>\n<body>\n"
        f"<pre>Cannot {request.method} {request.path}</pre>\n</body>\n</html>\n"
    )
    return Response(body, status=404, content_type="text/html; charset=utf-8")
