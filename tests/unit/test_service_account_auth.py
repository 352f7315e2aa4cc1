"""The ``service_account_jwt`` auth kind against a toy API whose token endpoint checks the JWT."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.connect.auth import build_authenticator
from brainhub.errors import ConfigError
from brainhub.sandbox import Emulator, serve
from brainhub.spec.blocks import decode_auth
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class

SCOPE = "https://www.googleapis.com/auth/calendar.readonly"


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _key_json(key: rsa.RSAPrivateKey) -> str:
    return json.dumps(
        {
            "type": "service_account",
            "client_email": "reader@toy.iam.example.com",
            "private_key_id": "k1",
            "private_key": _pem(key),
            "token_uri": "/oauth2/token",
        }
    )


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


class ToyTokenAPI(Emulator):
    """A token endpoint that verifies the assertion's signature and claims, and one item list."""

    service = "toyjwt"
    routes = (
        Rule("/oauth2/token", endpoint="token", methods=["POST"]),
        Rule("/items", endpoint="items", methods=["GET"]),
    )
    public_key: Any = None
    claims: list[dict[str, Any]]

    def load(self) -> None:
        self.claims = []

    def token(self, request: Request) -> Response | dict[str, Any]:
        form = request.form
        try:
            head, body, signature = form["assertion"].split(".")
            self.public_key.verify(
                _b64(signature), f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256()
            )
            claims = json.loads(_b64(body))
            good = (
                form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
                and json.loads(_b64(head))["alg"] == "RS256"
                and claims["aud"] == request.base_url
                and claims["exp"] - claims["iat"] == 3600
            )
        except (KeyError, ValueError, InvalidSignature):
            good = False
        if not good:
            answer = {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
            return self.json_response(answer, status=400)
        self.claims.append(claims)
        return {"access_token": f"ya29.toy-{len(self.claims)}", "expires_in": 3599}

    def items(self, request: Request) -> Response | dict[str, Any]:
        if request.headers.get("Authorization") != "Bearer ya29.toy-1":
            return self.json_response({"error": {"code": 401}}, status=401)
        return {"items": [{"id": "a"}, {"id": "b"}]}


def _spec(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "items.json").write_text('{"properties": {"id": {"type": "string"}}}')
    path = tmp_path / "spec.yaml"
    path.write_text(
        "name: toyjwt\nbase_url: http://localhost\n"
        "settings:\n  key: {type: string, secret: true}\n  user: {type: string}\n"
        f"auth: {{type: service_account_jwt, key: '{{config.key}}', scopes: [{SCOPE}], "
        "subject: '{config.user}'}\n"
        "streams:\n  items: {path: /items, records: '$.items[*]', primary_key: id}\n"
        "  again: {path: /items, records: '$.items[*]', primary_key: id, schema: schemas/items.json}\n"
    )
    return path


def test_a_signed_assertion_is_exchanged_once_and_the_token_kept(
    tmp_path: Path, capsys: Any, private_key: rsa.RSAPrivateKey, caplog: Any
) -> None:
    api = ToyTokenAPI(generation=0)
    api.public_key = private_key.public_key()
    key = _key_json(private_key)
    caplog.set_level(logging.DEBUG)
    with serve(api) as served:
        tap = tap_class(load_spec(_spec(tmp_path)))
        tap(
            config={"base_url": served.base_url, "key": key, "user": "ann@toy.example.com"}
        ).sync_all()
    out = capsys.readouterr()
    records = [json.loads(line) for line in out.out.splitlines()]
    assert sum(1 for m in records if m["type"] == "RECORD") == 4
    # one token for both streams: kept until it expires
    assert [e.path for e in api.request_log].count("/oauth2/token") == 1
    (claims,) = api.claims
    assert claims["iss"] == "reader@toy.iam.example.com"
    assert claims["scope"] == SCOPE
    assert claims["sub"] == "ann@toy.example.com"
    everything = out.out + out.err + caplog.text
    assert "PRIVATE KEY" not in everything
    assert "ya29.toy-1" not in everything


def test_a_refused_assertion_is_one_line_without_the_key(private_key: rsa.RSAPrivateKey) -> None:
    api = ToyTokenAPI(generation=0)
    api.public_key = rsa.generate_private_key(65537, 2048).public_key()  # not the signer's
    key = _key_json(private_key)
    block = decode_auth({"type": "service_account_jwt", "key": "{config.key}"})
    with serve(api) as served:
        authenticator = build_authenticator(block, {"key": key}, served.base_url)
        with pytest.raises(ConfigError) as caught:
            authenticator.update_access_token()
    message = str(caught.value)
    assert "(HTTP 400, invalid_grant)" in message
    assert "check the service-account key" in message
    assert "\n" not in message
    assert "PRIVATE" not in message


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("not json", "setting 'key': not a service-account key"),
        ('{"client_email": "a@b"}', "setting 'key': the service-account key has no private_key"),
        (
            '{"client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\\nxx"}',
            "private_key is not an unencrypted RSA private key in PEM",
        ),
    ],
)
def test_a_broken_key_names_the_setting_not_the_key(key: str, expected: str) -> None:
    block = decode_auth({"type": "service_account_jwt", "key": "{config.key}"})
    with pytest.raises(ConfigError) as caught:
        build_authenticator(block, {"key": key}, "https://x.example.com")
    assert str(caught.value).startswith("setting 'key': ")
    assert expected in str(caught.value)
    assert "xx" not in str(caught.value)
