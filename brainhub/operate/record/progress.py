"""Progress lines: one per active stream, every few seconds, readable in any log.

::

    progress: tasks: 1,200 records (240/s), page 12 of 40, about 30 s left
    progress: comments: 310 records (0/s), page 4; waiting 12 s for the rate limit

A stream is active when its count moved since the last line or it is waiting. The rate is
over the last interval; the time left is estimated from the stream's pace so far and the
total the API announced, when it does (Jira's ``total``, the last page of GitHub's ``Link``
header), which the tap passes as ``expected_records`` or ``expected_pages``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def main_count(values: Mapping[str, Any]) -> int:
    """The number a line leads with: records read (a tap) or rows written (a target)."""
    if "read" in values:
        return int(values.get("read") or 0)
    return sum(int(values.get(c) or 0) for c in ("inserted", "updated", "rejected", "failed"))


class ProgressTracker:
    """Turns successive samples of per-stream totals into progress lines."""

    def __init__(self, *, noun: str = "records", every: float = 5.0) -> None:
        self.noun = noun
        self.every = every
        self._last_at: float | None = None
        self._last: dict[str, dict[str, Any]] = {}
        self._first_seen: dict[str, float] = {}

    def start(self, now: float) -> None:
        """Begin measuring at ``now`` (monotonic seconds)."""
        self._last_at = now

    def lines(self, sample: Mapping[str, Mapping[str, Any]], now: float) -> list[str]:
        """The lines due at ``now``: none until ``every`` seconds passed since the last."""
        if self.every <= 0:
            return []
        if self._last_at is None:
            self._last_at = now
        elapsed = now - self._last_at
        if elapsed < self.every:
            return []
        lines = []
        for stream, values in sample.items():
            self._first_seen.setdefault(stream, self._last_at)
            before = self._last.get(stream, {})
            line = self._line(stream, values, before, elapsed, now)
            if line:
                lines.append(line)
            self._last[stream] = dict(values)
        self._last_at = now
        return lines

    def _line(
        self,
        stream: str,
        values: Mapping[str, Any],
        before: Mapping[str, Any],
        elapsed: float,
        now: float,
    ) -> str | None:
        count, previous = main_count(values), main_count(before) if before else 0
        waiting = float(values.get("waiting") or 0)
        waited = float(values.get("waited") or 0) - float(before.get("waited") or 0)
        if count == previous and waiting <= 0 and waited <= 0.05:
            return None
        rate = (count - previous) / elapsed if elapsed > 0 else 0.0
        parts = [f"progress: {stream}: {count:,} {self.noun} ({rate:,.0f}/s)"]
        pages, expected_pages = int(values.get("pages") or 0), values.get("expected_pages")
        if pages:
            parts.append(f"page {pages} of {expected_pages}" if expected_pages else f"page {pages}")
        left = self._time_left(stream, values, count, pages, now)
        if left is not None:
            parts.append(f"about {left:,.0f} s left")
        line = ", ".join(parts)
        reason = values.get("waiting_for") or "the rate limit"
        if waiting > 0:
            line += f"; waiting {_seconds(waiting)} s for {reason}"
        elif waited > 0.05:
            line += f"; waited {waited:.1f} s for {reason} since the last line"
        return line

    def _time_left(
        self, stream: str, values: Mapping[str, Any], count: int, pages: int, now: float
    ) -> float | None:
        spent = now - self._first_seen.get(stream, now)
        expected_records = values.get("expected_records")
        expected_pages = values.get("expected_pages")
        if expected_records and count and spent > 0:
            return max(0.0, (int(expected_records) - count) * spent / count)
        if expected_pages and pages and spent > 0:
            return max(0.0, (int(expected_pages) - pages) * spent / pages)
        return None


def _seconds(value: float) -> str:
    """Whole seconds, or tenths under ten seconds (a 0.4 s wait is not "0 s")."""
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
