"""The circuit breaker: when an API keeps failing, wait and probe instead of hammering it.

::

    closed ──N consecutive failures──► open ──cooldown elapsed──► half-open (one probe)
      ▲                                  ▲                              │
      └──────────── probe succeeds ──────┼──────────────────────────────┤
                                         └──────── probe fails ─────────┘

Open does not end the run. While the circuit is open every request of the connector waits
(:meth:`CircuitBreaker.admit` says how long) instead of being sent; after the cooldown
exactly one request goes out as the probe, and the others wait for its outcome. Each
request keeps its own retry budget (``max_tries`` attempts, ``max_retry_time`` seconds,
waits included): only a request whose budget runs out fails, and its error says what was
tried for how long. Time comes from an injected clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brainhub.http.policy import CircuitBreakerPolicy

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"

#: How often a request waiting for a probe's outcome looks again, at most (seconds).
PROBE_POLL_SECONDS = 0.5


class CircuitBreaker:
    """A thread-safe circuit breaker for one connector."""

    def __init__(
        self,
        connector: str,
        policy: CircuitBreakerPolicy,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.connector = connector
        self.policy = policy
        self.openings = 0
        #: Openings since the circuit was last closed: 1 when it just opened, more after
        #: failed probes.
        self.outage_openings = 0
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._first_opened_at: float | None = None
        self._probe_thread: int | None = None
        self._last_failure = ""

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open`` as of now."""
        with self._lock:
            if self._state == OPEN and self._cooldown_left() <= 0:
                return HALF_OPEN
            return self._state

    def admit(self) -> float:
        """Seconds the caller must wait before sending; ``0`` lets its request go now.

        Closed: always ``0``. Open: the cooldown left. After the cooldown exactly one caller
        gets ``0`` and goes out as the probe; the others get a short poll interval until the
        probe's outcome is recorded.
        """
        with self._lock:
            if self._state == CLOSED:
                return 0.0
            if self._state == OPEN:
                left = self._cooldown_left()
                if left > 0:
                    return left
                self._state = HALF_OPEN
                self._probe_thread = None
            if self._probe_thread is not None:
                return min(PROBE_POLL_SECONDS, max(self.policy.cooldown, 0.01))
            self._probe_thread = threading.get_ident()
            return 0.0

    def record_success(self) -> None:
        """The API answered (even with a client error or a throttle): close the circuit."""
        with self._lock:
            self._failures = 0
            self._state = CLOSED
            self._probe_thread = None
            self._first_opened_at = None
            self.outage_openings = 0

    def record_failure(self, description: str) -> bool:
        """Count a failure (5xx, timeout, connection error); return True if it opened the circuit.

        ``description`` says what failed, e.g. ``503 Service Unavailable on GET /list/{id}/task``;
        it must hold no secrets (no query string, no headers).
        """
        with self._lock:
            self._last_failure = description
            self._failures += 1
            reopen = self._state == HALF_OPEN
            self._probe_thread = None
            if reopen or (self._state == CLOSED and self._failures >= self.policy.failures):
                self._state = OPEN
                self._opened_at = self._clock()
                if self._first_opened_at is None:
                    self._first_opened_at = self._opened_at
                self.openings += 1
                self.outage_openings += 1
                return True
            return False

    def abandon_probe(self) -> None:
        """The calling thread's probe ended without an answer (interrupted, TLS error):
        let another request probe."""
        with self._lock:
            if self._probe_thread == threading.get_ident():
                self._probe_thread = None

    def describe(self) -> str:
        """What the circuit is doing, for logs and errors: why it opened and what happens next.

        ``circuit open for clickup after 5 consecutive failures (last: 503 Service
        Unavailable on GET /team); requests wait, one probe every 30 s``
        """
        with self._lock:
            return self._describe()

    def open_for(self) -> float:
        """Seconds since the circuit first opened in the current outage (0 when closed)."""
        with self._lock:
            if self._first_opened_at is None:
                return 0.0
            return max(self._clock() - self._first_opened_at, 0.0)

    def _cooldown_left(self) -> float:
        return self._opened_at + self.policy.cooldown - self._clock()

    def _describe(self) -> str:
        cooldown = math.ceil(self.policy.cooldown)
        return (
            f"circuit open for {self.connector} after {self._failures} consecutive failures "
            f"(last: {self._last_failure}); requests wait, one probe every {cooldown} s"
        )


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(
    connector: str,
    policy: CircuitBreakerPolicy,
    *,
    clock: Callable[[], float] = time.time,
) -> CircuitBreaker:
    """The process-wide breaker of ``connector`` (created on first use with this policy)."""
    with _breakers_lock:
        breaker = _breakers.get(connector)
        if breaker is None:
            breaker = _breakers[connector] = CircuitBreaker(connector, policy, clock=clock)
        return breaker


def forget_breakers() -> None:
    """Drop every shared breaker (for tests and processes that reload specs)."""
    with _breakers_lock:
        _breakers.clear()
