"""Service-account keys and the signed JWT assertion they are exchanged with (RFC 7523).

A key is the JSON a vendor hands out for a service account (Google's: ``client_email``,
``private_key`` in PEM, ``token_uri``). :func:`read_key` checks it and names what is wrong
without ever showing the key; :func:`signed_assertion` makes the RS256 JWT the token
endpoint exchanges for an access token::

    key = read_key(config["service_account_key"], "service_account_key")
    assertion = signed_assertion(key, audience=token_url, scopes=["…/calendar.readonly"])
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from brainhub.errors import ConfigError

#: The grant type a JWT assertion is sent with.
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: Seconds an assertion is valid for (Google accepts at most an hour).
ASSERTION_LIFETIME_S = 3600


@dataclass(frozen=True)
class ServiceAccountKey:
    """The parts of a service-account key an assertion needs."""

    client_email: str
    private_key: rsa.RSAPrivateKey
    token_uri: str | None = None
    private_key_id: str | None = None


def read_key(text: str, setting: str) -> ServiceAccountKey:
    """The key in ``text`` (the key file's JSON); a ConfigError names the setting and the gap.

    The message never holds any part of the key.
    """
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ConfigError(
            f"setting {setting!r}: not a service-account key; expected the key file's JSON "
            "object with client_email and private_key"
        )
    missing = [k for k in ("client_email", "private_key") if not isinstance(data.get(k), str)]
    if missing:
        raise ConfigError(
            f"setting {setting!r}: the service-account key has no {' or '.join(missing)}; "
            "expected the key file's JSON object with client_email and private_key"
        )
    try:
        private = serialization.load_pem_private_key(data["private_key"].encode(), password=None)
    except (ValueError, TypeError):
        private = None
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ConfigError(
            f"setting {setting!r}: the service-account key's private_key is not an unencrypted "
            "RSA private key in PEM (-----BEGIN PRIVATE KEY-----)"
        )
    token_uri = data.get("token_uri")
    key_id = data.get("private_key_id")
    return ServiceAccountKey(
        client_email=data["client_email"],
        private_key=private,
        token_uri=token_uri if isinstance(token_uri, str) and token_uri else None,
        private_key_id=key_id if isinstance(key_id, str) and key_id else None,
    )


def _segment(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def signed_assertion(
    key: ServiceAccountKey,
    *,
    audience: str,
    scopes: tuple[str, ...] | list[str] = (),
    subject: str | None = None,
    now: float | None = None,
) -> str:
    """An RS256-signed JWT: ``iss`` the account, ``aud`` the token URL, an hour's validity."""
    issued = int(time.time() if now is None else now)
    header: dict[str, Any] = {"alg": "RS256", "typ": "JWT"}
    if key.private_key_id:
        header["kid"] = key.private_key_id
    claims: dict[str, Any] = {
        "iss": key.client_email,
        "aud": audience,
        "iat": issued,
        "exp": issued + ASSERTION_LIFETIME_S,
    }
    if scopes:
        claims["scope"] = " ".join(scopes)
    if subject:
        claims["sub"] = subject
    signing_input = f"{_segment(header)}.{_segment(claims)}"
    signature = key.private_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
