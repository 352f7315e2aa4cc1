"""Auth kinds are registered classes in the core; validation and the reference list exactly them."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.connect.auth import AUTHENTICATORS, build_authenticator
from brainhub.errors import ConfigError, SpecError
from brainhub.spec.blocks import AUTH_KINDS, PAGINATOR_KINDS, decode_auth, kind_of
from brainhub.spec.loader import parse_spec
from brainhub.spec.reference import render_reference
from taps.runtime.paging import PAGINATORS

SPEC = """
name: kinds
base_url: https://api.example.com
settings:
  token: {{type: string, secret: true}}
auth: {auth}
streams:
  items: {{path: /items, paginator: {paginator}}}
"""


def _load(tmp_path: Path, auth: str = "none", paginator: str = "none") -> Any:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "items.json").write_text('{"properties": {"id": {}}}')
    return parse_spec(SPEC.format(auth=auth, paginator=paginator), tmp_path / "spec.yaml")


def test_every_auth_kind_of_the_model_has_one_registered_class() -> None:
    assert sorted(AUTHENTICATORS) == sorted(kind_of(k) for k in AUTH_KINDS)
    assert all(cls.kind == kind for kind, cls in AUTHENTICATORS.items())


def test_every_paginator_kind_of_the_model_has_one_registered_class() -> None:
    assert sorted(PAGINATORS) == sorted(kind_of(k) for k in PAGINATOR_KINDS)


def test_an_unknown_auth_kind_lists_the_registered_ones(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, auth="{type: token}")
    assert f"auth: unknown type 'token' (valid types: {', '.join(sorted(AUTHENTICATORS))})" in str(
        caught.value
    )


def test_an_unknown_paginator_kind_lists_the_registered_ones(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        _load(tmp_path, paginator="{type: pages}")
    valid = ", ".join(sorted(PAGINATORS))
    assert f"unknown type 'pages' (valid types: {valid})" in str(caught.value)


def test_the_reference_documents_every_registered_kind() -> None:
    page = render_reference()
    auth = page.split("## Authentication", 1)[1].split("\n## ", 1)[0]
    for kind in AUTHENTICATORS:
        assert f"`{kind}`" in auth, kind
    paging = page.split("## Paginators", 1)[1].split("\n## ", 1)[0]
    for kind in PAGINATORS:
        assert f"`{kind}`" in paging, kind


CONFIG = {"token": "s3cr3t", "user": "me"}


@pytest.mark.parametrize(
    ("block", "headers", "params"),
    [
        ("none", {}, {}),
        ({"type": "bearer", "token": "{config.token}"}, {"Authorization": "Bearer s3cr3t"}, {}),
        (
            {"type": "basic", "username": "{config.user}", "password": "{config.token}"},
            {"Authorization": "Basic " + base64.b64encode(b"me:s3cr3t").decode()},
            {},
        ),
        (
            {"type": "api_key", "name": "X-Key", "value": "key {config.token}"},
            {"X-Key": "key s3cr3t"},
            {},
        ),
        (
            {"type": "api_key", "name": "key", "value": "{config.token}", "in": "query"},
            {},
            {"key": "s3cr3t"},
        ),
        (
            {
                "type": "api_keys",
                "keys": [
                    {"name": "key", "value": "{config.user}", "in": "query"},
                    {"name": "X-Token", "value": "{config.token}"},
                ],
            },
            {"X-Token": "s3cr3t"},
            {"key": "me"},
        ),
    ],
    ids=["none", "bearer", "basic", "api_key header", "api_key query", "api_keys"],
)
def test_static_kinds_fill_settings_into_headers_and_params(
    block: Any, headers: dict[str, str], params: dict[str, str]
) -> None:
    authenticator = build_authenticator(decode_auth(block), CONFIG, "https://api.example.com")
    assert type(authenticator) is AUTHENTICATORS[decode_auth(block).kind]
    assert dict(authenticator.auth_headers) == headers
    assert dict(authenticator.auth_params) == params


@pytest.mark.parametrize(
    ("kind", "grant"),
    [
        ("oauth2_refresh_token", {"grant_type": "refresh_token", "refresh_token": "rt"}),
        ("oauth2_client_credentials", {"grant_type": "client_credentials"}),
    ],
)
def test_oauth_kinds_send_their_grant_to_the_joined_token_url(
    kind: str, grant: dict[str, str]
) -> None:
    block = {
        "type": kind,
        "token_url": "oauth/token",
        "client_id": "cid",
        "client_secret": "{config.token}",
        "scopes": ["read", "write"],
    }
    if kind == "oauth2_refresh_token":
        block["refresh_token"] = "rt"
    authenticator = build_authenticator(decode_auth(block), CONFIG, "https://x.example.com/v1")
    assert authenticator.auth_endpoint == "https://x.example.com/v1/oauth/token"
    assert authenticator.oauth_request_body == {
        "client_id": "cid",
        "client_secret": "s3cr3t",
        "scope": "read write",
        **grant,
    }


def _answering(status: int, body: bytes) -> Any:
    def post(*args: Any, **kwargs: Any) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = body
        return response

    return post


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, b"<html>maintenance</html>", "holds no access_token; expected a JSON object"),
        (200, b'{"token": "x"}', "holds no access_token; expected a JSON object"),
        (400, b'{"error": "invalid_grant"}', "(HTTP 400, invalid_grant): the refresh token was"),
        (401, b"denied", "(HTTP 401); check the client_id and client_secret settings"),
    ],
)
def test_a_token_answer_that_is_refused_or_unreadable_is_one_line_without_secrets(
    status: int, body: bytes, expected: str
) -> None:
    block = {
        "type": "oauth2_refresh_token",
        "token_url": "/token",
        "client_id": "cid",
        "client_secret": "{config.token}",
        "refresh_token": "rt-secret-value",
    }
    authenticator = build_authenticator(decode_auth(block), CONFIG, "https://x.example.com")
    authenticator._session.post = _answering(status, body)
    with pytest.raises(ConfigError) as caught:
        authenticator.update_access_token()
    message = str(caught.value)
    assert message.startswith("https://x.example.com/token: ")
    assert expected in message
    assert "\n" not in message
    assert "rt-secret-value" not in message
    assert "s3cr3t" not in message
