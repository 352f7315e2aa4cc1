"""Tests on a record's field, as a spec writes them: ``{field: x, equals: v}`` or ``exists``.

Used by ``parent_filter`` (read a child stream only for parent records that pass)::

    passes({"field": "reply_count", "exists": True}, {"ts": "1.0", "reply_count": 2})  # True
    passes({"field": "is_member", "equals": True}, {"is_member": 1})                    # False
"""

from __future__ import annotations

from typing import Any

from brainhub.spec.placeholders import dig


def passes(condition: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether ``record`` passes ``condition`` (a missing field is ``None``)."""
    value = dig(record, condition["field"])
    if "exists" in condition:
        return (value is not None) is bool(condition["exists"])
    return _same(value, condition.get("equals"))


def _same(value: Any, expected: Any) -> bool:
    """Equality that does not confuse ``true`` with ``1`` or ``false`` with ``0``."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    return bool(value == expected)
