"""The HTTP policy of one connector: timeouts, retries, rate limit, circuit breaker, error rules.

A connector spec declares it under ``http:`` and ``errors:``; :meth:`HttpPolicy.from_spec`
validates those two blocks strictly and turns them into frozen dataclasses, and
:meth:`HttpPolicy.with_overrides` applies the user's settings on top (see
:data:`OVERRIDE_SETTINGS`).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from brainhub.errors import SettingsError, SpecError
from brainhub.http import _check
from brainhub.http.rules import ErrorRule, parse_error_rules

PER_UNITS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
RESET_FORMATS = ("epoch_seconds", "epoch_millis", "delta_seconds", "http_date")
JITTER_KINDS = ("full", "none")
SCOPES = ("credential", "connector")


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection and for each read of the response."""

    connect: float = 10.0
    read: float = 60.0


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: ``initial * factor ** (n - 1)`` capped at ``max``, then jittered."""

    initial: float = 1.0
    factor: float = 2.0
    max: float = 60.0
    jitter: str = "full"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long one request is tried, and which statuses are transient."""

    max_tries: int = 8
    max_time: float = 600.0
    backoff: Backoff = field(default_factory=Backoff)
    statuses: tuple[int, ...] = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class RateLimitHeaders:
    """Names of the response headers in which the API reports its budget."""

    limit: str = "X-RateLimit-Limit"
    remaining: str = "X-RateLimit-Remaining"
    reset: str = "X-RateLimit-Reset"
    reset_format: str = "epoch_seconds"
    #: The header naming the server's bucket of a route (Discord's ``X-RateLimit-Bucket``):
    #: when declared, the budget headers describe that bucket, not the connector's budget.
    bucket: str | None = None
    #: The header that says (``true``) a 429 hit the API-wide limit, not the route's.
    global_limit: str | None = None


@dataclass(frozen=True)
class ThrottleBody:
    """Where a throttled answer's JSON body says how long to wait and how wide the limit is."""

    #: Dotted path of the seconds to wait (a fraction allowed), e.g. Discord's ``retry_after``.
    retry_after: str | None = None
    #: Dotted path of a boolean that is true when the API-wide limit was hit.
    global_limit: str | None = None


@dataclass(frozen=True)
class RateLimit:
    """The documented limit: at most ``requests`` in any ``per`` seconds, ``burst`` at once."""

    requests: int
    per: float
    burst: int | None = None
    scope: str = "credential"

    @property
    def bucket_size(self) -> int:
        """How many requests may leave back to back (``burst``, or ``requests`` by default)."""
        return self.burst if self.burst is not None else self.requests


@dataclass(frozen=True)
class EndpointLimit:
    """A budget of its own for requests whose path ends like ``path`` (``*`` is any text):
    a vendor's per-method tier (Slack) or per-route limit (Discord), spent besides the
    connector's."""

    path: str
    requests: int
    per: float
    method: str | None = None
    burst: int | None = None

    @property
    def limit(self) -> RateLimit:
        """The budget as a rate limit."""
        return RateLimit(self.requests, self.per, self.burst)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request (``GET``, ``/api/v10/channels/1/messages``) spends this budget."""
        if self.method is not None and self.method != method.upper():
            return False
        return fnmatchcase(path, "*" + self.path)


@dataclass(frozen=True)
class CircuitBreakerPolicy:
    """Open after ``failures`` consecutive failures; probe again after ``cooldown`` seconds."""

    failures: int = 5
    cooldown: float = 30.0


@dataclass(frozen=True)
class OverrideSetting:
    """A tap setting that overrides part of the spec's HTTP policy."""

    name: str
    kind: str  # "integer" | "number"
    description: str


OVERRIDE_SETTINGS: tuple[OverrideSetting, ...] = (
    OverrideSetting("request_timeout", "number", "Connect and read timeout in seconds."),
    OverrideSetting("max_tries", "integer", "Attempts per request before giving up."),
    OverrideSetting("max_retry_time", "number", "Seconds one request may spend on retries."),
    OverrideSetting("rate_limit_requests", "integer", "Requests allowed per rate-limit window."),
    OverrideSetting("rate_limit_per", "number", "Length of the rate-limit window in seconds."),
    OverrideSetting(
        "circuit_breaker_failures", "integer", "Consecutive failures that open the circuit."
    ),
    OverrideSetting("circuit_breaker_cooldown", "number", "Seconds the circuit stays open."),
)


