"""Asana's error answers as one named table.

Every error body is ``{"errors": [{"message": …, "help": …}]}``; a 500 carries a
``phrase`` (for Asana's support to find the incident) instead of ``help``, and a 412 from
``GET /events`` adds a fresh ``sync`` token beside ``errors``. Messages name the parameter
at fault the way Asana writes them (``project: Unknown object: 123``, ``task: Not a Long:
abc``, ``workspace: Missing input``); templates take those values by name. Asana answers
unknown paths and methods with a JSON 404, not an HTML page.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

#: The content type of every Asana JSON answer, errors included.
JSON_CONTENT_TYPE = "application/json; charset=UTF-8"
HELP = (
    "For more information on API status codes and how to handle them, "
    "read the docs on errors: https://developers.asana.com/docs/errors"
)
#: The phrase of a 500 (Asana generates one per incident).
SERVER_ERROR_PHRASE = "6 sad squid snuggle softly"

#: name -> (status, message template)
ERRORS: dict[str, tuple[int, str]] = {
    "NOT_AUTHORIZED": (401, "Not Authorized"),
    "NO_ROUTE": (404, "No matching route for request"),
    "UNKNOWN_OBJECT": (404, "{parameter}: Unknown object: {value}"),
    "NOT_A_LONG": (400, "{parameter}: Not a Long: {value}"),
    "MISSING_INPUT": (400, "{parameter}: Missing input"),
    "NOT_A_BOOLEAN": (400, "{parameter}: Not a boolean: {value}"),
    "BAD_DATE_TIME": (400, "{parameter}: Not a valid date/time: {value}"),
    "BAD_DATE": (400, "{parameter}: Not a valid date: {value}"),
    "BAD_LIMIT": (400, "limit: Not a valid integer between 1 and 100: {value}"),
    "BAD_OFFSET": (400, "offset: Your pagination token is invalid."),
    "BAD_ENUM": (400, "{parameter}: Not a valid enum value: {value}"),
    "BATCH_TOO_LARGE": (
        400,
        "actions: A batch request may contain at most {limit} actions (given: {value})",
    ),
    "TASK_SCOPE": (
        400,
        "Must specify exactly one of project, tag, section, user task list, or assignee + "
        "workspace",
    ),
    "RESULT_TOO_LARGE": (
        400,
        "The result is too large. You should use pagination (may require specifying a workspace)!",
    ),
    "SYNC_INVALID": (
        412,
        "Sync token invalid or too old. If you are attempting to keep resources in sync, you "
        "must fetch the full dataset for this query now and use the new sync token for the "
        "next sync.",
    ),
    "RATE_LIMITED": (
        429,
        "You've made too many requests and hit a rate limit. Please retry after the given "
        "amount of time.",
    ),
    "SERVER_ERROR": (500, "Server Error"),
}


def body(name: str, **values: Any) -> dict[str, Any]:
    """The JSON body of error ``name`` with its template filled from ``values``."""
    try:
        status, template = ERRORS[name]
    except KeyError:
        raise KeyError(f"no Asana error named {name!r}; the table has {sorted(ERRORS)}") from None
    error: dict[str, str] = {"message": template.format(**values)}
    if status == 500:
        error["phrase"] = SERVER_ERROR_PHRASE
    else:
        error["help"] = HELP
    return {"errors": [error]}


def response(
    name: str,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    **values: Any,
) -> Response:
    """The answer Asana sends for error ``name`` (``extra`` joins the body's top level)."""
    payload = {**body(name, **values), **(extra or {})}
    return Response(
        json.dumps(payload, separators=(",", ":")),
        status=ERRORS[name][0],
        headers=headers,
        content_type=JSON_CONTENT_TYPE,
    )


def fail(name: str, **values: Any) -> NoReturn:
    """Stop the handler and answer with error ``name``."""
    abort(response(name, **values))
