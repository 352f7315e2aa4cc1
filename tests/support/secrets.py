"""Hostile secret values and every spelling of one that must never reach an output."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

#: Credentials built to slip through naive redaction: URL, JSON, repr and HTML specials,
#: non-Latin-1 text, and one too short to be replaced inside other text.
HOSTILE_SECRETS = {
    "specials": "Tok+en/=&%<x>\"q'\\ sp=ace+9",
    "unicode": "ключ-秘密-tökën-🔑-42",
    "short": "k9+",
}
#: Control characters: refused at start, never echoed.
CONTROL_SECRETS = {
    "crlf": "abc123\r\nX-Injected: yes",
    "lf": "tok_line\nbreak",
    "nul": "tok\x00nul-value",
}
#: Below this, a secret is looked for only where it stands whole (see brainhub.redaction).
SHORT = 6


def spellings(secret: str, basic_user: str | None = None) -> dict[str, str]:
    """How ``secret`` could be written in text, by name of the encoding.

    For a short secret only the spellings in which it stands whole, in its place, are
    given (after an auth scheme, as a query value, as a JSON string); ``basic_user`` adds
    the Basic auth credential ``base64(user:secret)``.
    """
    raw = secret.encode()
    whole = {
        "bearer": f"Bearer {secret}",
        "query": f"={quote_plus(secret)}&",
        "query_end": f"={quote(secret, safe='')}",
        "json_string": json.dumps(secret),
    }
    if basic_user is not None:
        whole["basic"] = base64.b64encode(f"{basic_user}:{secret}".encode()).decode()
    if len(secret) < SHORT:
        return whole
    return {
        **whole,
        "raw": secret,
        "quote": quote(secret, safe=""),
        "quote_slash": quote(secret),
        "quote_plus": quote_plus(secret),
        "json": json.dumps(secret)[1:-1],
        "json_unicode": json.dumps(secret, ensure_ascii=False)[1:-1],
        "repr": repr(secret)[1:-1],
        "repr_bytes": repr(raw)[2:-1],
        "base64": base64.b64encode(raw).decode(),
        "base64_url": base64.urlsafe_b64encode(raw).decode(),
    }


def leaks(secret: str, text: str, basic_user: str | None = None) -> list[str]:
    """The names of the spellings of ``secret`` found in ``text``."""
    return [name for name, form in spellings(secret, basic_user).items() if form in text]
