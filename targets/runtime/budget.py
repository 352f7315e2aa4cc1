"""A write budget per partition: calls of one partition spaced by at least ``1 / rate``.

Slack takes about one message per second per channel and answers more with 429; a spec
says so with ``budget: {per: "{record.channel}", rate: 1/s}``, and the writer waits here
before each call of the partition instead of drawing the 429. Partitions are independent:
posts to two channels do not wait for each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from brainhub.http import stop


class PartitionBudget:
    """Spaces the calls of each partition; see the module doc."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = stop.pause,
    ) -> None:
        if per_second <= 0:
            raise ValueError(f"a budget needs a positive rate, got {per_second} per second")
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}

    def take(self, partition: str) -> float:
        """Wait until a call of ``partition`` fits the budget; the seconds waited."""
        now = self._clock()
        due = self._next.get(partition, now)
        wait = max(due - now, 0.0)
        if wait:
            self._sleep(wait)
        self._next[partition] = max(now, due) + self.interval
        return wait
