"""Singer stream schemas (JSON Schema) ↔ DuckDB column types, for the in-flight mapper.

In flight, a record is typed from its stream's SCHEMA message, the way target-duckdb
loads it: objects with properties become STRUCT, arrays with items LIST, open objects,
objects whose keys cannot be struct fields (empty, NUL, equal but for case) and mixed
unions JSON. Strings stay VARCHAR whatever their ``format``, so conversion functions
(``to_timestamp``) see the text the tap sent. The mapper's own SCHEMA message is derived
back from the DuckDB types the compiled query produces.
"""

from __future__ import annotations

from typing import Any

from brainhub.sql import quote_identifier
from transforms.engine import types as k
from transforms.engine.types import ColumnType

_SCALARS = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}


def duckdb_type(schema: Any) -> str:
    """The DuckDB type (SQL) holding values of JSON Schema ``schema``."""
    if not isinstance(schema, dict):
        return "JSON"
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        return _union([duckdb_type(branch) for branch in branches if _not_null(branch)])
    declared = schema.get("type")
    names = [declared] if isinstance(declared, str) else list(declared or [])
    names = [name for name in names if name != "null"]
    if not names:
        return "JSON"
    if len(names) > 1:
        return _union([duckdb_type({**schema, "type": name}) for name in names])
    name = names[0]
    if name in _SCALARS:
        return _SCALARS[name]
    if name == "object":
        properties = schema.get("properties") or {}
        if not properties or schema.get("additionalProperties") not in (None, False):
            return "JSON"
        if len({key.lower() for key in properties}) != len(properties):
            return "JSON"
        if any(not key or "\x00" in key for key in properties):
            return "JSON"
        fields = ", ".join(
            f"{quote_identifier(key)} {duckdb_type(value)}" for key, value in properties.items()
        )
        return f"STRUCT({fields})"
    if name == "array":
        items = schema.get("items")
        return f"{duckdb_type(items)}[]" if isinstance(items, dict) and items else "JSON"
    return "JSON"


def _not_null(branch: Any) -> bool:
    return not (isinstance(branch, dict) and branch.get("type") == "null")


def _union(types: list[str]) -> str:
    distinct = sorted(set(types))
    if len(distinct) == 1:
        return distinct[0]
    if set(distinct) == {"BIGINT", "DOUBLE"}:
        return "DOUBLE"
    if any(t == "JSON" or t.startswith("STRUCT") or t.endswith("[]") for t in distinct):
        return "JSON"
    return "VARCHAR"


def json_schema(ctype: ColumnType) -> dict[str, Any]:
    """The JSON Schema of values of a DuckDB column type (always nullable)."""
    if ctype.kind == k.TEXT:
        return {"type": ["string", "null"]}
    if ctype.kind == k.INTEGER:
        return {"type": ["integer", "null"]}
    if ctype.kind == k.FLOAT:
        return {"type": ["number", "null"]}
    if ctype.kind == k.BOOLEAN:
        return {"type": ["boolean", "null"]}
    if ctype.kind == k.TIMESTAMP:
        return {"type": ["string", "null"], "format": "date-time"}
    if ctype.kind == k.DATE:
        return {"type": ["string", "null"], "format": "date"}
    if ctype.kind == k.STRUCT:
        properties = {name: json_schema(child) for name, child in ctype.children.items()}
        return {"type": ["object", "null"], "properties": properties}
    if ctype.kind == k.LIST:
        items = json_schema(ctype.element) if ctype.element else {}
        return {"type": ["array", "null"], "items": items}
    return {}
