"""Discord's snowflake ids: 64-bit, time-ordered, sent as text.

``(id >> 22) + 1420070400000`` is the creation time in epoch milliseconds; the low 22 bits
are a worker, a process and a sequence number. The seeded dataset makes every id from its
object's creation time, so ids and timestamps always agree, as they do at Discord.
"""

from __future__ import annotations

from datetime import UTC, datetime

#: The first millisecond of 2015, Discord's epoch.
DISCORD_EPOCH_MS = 1_420_070_400_000
#: The sandbox's worker and process numbers (bits 17-21 and 12-16).
_WORKER, _PROCESS = 1, 0


def snowflake(created_ms: int, sequence: int = 0) -> str:
    """The id of an object created at ``created_ms`` (``sequence`` tells apart ids made in
    the same millisecond)."""
    stamp = created_ms - DISCORD_EPOCH_MS
    return str((stamp << 22) | (_WORKER << 17) | (_PROCESS << 12) | (sequence & 0xFFF))


def created_ms(snowflake_id: str | int) -> int:
    """When the object of ``snowflake_id`` was created, in epoch milliseconds."""
    return (int(snowflake_id) >> 22) + DISCORD_EPOCH_MS


def iso(ms: int) -> str:
    """Discord's timestamp text: ``2024-01-31T12:00:00.000000+00:00``."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="microseconds")


def is_snowflake(text: str) -> bool:
    """Whether ``text`` is written as a snowflake (digits, no leading zero, 64 bits)."""
    return (
        text.isascii()
        and text.isdigit()
        and (text == "0" or not text.startswith("0"))
        and int(text) < 1 << 64
    )
