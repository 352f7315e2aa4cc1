"""Placeholders in specs: find them and fill them in.

``{config.x}`` is a setting, ``{parent.x}`` a field of the parent record, ``{cursor}`` the
incremental bookmark, ``{sync.now}`` the time the sync started and ``{record.x}`` (in
``add_fields`` only) a field of the record being read. A ``|format`` suffix writes a
time as ``iso8601``, ``epoch_seconds``, ``epoch_millis``, ``epoch_decimal`` (Unix seconds with a
six-digit fraction, Slack's ``ts``: ``1512085950.000216``) or ``date``:
``{config.start_date|epoch_millis}``. There is no template language: a string that is exactly
one placeholder takes the value's own type (a list stays a list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

PLACEHOLDER = re.compile(
    r"\{(config|parent|cursor|sync|record)(?:\.([A-Za-z_][A-Za-z0-9_.]*))?(?:\|([a-z0-9_]+))?\}"
)
TIME_FORMATS = ("iso8601", "epoch_seconds", "epoch_millis", "epoch_decimal", "date")
_DECIMAL_EPOCH = re.compile(r"^(-?\d+)\.(\d+)$")


def placeholders_in(value: Any) -> Iterator[tuple[str, str | None]]:
    """Every ``(scope, name)`` placeholder anywhere in a (nested) value."""
    if isinstance(value, str):
        for match in PLACEHOLDER.finditer(value):
            yield match.group(1), match.group(2)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from placeholders_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from placeholders_in(item)


def dig(data: Any, dotted: str) -> Any:
    """The value at a dotted path (``status.status``), or None where it stops."""
    for part in dotted.split("."):
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def render(value: Any, scopes: Mapping[str, Any]) -> Any:
    """Fill placeholders in ``value`` from ``scopes`` (``config``, ``parent``, ``cursor``)."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return _lookup(scopes, *whole.groups())
        return PLACEHOLDER.sub(lambda m: _text(_lookup(scopes, *m.groups())), value)
    if isinstance(value, Mapping):
        return {key: render(item, scopes) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, scopes) for item in value]
    return value


def _lookup(scopes: Mapping[str, Any], scope: str, name: str | None, fmt: str | None) -> Any:
    root = scopes.get(scope)
    value = root if name is None else dig(root, name)
    return value if fmt is None or value is None else format_time(value, fmt)


def format_time(value: Any, fmt: str) -> str:
    """Write a time (datetime, ISO 8601 text, or epoch number/text) in one of TIME_FORMATS."""
    moment = parse_time(value)
    if fmt == "epoch_millis":
        return str(int(moment.timestamp() * 1000))
    if fmt == "epoch_seconds":
        return str(int(moment.timestamp()))
    if fmt == "epoch_decimal":
        whole = moment.replace(microsecond=0)
        return f"{int(whole.timestamp())}.{moment.microsecond:06d}"
    if fmt == "date":
        return moment.date().isoformat()
    return moment.isoformat().replace("+00:00", "Z")


def parse_time(value: Any) -> datetime:
    """A timezone-aware datetime from a datetime, ISO 8601 text or epoch seconds/millis.

    Epoch seconds may carry a decimal fraction (``1512085950.000216``); it is read exactly,
    to the microsecond.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    decimal = _DECIMAL_EPOCH.match(text)
    if decimal:
        whole, fraction = decimal.groups()
        micros = int((fraction + "000000")[:6])
        moment = datetime.fromtimestamp(int(whole), tz=UTC)
        return moment + timedelta(microseconds=-micros if whole.startswith("-") else micros)
    if text.lstrip("-").isdigit():
        number = int(text)
        # 10^11 s is the year 5138: anything larger is milliseconds.
        seconds = number / 1000 if abs(number) >= 10**11 else number
        return datetime.fromtimestamp(seconds, tz=UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
