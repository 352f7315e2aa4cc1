"""Tests on a record's field, as a spec writes them: ``{field: x, <test>: v}``.

Tests: ``equals`` (a value), ``exists`` (present and not null, or not), ``greater_than`` and
``less_than`` (numbers). Used by ``parent_filter`` (read a child stream only for parent
records that pass) and ``deleted``::

    passes({"field": "reply_count", "exists": True}, {"ts": "1.0", "reply_count": 2})  # True
    passes({"field": "is_member", "equals": True}, {"is_member": 1})                    # False
    passes({"field": "fields.comment.total", "greater_than": 0},
           {"fields": {"comment": {"total": 3}}})                                        # True
"""

from __future__ import annotations

from typing import Any

from brainhub.spec.placeholders import dig

#: The tests a condition may make, one per condition.
TESTS = ("equals", "exists", "greater_than", "less_than")


def passes(condition: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether ``record`` passes ``condition`` (a missing field is ``None``).

    A comparison fails on a field that is not a number (missing, null, text, a boolean).
    """
    value = dig(record, condition["field"])
    if "exists" in condition:
        return (value is not None) is bool(condition["exists"])
    if "greater_than" in condition:
        return _number(value) and value > condition["greater_than"]
    if "less_than" in condition:
        return _number(value) and value < condition["less_than"]
    return _same(value, condition.get("equals"))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(value: Any, expected: Any) -> bool:
    """Equality that does not confuse ``true`` with ``1`` or ``false`` with ``0``."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    return bool(value == expected)
