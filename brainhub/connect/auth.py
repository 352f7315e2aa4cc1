"""Authenticators for the spec's ``auth:`` kinds, on the Singer SDK's authenticator classes.

One class per kind, registered under its ``type:`` name in :data:`AUTHENTICATORS` (a test
keeps the registry, the typed model's kinds and the format's JSON Schema equal, so validation
and the reference page list exactly the kinds registered here). Each class is built from its
typed block with the settings filled in, and the base URL that relative token URLs join.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from urllib.parse import urljoin

import requests
from singer_sdk.authenticators import APIAuthenticatorBase, OAuthAuthenticator

from brainhub.connect.refresh_tokens import keep_rotated, newest_refresh_token
from brainhub.connect.service_account import JWT_BEARER_GRANT, read_key, signed_assertion
from brainhub.errors import AuthError, ConfigError
from brainhub.redaction import register_secrets
from brainhub.spec.blocks import (
    ApiKey,
    ApiKeyAuth,
    ApiKeysAuth,
    AuthBlock,
    BasicAuth,
    BearerAuth,
    OAuth2ClientCredentialsAuth,
    OAuth2RefreshTokenAuth,
    ServiceAccountJwtAuth,
)
from brainhub.spec.placeholders import placeholders_in, render

#: ``type:`` name → the authenticator class of that kind.
AUTHENTICATORS: dict[str, type[SpecAuthenticator]] = {}

_Kind = TypeVar("_Kind", bound="type[SpecAuthenticator]")


def register_auth(kind: str) -> Callable[[_Kind], _Kind]:
    """Register the decorated class as the authenticator of the ``type: <kind>`` block."""

    def register(cls: _Kind) -> _Kind:
        cls.kind = kind
        AUTHENTICATORS[kind] = cls
        return cls

    return register


class SpecAuthenticator(APIAuthenticatorBase):
    """The authenticator of one ``auth:`` kind."""

    kind: ClassVar[str]

    @classmethod
    def from_block(cls, block: Any, config: dict[str, Any], base_url: str) -> APIAuthenticatorBase:
        """The authenticator for ``block`` (of this kind) with ``{config.x}`` filled in."""
        raise NotImplementedError


class StaticAuthenticator(SpecAuthenticator):
    """Headers and query parameters that never change."""

    def __init__(self, headers: dict[str, str], params: dict[str, str]) -> None:
        super().__init__()
        self.auth_headers.update(headers)
        self.auth_params.update(params)


def _filled(value: str, config: dict[str, Any]) -> str:
    return str(render(value, {"config": config}))


@register_auth("none")
class NoAuthenticator(StaticAuthenticator):
    """Nothing added to requests."""

    @classmethod
    def from_block(cls, block: Any, config: dict[str, Any], base_url: str) -> NoAuthenticator:
        return cls({}, {})


@register_auth("bearer")
class BearerAuthenticator(StaticAuthenticator):
    """``Authorization: Bearer <token>``."""

    @classmethod
    def from_block(
        cls, block: BearerAuth, config: dict[str, Any], base_url: str
    ) -> BearerAuthenticator:
        return cls({"Authorization": f"Bearer {_filled(block.token, config)}"}, {})


@register_auth("basic")
class BasicAuthenticator(StaticAuthenticator):
    """HTTP basic auth."""

    @classmethod
    def from_block(
        cls, block: BasicAuth, config: dict[str, Any], base_url: str
    ) -> BasicAuthenticator:
        pair = f"{_filled(block.username, config)}:{_filled(block.password, config)}".encode()
        return cls({"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}, {})


def _keys(
    keys: Iterable[ApiKey | ApiKeyAuth], config: dict[str, Any]
) -> tuple[dict[str, str], dict[str, str]]:
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    for key in keys:
        target = params if key.in_ == "query" else headers
        target[key.name] = _filled(key.value, config)
    return headers, params


@register_auth("api_key")
class ApiKeyAuthenticator(StaticAuthenticator):
    """One key in a header or the query string."""

    @classmethod
    def from_block(
        cls, block: ApiKeyAuth, config: dict[str, Any], base_url: str
    ) -> ApiKeyAuthenticator:
        return cls(*_keys([block], config))


@register_auth("api_keys")
class ApiKeysAuthenticator(StaticAuthenticator):
    """Several keys at once, each in a header or the query string."""

    @classmethod
    def from_block(
        cls, block: ApiKeysAuth, config: dict[str, Any], base_url: str
    ) -> ApiKeysAuthenticator:
        return cls(*_keys(block.keys, config))


class _OAuth2Authenticator(OAuthAuthenticator, SpecAuthenticator):
    """OAuth 2: the grant's body is exchanged for an access token, refreshed before expiry."""

    def __init__(
        self,
        block: OAuth2RefreshTokenAuth | OAuth2ClientCredentialsAuth,
        config: dict[str, Any],
        base_url: str,
    ) -> None:
        super().__init__(
            auth_endpoint=urljoin(base_url.rstrip("/") + "/", _filled(block.token_url, config)),
            oauth_scopes=" ".join(block.scopes) or None,
            client_id=_filled(block.client_id, config),
            client_secret=_filled(block.client_secret, config),
            default_expiration=3600,
        )
        #: The refresh token as configured, and the one to send (its newest successor).
        self._configured_refresh = (
            _filled(block.refresh_token, config) if block.refresh_token else None
        )
        self._refresh = (
            newest_refresh_token(self._client_id or "", self._configured_refresh)
            if self._configured_refresh
            else None
        )

    @classmethod
    def from_block(cls, block: Any, config: dict[str, Any], base_url: str) -> _OAuth2Authenticator:
        return cls(block, config, base_url)

    def grant(self) -> dict[str, Any]:
        """The grant-specific fields of the token request."""
        raise NotImplementedError

    def expire(self) -> None:
        """Forget the access token, so the next request gets a new one (after a 401: the
        service stopped accepting it before it expired)."""
        self.last_refreshed = None

    @property
    def oauth_request_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            **self.grant(),
        }
        if self._oauth_scopes:
            body["scope"] = self._oauth_scopes
        return body

    def update_access_token(self) -> None:
        """Exchange the grant for an access token; keep a rotated refresh token at once.

        A refusal is one line naming the endpoint, the status and the OAuth error code
        (``invalid_grant``: the refresh token was already used or revoked), never a token.
        """
        requested_at = datetime.now(UTC)
        response = self._session.post(
            self.auth_endpoint,
            headers=self._oauth_headers,
            data=self.oauth_request_payload,
            timeout=60,
        )
        answer = _token_answer(
            self.auth_endpoint,
            response,
            self.kind,
            "access_token, expires_in and, for services that rotate it, refresh_token",
        )
        register_secrets([answer.get("access_token"), answer.get("refresh_token")])
        rotated = answer.get("refresh_token")
        if isinstance(rotated, str) and rotated and self._refresh and rotated != self._refresh:
            where = keep_rotated(
                self._client_id or "",
                self._configured_refresh or self._refresh,
                self._refresh,
                rotated,
                self.auth_endpoint,
            )
            self.logger.info("The refresh token was rotated by the service; kept in %s", where)
            self._refresh = rotated
        self.access_token = answer["access_token"]
        expiration = answer.get("expires_in", self._default_expiration)
        self.expires_in = int(expiration) if expiration else None
        self.last_refreshed = requested_at


