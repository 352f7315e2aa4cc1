"""``http.rate_limit.writes``: a second budget only writes spend, read from the spec."""

from __future__ import annotations

import pytest

from brainhub.errors import SpecError
from brainhub.http import HttpPolicy, RateLimit
from brainhub.spec.validation import spec_problems

READS = {"requests": 5000, "per": "hour"}


def test_a_writes_block_is_a_second_limit_beside_the_main_one() -> None:
    policy = HttpPolicy.from_spec(
        {"rate_limit": {**READS, "writes": {"requests": 500, "per": "hour", "burst": 70}}}
    )

    assert policy.rate_limit == RateLimit(requests=5000, per=3600.0)
    assert policy.write_rate_limit == RateLimit(requests=500, per=3600.0, burst=70)


def test_without_a_writes_block_writes_spend_only_the_main_limit() -> None:
    assert HttpPolicy.from_spec({"rate_limit": READS}).write_rate_limit is None
    assert HttpPolicy.from_spec(None).write_rate_limit is None


def test_overriding_settings_keep_the_write_limit() -> None:
    policy = HttpPolicy.from_spec(
        {"rate_limit": {**READS, "writes": {"requests": 80, "per": "minute"}}}
    )

    changed = policy.with_overrides({"rate_limit_requests": 100})

    assert changed.write_rate_limit == RateLimit(requests=80, per=60.0)


@pytest.mark.parametrize(
    ("writes", "expected"),
    [
        ({"requests": 80}, "http.rate_limit.writes: missing required key 'per'"),
        (
            {"requests": 80, "per": "day"},
            "http.rate_limit.writes.per: expected one of second, minute, hour",
        ),
        ({"requests": 0, "per": "minute"}, "http.rate_limit.writes.requests: expected a positive"),
        ({"requests": 80, "per": "minute", "scope": "connector"}, "unknown key 'scope'"),
        ("fast", "http.rate_limit.writes: expected a mapping"),
    ],
)
def test_a_bad_writes_block_names_its_path_and_what_is_valid(writes: object, expected: str) -> None:
    with pytest.raises(SpecError) as caught:
        HttpPolicy.from_spec({"rate_limit": {**READS, "writes": writes}})
    assert expected in str(caught.value)


def test_the_spec_schema_accepts_a_writes_block_and_refuses_unknown_keys() -> None:
    base = {
        "name": "demo",
        "base_url": "https://api.example.com",
        "streams": {"items": {"path": "/items"}},
    }
    good = {**base, "http": {"rate_limit": {**READS, "writes": {"requests": 80, "per": 60}}}}
    bad = {**base, "http": {"rate_limit": {**READS, "writes": {"requests": 80, "every": 60}}}}

    assert not [p for p in spec_problems(good) if "rate_limit" in p[1]]
    assert [p for p in spec_problems(bad) if "rate_limit" in p[1]]
