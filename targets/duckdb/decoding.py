"""JSON Schema → msgspec types, so that each record is checked while it is decoded, in C.

:func:`compile_record` turns a stream's schema into a msgspec ``Struct`` type whose decoder
enforces, at every level:

* ``type`` (``integer`` means a JSON number without a fraction that fits in 64 bits;
  ``number`` a finite double), ``null`` only where allowed, ``required``, ``properties``,
  ``items``, ``additionalProperties: false``, and ``anyOf`` / ``oneOf`` whose branches allow
  different JSON types;
* ``enum`` and ``const`` of strings, integers and nulls;
* ``minLength``, ``maxLength``, ``pattern``; ``minimum``, ``maximum``, ``exclusiveMinimum``,
  ``exclusiveMaximum``; ``minItems``, ``maxItems``; ``multipleOf`` of integers.

``multipleOf`` of a top-level ``number`` is checked right after decoding, on the decimal
text of the value (so ``0.07`` is a multiple of ``0.01``), with whether it fits the
``DECIMAL(38, s)`` column it lands in.

Anything else that asserts (``not``, ``allOf``, ``if``, ``$ref``, ``uniqueItems``,
``patternProperties``, other ``enum`` values, property names msgspec cannot match: ``"``,
``\\``, control characters…) raises :class:`Unsupported`; the caller then validates the
stream's records with :mod:`jsonschema` instead. Annotations (``title``, ``description``,
``format``…) are not assertions; date and time formats are checked by DuckDB's casts.
"""

from __future__ import annotations

import decimal
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union

import msgspec

from targets.duckdb.types import decimal_scale, json_types

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

#: Keywords that assert something msgspec cannot check here: records of a schema using
#: any of them are validated by jsonschema.
_UNSUPPORTED = frozenset(
    {
        "not",
        "allOf",
        "if",
        "then",
        "else",
        "$ref",
        "$dynamicRef",
        "$recursiveRef",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "patternProperties",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
        "additionalItems",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
    }
)
_SCALARS: dict[str, Any] = {"string": str, "boolean": bool, "integer": int, "number": float}
_DECIMAL_CONTEXT = decimal.Context(prec=1000, Emax=999_999, Emin=-999_999)


class Unsupported(Exception):  # noqa: N818 - a signal, caught by the caller, never shown
    """The schema asks for a check msgspec cannot make."""


@dataclass(frozen=True)
class NumberStep:
    """A top-level ``number`` with ``multipleOf``: checked after decoding."""

    attribute: str
    name: str
    step: float | int
    scale: int | None
    """Set when the column is ``DECIMAL(38, scale)``: the value must also fit in it."""


@dataclass
class CompiledRecord:
    """A record schema compiled for msgspec."""

    type: Any
    attributes: dict[str, str] = field(default_factory=dict)
    """Top-level property → the Struct attribute that holds it."""
    steps: list[NumberStep] = field(default_factory=list)


def compile_record(schema: dict[str, Any], required: Sequence[str]) -> CompiledRecord:
    """Compile the schema of a record (an object) whose ``required`` extra properties are
    its key properties; raise :class:`Unsupported` if msgspec cannot check it."""
    compiler = _Compiler()
    top = dict(schema)
    top["properties"] = {"_sdc_deleted_at": {}, **(schema.get("properties") or {})}
    compiled = CompiledRecord(type=None)
    compiled.type = compiler.object_type(top, required_extra=required, top=compiled)
    return compiled


def is_multiple(value: float | int, step: float | int) -> bool:
    """Whether ``value`` is a multiple of ``step``, on their decimal texts (not binary)."""
    if isinstance(value, int) and isinstance(step, int):
        return value % step == 0
    try:
        remainder = _DECIMAL_CONTEXT.remainder(
            decimal.Decimal(repr(value)), decimal.Decimal(repr(step))
        )
    except decimal.InvalidOperation:
        return False
    return remainder == 0


def fits_decimal(value: float | int, scale: int) -> bool:
    """Whether ``value`` fits in ``DECIMAL(38, scale)``."""
    return abs(value) < 10 ** (38 - scale)