@register_auth("oauth2_refresh_token")
class OAuth2RefreshTokenAuthenticator(_OAuth2Authenticator):
    """OAuth 2 refresh-token grant."""

    def grant(self) -> dict[str, Any]:
        return {"grant_type": "refresh_token", "refresh_token": self._refresh}


@register_auth("oauth2_client_credentials")
class OAuth2ClientCredentialsAuthenticator(_OAuth2Authenticator):
    """OAuth 2 client-credentials grant."""

    def grant(self) -> dict[str, Any]:
        return {"grant_type": "client_credentials"}


@register_auth("service_account_jwt")
class ServiceAccountJwtAuthenticator(OAuthAuthenticator, SpecAuthenticator):
    """A signed JWT assertion of a service account, exchanged for an access token.

    The token is kept until it expires (the SDK asks for a new one after ``expires_in``);
    the key, the assertion and the token are registered as secrets, so no log line shows them.
    """

    def __init__(self, block: ServiceAccountJwtAuth, config: dict[str, Any], base_url: str) -> None:
        named = [name for scope, name in placeholders_in(block.key) if scope == "config"]
        setting = (named[0] or "key") if named else "key"
        raw_key = _filled(block.key, config)
        register_secrets([raw_key])
        key = read_key(raw_key, setting)
        token_url = _filled(block.token_url, config) if block.token_url else key.token_uri
        if not token_url:
            raise ConfigError(
                f"setting {setting!r}: the service-account key has no token_uri and the spec's "
                "auth block no token_url; add the token endpoint to either"
            )
        super().__init__(
            auth_endpoint=urljoin(base_url.rstrip("/") + "/", token_url),
            oauth_scopes=" ".join(block.scopes) or None,
            default_expiration=3600,
        )
        self._key = key
        self._scopes = block.scopes
        subject = render(block.subject, {"config": config}) if block.subject else None
        self._subject = str(subject) if subject else None

    @classmethod
    def from_block(
        cls, block: Any, config: dict[str, Any], base_url: str
    ) -> ServiceAccountJwtAuthenticator:
        return cls(block, config, base_url)

    @property
    def oauth_request_body(self) -> dict[str, Any]:
        assertion = signed_assertion(
            self._key, audience=self.auth_endpoint, scopes=self._scopes, subject=self._subject
        )
        register_secrets([assertion])
        return {"grant_type": JWT_BEARER_GRANT, "assertion": assertion}

    def update_access_token(self) -> None:
        """Exchange a fresh assertion for an access token; a refusal is one secret-free line."""
        requested_at = datetime.now(UTC)
        response = self._session.post(self.auth_endpoint, data=self.oauth_request_body, timeout=60)
        answer = _token_answer(
            self.auth_endpoint, response, self.kind, "access_token and expires_in"
        )
        register_secrets([answer["access_token"]])
        self.access_token = answer["access_token"]
        expiration = answer.get("expires_in", self._default_expiration)
        self.expires_in = int(expiration) if expiration else None
        self.last_refreshed = requested_at


