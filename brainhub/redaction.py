"""Secrets out of every text brainhub writes: logs, errors, tracebacks, request logs.

A secret reaches text in many spellings, so each registered secret is searched for in all of
them (:func:`secret_forms`): as it is, URL-encoded (``quote`` and ``quote_plus``), JSON- and
repr-escaped (also as UTF-8 bytes), and base64-encoded — alone, or inside a longer value
such as the ``user:secret`` of a Basic ``Authorization`` header, at any alignment.

Two kinds of redaction work together:

- **by value** — every spelling of a registered secret is replaced wherever it occurs, in one
  pass. Only secrets of at least :data:`MIN_SECRET_CHARS` characters are replaced inside other
  text: a shorter value (a page size, a word) is too likely to occur by chance, and replacing
  it everywhere would garble messages while protecting little (so short a credential is
  guessable anyway);
- **by place**, whatever the value's length — the credential after an auth scheme
  (``Bearer …``, ``Basic …``, ``Digest …``), the value of an ``Authorization`` header written
  as ``Authorization: …``, and every query string in free text (``?key=…&token=…`` → ``?<redacted>``).

``hidden(value)`` is the short, one-way stand-in used where a reader must still tell
credentials apart (the sandbox request log): ``(hidden 1a2b3c4d)``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import threading
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

#: Secrets shorter than this are redacted only by place (see the module docstring).
MIN_SECRET_CHARS = 6
REDACTED = "<redacted>"

_SECRET_NAME_WORDS = {
    "auth",
    "authorization",
    "apikey",
    "token",
    "key",
    "secret",
    "password",
    "passwd",
    "cookie",
    "session",
    "signature",
    "credential",
    "credentials",
}
#: Names with a secret word that carry none (paging cursors).
_HARMLESS_NAMES = {"nextpagetoken", "pagetoken", "continuationtoken", "synctoken"}
_NAME_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
#: Words that follow a scheme name in prose ("Basic auth failed"), not credentials.
_PROSE = (
    r"(?:auth|authentication|token|tokens|credentials?|scheme|realm|header|and|or|is|the|an?)\b"
)
_SCHEME_CREDENTIAL = re.compile(
    rf"\b(Bearer|Basic|Digest)(\s+)(?!{_PROSE})([^\s'\",;)\]}}]+)", re.IGNORECASE
)
_AUTHORIZATION_VALUE = re.compile(
    r"(\bauthorization\b['\"]?\s*[:=]\s*['\"]?)(?!(?:Bearer|Basic|Digest)\s)([^\s'\",;)\]}]+)",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=1024)
def is_secret_name(name: str) -> bool:
    """Whether a header, query parameter or setting name says its value is a credential."""
    if re.sub(r"[^a-z0-9]", "", name.lower()) in _HARMLESS_NAMES:
        return False
    return any(word.lower() in _SECRET_NAME_WORDS for word in _NAME_WORDS.findall(name))


def control_characters(value: str) -> list[str]:
    """The control characters (line breaks, tabs, NUL…) in ``value``, as ``U+000D`` names."""
    return sorted({f"U+{ord(c):04X}" for c in value if unicodedata.category(c) == "Cc"})


def hidden(value: str) -> str:
    """A short one-way stand-in for a credential: ``(hidden 1a2b3c4d)``."""
    return f"(hidden {hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:8]})"


def secret_forms(secret: str) -> set[str]:
    """Every spelling of ``secret`` worth searching text for (none if it is too short)."""
    if len(secret) < MIN_SECRET_CHARS:
        return set()
    raw = secret.encode("utf-8", "surrogatepass")
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        quote(secret, safe="").lower(),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        *_repr_bodies(repr(secret + '"')[1:-2]),
        *_repr_bodies(repr(raw + b'"')[2:-2]),
        raw.decode("latin-1"),  # UTF-8 bytes read back as Latin-1 (WSGI headers)
    }
    forms.update(_base64_cores(raw))
    return {form for form in forms if len(form) >= MIN_SECRET_CHARS}


def _repr_bodies(quoted: str) -> set[str]:
    """A repr body with ``'`` escaped (as in ``'…'``) and unescaped (as in ``"…"``)."""
    return {quoted, quoted.replace("\\'", "'")}


