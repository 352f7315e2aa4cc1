"""Authenticators from a spec's ``auth:`` block, on the Singer SDK's authenticator classes."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urljoin

from singer_sdk.authenticators import APIAuthenticatorBase, OAuthAuthenticator

from brainhub.spec.blocks import AuthBlock
from brainhub.spec.placeholders import render


class StaticAuthenticator(APIAuthenticatorBase):
    """Headers and query parameters that never change: bearer, API key(s), basic."""

    def __init__(self, headers: dict[str, str], params: dict[str, str]) -> None:
        super().__init__()
        self.auth_headers.update(headers)
        self.auth_params.update(params)


class SpecOAuthAuthenticator(OAuthAuthenticator):
    """OAuth 2 refresh-token or client-credentials grant, refreshed before expiry."""

    def __init__(self, grant: str, fields: dict[str, Any], token_url: str) -> None:
        super().__init__(
            auth_endpoint=token_url,
            oauth_scopes=" ".join(fields.get("scopes") or []) or None,
            client_id=fields["client_id"],
            client_secret=fields["client_secret"],
            default_expiration=3600,
        )
        self._grant = grant
        self._refresh = fields.get("refresh_token")

    @property
    def oauth_request_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
        }
        if self._grant == "oauth2_refresh_token":
            body.update(grant_type="refresh_token", refresh_token=self._refresh)
        else:
            body["grant_type"] = "client_credentials"
        if self._oauth_scopes:
            body["scope"] = self._oauth_scopes
        return body


def build_authenticator(auth: AuthBlock, config: dict[str, Any], base_url: str) -> Any:
    """The authenticator for a spec's auth block, with settings filled in."""
    kind = auth.kind
    fields = render(auth.placeholders(), {"config": config})
    if kind in {"oauth2_refresh_token", "oauth2_client_credentials"}:
        token_url = urljoin(base_url.rstrip("/") + "/", fields["token_url"])
        return SpecOAuthAuthenticator(kind, fields, token_url)
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    if kind == "bearer":
        headers["Authorization"] = f"Bearer {fields['token']}"
    elif kind == "basic":
        pair = f"{fields['username']}:{fields['password']}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    elif kind in {"api_key", "api_keys"}:
        for key in fields.get("keys") or [fields]:
            target = params if key.get("in") == "query" else headers
            target[key["name"]] = str(key["value"])
    return StaticAuthenticator(headers, params)
