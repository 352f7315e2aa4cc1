"""Parsing the spec's ``http:`` / ``errors:`` blocks and applying setting overrides."""

from __future__ import annotations

import pytest

from brainhub.errors import SettingsError, SpecError
from brainhub.http import (
    OVERRIDE_SETTINGS,
    Backoff,
    CircuitBreakerPolicy,
    HttpPolicy,
    RateLimit,
    RateLimitHeaders,
    RetryPolicy,
    Timeouts,
)


def test_absent_blocks_give_the_documented_defaults():
    policy = HttpPolicy.from_spec(None, None)
    assert policy.timeout == Timeouts(connect=10, read=60)
    assert policy.retry == RetryPolicy(
        max_tries=8,
        max_time=600,
        backoff=Backoff(initial=1, factor=2, max=60, jitter="full"),
        statuses=(429, 500, 502, 503, 504),
    )
    assert policy.rate_limit is None
    assert policy.rate_limit_headers == RateLimitHeaders(
        "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "epoch_seconds"
    )
    assert policy.circuit_breaker == CircuitBreakerPolicy(failures=5, cooldown=30)
    assert policy.errors == ()


def test_a_full_spec_is_read_field_by_field():
    policy = HttpPolicy.from_spec(
        {
            "timeout": {"connect": 3, "read": 30},
            "retry": {
                "max_tries": 4,
                "max_time": 120,
                "backoff": {"initial": 0.5, "factor": 3, "max": 10, "jitter": "none"},
                "statuses": [500, 503],
            },
            "rate_limit": {
                "requests": 100,
                "per": "minute",
                "burst": 10,
                "scope": "connector",
                "headers": {"remaining": "RateLimit-Remaining", "reset_format": "delta_seconds"},
            },
            "circuit_breaker": {"failures": 2, "cooldown": 5},
        },
        [
            {"when": {"status": 404}, "action": "skip", "message": "gone"},
            {
                "when": {"status": [403, 429], "headers": {"x-ratelimit-remaining": "0"}},
                "action": "throttle",
            },
            {
                "when": {"body": {"path": "error", "in": ["ratelimited", "busy"]}},
                "action": "throttle",
            },
        ],
    )
    assert policy.timeout == Timeouts(3, 30)
    assert policy.retry == RetryPolicy(4, 120, Backoff(0.5, 3, 10, "none"), (500, 503))
    assert policy.rate_limit == RateLimit(requests=100, per=60, burst=10, scope="connector")
    assert policy.rate_limit.bucket_size == 10
    assert policy.rate_limit_headers.remaining == "RateLimit-Remaining"
    assert policy.rate_limit_headers.reset == "X-RateLimit-Reset"
    assert policy.rate_limit_headers.reset_format == "delta_seconds"
    assert policy.circuit_breaker == CircuitBreakerPolicy(2, 5)
    assert [rule.action for rule in policy.errors] == ["skip", "throttle", "throttle"]
    assert policy.errors[1].statuses == (403, 429)
    assert policy.errors[1].headers == (("x-ratelimit-remaining", "0"),)
    assert policy.errors[2].body.one_of == ("ratelimited", "busy")


@pytest.mark.parametrize(
    ("per", "seconds"), [("second", 1), ("minute", 60), ("hour", 3600), (10, 10), (0.5, 0.5)]
)
def test_rate_limit_window_units(per, seconds):
    policy = HttpPolicy.from_spec({"rate_limit": {"requests": 5, "per": per}})
    assert policy.rate_limit.per == seconds
    assert policy.rate_limit.bucket_size == 5  # burst defaults to the limit


def test_a_bare_number_timeout_sets_both():
    assert HttpPolicy.from_spec({"timeout": 15}).timeout == Timeouts(15, 15)


