"""The emulator's request log: what each request asked for, with its credentials hidden.

Tests read the log to check paging, filters and auth, so it keeps what they assert on — the
method, path, query, headers, status and fault — but never a credential in clear:

- a header or query parameter whose name says it is a credential (``Authorization``,
  ``Cookie``, ``X-Api-Key``, ``key``, ``token``, ``access_token``…) keeps its auth scheme
  and shows the credential as :func:`brainhub.redaction.hidden` — ``Bearer (hidden 1a2b3c4d)``
  — so a test still sees *which* scheme and *which* credential were sent::

      assert entry.headers["Authorization"] == f"Bearer {hidden(token)}"

- anywhere else (a path, another header or parameter), every spelling of the emulator's own
  credentials is replaced by ``<redacted>``.

Write requests (any method but ``GET``/``HEAD``) also keep their ``body``: JSON as parsed
data, with values under credential-like keys hidden and the emulator's credentials scrubbed
from every string; a form the handler has already parsed as its fields, hidden the same
way; another body as (scrubbed) text, at most ``BODY_LOG_LIMIT`` characters.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from werkzeug.wrappers import Request

from brainhub.redaction import SecretScrubber, hidden, is_secret_name


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator saw it, credentials hidden (see the module docstring)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int | None
    timestamp: float
    fault: str | None = None
    body: Any = None

    def as_dict(self) -> dict[str, Any]:
        """The entry as plain JSON-ready data."""
        return asdict(self)


#: The most characters of a non-JSON request body the log keeps.
BODY_LOG_LIMIT = 10_000


@functools.lru_cache(maxsize=32)
def _scrubber(secrets: tuple[str, ...]) -> SecretScrubber:
    return SecretScrubber(secrets)


def hide_credential(value: str) -> str:
    """``Bearer <token>`` → ``Bearer (hidden …)``; a value without a scheme hidden whole."""
    if not value:
        return value
    scheme, space, credential = value.partition(" ")
    if space and credential and scheme.isalpha():
        return f"{scheme} {hidden(credential)}"
    return hidden(value)


def logged_request(
    request: Request,
    status: int | None,
    timestamp: float,
    fault: str | None,
    secrets: Iterable[str],
) -> LoggedRequest:
    """The log entry of ``request``, hiding credentials and scrubbing ``secrets`` elsewhere."""
    scrubber = _scrubber(tuple(sorted(secrets)))

    def shown(name: str, value: str) -> str:
        return hide_credential(value) if is_secret_name(name) else scrubber.scrub_values(value)

    return LoggedRequest(
        method=request.method,
        path=scrubber.scrub_values(request.path),
        query={key: [shown(key, v) for v in request.args.getlist(key)] for key in request.args},
        headers={name: shown(name, value) for name, value in request.headers.items()},
        status=status,
        timestamp=timestamp,
        fault=fault,
        body=_logged_body(request, scrubber),
    )


def _logged_body(request: Request, scrubber: SecretScrubber) -> Any:
    """The request's body with credentials hidden; ``None`` for reads and empty bodies."""
    if request.method in ("GET", "HEAD"):
        return None
    raw = request.get_data(cache=True)
    if not raw:
        # a form body a handler parsed first is no longer in the raw data
        fields: dict[str, Any] = {}
        for key in request.form:
            values = request.form.getlist(key)
            fields[key] = values[0] if len(values) == 1 else values
        return _hidden_values(fields, scrubber) if fields else None
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text)
    except ValueError:
        return scrubber.scrub_values(text[:BODY_LOG_LIMIT])
    return _hidden_values(parsed, scrubber)


def _hidden_values(value: Any, scrubber: SecretScrubber, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _hidden_values(v, scrubber, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_hidden_values(item, scrubber, key) for item in value]
    if isinstance(value, str):
        return hidden(value) if key and is_secret_name(key) else scrubber.scrub_values(value)
    return value
