"""Safe descriptions of requests and responses for errors and logs.

Nothing built here contains a query string, a header or a credential: paths are cut at
``?``; texts (exception messages, body excerpts) are scrubbed of every spelling of the
credentials the request carried and of the process's registered secrets, and of every
credential by place (see :mod:`brainhub.redaction`) — then shortened.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

import requests

from brainhub import redaction
from brainhub.redaction import is_secret_name

EXCERPT_CHARS = 200
_AUTH_SCHEMES = {"basic", "bearer", "digest", "token", "apikey", "oauth", "bot"}


def path_of(url: str | None) -> str:
    """The path of a URL, without scheme, host, query string or fragment."""
    return urlsplit(url or "").path or "/"


def request_target(request: requests.PreparedRequest) -> str:
    """``METHOD /path`` of a request, never its query string."""
    return f"{request.method or 'GET'} {path_of(request.url)}"


def request_secrets(request: requests.PreparedRequest) -> list[str]:
    """The credentials a request carries: values of secret-named query parameters and headers.

    A header value also gives the credential after its scheme (``Bearer <token>`` → ``<token>``).
    """
    query = parse_qsl(urlsplit(request.url or "").query, keep_blank_values=True)
    secrets = [value for name, value in query if is_secret_name(name)]
    for name, value in (request.headers or {}).items():
        if is_secret_name(name):
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            secrets.append(text)
            scheme, _, credential = text.partition(" ")
            if credential and scheme.lower() in _AUTH_SCHEMES:
                secrets.append(credential)
    return [s for s in secrets if s]


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` without ``secrets`` or the process's secrets (any spelling), queries cut."""
    return redaction.redact(text, secrets)


def body_excerpt(response: requests.Response, secrets: Iterable[str] = ()) -> str:
    """The first characters of a response body on one line, redacted; ``""`` if empty.

    Redaction comes first, so a secret is never cut in two by the shortening.
    """
    try:
        text = response.content.decode(response.encoding or "utf-8", errors="replace")
    except (LookupError, requests.RequestException):
        return ""
    text = " ".join(redact(text, secrets).split())
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS] + "…"
    return text


def status_text(response: requests.Response) -> str:
    """``503 Service Unavailable`` (the reason phrase when the server sent one)."""
    reason = (response.reason or "").strip()
    return f"{response.status_code} {reason}".strip()


class _QueryRedactingFilter(logging.Filter):
    """Cuts query strings and secrets out of urllib3's debug lines (``"GET /path?token=…"``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redaction.redact(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = redaction.redact(record.msg)
        return True


_URLLIB3_FILTER = _QueryRedactingFilter()


def install_urllib3_redaction() -> None:
    """Make urllib3's connection logger drop query strings (idempotent)."""
    logger = logging.getLogger("urllib3.connectionpool")
    if _URLLIB3_FILTER not in logger.filters:
        logger.addFilter(_URLLIB3_FILTER)
