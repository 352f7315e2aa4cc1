"""Reading numbers from query strings the way an HTTP API does: strictly.

``str.isdigit`` accepts ``"²"`` and ``"١٢"`` (which ``int`` then refuses or reads), and
``float`` accepts ``"inf"`` and ``"1e309"`` (which ``int`` cannot convert), so handlers that
trust them crash on odd input. These helpers answer ``None`` for anything that is not a plain
ASCII number, and the handler turns that into the vendor's 4xx::

    whole_number("25")      # 25
    whole_number("²")       # None
    finite_number("1.5e3")  # 1500.0
    finite_number("inf")    # None
"""

from __future__ import annotations

import math
import re

#: Longer numbers than this are refused (Python limits int() to 4,300 digits anyway).
MAX_DIGITS = 30
_WHOLE = re.compile(r"[+-]?[0-9]{1,%d}" % MAX_DIGITS)  # noqa: UP031
_UNSIGNED = re.compile(r"[0-9]{1,%d}" % MAX_DIGITS)  # noqa: UP031
_DECIMAL = re.compile(r"[+-]?([0-9]{1,%d}(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?" % MAX_DIGITS)  # noqa: UP031


def whole_number(text: str | None, *, signed: bool = True) -> int | None:
    """``text`` as an integer when it is ASCII digits (with an optional sign when
    ``signed``), else ``None``."""
    if text is None:
        return None
    raw = text.strip()
    return int(raw) if (_WHOLE if signed else _UNSIGNED).fullmatch(raw) else None


def finite_number(text: str | None) -> float | None:
    """``text`` as a finite float (ASCII decimal, optional exponent), else ``None``."""
    if text is None:
        return None
    raw = text.strip()
    if not _DECIMAL.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None
