"""DuckDB column types as JSON Schema, and DuckDB values as JSON values.

=================================================  =========================================
DuckDB                                             JSON Schema (every column may be null)
=================================================  =========================================
BOOLEAN                                            boolean
TINYINT … HUGEINT, UTINYINT … UHUGEINT             integer
FLOAT, DOUBLE                                      number
DECIMAL(p, s)                                      number, or string (``decimal_as: string``)
DATE                                               string, format date
TIME, TIME WITH TIME ZONE                          string, format time
TIMESTAMP (any precision), TIMESTAMP WITH TZ       string, format date-time (UTC offset)
LIST ``T[]``, ARRAY ``T[n]``                       array of T
STRUCT(a T, …)                                     object with properties a …
MAP(K, V)                                          object (keys as text)
BLOB                                               string, base64
VARCHAR, JSON, UUID, ENUM, INTERVAL, BIT, others   string
=================================================  =========================================

A naive TIMESTAMP is taken as UTC.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
from typing import Any

_INTEGERS = frozenset(
    {
        "tinyint",
        "smallint",
        "integer",
        "bigint",
        "hugeint",
        "utinyint",
        "usmallint",
        "uinteger",
        "ubigint",
        "uhugeint",
    }
)
_NUMBERS = frozenset({"float", "double"})
_TIMESTAMPS = frozenset(
    {
        "timestamp",
        "timestamp with time zone",
        "timestamp_s",
        "timestamp_ms",
        "timestamp_ns",
    }
)


def is_timestamp(duck_type: Any) -> bool:
    """Whether a DuckDB type is one of the TIMESTAMP types."""
    return str(duck_type.id) in _TIMESTAMPS


def json_schema(duck_type: Any, decimal_as: str = "number") -> dict[str, Any]:
    """The JSON Schema of a column of ``duck_type`` (a ``duckdb`` type object); nullable."""
    kind = str(duck_type.id)
    if kind == "boolean":
        return {"type": ["boolean", "null"]}
    if kind in _INTEGERS:
        return {"type": ["integer", "null"]}
    if kind in _NUMBERS:
        return {"type": ["number", "null"]}
    if kind == "decimal":
        return {"type": ["string" if decimal_as == "string" else "number", "null"]}
    if kind == "date":
        return {"type": ["string", "null"], "format": "date"}
    if kind in ("time", "time with time zone"):
        return {"type": ["string", "null"], "format": "time"}
    if kind in _TIMESTAMPS:
        return {"type": ["string", "null"], "format": "date-time"}
    if kind in ("list", "array"):
        child = dict(duck_type.children)["child"]
        return {"type": ["array", "null"], "items": json_schema(child, decimal_as)}
    if kind == "struct":
        properties = {name: json_schema(child, decimal_as) for name, child in duck_type.children}
        return {"type": ["object", "null"], "properties": properties}
    if kind == "map":
        value = dict(duck_type.children)["value"]
        return {"type": ["object", "null"], "additionalProperties": json_schema(value, decimal_as)}
    if kind == "blob":
        return {"type": ["string", "null"], "contentEncoding": "base64"}
    return {"type": ["string", "null"]}


def jsonable(value: Any, decimal_as: str = "number") -> Any:
    """``value`` as DuckDB's Python client returns it, made JSON-ready (see the module doc)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value) if decimal_as == "string" else float(value)
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
        return aware.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): jsonable(v, decimal_as) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item, decimal_as) for item in value]
    return str(value)  # UUID, timedelta (INTERVAL), …
