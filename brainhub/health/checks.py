"""One health check of a connector: the spec's ``check:`` request, sent once and judged.

The request is built by :class:`~brainhub.connect.Connection` (base URL, headers, auth) as
every tap and target builds theirs, and sent exactly once (no retries: a check measures the
API as it is now). Its response goes through the spec's error rules, so a refusal the vendor
signals in the body (Slack's ``ok: false, error: invalid_auth``) counts as one too. Every
message is scrubbed of the connector's secret settings.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from brainhub.connect import Connection, StartedService, guard_secrets, open_base_url
from brainhub.errors import BrainhubError
from brainhub.http.headers import parse_count
from brainhub.http.rules import ResponseClassifier
from brainhub.redaction import SecretScrubber
from brainhub.secrets.names import env_var
from brainhub.spec.model import ConnectorSpec
from brainhub.spec.placeholders import placeholders_in, render

#: Seconds to wait for a connection and for the answer.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0


@dataclass(frozen=True)
class CheckResult:
    """What one check found; ``problem`` is the one line saying what failed (``ok`` False)."""

    connector: str
    ok: bool
    request: str = ""
    host: str = ""
    status: int | None = None
    latency_ms: float | None = None
    rate_limit_remaining: int | None = None
    rate_limit_limit: int | None = None
    problem: str = ""

    def as_json(self) -> dict[str, Any]:
        """The result as one JSON object."""
        return asdict(self)

    def describe(self) -> str:
        """One line for people."""
        if not self.ok:
            return f"{self.connector}: FAILED: {self.problem}"
        budget = ""
        if self.rate_limit_remaining is not None:
            of = f" of {self.rate_limit_limit}" if self.rate_limit_limit is not None else ""
            budget = f", rate limit {self.rate_limit_remaining}{of} left"
        return (
            f"{self.connector}: ok: {self.request} answered {self.status} in "
            f"{self.latency_ms:.0f} ms{budget} ({self.host})"
        )


def check_connector(spec: ConnectorSpec, config: Mapping[str, Any]) -> CheckResult:
    """Check the connector of ``spec`` with ``config`` (``sandbox://`` starts its emulator)."""
    scrubber = SecretScrubber(config.get(name) for name in spec.secret_settings)
    if spec.check is None:
        return CheckResult(spec.service, False, problem=f"{spec.source} declares no check: request")
    started: StartedService | None = None
    try:
        config, started = open_base_url(config)
        scrubber.add(config.get(name) for name in spec.secret_settings)
        guard_secrets(spec, config, f"tap-{spec.service}")
        missing = missing_settings(spec, config)
        if missing:
            result = CheckResult(spec.service, False, problem=_missing_problem(spec, missing))
        else:
            result = _send(spec, Connection(spec, config))
    except BrainhubError as exc:
        result = CheckResult(spec.service, False, problem=str(exc).splitlines()[0].strip())
    finally:
        if started is not None:
            started.stop()
    return _scrubbed(result, scrubber)


def missing_settings(spec: ConnectorSpec, config: Mapping[str, Any]) -> list[str]:
    """Settings the check request needs (base URL, headers, auth, path) that have no value."""
    assert spec.check is not None
    parts = [spec.auth.placeholders(), spec.headers, spec.base_url, spec.check.path]
    needed = {
        (name or "").split(".")[0] for scope, name in placeholders_in(parts) if scope == "config"
    }
    # An optional setting (Google's delegated user) may stay unset: its part is left out.
    optional = {name for name, setting in spec.settings.items() if not setting.required}
    return sorted(name for name in needed - optional if config.get(name) in (None, ""))


def _missing_problem(spec: ConnectorSpec, missing: list[str]) -> str:
    variables = ", ".join(env_var(f"tap-{spec.service}", name) for name in missing)
    listed = ", ".join(missing)
    return (
        f"setting{'s' if len(missing) > 1 else ''} {listed} of tap-{spec.service} "
        f"{'have' if len(missing) > 1 else 'has'} no value: set {variables} in the environment, "
        "or in the credential store with brainhub secrets set"
    )


def _send(spec: ConnectorSpec, connection: Connection) -> CheckResult:
    assert spec.check is not None
    path = render(spec.check.path, {"config": connection.config})
    url = connection.base_url + path
    host = urlsplit(url).netloc
    request = f"{spec.check.method} {path}"
    began = time.perf_counter()
    try:
        response = requests.request(
            spec.check.method,
            url,
            headers=connection.headers(),
            auth=connection.authenticator,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
        )
    except requests.exceptions.RequestException as exc:
        return CheckResult(
            spec.service,
            False,
            request=request,
            host=host,
            problem=f"cannot reach {host} ({_reason(exc)}) for {request}",
        )
    latency = (time.perf_counter() - began) * 1000
    found = CheckResult(
        spec.service,
        True,
        request=request,
        host=host,
        status=response.status_code,
        latency_ms=round(latency, 1),
        rate_limit_remaining=_header_count(
            response, spec.check.remaining_header, connection, "remaining"
        ),
        rate_limit_limit=_header_count(response, spec.check.limit_header, connection, "limit"),
    )
    verdict = ResponseClassifier(connection.policy).classify(response, time.time())
    if verdict.action in ("ok", "skip"):
        return found
    said = f": {verdict.message}" if verdict.message else ""
    hint = f"; {connection.auth_hint}" if connection.auth_hint and not verdict.message else ""
    status = response.status_code
    if (status in (401, 403) and verdict.action != "throttle") or verdict.action == "auth":
        problem = f"credentials refused ({status}) by {host} for {request}{said}{hint}"
    elif status < 300 and verdict.action in ("fail", "reject"):
        problem = f"credentials refused (HTTP {status}, refused in the body) by {host} for {request}{said}"
    elif verdict.action == "throttle":
        problem = f"rate limit exhausted ({status}) at {host} for {request}{said}"
    else:
        problem = f"{host} answered {status} to {request}{said}"
    return dataclasses.replace(found, ok=False, problem=problem)


def _header_count(
    response: requests.Response, declared: str | None, connection: Connection, which: str
) -> int | None:
    name = declared or getattr(connection.policy.rate_limit_headers, which)
    return parse_count(response.headers.get(name))


def _reason(exc: requests.exceptions.RequestException) -> str:
    """A short, secret-free reason (the exception's own text repeats the URL and its query)."""
    text = str(exc)
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "getaddrinfo" in text or "NameResolution" in text:
        return "host name not resolved"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS failed"
    return type(exc).__name__


def _scrubbed(result: CheckResult, scrubber: SecretScrubber) -> CheckResult:
    return dataclasses.replace(
        result,
        request=scrubber.scrub(result.request),
        host=scrubber.scrub(result.host),
        problem=scrubber.scrub(result.problem),
    )
