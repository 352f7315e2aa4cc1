"""Where and how one stream lands: table name, columns, their types and their sources."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from brainhub.sql import quote_identifier
from targets.duckdb.errors import InputError
from targets.duckdb.naming import resolve_names
from targets.duckdb.types import BIGINT, TIMESTAMPTZ, VARCHAR, SqlType, from_json_schema, struct

#: Metadata columns and their types. ``_sdc_deleted_at`` and ``_sdc_table_version`` are
#: always present (hard deletes and ACTIVATE_VERSION need them); the others only with
#: ``add_record_metadata``.
METADATA_COLUMNS: dict[str, SqlType] = {
    "_sdc_extracted_at": TIMESTAMPTZ,
    "_sdc_received_at": TIMESTAMPTZ,
    "_sdc_batched_at": TIMESTAMPTZ,
    "_sdc_deleted_at": TIMESTAMPTZ,
    "_sdc_sequence": BIGINT,
    "_sdc_table_version": BIGINT,
}
ALWAYS_PRESENT = ("_sdc_deleted_at", "_sdc_table_version")

#: The staging column that carries each record's input line number.
LINE_COLUMN = "__bh_line"
#: Names no property's column may take.
RESERVED_COLUMNS = (*METADATA_COLUMNS, LINE_COLUMN)

ColumnNamer = Callable[[Sequence[str], Sequence[str]], Mapping[str, str]]
"""``(properties, reserved names) → {property: column}``."""


@dataclass
class TableLayout:
    """The table of one stream, as its current SCHEMA message describes it."""

    schema_name: str
    table_name: str
    columns: dict[str, SqlType]
    """Column → type wanted by the schema (data columns first, then metadata)."""
    sources: dict[str, str]
    """Data column → the record property it holds."""
    keys: list[str]
    """Key columns, in key-property order."""
    record_type: SqlType
    """The STRUCT type DuckDB reads each record as."""
    metadata: list[str] = field(default_factory=list)

    @property
    def qualified(self) -> str:
        """The quoted ``"schema"."table"`` name."""
        return f"{quote_identifier(self.schema_name)}.{quote_identifier(self.table_name)}"

    @classmethod
    def from_schema(
        cls,
        *,
        schema_name: str,
        table_name: str,
        json_schema: dict[str, Any],
        key_properties: Sequence[str],
        add_metadata: bool,
        column_names: ColumnNamer = resolve_names,
    ) -> TableLayout:
        """Build the layout of a stream from its JSON schema and key properties.

        ``column_names`` maps the data properties to their columns, never handing out a
        reserved name (see :func:`targets.duckdb.streams.columns_for`)."""
        properties: dict[str, Any] = dict(json_schema.get("properties") or {})
        _check_keys(properties, key_properties)
        metadata = list(METADATA_COLUMNS) if add_metadata else list(ALWAYS_PRESENT)
        data_properties = [p for p in properties if p not in METADATA_COLUMNS]
        names = column_names(data_properties, RESERVED_COLUMNS)
        columns: dict[str, SqlType] = {}
        sources: dict[str, str] = {}
        for prop in data_properties:
            column = names[prop]
            columns[column] = from_json_schema(properties[prop])
            sources[column] = prop
        for column in metadata:
            columns[column] = METADATA_COLUMNS[column]
        read_fields = [(p, from_json_schema(s)) for p, s in properties.items()]
        if "_sdc_deleted_at" not in properties:
            read_fields.append(("_sdc_deleted_at", VARCHAR))
        return cls(
            schema_name=schema_name,
            table_name=table_name,
            columns=columns,
            sources=sources,
            keys=[names[k] for k in key_properties],
            record_type=struct(read_fields),
            metadata=metadata,
        )


#: Column types a key property may have: scalars that compare exactly.
_KEY_TYPES = {"BIGINT", "DECIMAL", "DOUBLE", "VARCHAR", "BOOLEAN", "TIMESTAMPTZ", "DATE", "TIME"}


def _check_keys(properties: dict[str, Any], key_properties: Sequence[str]) -> None:
    """Refuse key properties that are absent, metadata columns, or not scalars."""
    for key in key_properties:
        if key in METADATA_COLUMNS:
            raise InputError(
                f"key property {key!r} is a metadata column target-duckdb writes itself; "
                "keys must be properties of the records"
            )
        if key not in properties:
            known = ", ".join(repr(p) for p in sorted(properties)) or "none"
            raise InputError(
                f"key property {key!r} is not in the schema's properties (properties: {known})"
            )
        column_type = from_json_schema(properties[key])
        if column_type.name not in _KEY_TYPES:
            raise InputError(
                f"key property {key!r} has type {column_type.sql()}; a key must be a number, "
                "a string, a boolean or a date/time"
            )
    if len(set(key_properties)) != len(key_properties):
        raise InputError(f"key_properties name a property twice ({list(key_properties)})")
