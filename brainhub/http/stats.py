"""Per-stream counters of HTTP activity and the one summary line logged at the end of a run."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class StatsSnapshot:
    """The counters of a :class:`RequestStats` at one moment."""

    records: int = 0
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    waited: float = 0.0
    circuit_openings: int = 0
    waiting: float = 0.0
    """Seconds left of the wait the stream is in now (0 when it is not waiting)."""
    waiting_for: str = ""
    """What it waits for: ``the rate limit``, ``a retry``, ``the circuit breaker``."""


class RequestStats:
    """Thread-safe counters for one stream.

    The HTTP adapter counts requests (every attempt), retries, throttled responses (429,
    403 + remaining 0, Slack ``ratelimited``…), seconds waited (backoff and rate limiting)
    and circuit openings; the tap runtime counts records with :meth:`add_records`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values = {
            "records": 0,
            "requests": 0,
            "retries": 0,
            "throttled": 0,
            "waited": 0.0,
            "circuit_openings": 0,
        }
        self._waits: dict[int, tuple[float, str]] = {}  # thread → (waiting until, reason)

    def _add(self, name: str, amount: float) -> None:
        with self._lock:
            self._values[name] += amount

    def add_records(self, count: int = 1) -> None:
        """Count records emitted by the stream."""
        self._add("records", count)

    def add_request(self) -> None:
        """Count one attempt sent to the API."""
        self._add("requests", 1)

    def add_retry(self) -> None:
        """Count one attempt that will be followed by another."""
        self._add("retries", 1)

    def add_throttle(self) -> None:
        """Count one response that asked us to slow down."""
        self._add("throttled", 1)

    def add_wait(self, seconds: float) -> None:
        """Count seconds spent waiting (backoff, Retry-After, rate limiting)."""
        if seconds > 0:
            self._add("waited", seconds)

    def add_circuit_opening(self) -> None:
        """Count one opening of the circuit breaker caused by this stream's requests."""
        self._add("circuit_openings", 1)

    def begin_wait(self, seconds: float, reason: str) -> None:
        """Say that the calling thread now waits ``seconds`` for ``reason`` (progress lines
        show it); :meth:`end_wait` when it is done."""
        with self._lock:
            self._waits[threading.get_ident()] = (time.monotonic() + seconds, reason)

    def end_wait(self) -> None:
        """The calling thread's wait is over."""
        with self._lock:
            self._waits.pop(threading.get_ident(), None)

    def snapshot(self) -> StatsSnapshot:
        """A consistent copy of every counter."""
        with self._lock:
            values = dict(self._values)
            waits = list(self._waits.values())
        now = time.monotonic()
        until, reason = max(waits, default=(now, ""))
        return StatsSnapshot(
            records=int(values["records"]),
            requests=int(values["requests"]),
            retries=int(values["retries"]),
            throttled=int(values["throttled"]),
            waited=float(values["waited"]),
            circuit_openings=int(values["circuit_openings"]),
            waiting=max(0.0, until - now),
            waiting_for=reason if until > now else "",
        )

    def summary_line(self, stream: str) -> str:
        """One line for the end of a run, e.g.
        ``brainhub summary: stream=tasks records=1234 requests=15 retries=2 throttled=1
        waited=3.2s circuit_openings=0``.
        """
        s = self.snapshot()
        return (
            f"brainhub summary: stream={stream} records={s.records} requests={s.requests} "
            f"retries={s.retries} throttled={s.throttled} waited={s.waited:.1f}s "
            f"circuit_openings={s.circuit_openings}"
        )

    def log_summary(self, stream: str, logger: logging.Logger | None = None) -> None:
        """Log :meth:`summary_line` at INFO on ``logger`` (default ``brainhub.metrics``)."""
        (logger or logging.getLogger("brainhub.metrics")).info(self.summary_line(stream))
