"""A process-wide stop request that wakes every wait of the HTTP layer at once.

A tap that receives SIGINT or SIGTERM calls :func:`request_stop`; from then on every wait
that goes through :func:`pause` (rate-limit waits, retry backoff, waits for an open circuit)
ends at once by raising :class:`~brainhub.errors.SyncInterrupted`, and :func:`check` raises it
before a new request leaves. Waiting on an :class:`threading.Event` instead of
``time.sleep`` is what lets a worker blocked for minutes in a rate-limit window stop within
milliseconds.
"""

from __future__ import annotations

import signal
import threading

from brainhub.errors import SyncInterrupted

_stop = threading.Event()
_signal: list[int] = []


def request_stop(signum: int | None = None) -> None:
    """Ask every wait and every request of this process to stop.

    ``signum`` is the signal that asked for it; ``None`` when the run failed and its
    remaining workers must not go on.
    """
    if signum is not None and not _signal:
        _signal.append(signum)
    _stop.set()


def stop_requested() -> bool:
    """Whether :func:`request_stop` was called."""
    return _stop.is_set()


def interrupted() -> SyncInterrupted:
    """The error that says the run was stopped, by which signal, with its exit code."""
    return SyncInterrupted(_signal[0] if _signal else signal.SIGINT)


def check() -> None:
    """Raise :class:`~brainhub.errors.SyncInterrupted` if a stop was requested."""
    if _stop.is_set():
        raise interrupted()


def pause(seconds: float) -> None:
    """Sleep ``seconds``, or raise :class:`~brainhub.errors.SyncInterrupted` as soon as a stop is
    requested (the default ``sleep`` of the HTTP layer)."""
    if _stop.wait(max(seconds, 0.0)):
        raise interrupted()


def reset_stop() -> None:
    """Forget a stop request (for tests and processes that run several syncs)."""
    _signal.clear()
    _stop.clear()
