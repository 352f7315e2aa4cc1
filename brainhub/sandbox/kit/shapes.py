"""Responses shaped from a vendor's documented schemas, for objects no store models.

A vendor's derived surface file (see :mod:`.surface`) holds, per documented operation, the
*shape* of its 200 response: our own compact description of the documented fields and
types, not the document itself::

    {"o": {"views": {"a": {"o": {"id": {"t": "string"}, "name": {"t": "string"}}}}}}

``o`` is an object (its fields), ``a`` an array (its item), ``t`` a scalar type with an
optional ``f`` (format), ``e`` (the documented values: an ``enum``, a ``const``, ``oneOf``
constants), ``p`` (the documented pattern) and ``n`` (null is allowed); ``{"t": "object"}``
and ``{"t": "array"}`` are values whose fields the shapes do not follow (they stop at a
depth). :class:`Shaper` fills a shape with plausible values that are the same on every call
for the same request:

- every documented field is present; arrays hold one item; a value the shapes stop at is
  an empty object or array, or ``null`` (``{"t": "null"}``);
- a documented value list gives its first value; a string with a documented pattern
  matches it (a value that does not is made from the pattern: a snowflake's digits), or is
  ``null`` where no value can meet both its pattern and its format and null is allowed;
- a field named like a value in the *context* takes it: ``team_id`` → the workspace id,
  ``id`` inside ``"view"`` → ``view_id`` from the path, so ids resolve to served objects;
- an object with a ``username`` field is the context's ``user`` (the token's owner);
- other values follow the field's name (``*_id``, dates in epoch ms, colours, URLs,
  e-mails) and type, seeded by the operation and the field's path.
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Mapping
from typing import Any

from jsonschema import FormatChecker

from brainhub.sandbox.kit.patterns import patterned

Shape = Mapping[str, Any]

_ID_SUFFIXES = ("_id", "id", "Id")
_DATE_NAMES = ("at", "since", "start", "end", "last_active", "updated", "created", "time")


class Shaper:
    """Fills shapes; ``base_ms`` is the dataset's fixed "now" for dates."""

    def __init__(self, base_ms: int, host: str) -> None:
        self.base_ms = base_ms
        self.host = host

    def fill(self, shape: Shape, context: Mapping[str, Any], seed: str) -> Any:
        """The value of ``shape`` for one request (``seed`` names the request)."""
        return self._value(shape, "", "", context, seed)

    def complete(self, shape: Shape, body: Any, context: Mapping[str, Any], seed: str) -> Any:
        """``body`` (a hand-modelled answer) with every documented field it lacks added,
        shaped as :meth:`fill` would; fields it has are kept as they are."""
        return self._complete(shape, body, "", context, seed)

    def _complete(
        self, shape: Shape, body: Any, name: str, context: Mapping[str, Any], path: str
    ) -> Any:
        if "o" in shape and isinstance(body, dict):
            out = dict(body)  # hand-modelled objects are often shared: never change them
            for key, sub in shape["o"].items():
                if key in body:
                    out[key] = self._complete(sub, body[key], key, context, f"{path}.{key}")
                else:
                    out[key] = self._value(sub, key, name, context, f"{path}.{key}")
            return out
        if "a" in shape and isinstance(body, list):
            return [self._complete(shape["a"], item, name, context, path + "[]") for item in body]
        return body

    def _value(
        self, shape: Shape, name: str, parent: str, context: Mapping[str, Any], path: str
    ) -> Any:
        if "o" in shape:
            return self._object(shape["o"], name, context, path)
        if "a" in shape:
            return [self._value(shape["a"], name, parent, context, path + "[]")]
        return self._scalar(shape, name, parent, context, path)

    def _object(
        self, fields: Mapping[str, Shape], name: str, context: Mapping[str, Any], path: str
    ) -> dict[str, Any]:
        user = context.get("user") if "username" in fields else None
        out: dict[str, Any] = {}
        for key, shape in fields.items():
            if isinstance(user, Mapping) and key in user and _fits(shape, user[key]):
                out[key] = user[key]
            else:
                out[key] = self._value(shape, key, name, context, f"{path}.{key}")
        return out

    def _scalar(
        self, shape: Shape, name: str, parent: str, context: Mapping[str, Any], path: str
    ) -> Any:
        kind = shape.get("t", "string")
        if shape.get("e"):
            return shape["e"][0]
        if kind in _EMPTY:  # a value the shapes stop at: documented, but not its fields
            return _EMPTY[kind]()
        value = self._plain(shape, kind, name, parent, context, path)
        pattern = shape.get("p")
        if isinstance(value, str) and isinstance(pattern, str):
            value = _matching(pattern, value, _digest(path))
            if shape.get("n") and not _meets(shape, value):
                return None  # no value meets both the pattern and the format: null may
        return value

    def _plain(
        self,
        shape: Shape,
        kind: str,
        name: str,
        parent: str,
        context: Mapping[str, Any],
        path: str,
    ) -> Any:
        known = _from_context(name, parent, context)
        if known is not None and _fits(shape, known):
            return known
        if known is not None and kind == "integer" and str(known).isdigit():
            return int(known)
        if known is not None and kind == "string":
            return str(known)
        number = _digest(path)
        lowered = name.lower()
        if kind == "null":
            return None
        if kind == "boolean":
            return lowered in ("access", "enabled", "active", "public") or lowered.startswith("can")
        if kind == "integer":
            if _is_id(name):
                return 10_000_000 + number % 90_000_000
            if _is_date(lowered):
                return self.base_ms - (number % 90) * 86_400_000
            return 1 + number % 9  # counts, sizes, line numbers: documented minimums are 0 or 1
        if kind == "number":
            return float(number % 100)
        return self._string(shape.get("f"), name, parent, number, context)

    def _string(
        self, fmt: str | None, name: str, parent: str, number: int, context: Mapping[str, Any]
    ) -> str:
        lowered = name.lower()
        if fmt == "date-time":
            return "2026-03-01T09:00:00.000Z"
        if fmt == "time":
            return "09:00:00"
        if fmt == "date":
            return "2026-03-01"
        if fmt in _DIGIT_FORMATS:  # numbers a document writes as strings of digits
            return str(900_000_000 + number % 100_000_000)
        if fmt == "byte":
            encoded = f"{name or 'value'} {number % 100}".encode()
            return base64.urlsafe_b64encode(encoded).decode()
        if fmt == "uuid":
            return str(uuid.UUID(int=number % (1 << 128), version=4))
        if fmt == "email" or "email" in lowered:
            user = context.get("user")
            return str(user.get("email")) if isinstance(user, Mapping) else "owner@example.com"
        if fmt in ("uri", "url") or any(w in lowered for w in ("url", "avatar", "picture")):
            return f"https://{self.host}/{lowered or 'item'}/{number % 100_000}"
        if _is_id(name):
            return str(900_000_000 + number % 100_000_000)
        if "color" in lowered or lowered.endswith(("_fg", "_bg")):
            return "#7b68ee"
        if _is_date(lowered):
            return str(self.base_ms - (number % 90) * 86_400_000)
        words = (parent if lowered == "name" and parent else name).replace("_", " ").strip()
        words = words or "value"
        return f"{words[0].upper()}{words[1:]} {number % 100}"


