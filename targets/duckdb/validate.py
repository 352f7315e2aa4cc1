"""Cheap record validation: a msgspec decoder compiled once per schema, run in C.

The compiled decoder checks JSON types, nullability, required properties and key
properties. Only when it rejects a record does :func:`explain` run the full JSON Schema
validator to word the error the way people expect, e.g.
``record violates schema: 'priority' is not of type 'integer' (got "high")``.
String formats (``date-time``, ``date``, ``time``) are checked by DuckDB's typed reader when
the batch is loaded (see :mod:`targets.duckdb.locate`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Union

import msgspec
from jsonschema import validators

from targets.duckdb.types import json_types, schema_branch

_SCALAR_TYPES: dict[str, Any] = {"integer": int, "number": float, "string": str, "boolean": bool}


@dataclass(frozen=True)
class Violation:
    """Why a record is invalid; ``missing_key`` when a key property is absent or null."""

    reason: str
    missing_key: bool = False


class RecordValidator:
    """Validates raw JSON records of one stream against its schema."""

    def __init__(self, schema: dict[str, Any], key_properties: Sequence[str] = ()) -> None:
        self.schema = schema
        self.key_properties = list(key_properties)
        self._counter = 0
        record_type = self._object_type(schema, required_extra=self.key_properties)
        self._decoder = msgspec.json.Decoder(record_type)
        self._explainer: Any = None

    def check(self, raw: bytes | msgspec.Raw) -> Violation | None:
        """Return ``None`` if ``raw`` is a valid record, else why it is not."""
        try:
            self._decoder.decode(raw)
        except msgspec.ValidationError as exc:
            return self.explain(msgspec.json.decode(raw), str(exc))
        return None

    def explain(self, record: Any, fallback: str) -> Violation:
        """Word why ``record`` violates the schema (``fallback`` if no rule explains it)."""
        if not isinstance(record, dict):
            return Violation(
                f"record violates schema: record is not an object (got {show(record)})"
            )
        for key in self.key_properties:
            if record.get(key) is None:
                state = "is null" if key in record else "is missing"
                return Violation(f"key property {key!r} {state}", missing_key=True)
        if self._explainer is None:
            cls = validators.validator_for(self.schema, default=validators.Draft7Validator)
            self._explainer = cls(self.schema)
        errors = sorted(self._explainer.iter_errors(record), key=lambda e: list(e.path))
        if not errors:
            return Violation(f"record violates schema: {fallback}")
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "type":
            expected = error.validator_value
            names = [expected] if isinstance(expected, str) else list(expected)
            wanted = " or ".join(repr(n) for n in names)
            return Violation(
                f"record violates schema: {where!r} is not of type {wanted} "
                f"(got {show(error.instance)})"
            )
        prefix = f"{where!r}: " if where else ""
        return Violation(f"record violates schema: {prefix}{error.message}")

    def _object_type(self, schema: dict[str, Any], required_extra: Sequence[str] = ()) -> Any:
        properties = schema.get("properties") or {}
        if not properties:
            return dict
        required = set(schema.get("required") or ()) | set(required_extra)
        fields: list[Any] = []
        rename: dict[str, str] = {}
        for index, (name, sub) in enumerate(properties.items()):
            attribute = f"f{index}"
            rename[attribute] = name
            field_type = self._type(sub)
            if name in required:
                fields.append((attribute, field_type))
            else:
                fields.append((attribute, field_type, None))
        fields.sort(key=lambda f: len(f) == 3)  # required fields first, as msgspec needs
        self._counter += 1
        return msgspec.defstruct(f"Record{self._counter}", fields, rename=rename)

    def _type(self, schema: Any) -> Any:
        if not isinstance(schema, dict):
            return Any
        kinds = json_types(schema)
        if not kinds:
            return Any
        members: list[Any] = []
        for kind in kinds:
            part = schema_branch(schema, kind)
            if kind == "null":
                members.append(None)
            elif kind in _SCALAR_TYPES:
                members.append(_SCALAR_TYPES[kind])
            elif kind == "object":
                members.append(self._object_type(part))
            elif kind == "array":
                items = part.get("items")
                members.append(list[self._type(items)] if isinstance(items, dict) else list)
            else:
                return Any
        if "integer" in kinds and "number" in kinds:
            members.remove(int)
        union = members[0] if len(members) == 1 else Union[tuple(members)]  # noqa: UP007
        try:
            msgspec.json.Decoder(union)
        except TypeError:
            return Any  # a union msgspec cannot check (e.g. two object shapes): accept any
        return union


def show(value: Any, limit: int = 80) -> str:
    """Render a value as short JSON for an error message."""
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
