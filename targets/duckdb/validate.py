"""Cheap record checks: a msgspec decoder compiled once per schema, run in C.

Every staged record is decoded once by :meth:`RecordValidator.inspect`, which returns its
key and whether it is marked deleted (``_sdc_deleted_at``). With validation on, the same
decoder checks JSON types, nullability, required properties and key properties; with it
off, it only reads the key. Only when it rejects a record does :meth:`explain` run the full
JSON Schema validator to word the error the way people expect, e.g.
``record violates schema: 'priority' is not of type 'integer' (got "high")``.
String formats (``date-time``, ``date``, ``time``) are checked by DuckDB's typed reader when
the batch is loaded (see :mod:`targets.duckdb.locate`).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class Inspection:
    """What staging needs to know about a valid record."""

    key: Any
    """The key property value (a tuple when the key has several properties)."""
    deleted: bool
    """Whether the record carries a non-null ``_sdc_deleted_at``."""


class RecordValidator:
    """Validates raw JSON records of one stream against its schema and reads their keys."""

    def __init__(
        self, schema: dict[str, Any], key_properties: Sequence[str] = (), *, validate: bool = True
    ) -> None:
        self.schema = schema
        self.key_properties = list(key_properties)
        self._counter = 0
        self._attributes: dict[str, str] = {}
        if validate:
            record_type = self._object_type(schema, required_extra=self.key_properties, top=True)
        else:
            shape: dict[str, Any] = {"properties": {k: {} for k in self.key_properties}}
            record_type = self._object_type(shape, required_extra=self.key_properties, top=True)
        self._decoder = msgspec.json.Decoder(record_type)
        self.decode = self._decoder.decode
        message_type = msgspec.defstruct(
            "RecordMessage", [("type", str), ("stream", str), ("record", record_type)]
        )
        self.decode_message: Callable[[bytes], Any] = msgspec.json.Decoder(message_type).decode
        """Decode a whole RECORD message line whose record is valid, or raise."""
        """Decode a raw record (raises ``msgspec.ValidationError`` if it is invalid)."""
        key_attributes = [self._attributes[k] for k in self.key_properties]
        self.key_of: Callable[[Any], Any] = (
            operator.attrgetter(*key_attributes) if key_attributes else _no_key
        )
        """The key of a decoded record (a tuple when the key has several properties)."""
        self.deleted_of: Callable[[Any], Any] = operator.attrgetter(
            self._attributes["_sdc_deleted_at"]
        )
        """The ``_sdc_deleted_at`` of a decoded record."""
        self._explainer: Any = None

    def inspect(self, raw: bytes | msgspec.Raw) -> Inspection | Violation:
        """Decode ``raw`` once: its key and deletion mark, or why it is invalid."""
        try:
            decoded = self.decode(raw)
        except msgspec.ValidationError as exc:
            return self.explain(msgspec.json.decode(raw), str(exc))
        key = self.key_of(decoded)
        if key is None or (isinstance(key, tuple) and None in key):
            return self.explain(msgspec.json.decode(raw), "key property is null")
        return Inspection(key, self.deleted_of(decoded) is not None)

    def check(self, raw: bytes | msgspec.Raw) -> Violation | None:
        """Return ``None`` if ``raw`` is a valid record, else why it is not."""
        result = self.inspect(raw)
        return result if isinstance(result, Violation) else None

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

    def _object_type(
        self, schema: dict[str, Any], required_extra: Sequence[str] = (), *, top: bool = False
    ) -> Any:
        properties = dict(schema.get("properties") or {})
        if top:
            properties.setdefault("_sdc_deleted_at", {})
        if not properties:
            return dict
        required = set(schema.get("required") or ()) | set(required_extra)
        fields: list[Any] = []
        rename: dict[str, str] = {}
        for index, (name, sub) in enumerate(properties.items()):
            attribute = f"f{index}"
            rename[attribute] = name
            if top:
                self._attributes[name] = attribute
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
                item_type = self._type(items) if isinstance(items, dict) else Any
                members.append(list.__class_getitem__(item_type))
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


def _no_key(_decoded: Any) -> tuple[()]:
    return ()


def show(value: Any, limit: int = 80) -> str:
    """Render a value as short JSON for an error message."""
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
