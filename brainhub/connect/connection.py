"""One connection to a service: everything about talking to it that is not reading or writing.

A tap reads through it and a target writes through it; both get the same base URL, headers,
authenticator, HTTP policy (retries, rate limit, breaker, error rules), credential
fingerprint (which rate-limit bucket and breaker a request shares) and secret handling::

    config, started = open_base_url(config)       # sandbox://… → an emulator on loopback
    guard_secrets(spec, config, "tap-clickup")     # redact secret values, refuse broken ones
    connection = Connection(spec, config)
    session = connection.session(stats)            # every request through the HTTP policy
    requests.Request(..., headers=connection.headers(), auth=connection.authenticator)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import requests

from brainhub.connect.auth import build_authenticator
from brainhub.connect.schemes import StartedService, served_scheme, start_service
from brainhub.connect.secrets import check_secret_settings, install_secret_redaction
from brainhub.http import HttpPolicy, PolicyAdapter, RequestStats, credential_fingerprint
from brainhub.http.rules import ErrorRule
from brainhub.spec.model import ConnectorSpec
from brainhub.spec.placeholders import render


def open_base_url(config: Mapping[str, Any]) -> tuple[dict[str, Any], StartedService | None]:
    """Start what a served base URL (``sandbox://…``) names; the config then points at it.

    The service's accepted credentials fill in the settings not given. A plain ``http(s)``
    URL (or none) leaves the config as it is and starts nothing.
    """
    config = dict(config)
    if served_scheme(str(config.get("base_url") or "")) is None:
        return config, None
    started = start_service(str(config["base_url"]))
    config["base_url"] = started.base_url
    for name, value in started.credentials.items():
        config.setdefault(name, value)
    return config, started


def guard_secrets(spec: ConnectorSpec, config: Mapping[str, Any], owner: str) -> None:
    """Scrub the spec's secret settings from every log line; refuse ones that cannot be sent."""
    install_secret_redaction(config.get(name) for name in spec.secret_settings)
    check_secret_settings(owner, spec.secret_settings, config)


class Connection:
    """How requests to one service are made, from its spec and the (final) config."""

    def __init__(self, spec: ConnectorSpec, config: Mapping[str, Any]) -> None:
        self.spec = spec
        self.config = dict(config)

    @property
    def base_url(self) -> str:
        """The API root, settings filled in, without a trailing slash."""
        raw = self.config.get("base_url") or self.spec.base_url
        return str(render(str(raw), {"config": self.config})).rstrip("/")

    def url_for(self, host: str | None) -> str:
        """The root a stream or write of ``host`` (a ``hosts:`` name; None: the base URL) uses.

        When the ``base_url`` setting replaces the spec's (an emulator serving every host on
        one root, a proxy), each host keeps its path under it: Calendar's
        ``https://www.googleapis.com/calendar/v3`` becomes ``<base_url>/calendar/v3``.
        """
        if host is None:
            return self.base_url
        declared = str(render(self.spec.hosts[host], {"config": self.config})).rstrip("/")
        configured = str(self.config.get("base_url") or "").rstrip("/")
        if configured and configured != self.spec.base_url.rstrip("/"):
            return self.base_url + urlsplit(declared).path.rstrip("/")
        return declared

    def headers(self) -> dict[str, str]:
        """The spec's headers with settings filled in; an unset optional setting drops its header.

        Raises:
            MissingValueError: a header needs a setting that has no value.
        """
        headers = render(self.spec.headers, {"config": self.config})
        return {k: v for k, v in headers.items() if v is not None}

    @cached_property
    def authenticator(self) -> Any:
        """The authenticator of the spec's ``auth:`` block (one per connection: tokens persist)."""
        return build_authenticator(self.spec.auth, self.config, self.base_url)

    @cached_property
    def policy(self) -> HttpPolicy:
        """The spec's HTTP policy with the user's overriding settings applied."""
        return self.spec.http.with_overrides(self.config)

    def policy_skipping(self, statuses: Iterable[int], *, rejects: bool = False) -> HttpPolicy:
        """The policy, with responses of these statuses meaning "nothing here" (checked first).

        With ``rejects``, the spec's ``reject`` rules skip too (a target records the refusal).
        """
        rules = tuple(ErrorRule(action="skip", statuses=(status,)) for status in statuses)
        spec_rules = self.policy.errors
        if rejects:
            spec_rules = tuple(
                dataclasses.replace(rule, action="skip") if rule.action == "reject" else rule
                for rule in spec_rules
            )
        if not rules and spec_rules == self.policy.errors:
            return self.policy
        return dataclasses.replace(self.policy, errors=rules + spec_rules)

    @cached_property
    def fingerprint(self) -> str:
        """Identifies the credential (never shows it): requests with one share a budget."""
        names = sorted(self.spec.secret_settings)
        return credential_fingerprint("\x1f".join(str(self.config.get(n, "")) for n in names))

    @property
    def auth_hint(self) -> str:
        """What to check when the service refuses the credentials."""
        secrets = self.spec.secret_settings
        if not secrets:
            return ""
        listed = ", ".join(secrets)
        return f"check the {listed} setting{'s' if len(secrets) > 1 else ''}"

    def session(
        self, stats: RequestStats, *, skip_statuses: Iterable[int] = (), rejects: bool = False
    ) -> requests.Session:
        """A session whose every request goes through the connection's HTTP policy
        (``rejects``: the spec's ``reject`` rules answer a skipped response, not an error)."""
        adapter = PolicyAdapter(
            self.policy_skipping(skip_statuses, rejects=rejects),
            self.spec.name,
            self.fingerprint,
            auth_hint=self.auth_hint,
            stats=stats,
        )
        session = requests.Session()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session