class _Compiler:
    def __init__(self) -> None:
        self._counter = 0

    def object_type(
        self,
        schema: dict[str, Any],
        required_extra: Sequence[str] = (),
        top: CompiledRecord | None = None,
    ) -> Any:
        _refuse_unsupported(schema)
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra:
            raise Unsupported("additionalProperties with a schema")
        forbid = extra is False
        if not properties and not forbid:
            return dict
        required = set(schema.get("required") or ()) | set(required_extra)
        fields: list[Any] = []
        rename: dict[str, str] = {}
        for index, (name, sub) in enumerate(properties.items()):
            if any(ch in '"\\' or ord(ch) < 0x20 for ch in name):
                raise Unsupported(f"property name {name!r}")
            attribute = f"f{index}"
            rename[attribute] = name
            field_type = self.value_type(sub, top_level_name=name if top else None)
            if top is not None:
                top.attributes[name] = attribute
                step = self._number_step(sub, attribute, name)
                if step is not None:
                    top.steps.append(step)
            if name in required:
                fields.append((attribute, field_type))
            else:
                fields.append((attribute, field_type, None))
        for name in required - set(properties):
            raise Unsupported(f"required property {name!r} without a schema")
        fields.sort(key=lambda f: len(f) == 3)  # required fields first, as msgspec needs
        self._counter += 1
        return msgspec.defstruct(
            f"Record{self._counter}", fields, rename=rename, forbid_unknown_fields=forbid
        )

    def value_type(self, schema: Any, top_level_name: str | None = None) -> Any:
        if schema is True or schema == {}:
            return Any
        if not isinstance(schema, dict):
            raise Unsupported("a schema that is not an object")
        _refuse_unsupported(schema)
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches is not None:
            if "type" in schema or ("anyOf" in schema and "oneOf" in schema):
                raise Unsupported("anyOf/oneOf beside other types")
            return self._union_of_branches(branches)
        kinds = json_types(schema)
        if not kinds:
            if "enum" in schema or "const" in schema:
                return self._literal(schema, ["string", "integer", "null"])
            return Any
        if "enum" in schema or "const" in schema:
            return self._literal(schema, kinds)
        members = [self._member(schema, kind, top_level_name) for kind in kinds]
        return _union(members)

    def _member(self, schema: dict[str, Any], kind: str, top_level_name: str | None) -> Any:
        if kind == "null":
            return None
        if kind == "object":
            return self.object_type(schema)
        if kind == "array":
            items = schema.get("items")
            if isinstance(items, list):
                raise Unsupported("items as a list")
            item_type = Any if items is None else self.value_type(items)
            return _constrained(list[item_type], _length(schema, "minItems", "maxItems"))  # type: ignore[valid-type]
        if kind == "string":
            meta = _length(schema, "minLength", "maxLength")
            if isinstance(schema.get("pattern"), str):
                meta["pattern"] = schema["pattern"]
            return _constrained(str, meta)
        if kind == "boolean":
            return bool
        if kind == "integer":
            return _constrained(int, _integer_bounds(schema))
        if kind == "number":
            if "multipleOf" in schema and top_level_name is None:
                raise Unsupported("multipleOf of a nested number")
            return _constrained(float, _number_bounds(schema))
        raise Unsupported(f"type {kind!r}")

    def _union_of_branches(self, branches: Any) -> Any:
        if not isinstance(branches, list) or not branches:
            raise Unsupported("anyOf/oneOf that is not a list")
        seen: set[str] = set()
        members = []
        for branch in branches:
            kinds = json_types(branch) if isinstance(branch, dict) else []
            if not kinds or seen & set(kinds):
                raise Unsupported("anyOf/oneOf branches that overlap")
            seen.update(kinds)
            members.append(self.value_type(branch))
        return _union(members)

    def _literal(self, schema: dict[str, Any], kinds: Sequence[str]) -> Any:
        values = schema["enum"] if "enum" in schema else [schema["const"]]
        if not isinstance(values, list):
            raise Unsupported("enum that is not a list")
        allowed = []
        for value in values:
            kind = _json_kind(value)
            if kind not in {"string", "integer", "null"}:
                raise Unsupported(f"enum value {value!r}")
            if kind in kinds or (kind == "integer" and "number" in kinds):
                allowed.append(value)
        if not allowed:
            raise Unsupported("enum without a value of the allowed types")
        strings_and_ints = [v for v in allowed if v is not None]
        members: list[Any] = [Literal[tuple(strings_and_ints)]] if strings_and_ints else []
        if None in allowed:
            members.append(None)
        return _union(members)

    def _number_step(self, schema: Any, attribute: str, name: str) -> NumberStep | None:
        if not isinstance(schema, dict):
            return None
        if "number" not in json_types(schema) or "multipleOf" not in schema:
            return None
        step = schema["multipleOf"]
        if not isinstance(step, int | float) or isinstance(step, bool) or step <= 0:
            raise Unsupported("multipleOf that is not a positive number")
        kinds = [k for k in json_types(schema) if k != "null"]
        scale = decimal_scale(schema) if kinds == ["number"] else None
        return NumberStep(attribute, name, step, scale)


