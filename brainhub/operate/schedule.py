"""When a Meltano schedule runs next: its ``interval`` (``@hourly``… or a five-field cron
expression) read without a cron library.

::

    next_run("@hourly", datetime(2026, 1, 1, 10, 15, tzinfo=UTC))   # 11:00
    next_run("30 2 * * 1-5", now)                                   # 02:30 on the next weekday
    next_run("@once", now)                                          # None: no next run
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
#: (name, lowest, highest) of the five fields.
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 7))


class ScheduleError(ValueError):
    """An interval that is neither an alias nor a five-field cron expression."""


def _field(text: str, name: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ScheduleError(f"{name} step {step_text!r} is not a positive number")
        if base == "*":
            first, last = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            if not (a.isdigit() and b.isdigit()):
                raise ScheduleError(f"{name} range {base!r} is not two numbers")
            first, last = int(a), int(b)
        elif base.isdigit():
            first = last = int(base)
            if step:
                last = high
        else:
            raise ScheduleError(f"{name} {base!r} is not *, a number or a range")
        if not (low <= first <= last <= high):
            raise ScheduleError(f"{name} {part!r} is outside {low}-{high}")
        values.update(range(first, last + 1, step or 1))
    return values


def next_run(interval: str | None, now: datetime) -> datetime | None:
    """The first time after ``now`` (UTC) the interval fires; None for ``@once``/``@manual``
    or no interval. Raises :class:`ScheduleError` for an interval it cannot read."""
    if not interval or interval in ("@once", "@manual", "@none"):
        return None
    expression = ALIASES.get(interval.strip(), interval.strip())
    parts = expression.split()
    if len(parts) != 5:
        raise ScheduleError(
            f"interval {interval!r}: expected @hourly, @daily, @weekly, @monthly, @yearly or "
            "five cron fields (minute hour day month weekday)"
        )
    minutes, hours, days, months, weekdays = (
        _field(text, name, low, high) for text, (name, low, high) in zip(parts, FIELDS, strict=True)
    )
    if 7 in weekdays:
        weekdays.add(0)
    any_day, any_weekday = parts[2] == "*", parts[4] == "*"
    start = now.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    day = start.replace(hour=0, minute=0)
    for _ in range(366 * 5):
        weekday = (day.weekday() + 1) % 7  # cron counts from Sunday
        by_day, by_weekday = day.day in days, weekday in weekdays
        # cron: when both day fields are restricted, either one matching is enough
        day_ok = (by_day and by_weekday) if any_day or any_weekday else (by_day or by_weekday)
        if day.month in months and day_ok:
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    candidate = day.replace(hour=hour, minute=minute)
                    if candidate >= start:
                        return candidate
        day += timedelta(days=1)
    return None