def renewing_token(send: Callable[[], requests.Response], authenticator: Any) -> requests.Response:
    """``send()``; when the service refuses an OAuth access token before it expires (401:
    a key rollover, a revoked grant), forget the token and send once more with a new one.
    A second refusal, or one under another kind of auth, stands."""
    try:
        return send()
    except AuthError:
        expire = getattr(authenticator, "expire", None)
        if expire is None:
            raise
        expire()
        return send()


def build_authenticator(
    auth: AuthBlock, config: dict[str, Any], base_url: str
) -> APIAuthenticatorBase:
    """The registered authenticator of ``auth``'s kind, with settings filled in."""
    return AUTHENTICATORS[auth.kind].from_block(auth, config, base_url)


def _token_answer(
    endpoint: str, response: requests.Response, kind: str, expected: str
) -> dict[str, Any]:
    """The token endpoint's JSON answer holding an ``access_token``; a refusal or any other
    answer is one :class:`ConfigError` line naming the endpoint (never a token)."""
    if response.status_code >= 400:
        raise ConfigError(_refusal(endpoint, response, kind))
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict) or not isinstance(answer.get("access_token"), str):
        raise ConfigError(
            f"{endpoint}: the token answer (HTTP {response.status_code}) holds no "
            f"access_token; expected a JSON object with {expected}"
        )
    return answer


def _refusal(endpoint: str, response: requests.Response, kind: str) -> str:
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    code = str(answer.get("error") or "") if isinstance(answer, dict) else ""
    message = f"{endpoint}: the token request was refused (HTTP {response.status_code}"
    message += f", {code})" if code else ")"
    if code == "invalid_grant" and kind == "oauth2_refresh_token":
        return (
            f"{message}: the refresh token was already used or revoked; authorize again and "
            "store the new refresh token (brainhub secrets set NAME)"
        )
    if kind == "service_account_jwt":
        return (
            f"{message}; check the service-account key (is it still active?), its scopes and, "
            "for domain-wide delegation, the subject user"
        )
    return f"{message}; check the client_id and client_secret settings"