@pytest.mark.parametrize(
    ("http", "errors", "expected"),
    [
        (
            {"retry": {"max_tries": "x"}},
            None,
            "http.retry.max_tries: expected a positive integer, got 'x'",
        ),
        (
            {"retry": {"max_tries": 0}},
            None,
            "http.retry.max_tries: expected a positive integer, got 0",
        ),
        ({"retry": {"max_tries": True}}, None, "http.retry.max_tries: expected a positive integer"),
        ({"retries": {}}, None, "http.retries: unknown key 'retries'; valid keys: timeout, retry"),
        ({"timeout": "fast"}, None, "http.timeout: expected a positive number or a mapping"),
        ({"timeout": {"connect": -1}}, None, "http.timeout.connect: expected a positive number"),
        ({"timeout": {"write": 1}}, None, "http.timeout.write: unknown key 'write'"),
        (
            {"retry": {"backoff": {"jitter": "half"}}},
            None,
            "http.retry.backoff.jitter: expected one of full, none, got 'half'",
        ),
        (
            {"retry": {"backoff": {"factor": 0.5}}},
            None,
            "http.retry.backoff.factor: expected a number ≥ 1",
        ),
        (
            {"retry": {"statuses": [500, "503"]}},
            None,
            "http.retry.statuses[1]: expected an HTTP status",
        ),
        ({"rate_limit": {"requests": 10}}, None, "http.rate_limit: missing required key 'per'"),
        (
            {"rate_limit": {"requests": 10, "per": "day"}},
            None,
            "http.rate_limit.per: expected one of second, minute, hour",
        ),
        (
            {"rate_limit": {"requests": 10, "per": 0}},
            None,
            "http.rate_limit.per: expected a positive number",
        ),
        (
            {"rate_limit": {"requests": 10, "per": 1, "scope": "user"}},
            None,
            "http.rate_limit.scope: expected one of credential, connector",
        ),
        (
            {"rate_limit": {"requests": 10, "per": 1, "headers": {"reset_format": "iso"}}},
            None,
            "http.rate_limit.headers.reset_format: expected one of epoch_seconds",
        ),
        (
            {"circuit_breaker": {"failures": 2.5}},
            None,
            "http.circuit_breaker.failures: expected a positive integer",
        ),
        ("fast", None, "http: expected a mapping, got 'fast'"),
        (None, {"when": {}}, "errors: expected a list of rules"),
        (None, [{"action": "skip"}], "errors[0]: missing required key 'when'"),
        (None, [{"when": {}, "action": "skip"}], "errors[0].when: expected at least one of status"),
        (
            None,
            [{"when": {"status": 404}, "action": "ignore"}],
            "errors[0].action: expected one of retry, throttle, skip, fail, reject, got 'ignore'",
        ),
        (
            None,
            [{"when": {"status": 99}, "action": "skip"}],
            "errors[0].when.status: expected an HTTP status 100-599, got 99",
        ),
        (
            None,
            [{"when": {"code": 1}, "action": "skip"}],
            "errors[0].when.code: unknown key 'code'",
        ),
        (
            None,
            [{"when": {"headers": {"x-remaining": 0}}, "action": "throttle"}],
            "errors[0].when.headers.x-remaining: expected a string",
        ),
        (
            None,
            [{"when": {"body": {"equals": 1}}, "action": "fail"}],
            "errors[0].when.body: missing required key 'path'",
        ),
        (
            None,
            [{"when": {"body": {"path": "a", "equals": 1, "in": [1]}}, "action": "fail"}],
            "errors[0].when.body: use either equals or in",
        ),
    ],
)
def test_invalid_specs_name_the_path_and_what_is_valid(http, errors, expected):
    with pytest.raises(SpecError) as caught:
        HttpPolicy.from_spec(http, errors)
    assert expected in str(caught.value)


def test_spec_errors_can_name_the_file():
    with pytest.raises(SpecError) as caught:
        HttpPolicy.from_spec({"retry": {"max_tries": -1}}, file="taps/clickup/spec.yaml")
    assert str(caught.value) == (
        "taps/clickup/spec.yaml: http.retry.max_tries: expected a positive integer, got -1"
    )
    assert caught.value.file == "taps/clickup/spec.yaml"
    assert caught.value.path == "http.retry.max_tries"


def test_overrides_replace_only_what_is_set():
    spec = HttpPolicy.from_spec(
        {"rate_limit": {"requests": 100, "per": "minute", "burst": 10, "scope": "connector"}}
    )
    policy = spec.with_overrides(
        {
            "request_timeout": 5,
            "max_tries": 3,
            "max_retry_time": 90,
            "rate_limit_requests": 1000,
            "circuit_breaker_failures": 9,
            "circuit_breaker_cooldown": 1.5,
            "api_token": "unrelated",
            "rate_limit_per": None,
        }
    )
    assert policy.timeout == Timeouts(5, 5)
    assert (policy.retry.max_tries, policy.retry.max_time) == (3, 90)
    assert policy.retry.backoff == spec.retry.backoff
    assert policy.rate_limit == RateLimit(requests=1000, per=60, burst=None, scope="connector")
    assert policy.circuit_breaker == CircuitBreakerPolicy(9, 1.5)
    assert spec.with_overrides({}) == spec
    assert spec.with_overrides(None) == spec


def test_override_rate_limit_without_a_declared_limit():
    policy = HttpPolicy.from_spec(None).with_overrides({"rate_limit_requests": 30})
    assert policy.rate_limit == RateLimit(requests=30, per=60)
    policy = HttpPolicy.from_spec(None).with_overrides(
        {"rate_limit_requests": 3, "rate_limit_per": 1}
    )
    assert policy.rate_limit == RateLimit(requests=3, per=1)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"max_tries": "many"}, "setting max_tries: expected a positive integer, got 'many'"),
        ({"request_timeout": 0}, "setting request_timeout: expected a positive number, got 0"),
        ({"rate_limit_per": 60}, "setting rate_limit_per: needs rate_limit_requests too"),
    ],
)
def test_bad_overrides_raise_settings_errors(settings, expected):
    with pytest.raises(SettingsError) as caught:
        HttpPolicy.from_spec(None).with_overrides(settings)
    assert expected in str(caught.value)


def test_every_override_setting_is_documented_in_with_overrides():
    doc = HttpPolicy.with_overrides.__doc__
    for setting in OVERRIDE_SETTINGS:
        assert f"``{setting.name}``" in doc
        assert setting.kind in ("integer", "number")
