"""DuckDB column types (as inferred from a file) as JSON Schema, DuckDB values as JSON.

Integers → integer; FLOAT, DOUBLE, DECIMAL → number; BOOLEAN → boolean; DATE, TIME and
TIMESTAMP (with or without a zone) → string with format date / time / date-time (timestamps
in UTC, a naive one taken as UTC); STRUCT → object with its fields; LIST → array of the item;
MAP → object; everything else (VARCHAR, JSON, UUID, BLOB as base64, …) → string. Every
column may be null.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
from typing import Any

_INTEGER_IDS = {"tinyint", "smallint", "integer", "bigint", "hugeint"}
_INTEGER_IDS |= {"u" + name for name in _INTEGER_IDS}
_NUMBER_IDS = {"float", "double", "decimal"}
_TIMESTAMP_IDS = {
    "timestamp",
    "timestamp with time zone",
    "timestamp_s",
    "timestamp_ms",
    "timestamp_ns",
}


def json_schema(duck_type: Any) -> dict[str, Any]:
    """The nullable JSON Schema of a ``duckdb`` type object (see the module doc)."""
    kind = str(duck_type.id)
    scalar = _scalar_schema(kind)
    if scalar is not None:
        return scalar
    children = list(duck_type.children) if kind in {"list", "array", "struct", "map"} else []
    if kind in ("list", "array"):
        return {"type": ["array", "null"], "items": json_schema(dict(children)["child"])}
    if kind == "struct":
        return {"type": ["object", "null"], "properties": {n: json_schema(t) for n, t in children}}
    if kind == "map":
        return {
            "type": ["object", "null"],
            "additionalProperties": json_schema(dict(children)["value"]),
        }
    return {"type": ["string", "null"]}


def _scalar_schema(kind: str) -> dict[str, Any] | None:
    if kind == "boolean":
        return {"type": ["boolean", "null"]}
    if kind in _INTEGER_IDS:
        return {"type": ["integer", "null"]}
    if kind in _NUMBER_IDS:
        return {"type": ["number", "null"]}
    formats = {"date": "date", "time": "time", "time with time zone": "time"}
    formats |= dict.fromkeys(_TIMESTAMP_IDS, "date-time")
    if kind in formats:
        return {"type": ["string", "null"], "format": formats[kind]}
    return None


def jsonable(value: Any) -> Any:
    """A value as DuckDB's Python client returns it, as JSON (see the module doc)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        zoned = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return zoned.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return str(value)
