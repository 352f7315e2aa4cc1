"""Backoff delays: exponential growth, the cap, and full jitter from an injected RNG."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brainhub.http import Backoff, backoff_ceiling, backoff_delay


@pytest.mark.parametrize(
    ("backoff", "delays"),
    [
        (Backoff(1, 2, 60, "none"), [1, 2, 4, 8, 16, 32, 60, 60]),
        (Backoff(0.5, 3, 10, "none"), [0.5, 1.5, 4.5, 10, 10]),
        (Backoff(2, 1, 60, "none"), [2, 2, 2]),
        (Backoff(0, 2, 60, "none"), [0, 0, 0]),
        (Backoff(5, 2, 3, "none"), [3, 3]),
    ],
)
def test_delays_grow_exponentially_up_to_the_cap(backoff, delays):
    assert [backoff_delay(n, backoff) for n in range(1, len(delays) + 1)] == delays


def test_full_jitter_scales_the_ceiling_by_the_rng():
    backoff = Backoff(1, 2, 60, "full")
    assert backoff_delay(3, backoff, rng=lambda: 0.25) == 1.0
    assert backoff_delay(3, backoff, rng=lambda: 0.0) == 0.0
    assert backoff_delay(10, backoff, rng=lambda: 0.5) == 30.0


def test_retry_numbers_start_at_one():
    with pytest.raises(ValueError, match="start at 1"):
        backoff_ceiling(0, Backoff())


def test_huge_retry_numbers_do_not_overflow():
    assert backoff_ceiling(10_000, Backoff(1, 10, 60, "none")) == 60


@given(
    retry=st.integers(min_value=1, max_value=200),
    initial=st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=100)),
    factor=st.floats(min_value=1, max_value=10),
    cap=st.floats(min_value=0, max_value=1000),
    draw=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_jittered_delay_stays_within_zero_and_the_ceiling(retry, initial, factor, cap, draw):
    backoff = Backoff(initial, factor, cap, "full")
    ceiling = backoff_ceiling(retry, backoff)
    assert ceiling <= cap
    assert ceiling <= initial * factor ** (retry - 1) * (1 + 1e-9) or ceiling == cap
    assert 0 <= backoff_delay(retry, backoff, rng=lambda: draw) <= ceiling


@given(
    initial=st.floats(min_value=0, max_value=100),
    factor=st.floats(min_value=1, max_value=10),
    cap=st.floats(min_value=0, max_value=1000),
)
def test_ceiling_never_decreases(initial, factor, cap):
    backoff = Backoff(initial, factor, cap, "none")
    ceilings = [backoff_ceiling(n, backoff) for n in range(1, 30)]
    assert ceilings == sorted(ceilings)
