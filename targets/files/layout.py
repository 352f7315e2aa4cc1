"""Where a batch's files go: ``<stream>/date=YYYY-MM-DD/part-<run>-<n>.<format>``."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]+")


def run_id(now: dt.datetime | None = None) -> str:
    """A name for this run's files: its UTC start time and a random tail (runs never clash)."""
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def stream_folder(stream_name: str) -> str:
    """A stream's folder name (characters a path or an object key could trip on replaced)."""
    return _UNSAFE.sub("_", stream_name).strip(".") or "_"


def partition_date(record: dict[str, Any], date_property: str | None, run_date: dt.date) -> dt.date:
    """The UTC date of ``record[date_property]`` when it holds a date or timestamp, else the
    run's date."""
    value = record.get(date_property) if date_property else None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return run_date
        return parsed.astimezone(dt.UTC).date() if parsed.tzinfo else parsed.date()
    return run_date


def part_path(stream_name: str, day: dt.date, run: str, number: int, extension: str) -> str:
    """The path of one file, relative to the location."""
    return (
        f"{stream_folder(stream_name)}/date={day.isoformat()}/part-{run}-{number:05d}.{extension}"
    )
