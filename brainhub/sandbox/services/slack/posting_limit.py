"""Slack's posting limit: about one message per second per channel, short bursts tolerated.

A token bucket per channel: it holds ``burst`` posts and refills at ``limit`` posts per
``window_s``. A post that finds it empty is answered 429 ``ratelimited`` with
``Retry-After`` (whole seconds until a post fits again). ``limit=0`` turns it off. Both
are emulator options (``post_limit``, ``post_burst``) so tests can lower or raise them.
"""

from __future__ import annotations

import threading

from brainhub.sandbox.ratelimit import Clock

DEFAULT_POST_LIMIT = "1/s"
DEFAULT_POST_BURST = 3


class ChannelPostLimit:
    """Posts allowed per channel; see the module doc."""

    def __init__(self, limit: int, window_s: float, burst: int, clock: Clock) -> None:
        if limit < 0:
            raise ValueError(f"post limit must be >= 0 messages per window, got {limit}")
        if burst < 1:
            raise ValueError(f"post burst must be >= 1 message, got {burst}")
        self.per_second = limit / window_s
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, channel_id: str) -> float:
        """Count one post to ``channel_id``: 0 when it may go, else seconds to wait."""
        if self.per_second == 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, since = self._buckets.get(channel_id, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - since) * self.per_second)
            if tokens < 1:
                self._buckets[channel_id] = (tokens, now)
                return (1 - tokens) / self.per_second
            self._buckets[channel_id] = (tokens - 1, now)
            return 0.0
