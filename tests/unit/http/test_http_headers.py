"""Throttling headers: Retry-After (seconds or HTTP date), reset times in every format."""

from __future__ import annotations

from email.utils import formatdate

import pytest
from requests.structures import CaseInsensitiveDict

from brainhub.http import (
    RateLimitHeaders,
    RateLimitSnapshot,
    parse_http_date,
    parse_reset,
    parse_retry_after,
    read_rate_limit,
)
from brainhub.http.headers import parse_count

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


@pytest.mark.parametrize(
    ("value", "wait"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        (formatdate(NOW + 30, usegmt=True), 30.0),
        ("Tue, 14 Nov 2023 22:14:00 GMT", 40.0),
        ("Tue, 14 Nov 2023 22:00:00 GMT", 0.0),  # in the past: go now
        ("Tuesday, 14-Nov-23 22:13:25 GMT", 5.0),  # obsolete RFC 850 form
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_retry_after(value, wait):
    assert parse_retry_after(value, NOW) == wait


@pytest.mark.parametrize(
    ("value", "reset_format", "moment"),
    [
        ("1700000042", "epoch_seconds", NOW + 42),
        ("1700000042.5", "epoch_seconds", NOW + 42.5),
        ("1700000042000", "epoch_millis", NOW + 42),
        ("42", "delta_seconds", NOW + 42),
        ("Tue, 14 Nov 2023 22:14:02 GMT", "http_date", NOW + 42),
        ("Tue, 14 Nov 2023 22:14:02 -0000", "http_date", NOW + 42),
        ("later", "epoch_seconds", None),
        ("later", "http_date", None),
        (None, "epoch_seconds", None),
    ],
)
def test_reset_formats(value, reset_format, moment):
    assert parse_reset(value, reset_format, NOW) == moment


def test_unknown_reset_format_is_a_programming_error():
    with pytest.raises(ValueError, match="reset_format"):
        parse_reset("1", "iso", NOW)


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("0", 0),
        ("4999", 4999),
        (" 12 ", 12),
        ("-1", None),
        ("1.5", None),
        ("x", None),
        (None, None),
    ],
)
def test_counts(value, count):
    assert parse_count(value) == count


def test_http_date_roundtrip():
    assert parse_http_date(formatdate(NOW, usegmt=True)) == NOW
    assert parse_http_date("not a date") is None


def test_read_rate_limit_is_case_insensitive_and_tolerates_missing_headers():
    headers = CaseInsensitiveDict(
        {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": "1700000060",
        }
    )
    assert read_rate_limit(headers, RateLimitHeaders(), NOW) == RateLimitSnapshot(5000, 0, NOW + 60)
    gitlab = RateLimitHeaders(
        "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "delta_seconds"
    )
    headers = CaseInsensitiveDict({"ratelimit-remaining": "17", "ratelimit-reset": "9"})
    assert read_rate_limit(headers, gitlab, NOW) == RateLimitSnapshot(None, 17, NOW + 9)
    assert read_rate_limit(CaseInsensitiveDict(), gitlab, NOW) == RateLimitSnapshot(
        None, None, None
    )