#: The largest response body read into memory, unless ``$BRAINHUB_MAX_RESPONSE_BYTES`` says.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
RESPONSE_LIMIT_VARIABLE = "BRAINHUB_MAX_RESPONSE_BYTES"


def response_limit() -> int:
    """The response body limit in bytes: ``$BRAINHUB_MAX_RESPONSE_BYTES``, else the default."""
    value = os.environ.get(RESPONSE_LIMIT_VARIABLE, "").strip()
    if not value:
        return MAX_RESPONSE_BYTES
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit <= 0:
        raise SettingsError(
            f"{RESPONSE_LIMIT_VARIABLE}={value!r} is not valid: give a positive whole number "
            f"of bytes (default {MAX_RESPONSE_BYTES})"
        )
    return limit


@dataclass(frozen=True)
class HttpPolicy:
    """Everything that decides how a connector talks HTTP.

    ``rate_limit`` is ``None`` when the spec declares no limit (requests are then paced only
    by what the API reports in ``rate_limit_headers``).
    """

    timeout: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limit: RateLimit | None = None
    rate_limit_headers: RateLimitHeaders = field(default_factory=RateLimitHeaders)
    circuit_breaker: CircuitBreakerPolicy = field(default_factory=CircuitBreakerPolicy)
    errors: tuple[ErrorRule, ...] = ()
    #: A second budget only writes (POST, PUT, PATCH, DELETE) spend, on top of
    #: ``rate_limit`` (``http.rate_limit.writes``): e.g. a content-creation limit.
    write_rate_limit: RateLimit | None = None
    #: Where a throttled answer's body says how long to wait (``http.rate_limit.body``).
    throttle_body: ThrottleBody = field(default_factory=ThrottleBody)
    #: Budgets of their own for some endpoints (``http.rate_limit.endpoints``).
    endpoint_limits: tuple[EndpointLimit, ...] = ()
    #: The largest response body read into memory; a larger one is refused, counted as it
    #: arrives (see :func:`response_limit`).
    max_response_bytes: int = field(default_factory=response_limit)

    def with_response_limit(self, limit: int) -> HttpPolicy:
        """A copy refusing response bodies over ``limit`` bytes."""
        return dataclasses.replace(self, max_response_bytes=limit)

    @classmethod
    def from_spec(
        cls,
        http: dict[str, Any] | None,
        errors: list[Any] | None = None,
        *,
        file: str | None = None,
    ) -> HttpPolicy:
        """Build a policy from a spec's ``http:`` and ``errors:`` blocks (either may be absent).

        Raises:
            SpecError: naming the path of the first bad key or value and what is valid.
        """
        try:
            return cls._from_spec(http, errors)
        except SpecError as exc:
            if file is None:
                raise
            message = str(exc).removeprefix(f"{exc.path}: ") if exc.path else str(exc)
            raise SpecError(message, file=file, path=exc.path) from None

    @classmethod
    def _from_spec(cls, http: dict[str, Any] | None, errors: list[Any] | None) -> HttpPolicy:
        http = _check.mapping(
            http, "http", ("timeout", "retry", "rate_limit", "circuit_breaker"), optional=True
        )
        timeout = _parse_timeout(http.get("timeout"), "http.timeout")
        retry = _parse_retry(http.get("retry"), "http.retry")
        rate_limit, headers = _parse_rate_limit(http.get("rate_limit"), "http.rate_limit")
        breaker = _parse_breaker(http.get("circuit_breaker"), "http.circuit_breaker")
        rules = parse_error_rules(errors, "errors")
        writes = _parse_write_rate_limit(http.get("rate_limit"), "http.rate_limit.writes")
        raw_limit = http.get("rate_limit")
        block: dict[str, Any] = raw_limit if isinstance(raw_limit, dict) else {}
        return cls(
            timeout,
            retry,
            rate_limit,
            headers,
            breaker,
            rules,
            write_rate_limit=writes,
            throttle_body=_parse_throttle_body(block.get("body"), "http.rate_limit.body"),
            endpoint_limits=_parse_endpoints(block.get("endpoints"), "http.rate_limit.endpoints"),
        )

    def with_overrides(self, settings: dict[str, Any] | None) -> HttpPolicy:
        """Return a copy with the user's settings applied (unrelated or ``None`` ones are ignored).

        Settings (all optional; exposed as tap settings):

        - ``request_timeout`` (number, s): connect and read timeout.
        - ``max_tries`` (integer): attempts per request.
        - ``max_retry_time`` (number, s): time one request may spend across its attempts.
        - ``rate_limit_requests`` (integer): requests per window; replaces the spec's limit
          (window: the spec's, or ``rate_limit_per``, or one minute).
        - ``rate_limit_per`` (number, s): the window length.
        - ``circuit_breaker_failures`` (integer) and ``circuit_breaker_cooldown`` (number, s).

        Raises:
            SettingsError: a setting has the wrong type or range; the message names it.
        """
        settings = settings or {}
        policy = self

        def get(name: str, kind: str) -> Any:
            value = settings.get(name)
            if value is None:
                return None
            try:
                if kind == "integer":
                    return _check.positive_int(value, name)
                return _check.positive_number(value, name)
            except SpecError as exc:
                raise SettingsError(f"setting {exc}") from None

        if (value := get("request_timeout", "number")) is not None:
            policy = dataclasses.replace(policy, timeout=Timeouts(value, value))
        retry = policy.retry
        if (value := get("max_tries", "integer")) is not None:
            retry = dataclasses.replace(retry, max_tries=value)
        if (value := get("max_retry_time", "number")) is not None:
            retry = dataclasses.replace(retry, max_time=value)
        policy = dataclasses.replace(policy, retry=retry)
        requests_ = get("rate_limit_requests", "integer")
        per = get("rate_limit_per", "number")
        if requests_ is not None or per is not None:
            current = policy.rate_limit
            if current is None and requests_ is None:
                raise SettingsError(
                    "setting rate_limit_per: needs rate_limit_requests too, because the spec "
                    "declares no rate limit"
                )
            new_limit = RateLimit(
                requests=requests_ if requests_ is not None else current.requests,  # type: ignore[union-attr]
                per=per if per is not None else (current.per if current else 60.0),
                burst=None if requests_ is not None or current is None else current.burst,
                scope=current.scope if current else "credential",
            )
            policy = dataclasses.replace(policy, rate_limit=new_limit)
        breaker = policy.circuit_breaker
        if (value := get("circuit_breaker_failures", "integer")) is not None:
            breaker = dataclasses.replace(breaker, failures=value)
        if (value := get("circuit_breaker_cooldown", "number")) is not None:
            breaker = dataclasses.replace(breaker, cooldown=value)
        return dataclasses.replace(policy, circuit_breaker=breaker)


