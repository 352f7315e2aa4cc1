"""An OAuth 2 token endpoint that rotates refresh tokens, for the vendors that do.

Atlassian, Asana and Notion answer a refresh-token grant with a new access token *and a new
refresh token*; the old refresh token stops working at once. A vendor emulator declares
where its token endpoint is and how its answers look::

    class AsanaEmulator(KitEmulator):
        oauth = OAuthProfile(
            endpoint="/-/oauth_token",
            error_status=400,
            vendor_fields=lambda emulator: {"data": {...}},
        )

and the kit serves ``POST <endpoint>`` (outside the API prefix, as the vendors do) through
:class:`TokenIssuer`:

- the body is a form (``application/x-www-form-urlencoded``) or JSON, as the vendors accept;
  the client id and secret come in the body or as HTTP basic auth (Notion's way);
- ``grant_type=refresh_token`` with the live refresh token → ``200`` with ``access_token``,
  ``refresh_token`` (a new one), ``expires_in``, ``token_type`` and the vendor's extras; the
  refresh token given is spent;
- a spent, unknown or missing refresh token → the vendor's ``invalid_grant`` error body;
  wrong client credentials → ``invalid_client``;
- for a vendor whose profile accepts it (``client_credentials=True``, Microsoft's identity
  platform), ``grant_type=client_credentials`` with the sandbox client id, the dataset's
  app secret (:meth:`TokenIssuer.app_client_secret`) and the profile's ``scope`` → ``200``
  with an access token and no refresh token (``invalid_scope`` for another scope).

The first refresh token of a dataset is :meth:`TokenIssuer.initial_refresh_token` (a
function of the service and the seed, so tests and ``sandbox://`` credentials know it); it is
live until the first refresh spends it. Access tokens live ``access_ttl_s`` seconds (the
emulator's ``oauth_ttl_s`` option; short in tests), measured on the emulator's clock.

When the emulator follows the stored state, the issuer keeps its tokens in
``<state dir>/<service>.oauth.json`` (SHA-256 of each token, never a token itself) so that
the next emulator process — the next run — knows which refresh token is live; with a pinned
generation they stay in memory.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from brainhub.private_files import locked, write_atomically

#: Seconds an access token lives unless the emulator is told otherwise.
DEFAULT_ACCESS_TTL_S = 3600
#: The sandbox client every OAuth emulator accepts (setting name → value).
CLIENT_ID = "sandbox-client"
CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 (the sandbox's published fake)


@dataclass(frozen=True)
class OAuthProfile:
    """Where a vendor's token endpoint is and how its answers look."""

    #: The path of ``POST`` token requests (outside the API prefix).
    endpoint: str
    #: The status of an ``invalid_grant`` / ``invalid_client`` answer.
    error_status: int = 400
    #: ``token_type`` as the vendor spells it.
    type_spelling: str = "bearer"
    #: Whether the answer carries ``expires_in`` (Notion's tokens do not say).
    states_expiry: bool = True
    #: Prefix of issued tokens, so they look like the vendor's.
    prefix: str = ""
    #: Vendor fields added to every successful answer (given the emulator).
    vendor_fields: Callable[[Any], Mapping[str, Any]] = field(default=lambda emulator: {})
    #: The vendor's words for a refused refresh token.
    invalid_grant_description: str = "The refresh token is invalid, expired or already used."
    #: Whether the client-credentials grant (app-only tokens) is accepted, and the scope
    #: it must ask for (``None``: any).
    client_credentials: bool = False
    scope: str | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenIssuer:
    """The tokens one emulator issued: the live refresh token, the live access tokens."""

    def __init__(
        self,
        service: str,
        seed: int,
        profile: OAuthProfile,
        clock: Callable[[], float],
        access_ttl_s: float,
        state_file: Path | None,
    ) -> None:
        self.service = service
        self.seed = seed
        self.profile = profile
        self.clock = clock
        self.access_ttl_s = access_ttl_s
        self.state_file = state_file
        self._lock = threading.Lock()
        self._memory: dict[str, Any] = self._fresh_state()

    def initial_refresh_token(self) -> str:
        """The refresh token a fresh dataset accepts first (known from service and seed)."""
        digest = hashlib.sha256(f"{self.service}-oauth-{self.seed}".encode()).hexdigest()[:32]
        return f"{self.profile.prefix}rt-{digest}"

    def app_client_secret(self) -> str:
        """The client secret the client-credentials grant takes (a credential of the
        dataset, like an app registration's secret; known from service and seed)."""
        digest = hashlib.sha256(f"{self.service}-app-secret-{self.seed}".encode()).hexdigest()
        return f"sandbox~{digest[:32]}"

    def _fresh_state(self) -> dict[str, Any]:
        return {"refresh": _digest(self.initial_refresh_token()), "spent": [], "access": {}}

    # -------------------------------------------------------------------- state

    def _read(self) -> dict[str, Any]:
        if self.state_file is None:
            return self._memory
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return self._fresh_state()
        except (OSError, ValueError):
            return self._fresh_state()  # a damaged file starts the dataset's tokens over
        return state if isinstance(state, dict) else self._fresh_state()

    def _write(self, state: dict[str, Any]) -> None:
        now = self.clock()
        state["access"] = {k: v for k, v in state["access"].items() if v > now}
        if self.state_file is None:
            self._memory = state
            return
        write_atomically(self.state_file, json.dumps(state, sort_keys=True).encode("utf-8"))

    def _locked(self) -> Any:
        if self.state_file is None:
            return self._lock
        return locked(self.state_file.with_name(f".{self.state_file.name}.lock"))

    # -------------------------------------------------------------------- checks

    def access_token_live(self, token: str) -> bool:
        """Whether ``token`` is an access token this issuer gave and that has not expired."""
        with self._locked():
            expires = self._read()["access"].get(_digest(token))
        return expires is not None and self.clock() < float(expires)

    # -------------------------------------------------------------------- endpoint

    def respond(self, request: Request, emulator: Any) -> Response:
        """Answer one ``POST`` to the token endpoint."""
        fields = _request_fields(request)
        client_id, client_secret = _client(request, fields)
        grant = fields.get("grant_type")
        if grant == "client_credentials" and self.profile.client_credentials:
            if client_id != CLIENT_ID or client_secret != self.app_client_secret():
                return self._error("invalid_client", "Client authentication failed.")
            return self._app_token(fields, emulator)
        if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
            return self._error("invalid_client", "Client authentication failed.")
        if grant != "refresh_token":
            return self._error(
                "unsupported_grant_type", "Only the refresh_token grant is supported here."
            )
        presented = str(fields.get("refresh_token") or "")
        with self._locked():
            state = self._read()
            if not presented or _digest(presented) != state["refresh"]:
                return self._error("invalid_grant", self.profile.invalid_grant_description)
            access = f"{self.profile.prefix}at-{secrets.token_urlsafe(24)}"
            refresh = f"{self.profile.prefix}rt-{secrets.token_urlsafe(24)}"
            state["spent"] = [*state["spent"], state["refresh"]][-50:]
            state["refresh"] = _digest(refresh)
            state["access"][_digest(access)] = self.clock() + self.access_ttl_s
            self._write(state)
        body: dict[str, Any] = {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": self.profile.type_spelling,
        }
        if self.profile.states_expiry:
            body["expires_in"] = int(self.access_ttl_s)
        body.update(self.profile.vendor_fields(emulator))
        return _json(body, 200)

    def _app_token(self, fields: Mapping[str, Any], emulator: Any) -> Response:
        """An app-only access token for the client-credentials grant (no refresh token)."""
        wanted = self.profile.scope
        if wanted is not None and str(fields.get("scope") or "") != wanted:
            return self._error("invalid_scope", f"The scope must be {wanted}.")
        access = f"{self.profile.prefix}at-{secrets.token_urlsafe(24)}"
        with self._locked():
            state = self._read()
            state["access"][_digest(access)] = self.clock() + self.access_ttl_s
            self._write(state)
        body: dict[str, Any] = {"access_token": access, "token_type": self.profile.type_spelling}
        if self.profile.states_expiry:
            body["expires_in"] = int(self.access_ttl_s)
        body.update(self.profile.vendor_fields(emulator))
        return _json(body, 200)

    def _error(self, code: str, description: str) -> Response:
        return _json({"error": code, "error_description": description}, self.profile.error_status)


def _json(body: Mapping[str, Any], status: int) -> Response:
    return Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _request_fields(request: Request) -> dict[str, Any]:
    if (request.mimetype or "") == "application/json":
        try:
            parsed = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return dict(request.form.items())


def _client(request: Request, fields: Mapping[str, Any]) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            pair = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, client_secret = pair.partition(":")
        return client_id, client_secret
    return str(fields.get("client_id") or ""), str(fields.get("client_secret") or "")
