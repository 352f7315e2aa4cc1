"""Custom field values a write sets, checked by field type as ClickUp documents them.

``POST /task/{id}/field/{field_id}`` takes ``{"value": ...}``; ``POST /list/{id}/task``
takes ``custom_fields: [{"id", "value"}]``. The seeded workspace has these field types:

============  ===================================================  ====================
type          a valid ``value``                                    stored (as rendered)
============  ===================================================  ====================
drop_down     an option's ``id`` (UUID), or its ``orderindex``     the orderindex
number        a number (or its text)                               its text, ``"8"``
checkbox      ``true`` / ``false`` (or their text)                 ``"true"``/``"false"``
short_text    a string                                             the string
============  ===================================================  ====================

``null`` clears the value (like ``DELETE /task/{id}/field/{field_id}``).
"""

from __future__ import annotations

import math
from typing import Any

from brainhub.sandbox.services.clickup import errors
from brainhub.sandbox.services.clickup.hierarchy import CustomField


def checked_value(custom_field: CustomField, value: Any) -> Any:
    """The stored form of ``value`` for ``custom_field``; a 400 when the type refuses it."""
    if value is None:
        return None
    kind = custom_field.type
    if kind == "drop_down":
        return _option_index(custom_field, value)
    if kind == "number":
        return _number_text(value)
    if kind == "checkbox":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower()
        errors.fail(errors.FIELD_VALUE_INVALID)
    if not isinstance(value, str):
        errors.fail(errors.FIELD_VALUE_INVALID)
    return value


def _option_index(custom_field: CustomField, value: Any) -> int:
    options = custom_field.type_config.get("options", [])
    by_index = isinstance(value, int) and not isinstance(value, bool)
    chosen = next((o for o in options if value == (o["orderindex"] if by_index else o["id"])), None)
    if chosen is None:
        errors.fail(errors.FIELD_VALUE_INVALID)
    return int(chosen["orderindex"])


def _number_text(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            errors.fail(errors.FIELD_VALUE_INVALID)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.fail(errors.FIELD_VALUE_INVALID)
    return str(int(value)) if float(value).is_integer() else str(value)
