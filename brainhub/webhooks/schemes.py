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
bitbucket ``X-Hub-Signature: sha256=<hex>``                HMAC-SHA256 of the raw body
gitlab    ``X-Gitlab-Token: <secret token>``               nothing: the shared token itself
confluence ``Authorization: JWT <token>``                  HS256 JWT (Atlassian Connect) whose
                                                           ``qsh`` claim hashes method, path
                                                           and query; ``iat``/``exp`` bound it
========  ===============================================  ==================================

GitLab's token and Atlassian Connect's JWT authenticate the sender but do not cover the
body (the vendors rely on TLS for that); every other scheme does. A Connect token lives
:data:`JWT_LIFETIME_S` seconds; one past its ``exp`` or issued more than the window away
from now is refused as stale or replayed.

This module is pure (no I/O, no clock of its own): the sandbox imports it to sign, the
receiver (:mod:`brainhub.webhooks.receiver`) to verify. :func:`verify` never raises on
hostile input; it returns ``None`` when the signature holds, else a one-line reason.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

#: Seconds a signed timestamp may be away from now (Slack's documented window).
TIMESTAMP_WINDOW_S = 300
#: Seconds an Atlassian Connect JWT is valid for (its ``exp`` minus its ``iat``).
JWT_LIFETIME_S = 180
#: The ``iss`` of the sandbox's Connect tokens (the host installation's client key).
JWT_ISSUER = "sandbox-confluence-client-key"
#: The kinds of scheme: an HMAC of the body, a shared token compared as it is, a JWT.
KINDS = ("hmac", "token", "jwt")


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
    #: ``hmac`` (a digest of the message), ``token`` (GitLab: the secret itself) or
    #: ``jwt`` (Atlassian Connect: an HS256 token over the request's method and URL).
    kind: str = "hmac"

    @property
    def signs_body(self) -> bool:
        """Whether an altered body breaks the signature (not so for a token or a JWT)."""
        return self.kind == "hmac"

    def message(self, body: bytes, timestamp: str | None = None, url: str = "") -> bytes:
        """The bytes the vendor's HMAC covers."""
        if self.timestamp_header is not None:
            return b"v0:" + (timestamp or "").encode() + b":" + body
        if self.signs_url:
            return body + url.encode()
        return body

    def sign(self, secret: str, body: bytes, timestamp: str | None = None, url: str = "") -> str:
        """The header value the vendor sends for ``body``."""
        if self.kind == "token":
            return self.prefix + secret
        if self.kind == "jwt":
            issued = int(timestamp or 0)
            claims = {
                "iss": JWT_ISSUER,
                "iat": issued,
                "exp": issued + JWT_LIFETIME_S,
                "qsh": query_string_hash("POST", url),
            }
            return self.prefix + jwt_hs256(secret, claims)
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
        Scheme("bitbucket", "X-Hub-Signature", prefix="sha256=", delivery_header="X-Request-UUID"),
        Scheme("gitlab", "X-Gitlab-Token", kind="token", delivery_header="X-Gitlab-Event-UUID"),
        Scheme("confluence", "Authorization", prefix="JWT ", kind="jwt"),
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
    stamp = str(int(timestamp or 0))
    if scheme.timestamp_header is not None:
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
    if scheme.kind == "token":
        if not hmac.compare_digest(secret.encode(), given.encode("utf-8", "replace")):
            return f"{scheme.header} does not match the configured secret token"
        return None
    if scheme.kind == "jwt":
        return _verify_jwt(scheme, secret, given[len(scheme.prefix) :], now, url, window_s)
    expected = scheme.sign(secret, body, timestamp, url)
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        return f"{scheme.header} does not match the body (wrong secret or altered body)"
    return None


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_hs256(secret: str, claims: dict[str, Any]) -> str:
    """A compact HS256 JSON Web Token of ``claims`` signed with ``secret``."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}".encode()
    mac = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(mac)}"


def query_string_hash(method: str, url: str) -> str:
    """Atlassian Connect's ``qsh``: the hex SHA-256 of ``METHOD&path&sorted query`` (the
    ``jwt`` query parameter left out)."""
    parts = urlsplit(url)
    pairs = sorted(
        (quote(key, safe="~"), quote(value, safe="~"))
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key != "jwt"
    )
    query = "&".join(f"{key}={value}" for key, value in pairs)
    canonical = f"{method.upper()}&{parts.path or '/'}&{query}"
    return hashlib.sha256(canonical.encode()).hexdigest()


def _verify_jwt(
    scheme: Scheme, secret: str, token: str, now: float, url: str, window_s: float
) -> str | None:
    """Why a Connect JWT does not hold (``None`` when it does); never raises."""
    pieces = token.split(".")
    if len(pieces) != 3:
        return f"{scheme.header} must carry a JWT of three dot-separated parts"
    try:
        header = json.loads(_unb64url(pieces[0]))
        claims = json.loads(_unb64url(pieces[1]))
        given_mac = _unb64url(pieces[2])
    except (ValueError, UnicodeDecodeError, RecursionError):
        return f"{scheme.header} JWT is not base64url-encoded JSON"
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        return f"{scheme.header} JWT must be signed with HS256"
    signing_input = f"{pieces[0]}.{pieces[1]}".encode("utf-8", "replace")
    expected = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, given_mac):
        return f"{scheme.header} JWT signature does not match (wrong secret or altered token)"
    if not isinstance(claims, dict):
        return f"{scheme.header} JWT claims must be a JSON object"
    issued, expires = claims.get("iat"), claims.get("exp")
    if type(issued) is not int or type(expires) is not int:
        return f"{scheme.header} JWT needs whole-second 'iat' and 'exp' claims"
    if now >= expires:
        return f"{scheme.header} JWT expired (stale or replayed request)"
    if abs(now - issued) > window_s:
        return (
            f"{scheme.header} JWT was issued more than {int(window_s)} s away from now "
            "(stale or replayed request)"
        )
    given_qsh = str(claims.get("qsh", "")).encode("utf-8", "replace")
    if not hmac.compare_digest(given_qsh, query_string_hash("POST", url).encode()):
        return f"{scheme.header} JWT 'qsh' does not match this request's method and URL"
    return None
