"""Exponential backoff with an optional full jitter."""

from __future__ import annotations

import random
from collections.abc import Callable

from brainhub.http.policy import Backoff


def backoff_ceiling(retry: int, backoff: Backoff) -> float:
    """The un-jittered delay before retry number ``retry`` (1 = the first retry).

    ``initial * factor ** (retry - 1)``, capped at ``backoff.max``; never overflows.
    """
    if retry < 1:
        raise ValueError(f"retry numbers start at 1, got {retry}")
    delay = backoff.initial
    for _ in range(retry - 1):
        if delay >= backoff.max:
            break
        delay *= backoff.factor
    return min(delay, backoff.max)


def backoff_delay(retry: int, backoff: Backoff, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number ``retry``.

    With ``jitter: full`` the delay is uniform in ``[0, ceiling)`` (``ceiling * rng()``), which
    spreads the retries of many threads; with ``jitter: none`` it is exactly the ceiling.
    ``rng`` returns a float in ``[0, 1)``; tests inject a deterministic one.
    """
    ceiling = backoff_ceiling(retry, backoff)
    if backoff.jitter == "none":
        return ceiling
    return ceiling * rng()
