"""JSON Schema → DuckDB types, and the widening rules used by schema evolution.

Mapping (a ``null`` in a type list only makes the column nullable; every column is)::

    integer                                   BIGINT
    number                                    DOUBLE
    number with multipleOf 10^-s              DECIMAL(38, s)
    string                                    VARCHAR
    string, format date-time / date / time    TIMESTAMPTZ / DATE / TIME
    boolean                                   BOOLEAN
    object with properties                    STRUCT(...)   (JSON if additionalProperties
                                                             is allowed explicitly, or if
                                                             two keys clash case-insensitively)
    object without properties, {}             JSON
    array with items                          LIST of the item type
    array without items                       JSON
    integer + number                          DOUBLE
    other unions (anyOf / oneOf / type lists) VARCHAR for scalars, JSON if a branch is
                                              an object or an array

Widening (:func:`widen`) is the least type that holds both: BIGINT → DECIMAL → DOUBLE →
VARCHAR; STRUCTs merge field by field (fields are never removed); LISTs widen their items;
anything meeting a STRUCT, LIST or JSON of another shape becomes JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from brainhub.sql import quote_identifier

_NESTED = {"STRUCT", "LIST", "JSON"}
_NUMERIC_RANK = {"BIGINT": 0, "DECIMAL": 1, "DOUBLE": 2}
_FORMATS = {"date-time": "TIMESTAMPTZ", "date": "DATE", "time": "TIME"}
_MAX_SCALE = 18


@dataclass(frozen=True)
class SqlType:
    """A DuckDB column type as a small tree (``STRUCT`` fields, ``LIST`` item)."""

    name: str
    fields: tuple[tuple[str, SqlType], ...] = ()
    item: SqlType | None = None
    scale: int = 0

    def sql(self) -> str:
        """Render the type as DuckDB SQL."""
        if self.name == "STRUCT":
            inner = ", ".join(f"{quote_identifier(n)} {t.sql()}" for n, t in self.fields)
            return f"STRUCT({inner})"
        if self.name == "LIST":
            assert self.item is not None
            return f"{self.item.sql()}[]"
        if self.name == "DECIMAL":
            return f"DECIMAL(38, {self.scale})"
        return self.name

    def __str__(self) -> str:
        return self.sql()


BIGINT = SqlType("BIGINT")
DOUBLE = SqlType("DOUBLE")
VARCHAR = SqlType("VARCHAR")
BOOLEAN = SqlType("BOOLEAN")
TIMESTAMPTZ = SqlType("TIMESTAMPTZ")
JSON = SqlType("JSON")


def decimal(scale: int) -> SqlType:
    """A ``DECIMAL(38, scale)`` type."""
    return SqlType("DECIMAL", scale=scale)


def struct(fields: list[tuple[str, SqlType]]) -> SqlType:
    """A ``STRUCT`` type with the given fields, in order."""
    return SqlType("STRUCT", fields=tuple(fields))


def list_of(item: SqlType) -> SqlType:
    """A ``LIST`` type of ``item``."""
    return SqlType("LIST", item=item)


def json_types(schema: dict[str, Any]) -> list[str]:
    """The JSON types a schema allows (``type``, ``anyOf``/``oneOf`` branches, or implied)."""
    declared = schema.get("type")
    if declared is None:
        branches = schema.get("anyOf") or schema.get("oneOf")
        if branches:
            found: list[str] = []
            for branch in branches:
                found.extend(t for t in json_types(branch) if t not in found)
            return found
        if "properties" in schema:
            return ["object"]
        if "items" in schema:
            return ["array"]
        return []
    return [declared] if isinstance(declared, str) else list(declared)


def schema_branch(schema: dict[str, Any], json_type: str) -> dict[str, Any]:
    """The part of a (possibly anyOf) schema that describes ``json_type``."""
    for branch in schema.get("anyOf") or schema.get("oneOf") or ():
        if json_type in json_types(branch):
            return schema_branch(branch, json_type)
    return schema


def decimal_scale(schema: dict[str, Any]) -> int | None:
    """The scale ``s`` of a ``number`` whose ``multipleOf`` is ``10^-s`` (a DECIMAL column)."""
    step = schema.get("multipleOf")
    if not isinstance(step, int | float) or step <= 0 or step >= 1:
        return None
    scale = round(-math.log10(step))
    if scale > _MAX_SCALE or not math.isclose(step, 10.0**-scale):
        return None
    return scale


def from_json_schema(schema: dict[str, Any] | bool) -> SqlType:
    """Return the DuckDB type that stores values valid under ``schema`` without loss."""
    if not isinstance(schema, dict):
        return JSON
    kinds = [t for t in json_types(schema) if t != "null"]
    if not kinds:
        return JSON
    if len(kinds) > 1:
        if set(kinds) <= {"integer", "number"}:
            return DOUBLE
        if {"object", "array"} & set(kinds):
            return JSON
        return VARCHAR
    kind = kinds[0]
    part = schema_branch(schema, kind)
    if kind == "integer":
        return BIGINT
    if kind == "number":
        scale = decimal_scale(part)
        return DOUBLE if scale is None else decimal(scale)
    if kind == "string":
        return SqlType(_FORMATS.get(part.get("format", ""), "VARCHAR"))
    if kind == "boolean":
        return BOOLEAN
    if kind == "object":
        return _object_type(part)
    if kind == "array":
        items = part.get("items")
        if not isinstance(items, dict) or not json_types(items):
            return JSON
        return list_of(from_json_schema(items))
    return JSON


def _object_type(schema: dict[str, Any]) -> SqlType:
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    if not properties or extra is True or isinstance(extra, dict) or "patternProperties" in schema:
        return JSON
    if len({name.lower() for name in properties}) != len(properties) or any(
        not name or "\x00" in name for name in properties
    ):
        return JSON  # DuckDB STRUCT fields are case-insensitive, never empty, never hold NUL
    return struct([(name, from_json_schema(sub)) for name, sub in properties.items()])


def widen(old: SqlType, new: SqlType) -> SqlType:
    """Return the least type that holds every value of ``old`` and of ``new``."""
    if old == new:
        return old
    if old.name in _NUMERIC_RANK and new.name in _NUMERIC_RANK:
        if old.name == new.name == "DECIMAL":
            return decimal(max(old.scale, new.scale))
        return old if _NUMERIC_RANK[old.name] >= _NUMERIC_RANK[new.name] else new
    if old.name == "STRUCT" and new.name == "STRUCT":
        merged = dict(old.fields)
        for name, sub in new.fields:
            merged[name] = widen(merged[name], sub) if name in merged else sub
        if len({n.lower() for n in merged}) != len(merged):
            return JSON
        return struct(list(merged.items()))
    if old.name == "LIST" and new.name == "LIST":
        assert old.item is not None
        assert new.item is not None
        return list_of(widen(old.item, new.item))
    if old.name not in _NESTED and new.name not in _NESTED:
        return VARCHAR
    return JSON


def from_duckdb(duck_type: Any) -> SqlType:
    """Convert a ``duckdb.DuckDBPyType`` (from an existing table) into a :class:`SqlType`."""
    text = str(duck_type)
    kind = duck_type.id
    if text == "JSON":
        return JSON
    if kind == "struct":
        return struct([(name, from_duckdb(sub)) for name, sub in duck_type.children])
    if kind == "list":
        return list_of(from_duckdb(duck_type.children[0][1]))
    if kind == "decimal":
        return decimal(int(dict(duck_type.children)["scale"]))
    aliases = {
        "bigint": "BIGINT",
        "double": "DOUBLE",
        "varchar": "VARCHAR",
        "boolean": "BOOLEAN",
        "timestamp with time zone": "TIMESTAMPTZ",
        "date": "DATE",
        "time": "TIME",
    }
    return SqlType(aliases.get(kind, text.upper()))
