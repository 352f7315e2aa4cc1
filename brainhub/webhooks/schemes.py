"""How each vendor signs a webhook delivery: signing (the sandbox emulators) and checking
(the receiver) with one table, so the two can never disagree.

========  ===============================================  ==================================
service   signature header                                 what is signed (key: the secret)
========  ===============================================  ==================================
clickup   ``X-Signature: <hex>``                           HMAC-SHA256 of the raw body
github    ``X-Hub-Signature-256: sha256=<hex>``            HMAC-SHA256 of the raw body
jira      ``X-Hub-Signature: sha256=<hex>``                HMAC-SHA256 of the raw body
slack     ``X-Slack-Signature: v0=<hex>``                  HMAC-SHA256 of
                                                           ``v0:{X-Slack-Request-Timestamp}:{body}``
asana     ``X-Hook-Signature: <hex>``                      HMAC-SHA256 of the raw body
trello    ``X-Trello-Webhook: <base64>``                   HMAC-SHA1 of body + callback URL
notion    ``X-Notion-Signature: sha256=<hex>``             HMAC-SHA256 of the raw body
========  ===============================================  ==================================

This module is pure (no I/O, no clock of its own): the sandbox imports it to sign, the
receiver (:mod:`brainhub.webhooks.receiver`) to verify. :func:`verify` never raises on
hostile input; it returns ``None`` when the signature holds, else a one-line reason.
"""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass
from typing import Any

#: Seconds a signed timestamp may be away from now (Slack's documented window).
TIMESTAMP_WINDOW_S = 300


@dataclass(frozen=True)
class Scheme:
    """One vendor's signature: the header, its prefix, the digest and its encoding."""

    service: str
    header: str
    prefix: str = ""
    digest: str = "sha256"
    encoding: str = "hex"
    #: The header holding the signed timestamp (Slack), if the vendor sends one.
    timestamp_header: str | None = None
    #: The header naming the delivery, if the vendor sends one.
    delivery_header: str | None = None
    #: Whether the callback URL is signed after the body (Trello).
    signs_url: bool = False

    def message(self, body: bytes, timestamp: str | None = None, url: str = "") -> bytes:
        """The bytes the vendor's HMAC covers."""
        if self.timestamp_header is not None:
            return b"v0:" + (timestamp or "").encode() + b":" + body
        if self.signs_url:
            return body + url.encode()
        return body

    def sign(self, secret: str, body: bytes, timestamp: str | None = None, url: str = "") -> str:
        """The header value the vendor sends for ``body``."""
        mac = hmac.new(secret.encode(), self.message(body, timestamp, url), self.digest)
        value = (
            base64.b64encode(mac.digest()).decode()
            if self.encoding == "base64"
            else mac.hexdigest()
        )
        return self.prefix + value


SCHEMES: dict[str, Scheme] = {
    scheme.service: scheme
    for scheme in (
        Scheme("clickup", "X-Signature"),
        Scheme(
            "github", "X-Hub-Signature-256", prefix="sha256=", delivery_header="X-GitHub-Delivery"
        ),
        Scheme(
            "jira",
            "X-Hub-Signature",
            prefix="sha256=",
            delivery_header="X-Atlassian-Webhook-Identifier",
        ),
        Scheme(
            "slack", "X-Slack-Signature", prefix="v0=", timestamp_header="X-Slack-Request-Timestamp"
        ),
        Scheme("asana", "X-Hook-Signature"),
        Scheme("trello", "X-Trello-Webhook", digest="sha1", encoding="base64", signs_url=True),
        Scheme("notion", "X-Notion-Signature", prefix="sha256="),
    )
}


def scheme_of(service: str) -> Scheme:
    """The scheme of ``service``; the error lists the services that sign webhooks."""
    try:
        return SCHEMES[service]
    except KeyError:
        raise ValueError(
            f"no webhook signature scheme for {service!r}; valid services are "
            f"{', '.join(sorted(SCHEMES))}"
        ) from None


def signed_headers(
    service: str, secret: str, body: bytes, *, timestamp: int | None = None, url: str = ""
) -> dict[str, str]:
    """The signature headers a vendor sends with ``body`` (and the timestamp header)."""
    scheme = scheme_of(service)
    headers = {}
    stamp = None
    if scheme.timestamp_header is not None:
        stamp = str(int(timestamp or 0))
        headers[scheme.timestamp_header] = stamp
    headers[scheme.header] = scheme.sign(secret, body, stamp, url)
    return headers


def verify(
    service: str,
    secret: str,
    body: bytes,
    headers: Any,
    *,
    now: float,
    url: str = "",
    window_s: float = TIMESTAMP_WINDOW_S,
) -> str | None:
    """``None`` when ``headers`` carry the vendor's valid signature of ``body`` (and, where
    the vendor signs a timestamp, it is within ``window_s`` of ``now``); else why not.

    ``headers`` is anything with ``get(name)``: a dict, or werkzeug's case-insensitive
    ``Headers`` as a request carries them."""
    scheme = scheme_of(service)
    given = headers.get(scheme.header)
    if not given:
        return f"missing {scheme.header} header"
    if scheme.prefix and not given.startswith(scheme.prefix):
        return f"{scheme.header} must start with {scheme.prefix!r}"
    timestamp = None
    if scheme.timestamp_header is not None:
        timestamp = headers.get(scheme.timestamp_header) or ""
        if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
            return f"{scheme.timestamp_header} must be whole seconds since the epoch"
        if abs(now - int(timestamp)) > window_s:
            return (
                f"{scheme.timestamp_header} is more than {int(window_s)} s away from now "
                "(stale or replayed request)"
            )
    expected = scheme.sign(secret, body, timestamp, url)
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        return f"{scheme.header} does not match the body (wrong secret or altered body)"
    return None
