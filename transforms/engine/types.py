"""Kinds of values the compiler tracks through a function chain, from DuckDB types."""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT = "text"
INTEGER = "integer"
FLOAT = "float"
BOOLEAN = "boolean"
TIMESTAMP = "timestamp"
DATE = "date"
STRUCT = "struct"
LIST = "list"
JSON = "json"
OTHER = "other"
UNKNOWN = "unknown"

NUMERIC = frozenset({INTEGER, FLOAT})

_INTEGER_TYPES = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
}  # fmt: skip
_FLOAT_TYPES = {"FLOAT", "DOUBLE", "DECIMAL", "REAL"}


@dataclass(frozen=True)
class ColumnType:
    """A column's DuckDB type: its kind, its SQL spelling, and nested children if any.

    ``children`` maps struct field names to their types; ``element`` is a list's item type.
    """

    kind: str
    sql: str
    children: dict[str, ColumnType] = field(default_factory=dict)
    element: ColumnType | None = None


UNKNOWN_TYPE = ColumnType(UNKNOWN, "")


def column_type(duck_type: object) -> ColumnType:
    """Describe a ``duckdb`` type object (from ``relation.dtypes``)."""
    type_id = str(getattr(duck_type, "id", "")).upper()
    sql = str(duck_type)
    if type_id == "STRUCT":
        children = {name: column_type(child) for name, child in _children(duck_type)}
        return ColumnType(STRUCT, sql, children)
    if type_id == "LIST" or type_id == "ARRAY":
        items = _children(duck_type)
        element = column_type(items[0][1]) if items else UNKNOWN_TYPE
        return ColumnType(LIST, sql, element=element)
    return ColumnType(kind_of_sql(type_id, sql), sql)


def _children(duck_type: object) -> list[tuple[str, object]]:
    try:
        return list(getattr(duck_type, "children", []))
    except Exception:
        return []


def kind_of_sql(type_id: str, sql: str = "") -> str:
    """The kind of a scalar DuckDB type name such as ``BIGINT`` or ``TIMESTAMP WITH TIME ZONE``."""
    name = type_id.upper()
    if sql.upper() == "JSON":
        return JSON
    if name in ("VARCHAR", "STRING", "TEXT", "UUID", "ENUM"):
        return TEXT
    if name in _INTEGER_TYPES:
        return INTEGER
    if name in _FLOAT_TYPES or name.startswith("DECIMAL"):
        return FLOAT
    if name == "BOOLEAN":
        return BOOLEAN
    if name.startswith("TIMESTAMP") or name == "DATETIME":
        return TIMESTAMP
    if name == "DATE":
        return DATE
    if name == "JSON" or sql.upper() == "JSON":
        return JSON
    return OTHER
