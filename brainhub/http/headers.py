"""Reading the throttling headers APIs send: ``Retry-After``, reset times, remaining budgets.

Every function takes ``now`` (seconds since the epoch, from the caller's clock) so that
results are exact and testable; none reads the system clock. Unparseable values give
``None``: a malformed header must never break a sync, it only loses a hint.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brainhub.http.policy import RateLimitHeaders


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait according to a ``Retry-After`` value (delta seconds or an HTTP date).

    A date in the past gives ``0.0``; anything unreadable gives ``None``.
    """
    if value is None:
        return None
    value = value.strip()
    seconds = _number(value)
    if seconds is not None:
        return max(seconds, 0.0)
    moment = parse_http_date(value)
    return None if moment is None else max(moment - now, 0.0)


def parse_reset(value: str | None, reset_format: str, now: float) -> float | None:
    """The moment (epoch seconds) a rate-limit window resets, from a reset header.

    ``reset_format`` is ``epoch_seconds``, ``epoch_millis``, ``delta_seconds`` or ``http_date``.
    """
    if value is None:
        return None
    value = value.strip()
    if reset_format == "http_date":
        return parse_http_date(value)
    number = _number(value)
    if number is None:
        return None
    if reset_format == "epoch_seconds":
        return number
    if reset_format == "epoch_millis":
        return number / 1000.0
    if reset_format == "delta_seconds":
        return now + number
    raise ValueError(f"unknown reset_format {reset_format!r}")


def parse_http_date(value: str) -> float | None:
    """Epoch seconds of an RFC 9110 HTTP date (``Wed, 21 Oct 2015 07:28:00 GMT``), or ``None``."""
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000" means UTC (RFC 5322)
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse_count(value: str | None) -> int | None:
    """A non-negative integer header such as ``X-RateLimit-Remaining``, or ``None``."""
    if value is None:
        return None
    number = _number(value.strip())
    if number is None or number < 0 or number != int(number):
        return None
    return int(number)


@dataclass(frozen=True)
class RateLimitSnapshot:
    """What one response said about the budget; any field may be unknown (``None``)."""

    limit: int | None
    remaining: int | None
    reset_at: float | None


def read_rate_limit(
    headers: Mapping[str, str], names: RateLimitHeaders, now: float
) -> RateLimitSnapshot:
    """Read limit, remaining and reset from response headers (case-insensitive mapping)."""
    return RateLimitSnapshot(
        limit=parse_count(headers.get(names.limit)),
        remaining=parse_count(headers.get(names.remaining)),
        reset_at=parse_reset(headers.get(names.reset), names.reset_format, now),
    )


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
