"""ClickUp's error responses: ``{"err": <message>, "ECODE": <code>}`` with a status.

Documented (developer.clickup.com common errors, recorded responses): ``OAUTH_017``
missing Authorization header, ``OAUTH_025`` token invalid, ``OAUTH_027`` team (workspace)
not authorized, ``ITEM_015`` "Space not found", 429 "Rate Limit reached". The other
``ITEM_*`` not-found codes and the input-validation codes follow the same pattern but are
not published; they are this emulator's best guess and are kept in this one place.
Unknown routes get an HTML 404, as ClickUp's web framework sends.
"""

from __future__ import annotations

from typing import NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator

MISSING_AUTH = (401, "Authorization header required", "OAUTH_017")
TOKEN_INVALID = (401, "Token invalid", "OAUTH_025")
TEAM_NOT_AUTHORIZED = (401, "Team not authorized", "OAUTH_027")
SPACE_NOT_FOUND = (404, "Space not found", "ITEM_015")
FOLDER_NOT_FOUND = (404, "Folder not found", "ITEM_014")
LIST_NOT_FOUND = (404, "List not found", "ITEM_013")
TASK_NOT_FOUND = (404, "Task not found", "ITEM_017")
RATE_LIMITED = (429, "Rate Limit reached", "APP_002")
SERVER_ERROR = (500, "Internal Server Error", "APP_001")
BAD_JSON = (400, "Unexpected token in JSON body", "INPUT_001")
BAD_PAGE = (400, "page must be a whole number >= 0", "INPUT_002")
BAD_TIMESTAMP = (400, "Date filters must be Unix time in milliseconds", "INPUT_003")
TASK_NAME_INVALID = (400, "Task name invalid", "INPUT_005")
STATUS_NOT_FOUND = (400, "Status not found", "INPUT_006")
PRIORITY_INVALID = (400, "Priority invalid", "INPUT_007")
COMMENT_TEXT_REQUIRED = (400, "Comment text required", "INPUT_008")
ASSIGNEE_INVALID = (400, "Assignee not found in workspace", "INPUT_009")
DATE_INVALID = (400, "Dates must be Unix time in milliseconds", "INPUT_010")
NUMBER_INVALID = (400, "time_estimate and points must be numbers >= 0", "INPUT_011")


def error_response(error: tuple[int, str, str]) -> Response:
    """The JSON error ClickUp sends for ``error`` = (status, err, ECODE)."""
    status, message, code = error
    return Emulator.json_response({"err": message, "ECODE": code}, status=status)


def fail(error: tuple[int, str, str]) -> NoReturn:
    """Stop the handler and answer with ``error``."""
    abort(error_response(error))


def route_not_found(request: Request) -> Response:
    """The HTML page ClickUp answers unknown paths and methods with."""
    body = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Error</title>\n</head>\n<body>\n"
        f"<pre>Cannot {request.method} {request.path}</pre>\n</body>\n</html>\n"
    )
    return Response(body, status=404, content_type="text/html; charset=utf-8")
