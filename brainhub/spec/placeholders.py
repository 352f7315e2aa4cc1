"""Placeholders in specs: find them and fill them in.

``{config.x}`` is a setting, ``{parent.x}`` a field of the parent record, ``{cursor}`` the
incremental bookmark, ``{sync.now}`` the time the sync started and ``{record.x}`` (in
``add_fields`` only) a field of the record being read; ``{call.x}`` (a write batch's item
only) the create a record would send alone (``{call.path}``, ``{call.body.data}``). A ``|format`` suffix writes a
time as ``iso8601``, ``epoch_seconds``, ``epoch_millis``, ``epoch_decimal`` (Unix seconds with a
six-digit fraction, Slack's ``ts``: ``1512085950.000216``) or ``date``:
``{config.start_date|epoch_millis}``. There is no template language: a string that is exactly
one placeholder takes the value's own type (a list stays a list).

A placeholder never silently becomes empty text: :func:`render` raises :class:`MissingValueError`
when a ``{parent.x}`` has no value, or when any placeholder inside longer text
(``/repos/{parent.full_name}/labels``) has none. A string that is exactly one ``{config.x}``
or ``{cursor}`` placeholder renders as None when unset, which callers read as "leave this
parameter out". :func:`placeholder_problems` finds text that looks like a placeholder but is
not one (``{parnet.id}``, ``{config.x|bogus}``), for the spec loader to reject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from brainhub.errors import ConfigError

PLACEHOLDER = re.compile(
    r"\{(config|parent|cursor|sync|record|call)"
    r"(?:\.([A-Za-z_][A-Za-z0-9_.]*))?(?:\|([a-z0-9_]+))?\}"
)
TIME_FORMATS = ("iso8601", "epoch_seconds", "epoch_millis", "epoch_decimal", "date")
_DECIMAL_EPOCH = re.compile(r"^(-?\d+)\.(\d+)$")
#: Anything written like a placeholder: braces around a name, maybe dotted, maybe ``|format``.
_PLACEHOLDER_LIKE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_.]*(?:\|[^{}\s]*)?\}")
#: Scopes that always name a field (``{parent}`` alone means nothing).
_NAMED_SCOPES = ("config", "parent", "record", "call")
_SYNC_NAMES = ("now",)
VALID_FORMS = "{config.x}, {parent.x}, {cursor}, {sync.now}, {record.x}, {call.x}"


class MissingValueError(ConfigError):
    """A placeholder has no value to fill in (the parent record or setting lacks it).

    A ConfigError, so that wherever it escapes the command line shows one line.
    """

    def __init__(self, scope: str, name: str | None) -> None:
        self.scope = scope
        self.name = name
        self.placeholder = f"{{{scope}.{name}}}" if name else f"{{{scope}}}"
        super().__init__(f"{self.placeholder} has no value")


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


def placeholder_problems(value: Any) -> Iterator[str]:
    """What is wrong with each placeholder-like text in a (nested) value."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from placeholder_problems(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from placeholder_problems(item)
    elif isinstance(value, str):
        for match in _PLACEHOLDER_LIKE.finditer(value):
            problem = _placeholder_problem(match.group(0))
            if problem:
                yield problem


def _placeholder_problem(text: str) -> str | None:
    match = PLACEHOLDER.fullmatch(text)
    if not match:
        return f"{text} is not a placeholder (valid: {VALID_FORMS}, with an optional |format)"
    scope, name, fmt = match.groups()
    if fmt is not None and fmt not in TIME_FORMATS:
        return f"{text}: unknown format {fmt!r} (valid: {', '.join(TIME_FORMATS)})"
    if scope in _NAMED_SCOPES and not name:
        return f"{text} names no field (write {{{scope}.<field>}})"
    if scope == "cursor" and name:
        return f"{text}: the cursor has no fields (write {{cursor}})"
    if scope == "sync" and name not in _SYNC_NAMES:
        return f"{text}: unknown sync value (valid: {{sync.now}})"
    if name and any(not part for part in name.split(".")):
        return f"{text}: empty part in the dotted name"
    return None


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
            found = _lookup(scopes, *whole.groups())
            if whole.group(1) == "parent" and found in (None, ""):
                raise MissingValueError("parent", whole.group(2))
            return found
        return PLACEHOLDER.sub(lambda m: _text(_required(scopes, *m.groups())), value)
    if isinstance(value, Mapping):
        return {key: render(item, scopes) for key, item in value.items()}
    if isinstance(value, list):
        return [render(item, scopes) for item in value]
    return value


def _lookup(scopes: Mapping[str, Any], scope: str, name: str | None, fmt: str | None) -> Any:
    root = scopes.get(scope)
    value = root if name is None else dig(root, name)
    return value if fmt is None or value is None else format_time(value, fmt)


def _required(scopes: Mapping[str, Any], scope: str, name: str | None, fmt: str | None) -> Any:
    value = _lookup(scopes, scope, name, fmt)
    if value is None or value == "":
        raise MissingValueError(scope, name)
    return value


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
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
