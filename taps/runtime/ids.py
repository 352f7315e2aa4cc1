"""Id cursors: bookmarks that are record ids compared as whole numbers.

Many APIs page and filter by id (``after=<id>``): Discord's snowflakes, Twitter's, Mastodon's.
Such ids are 64-bit integers and travel as JSON *text*, since they exceed the 2^53 a JSON
number keeps exactly, so they are compared here as Python integers and written back as text
(``"99" < "100"``, which a text comparison gets wrong).

Time-ordered ids carry their creation time in their high bits: ``(id >> shift) + epoch_ms`` is
the creation time in epoch milliseconds (Discord: shift 22, epoch 1420070400000). With that
declared, a ``start_date`` and a ``lookback`` window in seconds become ids too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from brainhub.spec.placeholders import parse_time


def id_number(value: Any) -> int | None:
    """The id as a whole number (text of digits or an integer), or ``None`` when it is none."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() else None


def largest_id(values: Iterable[Any]) -> str | None:
    """The largest of ``values`` (ids as text or integers) as text; ``None`` if there are none."""
    numbers = [n for n in (id_number(v) for v in values) if n is not None]
    return str(max(numbers)) if numbers else None


def id_greater(value: Any, than: Any) -> bool:
    """Whether id ``value`` is larger than ``than`` (any id beats a missing one)."""
    number, other = id_number(value), id_number(than)
    if number is None:
        return False
    return other is None or number > other


def id_at(moment: Any, epoch_ms: int, shift: int) -> str:
    """The smallest id a time-ordered id scheme gives a record made at ``moment``."""
    millis = int(parse_time(moment).timestamp() * 1000) - epoch_ms
    return str(max(millis, 0) << shift)


def id_time(value: Any, epoch_ms: int, shift: int) -> datetime:
    """When the record of a time-ordered id was made."""
    number = id_number(value)
    if number is None:
        raise ValueError(f"{value!r} is not an id (expected a whole number)")
    return parse_time((number >> shift) + epoch_ms)


def id_before(value: Any, seconds: float, shift: int) -> str:
    """The id ``seconds`` earlier than ``value`` in a time-ordered id scheme (never below 0)."""
    number = id_number(value) or 0
    return str(max(number - (int(seconds * 1000) << shift), 0))
