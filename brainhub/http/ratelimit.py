"""Proactive rate limiting: one bucket per connector and credential, shared by every thread.

A :class:`RateLimitBucket` combines three rules; a request leaves only when all allow it:

1. **Sliding window** (declared limit ``requests`` per ``per`` seconds): a slot is taken when a
   request leaves and is given back ``per`` seconds after the request *completed*. Because the
   server counts a request at some moment between those two, no interval of length ``per``
   (hence no fixed window of the server, wherever its boundaries fall) ever holds more than
   ``requests`` of our requests, whatever the latency.
2. **Token bucket** (``burst``, refilled at ``requests / per`` per second): smooths bursts when
   ``burst`` is smaller than ``requests``. It is kept as a "theoretical arrival time" (the
   generic cell rate algorithm), so every wait is a difference of two moments and a fake
   clock lands exactly on it.
3. **What the server reports**: ``observe(remaining, reset_at)`` lowers our budget to the
   server's and, when it reaches 0, holds every request until the reset; ``block_until()``
   holds every request after a 429 until the moment the server asked for.

Waiting goes through the injected ``sleep`` and time through the injected ``clock`` (epoch
seconds), so tests run on a fake clock. The default ``sleep`` is
:func:`brainhub.http.stop.pause`, which a stop request (SIGINT, SIGTERM) ends at once.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from brainhub.http import stop

if TYPE_CHECKING:
    from brainhub.http.policy import HttpPolicy, RateLimit

Clock = Callable[[], float]
Sleep = Callable[[float], None]

#: How long to wait before looking again when every slot is held by a request in flight.
IN_FLIGHT_POLL_SECONDS = 0.05
#: Reset times closer than this are taken as the same server window.
_SAME_WINDOW_SECONDS = 1.0


class Permit:
    """The right to send one request; :meth:`release` it when the response is complete."""

    def __init__(self, bucket: RateLimitBucket, waited: float) -> None:
        self.waited = waited
        self._bucket = bucket
        self._released = False

    def release(self) -> None:
        """Give the slot back (idempotent); the window counts it until ``per`` s from now."""
        if not self._released:
            self._released = True
            self._bucket._release()

    def __enter__(self) -> Permit:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


class RateLimitBucket:
    """A thread-safe rate limiter for one connector (and credential); see the module docstring.

    ``limit`` is ``None`` when the spec declares no limit: requests then wait only for what
    the server reports.
    """

    def __init__(
        self,
        limit: RateLimit | None,
        *,
        clock: Clock = time.time,
        sleep: Sleep = stop.pause,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        now = clock()
        self._next_token_at = now  # when the bucket will be full again (minus the burst)
        self._completed: deque[float] = deque()  # completion times still inside the window
        self._in_flight = 0
        self._blocked_until = 0.0
        self._server_remaining: int | None = None
        self._server_reset: float | None = None

    def acquire(self, on_wait: Callable[[float], None] | None = None) -> Permit:
        """Block (through the injected sleep) until a request may leave; return its permit.

        ``on_wait`` is told the seconds of each wait before it starts.
        """
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = self._wait_needed(now)
                if wait <= 0:
                    self._take(now)
                    return Permit(self, waited)
            if on_wait is not None:
                on_wait(wait)
            self._sleep(wait)
            waited += wait

    def observe(self, remaining: int | None, reset_at: float | None) -> None:
        """Adapt to a response's ``remaining`` budget, valid until ``reset_at`` (epoch s).

        Call after releasing the permit of that response. Requests still in flight are
        counted against ``remaining``, since the server may not have seen them yet.
        """
        if remaining is None or reset_at is None:
            return
        with self._lock:
            now = self._clock()
            if reset_at <= now:
                return
            budget = remaining - self._in_flight
            known = self._server_reset
            if known is not None and reset_at < known - _SAME_WINDOW_SECONDS:
                return  # a late answer from an earlier window
            same_window = known is not None and abs(reset_at - known) <= _SAME_WINDOW_SECONDS
            if same_window and self._server_remaining is not None:
                budget = min(budget, self._server_remaining)
            self._server_remaining = budget
            self._server_reset = reset_at if not same_window else max(reset_at, known or 0.0)

    def block_until(self, moment: float) -> None:
        """Hold every request of this bucket until ``moment`` (epoch s), e.g. after a 429."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, moment)

    def _wait_needed(self, now: float) -> float:
        if now < self._blocked_until:
            return self._blocked_until - now
        if self._server_reset is not None and now >= self._server_reset:
            self._server_remaining = self._server_reset = None
        if self._server_remaining is not None and self._server_remaining <= 0:
            assert self._server_reset is not None
            return self._server_reset - now
        limit = self.limit
        if limit is None:
            return 0.0
        while self._completed and now >= self._completed[0] + limit.per:
            self._completed.popleft()
        if self._in_flight + len(self._completed) >= limit.requests:
            if self._completed:
                return self._completed[0] + limit.per - now
            return IN_FLIGHT_POLL_SECONDS
        allowed_at = self._next_token_at - (limit.bucket_size - 1) * limit.per / limit.requests
        if now < allowed_at:
            return allowed_at - now
        return 0.0

    def _take(self, now: float) -> None:
        self._in_flight += 1
        if self.limit is not None:
            interval = self.limit.per / self.limit.requests
            self._next_token_at = max(self._next_token_at, now) + interval
        if self._server_remaining is not None:
            self._server_remaining -= 1

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1
            if self.limit is not None:
                self._completed.append(self._clock())


_buckets: dict[tuple[str, ...], RateLimitBucket] = {}
_buckets_lock = threading.Lock()


def bucket_for(
    connector: str,
    credential_fingerprint: str,
    policy: HttpPolicy,
    *,
    clock: Clock = time.time,
    sleep: Sleep = stop.pause,
) -> RateLimitBucket:
    """The process-wide bucket of ``connector`` for this credential (created on first use).

    With ``scope: connector`` every credential shares one bucket. The first caller's
    policy, clock and sleep are kept; later callers get the same bucket.
    """
    scope = policy.rate_limit.scope if policy.rate_limit else "credential"
    key = (connector, credential_fingerprint if scope == "credential" else "*")
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None:
            bucket = RateLimitBucket(policy.rate_limit, clock=clock, sleep=sleep)
            _buckets[key] = bucket
        return bucket


def shared_bucket(
    key: tuple[str, ...],
    limit: RateLimit | None,
    *,
    clock: Clock = time.time,
    sleep: Sleep = stop.pause,
) -> RateLimitBucket:
    """The process-wide bucket named ``key`` (an endpoint's budget, a server bucket of a
    route), created with ``limit`` on first use."""
    with _buckets_lock:
        bucket = _buckets.get(key)
        if bucket is None:
            bucket = _buckets[key] = RateLimitBucket(limit, clock=clock, sleep=sleep)
        return bucket


_route_maps: dict[tuple[str, str], dict[str, str]] = {}


def shared_route_map(connector: str, credential_fingerprint: str) -> dict[str, str]:
    """The process-wide map of routes to the server buckets learned for them."""
    with _buckets_lock:
        return _route_maps.setdefault((connector, credential_fingerprint), {})


def forget_buckets() -> None:
    """Drop every shared bucket and learned route (for tests and long-lived processes that
    reload specs)."""
    with _buckets_lock:
        _buckets.clear()
        _route_maps.clear()


def credential_fingerprint(*secrets: str | None) -> str:
    """A short, one-way fingerprint of a credential, safe to keep in memory keys and logs."""
    digest = hashlib.sha256("\x00".join(s or "" for s in secrets).encode()).hexdigest()
    return digest[:16]
