"""The end-of-run line comparing this run's requests with the last run's.

Each stream keeps its request count in its state (``requests_last_run``); the tap sums them
so a sync that suddenly costs far more than the last one shows in its log::

    tap-github: 42 requests this run, 3,164 last run
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def request_report(tap_name: str, streams: Iterable[Any]) -> str | None:
    """The summary line, or None when no stream made a request in this run."""
    read = [s for s in streams if getattr(s, "requests_this_run", None) is not None]
    if not read:
        return None
    now = sum(s.requests_this_run for s in read)
    before = [s.requests_last_run for s in read if s.requests_last_run is not None]
    last = f"{sum(before):,} last run" if before else "no earlier run in the state"
    return f"{tap_name}: {now:,} requests this run, {last}"