def _parse_timeout(value: Any, path: str) -> Timeouts:
    if value is None:
        return Timeouts()
    if not isinstance(value, dict):
        seconds = _check.positive_number(value, path, also="or a mapping {connect, read}")
        return Timeouts(seconds, seconds)
    block = _check.mapping(value, path, ("connect", "read"))
    default = Timeouts()
    return Timeouts(
        connect=_check.positive_number(block.get("connect", default.connect), f"{path}.connect"),
        read=_check.positive_number(block.get("read", default.read), f"{path}.read"),
    )


def _parse_retry(value: Any, path: str) -> RetryPolicy:
    block = _check.mapping(
        value, path, ("max_tries", "max_time", "backoff", "statuses"), optional=True
    )
    default = RetryPolicy()
    statuses = default.statuses
    if "statuses" in block:
        statuses = _check.status_list(block["statuses"], f"{path}.statuses", allow_empty=True)
    return RetryPolicy(
        max_tries=_check.positive_int(
            block.get("max_tries", default.max_tries), f"{path}.max_tries"
        ),
        max_time=_check.positive_number(
            block.get("max_time", default.max_time), f"{path}.max_time"
        ),
        backoff=_parse_backoff(block.get("backoff"), f"{path}.backoff"),
        statuses=statuses,
    )


def _parse_backoff(value: Any, path: str) -> Backoff:
    block = _check.mapping(value, path, ("initial", "factor", "max", "jitter"), optional=True)
    d = Backoff()
    factor = _check.number(block.get("factor", d.factor), f"{path}.factor", minimum=1)
    return Backoff(
        initial=_check.number(block.get("initial", d.initial), f"{path}.initial", minimum=0),
        factor=factor,
        max=_check.number(block.get("max", d.max), f"{path}.max", minimum=0),
        jitter=_check.choice(block.get("jitter", d.jitter), f"{path}.jitter", JITTER_KINDS),
    )


