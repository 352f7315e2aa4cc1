"""GitHub's secondary rate limit on content creation.

Besides the hourly budget, GitHub documents secondary limits; the one writers meet first
is on *content creation*: "no more than 80 content-generating requests per minute" (and
500 an hour). Over it GitHub answers 403 with the secondary-limit message and a
``retry-after`` header. Here it is a sliding one-minute window per token; the threshold
is the emulator's ``content_limit`` option so tests can lower it. A refused request does
not count toward the window.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable

#: Content-creating requests GitHub allows per minute.
CONTENT_PER_MINUTE = 80
WINDOW_S = 60.0


class ContentLimit:
    """A sliding one-minute window of content-creating requests per token."""

    def __init__(self, limit: int, clock: Callable[[], float]) -> None:
        if limit < 1:
            raise ValueError(f"content_limit must be >= 1, got {limit}")
        self.limit = limit
        self.clock = clock
        self._made: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str) -> int | None:
        """Count one content-creating request; ``None`` if allowed, else the seconds to
        wait before the window has room again (the ``retry-after`` value)."""
        now = self.clock()
        with self._lock:
            made = self._made.setdefault(key, deque())
            while made and made[0] <= now - WINDOW_S:
                made.popleft()
            if len(made) >= self.limit:
                return max(1, math.ceil(made[0] + WINDOW_S - now))
            made.append(now)
            return None
