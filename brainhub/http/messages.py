"""Safe descriptions of requests and responses for errors and logs.

Nothing built here contains a query string, a header or a credential: paths are cut at
``?``, body excerpts are short and scrubbed of every secret-looking value the request carried.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

import requests

EXCERPT_CHARS = 200
_SECRET_HEADER_WORDS = ("auth", "token", "key", "secret", "cookie", "session", "signature")
_AUTH_SCHEMES = {"basic", "bearer", "digest", "token", "apikey"}
_QUERY_IN_TEXT = re.compile(r"\?[^\s'\"()<>]*")
_MIN_SECRET_CHARS = 4
REDACTED = "<redacted>"


def path_of(url: str | None) -> str:
    """The path of a URL, without scheme, host, query string or fragment."""
    return urlsplit(url or "").path or "/"


def request_target(request: requests.PreparedRequest) -> str:
    """``METHOD /path`` of a request, never its query string."""
    return f"{request.method or 'GET'} {path_of(request.url)}"


def strip_queries(text: str) -> str:
    """Replace every ``?query`` inside free text (e.g. an exception message) by ``?<redacted>``."""
    return _QUERY_IN_TEXT.sub(f"?{REDACTED}", text)


def request_secrets(request: requests.PreparedRequest) -> list[str]:
    """Values that may be secret: query parameter values and sensitive header values."""
    secrets: list[str] = [value for _, value in parse_qsl(urlsplit(request.url or "").query)]
    for name, value in (request.headers or {}).items():
        if any(word in name.lower() for word in _SECRET_HEADER_WORDS):
            secrets.append(str(value))
            words = str(value).split()  # "Bearer <token>" → "<token>"
            secrets.extend(w for w in words if w.lower() not in _AUTH_SCHEMES)
    return [s for s in secrets if len(s) >= _MIN_SECRET_CHARS]


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by ``<redacted>`` and query strings cut."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return strip_queries(text)


def body_excerpt(response: requests.Response, secrets: Iterable[str] = ()) -> str:
    """The first characters of a response body on one line, redacted; ``""`` if empty."""
    try:
        text = response.content.decode(response.encoding or "utf-8", errors="replace")
    except (LookupError, requests.RequestException):
        return ""
    text = " ".join(text.split())
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS] + "…"
    return redact(text, secrets)


def status_text(response: requests.Response) -> str:
    """``503 Service Unavailable`` (the reason phrase when the server sent one)."""
    reason = (response.reason or "").strip()
    return f"{response.status_code} {reason}".strip()


class _QueryRedactingFilter(logging.Filter):
    """Cuts query strings out of urllib3's debug lines (``"GET /path?token=… HTTP/1.1"``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                strip_queries(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = strip_queries(record.msg)
        return True


_URLLIB3_FILTER = _QueryRedactingFilter()


def install_urllib3_redaction() -> None:
    """Make urllib3's connection logger drop query strings (idempotent)."""
    logger = logging.getLogger("urllib3.connectionpool")
    if _URLLIB3_FILTER not in logger.filters:
        logger.addFilter(_URLLIB3_FILTER)