def _refuse_unsupported(schema: dict[str, Any]) -> None:
    found = _UNSUPPORTED & schema.keys()
    if found:
        raise Unsupported(f"keyword {sorted(found)[0]!r}")


def _union(members: list[Any]) -> Any:
    union = members[0] if len(members) == 1 else Union[tuple(members)]  # noqa: UP007
    try:
        msgspec.json.Decoder(union)
    except TypeError as exc:  # e.g. two object shapes: msgspec cannot tell them apart
        raise Unsupported(str(exc)) from None
    return union


def _constrained(base: Any, meta: dict[str, Any]) -> Any:
    return Annotated[base, msgspec.Meta(**meta)] if meta else base


def _length(schema: dict[str, Any], low: str, high: str) -> dict[str, Any]:
    meta = {}
    if isinstance(schema.get(low), int):
        meta["min_length"] = schema[low]
    if isinstance(schema.get(high), int):
        meta["max_length"] = schema[high]
    return meta


def _bounds(schema: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """``(minimum, maximum, exclusive minimum, exclusive maximum)``, draft 4 booleans read."""
    low, high = schema.get("minimum"), schema.get("maximum")
    low_x, high_x = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if low_x is True:
        low, low_x = None, low
    if high_x is True:
        high, high_x = None, high
    number = (int, float)

    def keep(value: Any) -> Any:
        return value if isinstance(value, number) and not isinstance(value, bool) else None

    return keep(low), keep(high), keep(low_x), keep(high_x)


def _integer_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    low, high, low_x, high_x = _bounds(schema)
    ge, le = INT64_MIN, INT64_MAX
    if low is not None:
        ge = max(ge, math.ceil(low))
    if low_x is not None:
        ge = max(ge, math.floor(low_x) + 1)
    if high is not None:
        le = min(le, math.floor(high))
    if high_x is not None:
        le = min(le, math.ceil(high_x) - 1)
    meta: dict[str, Any] = {
        "ge": min(max(ge, INT64_MIN), INT64_MAX),
        "le": min(max(le, INT64_MIN), INT64_MAX),
    }
    step = schema.get("multipleOf")
    if step is not None:
        if not isinstance(step, int) or isinstance(step, bool) or step <= 0:
            raise Unsupported("multipleOf of an integer that is not a positive integer")
        meta["multiple_of"] = step
    return meta


def _number_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    low, high, low_x, high_x = _bounds(schema)
    names = ("ge", "le", "gt", "lt")
    values = (low, high, low_x, high_x)
    return {n: _float(v) for n, v in zip(names, values, strict=True) if v is not None}


def _float(value: float | int) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond any double: msgspec takes finite bounds only
        raise Unsupported("a bound beyond any double") from None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object" if isinstance(value, dict) else "array"
