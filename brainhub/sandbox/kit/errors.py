"""A vendor's error answers as one named table.

Each vendor lists its errors once, by name, with the status and body it sends::

    ERRORS = ErrorTable(
        shape=lambda message, code: {"err": message, "ECODE": code},
        errors={"TASK_NOT_FOUND": (404, "Task not found", "ITEM_017")},
    )
    ERRORS.fail("TASK_NOT_FOUND")        # inside a handler: stop with that answer

Handlers name errors instead of writing bodies, so a vendor's error bodies live in one
place and tests can enumerate them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from werkzeug.exceptions import abort
from werkzeug.wrappers import Response


@dataclass(frozen=True)
class VendorError:
    """One named error: HTTP status and the JSON body the vendor sends."""

    name: str
    status: int
    body: Mapping[str, Any]


class ErrorTable:
    """Named errors of one vendor; ``shape`` builds a body from ``(message, code)``."""

    def __init__(
        self,
        errors: Mapping[str, tuple[int, str, str]],
        shape: Callable[[str, str], Mapping[str, Any]],
        content_type: str = "application/json",
    ) -> None:
        self.content_type = content_type
        self.errors = {
            name: VendorError(name, status, shape(message, code))
            for name, (status, message, code) in errors.items()
        }

    def __getitem__(self, name: str) -> VendorError:
        try:
            return self.errors[name]
        except KeyError:
            valid = ", ".join(sorted(self.errors))
            raise KeyError(f"no error named {name!r}; the table has {valid}") from None

    def response(self, name: str) -> Response:
        """The vendor's answer for error ``name``."""
        error = self[name]
        body = json.dumps(error.body, separators=(",", ":"))
        return Response(body, status=error.status, content_type=self.content_type)

    def fail(self, name: str) -> NoReturn:
        """Stop the handler and answer with error ``name``."""
        abort(self.response(name))


class TextErrorTable:
    """Named errors of a vendor that answers them in plain text (Trello: ``invalid id``).

    ``errors`` maps each name to ``(status, body)``; the same ``response``/``fail`` as
    :class:`ErrorTable`.
    """

    def __init__(
        self, errors: Mapping[str, tuple[int, str]], content_type: str = "text/plain"
    ) -> None:
        self.content_type = content_type
        self.errors = dict(errors)

    def __getitem__(self, name: str) -> tuple[int, str]:
        try:
            return self.errors[name]
        except KeyError:
            valid = ", ".join(sorted(self.errors))
            raise KeyError(f"no error named {name!r}; the table has {valid}") from None

    def response(self, name: str) -> Response:
        """The vendor's answer for error ``name``."""
        status, body = self[name]
        return Response(body, status=status, content_type=self.content_type)

    def fail(self, name: str) -> NoReturn:
        """Stop the handler and answer with error ``name``."""
        abort(self.response(name))
