"""Validators for the ``http:`` and ``errors:`` blocks; each raises ``SpecError`` with a path."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from brainhub.errors import SpecError


def mapping(
    value: Any,
    path: str,
    allowed: Iterable[str],
    *,
    optional: bool = False,
    required: Iterable[str] = (),
) -> dict[str, Any]:
    """Check that ``value`` is a mapping with only ``allowed`` keys and all ``required`` ones."""
    allowed = tuple(allowed)
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise SpecError(f"expected a mapping, got {_show(value)}", path=path)
    for key in value:
        if key not in allowed:
            raise SpecError(
                f"unknown key {key!r}; valid keys: {', '.join(allowed)}", path=f"{path}.{key}"
            )
    for key in required:
        if key not in value:
            raise SpecError(f"missing required key {key!r}", path=path)
    return value


def positive_int(value: Any, path: str) -> int:
    """An integer ≥ 1 (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(f"expected a positive integer, got {_show(value)}", path=path)
    return value


def positive_number(value: Any, path: str, *, also: str = "") -> float:
    """A number > 0 (booleans are refused); ``also`` names other accepted forms."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        extra = f" {also}" if also else ""
        raise SpecError(f"expected a positive number{extra}, got {_show(value)}", path=path)
    return float(value)


def number(value: Any, path: str, *, minimum: float) -> float:
    """A number ≥ ``minimum`` (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= minimum:
        raise SpecError(f"expected a number ≥ {minimum:g}, got {_show(value)}", path=path)
    return float(value)


def choice(value: Any, path: str, choices: Iterable[str]) -> str:
    """One of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        raise SpecError(f"expected one of {', '.join(choices)}, got {_show(value)}", path=path)
    return str(value)


def text(value: Any, path: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value:
        raise SpecError(f"expected a non-empty string, got {_show(value)}", path=path)
    return value


def status_list(value: Any, path: str, *, allow_empty: bool = False) -> tuple[int, ...]:
    """An HTTP status (100-599) or a list of them."""
    items = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value and not allow_empty:
        raise SpecError("expected at least one HTTP status", path=path)
    for index, item in enumerate(items):
        where = f"{path}[{index}]" if isinstance(value, list) else path
        if isinstance(item, bool) or not isinstance(item, int) or not 100 <= item <= 599:
            raise SpecError(f"expected an HTTP status 100-599, got {_show(item)}", path=where)
    return tuple(items)


def _show(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
