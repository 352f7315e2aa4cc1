"""The circuit breaker: stop calling an API that keeps failing, then probe it after a cooldown.

::

    closed ──N consecutive failures──► open ──cooldown elapsed──► half-open (one probe)
      ▲                                  ▲                              │
      └──────────── probe succeeds ──────┼──────────────────────────────┤
                                         └──────── probe fails ─────────┘

While open (and while the probe is in flight) :meth:`CircuitBreaker.before_call` raises
:class:`~brainhub.errors.CircuitOpenError` at once. Time comes from an injected clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from brainhub.errors import CircuitOpenError

if TYPE_CHECKING:
    from brainhub.http.policy import CircuitBreakerPolicy

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


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
        self._clock = clock
        self._lock = threading.Lock()
        self._state = CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probe_in_flight = False
        self._last_failure = ""

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open`` as of now."""
        with self._lock:
            if self._state == OPEN and self._cooldown_left() <= 0:
                return HALF_OPEN
            return self._state

    def before_call(self) -> None:
        """Let a call through, or raise ``CircuitOpenError`` if the circuit is open.

        After the cooldown, exactly one caller passes as the probe; the others keep failing
        fast until the probe's outcome is recorded.
        """
        with self._lock:
            if self._state == CLOSED:
                return
            if self._state == OPEN:
                left = self._cooldown_left()
                if left > 0:
                    raise CircuitOpenError(self._open_message(f"retrying in {math.ceil(left)} s"))
                self._state = HALF_OPEN
                self._probe_in_flight = False
            if self._probe_in_flight:
                raise CircuitOpenError(self._open_message("a probe request is in flight"))
            self._probe_in_flight = True

    def record_success(self) -> None:
        """The API answered (even with a client error or a throttle): close the circuit."""
        with self._lock:
            self._failures = 0
            self._state = CLOSED
            self._probe_in_flight = False

    def record_failure(self, description: str) -> bool:
        """Count a failure (5xx, timeout, connection error); return True if it opened the circuit.

        ``description`` says what failed, e.g. ``503 Service Unavailable on GET /list/{id}/task``;
        it must hold no secrets (no query string, no headers).
        """
        with self._lock:
            self._last_failure = description
            self._failures += 1
            reopen = self._state == HALF_OPEN
            self._probe_in_flight = False
            if reopen or (self._state == CLOSED and self._failures >= self.policy.failures):
                self._state = OPEN
                self._opened_at = self._clock()
                self.openings += 1
                return True
            return False

    def open_error(self) -> CircuitOpenError:
        """The error that says the circuit is open, why, and when it will probe again."""
        with self._lock:
            left = max(self._cooldown_left(), 0.0)
            return CircuitOpenError(self._open_message(f"retrying in {math.ceil(left)} s"))

    def _cooldown_left(self) -> float:
        return self._opened_at + self.policy.cooldown - self._clock()

    def _open_message(self, tail: str) -> str:
        return (
            f"circuit open for {self.connector} after {self._failures} failures; "
            f"last: {self._last_failure}; {tail}"
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
