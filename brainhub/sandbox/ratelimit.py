"""The emulator side of rate limiting: a fixed window per credential.

Most vendors count requests per credential in fixed windows (ClickUp: 100 requests per
minute per token). The limiter only decides; how the vendor *signals* the decision
(headers, status, body) is up to each emulator's ``rate_limit_headers`` and
``throttled_response`` hooks.

The clock is injectable so tests can step through windows without sleeping::

    now = [1000.0]
    limiter = FixedWindowRateLimiter(limit=2, window_s=60, clock=lambda: now[0])
    limiter.hit("token").allowed      # True  (remaining 1)
    limiter.hit("token").allowed      # True  (remaining 0)
    limiter.hit("token").allowed      # False (retry after 60 s)
    now[0] += 60
    limiter.hit("token").allowed      # True: a new window
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass(frozen=True)
class RateLimitDecision:
    """What the limiter decided for one request.

    ``reset_at`` is the Unix time (seconds, float) at which the current window ends;
    ``retry_after_s`` is how long a throttled caller should wait (0 when allowed).
    A ``limit`` of 0 means the emulator is not rate limited.
    """

    allowed: bool
    limit: int
    remaining: int
    reset_at: float
    retry_after_s: float

    @property
    def reset_epoch_s(self) -> int:
        """The window end as whole Unix seconds, rounded up (what vendors send)."""
        return math.ceil(self.reset_at)

    @property
    def retry_after_whole_s(self) -> int:
        """``retry_after_s`` rounded up to whole seconds, at least 1 when throttled."""
        if self.allowed:
            return 0
        return max(1, math.ceil(self.retry_after_s))


class FixedWindowRateLimiter:
    """Counts requests per key in fixed windows that start at a key's first request.

    ``limit=0`` disables limiting (every request is allowed, remaining stays at 0).
    Thread-safe.
    """

    def __init__(self, limit: int, window_s: float = 60.0, clock: Clock = time.time) -> None:
        if limit < 0:
            raise ValueError(f"rate limit must be >= 0 requests per window, got {limit}")
        if window_s <= 0:
            raise ValueError(f"rate limit window must be > 0 seconds, got {window_s}")
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> RateLimitDecision:
        """Count one request for ``key`` and say whether it may proceed."""
        now = self._clock()
        if self.limit == 0:
            return RateLimitDecision(True, 0, 0, now + self.window_s, 0.0)
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
            if now >= start + self.window_s:
                start, used = now, 0
            reset_at = start + self.window_s
            if used >= self.limit:
                self._windows[key] = (start, used)
                return RateLimitDecision(False, self.limit, 0, reset_at, reset_at - now)
            used += 1
            self._windows[key] = (start, used)
            return RateLimitDecision(True, self.limit, self.limit - used, reset_at, 0.0)

    def refund(self, key: str) -> None:
        """Uncount ``key``'s last request (a vendor that does not charge for some answers)."""
        with self._lock:
            start, used = self._windows.get(key, (0.0, 0))
            if used > 0:
                self._windows[key] = (start, used - 1)

    def peek(self, key: str) -> RateLimitDecision:
        """The state of ``key``'s window without counting a request."""
        now = self._clock()
        with self._lock:
            start, used = self._windows.get(key, (now, 0))
        if now >= start + self.window_s:
            start, used = now, 0
        remaining = max(0, self.limit - used)
        return RateLimitDecision(True, self.limit, remaining, start + self.window_s, 0.0)


_UNITS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
}


#: Every form ``parse_rate`` accepts, with an example and the window it gives (``None``:
#: the vendor's own). Help texts and errors list these forms.
RATE_FORMS: dict[str, tuple[str, float | None]] = {
    "N": ("100", None),
    "N/s": ("100/s", 1.0),
    "N/min": ("100/min", 60.0),
    "N/h": ("100/h", 3600.0),
    "N/<seconds>s": ("100/2s", 2.0),
}


def rate_forms_text() -> str:
    """``"N, N/s, N/min, N/h or N/<seconds>s"``: the forms, for help texts and errors."""
    forms = list(RATE_FORMS)
    return f"{', '.join(forms[:-1])} or {forms[-1]}"


def parse_rate(text: str | int) -> tuple[int, float | None]:
    """``"10000/min"`` → ``(10000, 60.0)``; ``"20/2s"`` → ``(20, 2.0)``; ``"100"`` → ``(100, None)``.

    A bare number keeps the vendor's window. Raises ValueError with the valid forms.
    """
    raw = str(text).strip()
    count, _, per = raw.partition("/")
    try:
        requests = int(count)
        if requests < 0:
            raise ValueError
        if not per:
            return requests, None
        number = per.rstrip("abcdefghijklmnopqrstuvwxyz") or "1"
        unit = per[len(number) :] if per[: len(number)] == number else per
        window = float(number) * _UNITS[unit or "s"]
    except (ValueError, KeyError):
        raise ValueError(
            f"rate limit {raw!r} is not valid; use {rate_forms_text()} "
            "(for example 10000/min or 20/2s)"
        ) from None
    if window <= 0:
        raise ValueError(f"rate limit {raw!r}: the window must be longer than 0 s")
    return requests, window
