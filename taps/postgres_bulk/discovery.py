"""The catalog from ``information_schema``: one stream per table or view, JSON-schema types
for its columns, key properties from its primary key.

Streams are named ``<schema>-<table>`` (as the community tap-postgres names them), or
``<table>`` with ``stream_naming: table`` (the target then picks the schema). Types:

    smallint, integer, bigint                 integer
    numeric(p, s)                             number, multipleOf 10^-s (a DECIMAL column)
    numeric, real, double precision           number
    boolean                                   boolean
    timestamp [with time zone]                string, format date-time
    date / time                               string, format date / time
    json, jsonb                               any JSON value ({})
    arrays                                    array of the element's type
    everything else (text, uuid, …)           string

A column that may be NULL also allows null.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from brainhub.errors import SettingsError

COLUMNS_SQL = """
SELECT c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name,
       c.numeric_precision, c.numeric_scale, c.is_nullable = 'YES'
FROM information_schema.columns c
JOIN information_schema.tables t USING (table_schema, table_name)
WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
  AND c.table_schema NOT LIKE 'pg\\_%%'
ORDER BY c.table_schema, c.table_name, c.ordinal_position
"""

KEYS_SQL = """
SELECT k.table_schema, k.table_name, k.column_name
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage k
  ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name
 AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name
WHERE tc.constraint_type = 'PRIMARY KEY'
ORDER BY k.table_schema, k.table_name, k.ordinal_position
"""

_INTEGERS = {"int2", "int4", "int8"}
_NUMBERS = {"float4", "float8", "numeric"}
_FORMATS = {
    "timestamp": "date-time",
    "timestamptz": "date-time",
    "date": "date",
    "time": "time",
    "timetz": "time",
}


def column_schema(
    udt_name: str, precision: int | None, scale: int | None, nullable: bool
) -> dict[str, Any]:
    """The JSON schema of a column whose type is ``udt_name`` (``_x`` for arrays of ``x``)."""
    if udt_name.startswith("_"):
        items = column_schema(udt_name[1:], None, None, nullable=True)
        return {"type": ["array", "null"] if nullable else "array", "items": items}
    if udt_name in {"json", "jsonb"}:
        return {}
    schema: dict[str, Any]
    if udt_name in _INTEGERS:
        schema = {"type": "integer"}
    elif udt_name in _NUMBERS:
        schema = {"type": "number"}
        if udt_name == "numeric" and precision is not None and scale is not None:
            schema["multipleOf"] = float(Decimal(1).scaleb(-scale)) if scale else 1
    elif udt_name == "bool":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "string"}
        if udt_name in _FORMATS:
            schema["format"] = _FORMATS[udt_name]
    if nullable:
        schema["type"] = [schema["type"], "null"]
    return schema


def stream_id(schema: str, table: str, naming: str = "schema-table") -> str:
    """The stream's name: ``<schema>-<table>``, or ``<table>`` when ``naming`` is ``table``."""
    return table if naming == "table" else f"{schema}-{table}"


def discover(
    cursor: Any, filter_schemas: tuple[str, ...], naming: str = "schema-table"
) -> dict[str, Any]:
    """The Singer catalog of every table and view the user can read (of ``filter_schemas``
    only, when given); a :class:`SettingsError` when ``naming: table`` gives two tables one
    stream name."""
    cursor.execute(KEYS_SQL)
    keys: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in cursor.fetchall():
        keys.setdefault((schema, table), []).append(column)
    cursor.execute(COLUMNS_SQL)
    tables: dict[tuple[str, str], dict[str, Any]] = {}
    for schema, table, column, _type, udt, precision, scale, nullable in cursor.fetchall():
        if filter_schemas and schema not in filter_schemas:
            continue
        properties = tables.setdefault((schema, table), {})
        properties[column] = column_schema(udt, precision, scale, nullable)
    seen: dict[str, str] = {}
    for schema, table in tables:
        name = stream_id(schema, table, naming)
        if name in seen:
            raise SettingsError(
                f"setting 'stream_naming': tables {seen[name]}.{table} and {schema}.{table} "
                "would both be stream "
                f"{name!r} (valid: stream_naming schema-table, or filter_schemas naming one)"
            )
        seen[name] = schema
    return {
        "streams": [
            catalog_entry(schema, table, properties, keys.get((schema, table), []), naming)
            for (schema, table), properties in tables.items()
        ]
    }


def catalog_entry(
    schema: str,
    table: str,
    properties: dict[str, Any],
    key_properties: list[str],
    naming: str = "schema-table",
) -> dict[str, Any]:
    """One stream of the catalog, selected by default, full table unless a
    ``replication-key`` is set in its metadata."""
    name = stream_id(schema, table, naming)
    metadata: list[dict[str, Any]] = [
        {
            "breadcrumb": [],
            "metadata": {
                "inclusion": "available",
                "selected-by-default": True,
                "schema-name": schema,
                "table-key-properties": key_properties,
                "valid-replication-keys": [
                    column for column, prop in properties.items() if _sortable(prop)
                ],
            },
        }
    ]
    for column in properties:
        inclusion = "automatic" if column in key_properties else "available"
        metadata.append(
            {
                "breadcrumb": ["properties", column],
                "metadata": {"inclusion": inclusion, "selected-by-default": True},
            }
        )
    return {
        "tap_stream_id": name,
        "stream": name,
        "table_name": table,
        "key_properties": key_properties,
        "schema": {"type": "object", "properties": properties},
        "metadata": metadata,
    }


def _sortable(schema: dict[str, Any]) -> bool:
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds or []
    return bool({"integer", "number", "string"} & set(kinds)) and "array" not in kinds