#: String formats of integers: their values are strings of digits.
_DIGIT_FORMATS = ("int64", "uint64", "int32", "uint32", "snowflake")
_FORMATS = FormatChecker()
_FULL_TIME = re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE)


@_FORMATS.checks("time")
def _is_full_time(value: object) -> bool:
    """RFC 3339's ``full-time``, whose offset JSON Schema's ``time`` requires."""
    return not isinstance(value, str) or bool(_FULL_TIME.fullmatch(value))


_EMPTY: dict[str, Any] = {"object": dict, "array": list}


def _matching(pattern: str, value: str, number: int) -> str:
    """``value`` if it matches ``pattern`` (a documented id pattern), else a value made from
    the pattern itself (``^(0|[1-9][0-9]*)$`` → digits); ``value`` when the pattern is
    beyond the simple forms documents use."""
    try:
        if re.search(pattern, value):  # JSON Schema patterns are unanchored searches
            return value
        made = patterned(pattern, number)
    except (re.error, ValueError):
        return value
    return made if re.search(pattern, made) else value


def _meets(shape: Shape, value: str) -> bool:
    """Whether ``value`` meets the documented pattern and format of ``shape``."""
    pattern, fmt = shape.get("p"), shape.get("f")
    try:
        if isinstance(pattern, str) and not re.search(pattern, value):
            return False
    except re.error:
        return False
    return not isinstance(fmt, str) or _FORMATS.conforms(value, fmt)


def _from_context(name: str, parent: str, context: Mapping[str, Any]) -> Any:
    if name in context and not isinstance(context[name], Mapping):
        return context[name]
    if name == "id" and parent:
        singular = parent[:-1] if parent.endswith("s") and parent != "status" else parent
        for candidate in (f"{parent}_id", f"{singular}_id"):
            if candidate in context:
                return context[candidate]
    return None


def _fits(shape: Shape, value: Any) -> bool:
    kind = shape.get("t")
    if kind is None:
        return False
    if shape.get("e") and value not in shape["e"]:
        return False
    if isinstance(shape.get("p"), str) and isinstance(value, str) and not _meets(shape, value):
        return False
    checks = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }
    return checks.get(kind, False)


def _is_id(name: str) -> bool:
    return name.endswith(_ID_SUFFIXES)


def _is_date(lowered: str) -> bool:
    return (
        lowered in _DATE_NAMES
        or "date" in lowered
        or lowered.endswith(("_at", "_on", "_start", "_end"))
        or lowered.startswith(("start_", "end_"))
    )


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