def _parse_rate_limit(value: Any, path: str) -> tuple[RateLimit | None, RateLimitHeaders]:
    if value is None:
        return None, RateLimitHeaders()
    keys = ("requests", "per", "burst", "scope", "headers", "writes", "body", "endpoints")
    block = _check.mapping(value, path, keys, required=("requests", "per"))
    limit = _parse_limit(block, path)
    return limit, _parse_headers(block.get("headers"), f"{path}.headers")


def _parse_write_rate_limit(value: Any, path: str) -> RateLimit | None:
    """``http.rate_limit.writes``: the budget writes spend besides the main one."""
    if not isinstance(value, dict) or value.get("writes") is None:
        return None
    keys = ("requests", "per", "burst")
    block = _check.mapping(value["writes"], path, keys, required=("requests", "per"))
    return _parse_limit(block, path)


def _parse_limit(block: dict[str, Any], path: str) -> RateLimit:
    per_value = block["per"]
    if isinstance(per_value, str):
        per = PER_UNITS.get(per_value)
        if per is None:
            raise SpecError(
                f"expected one of second, minute, hour or a number of seconds, got {per_value!r}",
                path=f"{path}.per",
            )
    else:
        per = _check.positive_number(per_value, f"{path}.per", also="or second, minute, hour")
    burst = block.get("burst")
    if burst is not None:
        burst = _check.positive_int(burst, f"{path}.burst")
    return RateLimit(
        requests=_check.positive_int(block["requests"], f"{path}.requests"),
        per=per,
        burst=burst,
        scope=_check.choice(block.get("scope", "credential"), f"{path}.scope", SCOPES),
    )


def _parse_throttle_body(value: Any, path: str) -> ThrottleBody:
    block = _check.mapping(value, path, ("retry_after", "global_limit"), optional=True)
    return ThrottleBody(
        retry_after=_optional_text(block, "retry_after", path),
        global_limit=_optional_text(block, "global_limit", path),
    )


def _parse_endpoints(value: Any, path: str) -> tuple[EndpointLimit, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SpecError(
            f"expected a list of {{path, requests, per}} budgets, got {value!r}", path=path
        )
    limits = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        keys = ("path", "method", "requests", "per", "burst")
        block = _check.mapping(item, where, keys, required=("path", "requests", "per"))
        budget: dict[str, Any] = {k: block[k] for k in ("requests", "per", "burst") if k in block}
        limit = _parse_limit(budget, where)
        method = _optional_text(block, "method", where)
        limits.append(
            EndpointLimit(
                path=_check.text(block["path"], f"{where}.path"),
                requests=limit.requests,
                per=limit.per,
                method=method.upper() if method else None,
                burst=limit.burst,
            )
        )
    return tuple(limits)


def _optional_text(block: dict[str, Any], key: str, path: str) -> str | None:
    value = block.get(key)
    return None if value is None else _check.text(value, f"{path}.{key}")


def _parse_headers(value: Any, path: str) -> RateLimitHeaders:
    keys = ("limit", "remaining", "reset", "reset_format", "bucket", "global_limit")
    block = _check.mapping(value, path, keys, optional=True)
    d = RateLimitHeaders()
    return RateLimitHeaders(
        bucket=_optional_text(block, "bucket", path),
        global_limit=_optional_text(block, "global_limit", path),
        limit=_check.text(block.get("limit", d.limit), f"{path}.limit"),
        remaining=_check.text(block.get("remaining", d.remaining), f"{path}.remaining"),
        reset=_check.text(block.get("reset", d.reset), f"{path}.reset"),
        reset_format=_check.choice(
            block.get("reset_format", d.reset_format), f"{path}.reset_format", RESET_FORMATS
        ),
    )


def _parse_breaker(value: Any, path: str) -> CircuitBreakerPolicy:
    block = _check.mapping(value, path, ("failures", "cooldown"), optional=True)
    d = CircuitBreakerPolicy()
    return CircuitBreakerPolicy(
        failures=_check.positive_int(block.get("failures", d.failures), f"{path}.failures"),
        cooldown=_check.number(block.get("cooldown", d.cooldown), f"{path}.cooldown", minimum=0),
    )
