"""Slack's Web API errors as one named table.

A method error is HTTP **200** with ``{"ok": false, "error": "<code>"}`` (the codes each
method lists in Slack's reference); only a few answers use a status of their own:
``ratelimited`` (429, with ``Retry-After``), ``unknown_method`` (404, naming the method
asked for) and ``internal_error`` (500). Handlers stop with :func:`fail`, which may add
the fields some errors carry (``needed``/``provided`` of ``missing_scope``,
``response_metadata.messages`` of ``invalid_arguments``).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

from brainhub.sandbox.kit import ErrorTable

CONTENT_TYPE = "application/json; charset=utf-8"

#: code → HTTP status. Method errors are 200; the description says when each is sent.
_CODES: dict[str, tuple[int, str]] = {
    "not_authed": (200, "no token in the Authorization header or the token argument"),
    "invalid_auth": (200, "a token this workspace did not issue"),
    "invalid_arguments": (200, "a required argument is missing or malformed"),
    "missing_scope": (200, "the token lacks a scope the method needs"),
    "channel_not_found": (200, "no conversation with that id is visible to the token"),
    "not_in_channel": (200, "history of a conversation the bot user is not a member of"),
    "thread_not_found": (200, "no message with that ts in the conversation"),
    "message_not_found": (200, "no message with that ts in the conversation"),
    "user_not_found": (200, "no user with that id"),
    "users_not_found": (200, "no user with that e-mail address"),
    "bot_not_found": (200, "no bot with that id"),
    "no_such_subteam": (200, "no user group with that id"),
    "file_not_found": (200, "no file with that id"),
    "no_item_specified": (200, "reactions.get without channel and timestamp, or file"),
    "team_not_found": (200, "a team other than the token's"),
    "invalid_cursor": (200, "a cursor this method did not issue"),
    "invalid_limit": (200, "a limit that is not a whole number from 1 to 1000"),
    "invalid_types": (
        200,
        "a conversation type other than public_channel, private_channel, mpim, im",
    ),
    "invalid_ts_oldest": (200, "oldest is not a timestamp"),
    "invalid_ts_latest": (200, "latest is not a timestamp"),
    "limit_required": (200, "users.list without a limit on a team over 1,000 people"),
    "is_archived": (200, "a post to an archived channel"),
    "no_text": (200, "a message without text, blocks or attachments"),
    "msg_too_long": (200, "message text over 40,000 characters"),
    "invalid_attachments": (200, "attachments that are not a JSON array of objects"),
    "too_many_attachments": (200, "more than 100 attachments"),
    "invalid_blocks": (200, "blocks Slack would refuse; errors says which and where"),
    "invalid_blocks_format": (200, "blocks that are not a JSON array"),
    "cant_update_message": (200, "chat.update of a message the bot did not post"),
    "cant_delete_message": (200, "chat.delete of a message the bot did not post"),
    "invalid_name": (200, "a reaction name that is not an emoji name"),
    "already_reacted": (200, "reactions.add of a reaction the bot already made"),
    "no_reaction": (200, "reactions.remove of a reaction the bot did not make"),
    "ratelimited": (429, "over the method's tier limit; Retry-After says when to retry"),
    "unknown_method": (404, "no Web API method of that name"),
    "internal_error": (500, "the server failed"),
}

ERRORS = ErrorTable(
    errors={code: (status, meaning, code) for code, (status, meaning) in _CODES.items()},
    shape=lambda meaning, code: {"ok": False, "error": code},
    content_type=CONTENT_TYPE,
)


def error_response(code: str, **extra: Any) -> Response:
    """Slack's answer for error ``code``, with the fields it carries besides."""
    error = ERRORS[code]
    body = json.dumps({**error.body, **extra}, separators=(",", ":"))
    return Response(body, status=error.status, content_type=CONTENT_TYPE)


def fail(code: str, **extra: Any) -> NoReturn:
    """Stop the handler and answer error ``code`` (see :func:`error_response`)."""
    abort(error_response(code, **extra))


def missing_argument(name: str) -> NoReturn:
    """Slack's answer when a required argument is missing."""
    fail(
        "invalid_arguments",
        response_metadata={"messages": [f"[ERROR] missing required field: {name}"]},
    )
