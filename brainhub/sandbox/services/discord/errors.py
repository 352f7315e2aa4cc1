"""Discord's error answers: ``{"message": …, "code": …}`` with its JSON error codes.

Unknown routes and bad credentials carry code 0 and the status in the message
(``{"message": "401: Unauthorized", "code": 0}``); a missing object has its own code
(``10003 Unknown Channel``); a rejected body is ``50035 Invalid Form Body`` with ``errors``
naming each field. Over a rate limit Discord answers 429 with
``{"message": "You are being rate limited.", "retry_after": 1.234, "global": false}``
(:func:`rate_limited`).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response

from brainhub.sandbox.kit import ErrorTable

ERRORS = ErrorTable(
    shape=lambda message, code: {"message": message, "code": int(code)},
    errors={
        "UNAUTHORIZED": (401, "401: Unauthorized", "0"),
        "NOT_FOUND": (404, "404: Not Found", "0"),
        "METHOD_NOT_ALLOWED": (405, "405: Method Not Allowed", "0"),
        "INTERNAL": (500, "500: Internal Server Error", "0"),
        "UNKNOWN_CHANNEL": (404, "Unknown Channel", "10003"),
        "UNKNOWN_GUILD": (404, "Unknown Guild", "10004"),
        "UNKNOWN_INVITE": (404, "Unknown Invite", "10006"),
        "UNKNOWN_MEMBER": (404, "Unknown Member", "10007"),
        "UNKNOWN_MESSAGE": (404, "Unknown Message", "10008"),
        "UNKNOWN_ROLE": (404, "Unknown Role", "10011"),
        "UNKNOWN_USER": (404, "Unknown User", "10013"),
        "UNKNOWN_EMOJI": (404, "Unknown Emoji", "10014"),
        "UNKNOWN_WEBHOOK": (404, "Unknown Webhook", "10015"),
        "UNKNOWN_BAN": (404, "Unknown Ban", "10026"),
        "MISSING_ACCESS": (403, "Missing Access", "50001"),
        "CANNOT_SEND_EMPTY": (400, "Cannot send an empty message", "50006"),
        "CANNOT_SEND_IN_VOICE": (400, "Cannot send messages in a voice channel", "50008"),
        "INVALID_WEBHOOK_TOKEN": (401, "Invalid Webhook Token", "50027"),
    },
)


def response(name: str) -> Response:
    """Discord's answer for error ``name``."""
    return ERRORS.response(name)


def fail(name: str) -> NoReturn:
    """Stop the handler with Discord's error ``name``."""
    ERRORS.fail(name)


def invalid_form(field_errors: dict[str, tuple[str, str]]) -> NoReturn:
    """Stop with ``50035 Invalid Form Body``; ``field_errors`` maps a field to (code, message)."""
    body = {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {
            name: {"_errors": [{"code": code, "message": message}]}
            for name, (code, message) in field_errors.items()
        },
    }
    abort(Response(json.dumps(body), status=400, content_type="application/json"))


def rate_limited(retry_after: float, is_global: bool = False) -> dict[str, Any]:
    """The body of Discord's 429."""
    return {
        "message": "You are being rate limited.",
        "retry_after": round(retry_after, 3),
        "global": is_global,
    }