def _base64_cores(raw: bytes) -> set[str]:
    """The base64 characters that depend on ``raw`` alone, at each of the 3 byte alignments.

    Whatever precedes the secret (``user:`` in Basic auth) and follows it, its base64 holds
    one of these three strings, standard or URL-safe.
    """
    cores = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode("ascii")
        first = -(-8 * offset // 6)
        last = 8 * (offset + len(raw)) // 6
        core = encoded[first:last]
        cores.update({core, core.replace("+", "-").replace("/", "_")})
    return cores


class SecretScrubber:
    """Replaces every spelling of its secrets, then credentials by place (module docstring)."""

    def __init__(self, secrets: Iterable[object] = ()) -> None:
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()
        self.add(secrets)

    def add(self, secrets: Iterable[object]) -> None:
        """Scrub these values too from now on (``None``, ``""`` and non-text are ignored)."""
        forms = set()
        for secret in secrets:
            if isinstance(secret, str) and secret:
                forms |= secret_forms(secret)
        with self._lock:
            if forms - self._forms:
                self._forms |= forms
                self._pattern = _alternation(frozenset(self._forms))

    def __bool__(self) -> bool:
        return bool(self._forms)

    def scrub_values(self, text: str, marker: str = REDACTED) -> str:
        """``text`` with every spelling of these secrets replaced (no redaction by place)."""
        pattern = self._pattern
        return text if pattern is None else pattern.sub(marker, text)

    def scrub(self, text: str, extra: Iterable[str] = (), marker: str = REDACTED) -> str:
        """``text`` without any secret: by value (these and ``extra``), then by place."""
        pattern = self._pattern
        extra_forms = set().union(*(secret_forms(s) for s in extra if s))
        if extra_forms - self._forms:
            pattern = _alternation(frozenset(self._forms | extra_forms))
        if pattern is not None:
            text = pattern.sub(marker, text)
        return scrub_by_place(text, marker)


def scrub_by_place(text: str, marker: str = REDACTED) -> str:
    """``text`` with credentials after auth schemes and ``Authorization`` and queries cut."""
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m[1]}{m[2]}{marker}", text)
    text = _AUTHORIZATION_VALUE.sub(lambda m: f"{m[1]}{marker}", text)
    return strip_queries(text, marker)


def strip_queries(text: str, marker: str = REDACTED) -> str:
    """Every ``?query`` inside free text (an exception message) replaced by ``?<redacted>``.

    A query runs to the first space, quote, bracket or parenthesis; a marker already put in
    it is part of it, so the cut never stops halfway.
    """
    return _query_pattern(marker).sub(f"?{marker}", text)


@functools.lru_cache(maxsize=8)
def _query_pattern(marker: str) -> re.Pattern[str]:
    return re.compile(r"\?(?:" + re.escape(marker) + r"|[^\s'\"()<>\[\]{}])+")


@functools.lru_cache(maxsize=64)
def _alternation(forms: frozenset[str]) -> re.Pattern[str] | None:
    if not forms:
        return None
    ordered = sorted(forms, key=len, reverse=True)  # the longest spelling wins at a position
    return re.compile("|".join(re.escape(form) for form in ordered))


#: The secrets of this process (a tap's secret settings), scrubbed from all it writes.
PROCESS_SECRETS = SecretScrubber()


def register_secrets(values: Iterable[object]) -> None:
    """Add values to :data:`PROCESS_SECRETS`."""
    PROCESS_SECRETS.add(values)


def redact(text: str, extra: Iterable[str] = (), marker: str = REDACTED) -> str:
    """``text`` scrubbed of the process's secrets, of ``extra`` and of credentials by place."""
    return PROCESS_SECRETS.scrub(text, extra, marker)
