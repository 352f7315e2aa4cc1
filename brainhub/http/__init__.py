"""The HTTP policy every REST connector uses: retries, rate limits, circuit breaker, error rules.

Typical use by the tap runtime::

    from brainhub.http import HttpPolicy, PolicyAdapter, RequestStats, credential_fingerprint

    policy = HttpPolicy.from_spec(spec.get("http"), spec.get("errors")).with_overrides(config)
    stats = RequestStats()
    adapter = PolicyAdapter(policy, "clickup", credential_fingerprint(config["api_token"]),
                            auth_hint="check the api_token setting", stats=stats)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    ...
    stats.log_summary("tasks")

Modules: ``policy`` (the spec's ``http:``/``errors:`` blocks and setting overrides),
``backoff``, ``headers`` (Retry-After and reset headers), ``ratelimit`` (the shared bucket),
``breaker``, ``rules`` (response classification), ``adapter``, ``stats``, ``messages``
(secret-free descriptions).
"""

from brainhub.http.adapter import ENDPOINT_HEADER, PolicyAdapter, endpoint, skip_verdict
from brainhub.http.backoff import backoff_ceiling, backoff_delay
from brainhub.http.breaker import CircuitBreaker, breaker_for, forget_breakers
from brainhub.http.headers import (
    RateLimitSnapshot,
    parse_http_date,
    parse_reset,
    parse_retry_after,
    read_rate_limit,
)
from brainhub.http.policy import (
    OVERRIDE_SETTINGS,
    Backoff,
    CircuitBreakerPolicy,
    HttpPolicy,
    OverrideSetting,
    RateLimit,
    RateLimitHeaders,
    RetryPolicy,
    Timeouts,
)
from brainhub.http.ratelimit import (
    Permit,
    RateLimitBucket,
    bucket_for,
    credential_fingerprint,
    forget_buckets,
)
from brainhub.http.rules import ErrorRule, ResponseClassifier, Verdict
from brainhub.http.stats import RequestStats, StatsSnapshot

__all__ = [
    "ENDPOINT_HEADER",
    "OVERRIDE_SETTINGS",
    "Backoff",
    "CircuitBreaker",
    "CircuitBreakerPolicy",
    "ErrorRule",
    "HttpPolicy",
    "OverrideSetting",
    "Permit",
    "PolicyAdapter",
    "RateLimit",
    "RateLimitBucket",
    "RateLimitHeaders",
    "RateLimitSnapshot",
    "RequestStats",
    "ResponseClassifier",
    "RetryPolicy",
    "StatsSnapshot",
    "Timeouts",
    "Verdict",
    "backoff_ceiling",
    "backoff_delay",
    "breaker_for",
    "bucket_for",
    "credential_fingerprint",
    "endpoint",
    "forget_breakers",
    "forget_buckets",
    "parse_http_date",
    "parse_reset",
    "parse_retry_after",
    "read_rate_limit",
    "skip_verdict",
]
