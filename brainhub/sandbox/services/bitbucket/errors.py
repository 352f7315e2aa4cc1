"""Bitbucket Cloud's error answers: ``{"type": "error", "error": {"message": …}}``.

Bitbucket sends one body shape for every failure (the ``error`` definition of its
OpenAPI document): a ``message``, sometimes a ``detail``. The named errors below are the
ones the emulator answers; the ``code`` column is unused by Bitbucket and kept empty.
"""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.kit.errors import ErrorTable


def error_body(message: str, detail: str = "") -> dict[str, Any]:
    """Bitbucket's error body (``detail`` only when there is one)."""
    error: dict[str, Any] = {"message": message}
    if detail:
        error["detail"] = detail
    return {"type": "error", "error": error}


ERRORS = ErrorTable(
    shape=lambda message, code: error_body(message, code),
    errors={
        "UNAUTHENTICATED": (401, "Access token expired or invalid.", ""),
        "NO_WORKSPACE": (404, "No workspace with identifier", ""),
        "NO_REPOSITORY": (404, "Repository not found", ""),
        "NO_TRACKER": (404, "Repository has no issue tracker.", ""),
        "NO_PULL_REQUEST": (404, "Pull request not found.", ""),
        "NO_ISSUE": (404, "Issue not found.", ""),
        "NO_COMMIT": (404, "Commit not found", ""),
        "NO_PIPELINE": (404, "Pipeline not found.", ""),
        "NO_USER": (404, "User not found.", ""),
        "NO_BRANCH": (404, "Branch not found", ""),
        "RATE_LIMITED": (429, "Rate limit for this resource has been exceeded", ""),
    },
)
