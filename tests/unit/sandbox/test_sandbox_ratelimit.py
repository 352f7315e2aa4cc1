from __future__ import annotations

import pytest

from brainhub.sandbox.ratelimit import FixedWindowRateLimiter


def test_fixed_window_counts_per_key_and_resets(fake_clock):
    limiter = FixedWindowRateLimiter(limit=2, window_s=60, clock=fake_clock)
    first = limiter.hit("a")
    assert (first.allowed, first.remaining, first.reset_at) == (True, 1, fake_clock.now + 60)
    assert limiter.hit("a").remaining == 0
    fake_clock.now += 10
    denied = limiter.hit("a")
    assert not denied.allowed
    assert denied.retry_after_s == pytest.approx(50)
    assert denied.retry_after_whole_s == 50
    assert limiter.hit("b").allowed, "another credential has its own window"
    fake_clock.now += 50
    again = limiter.hit("a")
    assert again.allowed
    assert again.remaining == 1
    assert again.reset_at == fake_clock.now + 60


def test_denied_requests_do_not_extend_the_window(fake_clock):
    limiter = FixedWindowRateLimiter(limit=1, window_s=60, clock=fake_clock)
    start = fake_clock.now
    limiter.hit("k")
    for _ in range(5):
        fake_clock.now += 5
        assert limiter.hit("k").reset_at == start + 60


def test_zero_limit_allows_everything(fake_clock):
    limiter = FixedWindowRateLimiter(limit=0, clock=fake_clock)
    assert all(limiter.hit("k").allowed for _ in range(1000))


def test_peek_does_not_count(fake_clock):
    limiter = FixedWindowRateLimiter(limit=3, clock=fake_clock)
    limiter.hit("k")
    assert limiter.peek("k").remaining == 2
    assert limiter.peek("k").remaining == 2


@pytest.mark.parametrize(("limit", "window"), [(-1, 60), (10, 0)])
def test_bad_settings_are_refused(limit, window):
    with pytest.raises(ValueError, match="rate limit"):
        FixedWindowRateLimiter(limit=limit, window_s=window)
