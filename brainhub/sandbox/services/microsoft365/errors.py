"""Microsoft Graph's error answers, by name.

Every error is ``{"error": {"code", "message", "innerError": {"date", "request-id",
"client-request-id"}}}``; the emulator fills ``innerError`` with the request's id and time
when it dresses the response (the same ``request-id`` as the response header).
"""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.kit import ErrorTable


def _shape(message: str, code: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"date": "", "request-id": "", "client-request-id": ""},
        }
    }


ERRORS = ErrorTable(
    shape=_shape,
    errors={
        "UNAUTHENTICATED": (
            401,
            "Access token is empty.",
            "InvalidAuthenticationToken",
        ),
        "TOKEN_EXPIRED": (
            401,
            "Lifetime validation failed, the token is expired.",
            "InvalidAuthenticationToken",
        ),
        "NOT_FOUND": (404, "Resource not found for the segment.", "ResourceNotFound"),
        "USER_NOT_FOUND": (
            404,
            "Resource could not be discovered.",
            "Request_ResourceNotFound",
        ),
        "ITEM_NOT_FOUND": (404, "The resource could not be found.", "itemNotFound"),
        "MAIL_NOT_FOUND": (
            404,
            "The specified object was not found in the store.",
            "ErrorItemNotFound",
        ),
        "BAD_REQUEST": (400, "Invalid request.", "BadRequest"),
        "MISSING_WINDOW": (
            400,
            "This request requires a time window specified by the query string parameters "
            "StartDateTime and EndDateTime.",
            "ErrorInvalidParameter",
        ),
        "SYNC_STATE_NOT_FOUND": (
            410,
            "The sync state generation is not found. Please resync.",
            "syncStateNotFound",
        ),
        "RESYNC_REQUIRED": (
            410,
            "Resync required. Replace any local items with the server's version (including "
            "deletes) if you're sure that the service was up to date with your local changes "
            "when you last sync'd. Upload any local changes that the server doesn't know about.",
            "resyncRequired",
        ),
        "THROTTLED": (
            429,
            "Too many requests. Please try again later.",
            "TooManyRequests",
        ),
        "GENERAL": (500, "General exception while processing.", "generalException"),
    },
)
