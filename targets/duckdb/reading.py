"""Reading a batch with DuckDB's own readers into rows shaped like the stream's table.

:func:`batch_select` builds the SELECT: ``read_json`` over staged Singer messages (typed by
the stream's schema) or over a BATCH message's JSONL files, ``read_parquet`` over its Parquet
files; each property cast to its table column's type, the metadata columns computed.
"""

# SQL here is composed from identifiers passed through brainhub.sql.quote_identifier and literals through
# brainhub.sql.quote_string; values from records are never spliced into SQL text.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from brainhub.sql import quote_identifier, quote_string
from targets.duckdb.layout import LINE_COLUMN, METADATA_COLUMNS, TableLayout
from targets.duckdb.types import JSON, SqlType

_MAX_OBJECT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A batch to load: files in one format, plus facts the metadata columns need."""

    files: Sequence[str]
    format: str
    """``messages`` (staged Singer RECORD lines), ``jsonl`` or ``parquet`` (BATCH files)."""
    received_at: datetime.datetime
    sequence_base: int = 0
    """``_sdc_sequence`` of the batch's rows (plus the row number in BATCH files)."""
    lines: str = ""
    """The range of input lines the batch holds, for error messages."""
    keys: Sequence[Any] | None = None
    """The key of every staged record, when the sink read them (tuples for composite keys);
    a staged batch never holds a key twice."""
    deleted: Sequence[Any] = ()
    """Keys of the staged records marked deleted."""
    numbered: bool = False
    """Staged messages that carry their input line number (``__bh_line``) instead of known
    keys: keys are then read, checked and deduplicated by DuckDB."""


def batch_select(
    conn: duckdb.DuckDBPyConnection,
    layout: TableLayout,
    table: dict[str, SqlType],
    source: Source,
) -> str:
    """The SELECT that reads a batch into rows shaped like the table.

    Its first column is the row's line number (``__bh_line``): the input line for staged
    messages that carry it, the row number in BATCH files, NULL otherwise.
    """
    lowered = {name.lower(): name for name in table}
    files = "[" + ", ".join(quote_string(f) for f in source.files) + "]"
    names = [name.lower() for name, _ in layout.record_type.fields]
    clash = len(set(names)) != len(names)  # DuckDB STRUCT fields are case-insensitive
    read_types = dict(layout.record_type.fields)
    if source.format == "messages":
        columns = {
            "record": "JSON" if clash else layout.record_type.sql(),
            "time_extracted": "VARCHAR",
            "version": "BIGINT",
        }
        if source.numbered:
            columns[LINE_COLUMN] = "BIGINT"
        spec = (
            "{"
            + ", ".join(f"{quote_string(k)}: {quote_string(v)}" for k, v in columns.items())
            + "}"
        )
        reader = (
            f"read_json({files}, format = 'newline_delimited', columns = {spec}, "
            f"maximum_object_size = {_MAX_OBJECT_BYTES})"
        )
        prefix = "record."
        line = quote_identifier(LINE_COLUMN) if source.numbered else "CAST(NULL AS BIGINT)"
        extracted = "TRY_CAST(time_extracted AS TIMESTAMPTZ)"
        version = "version"
    elif source.format == "jsonl":
        fields = dict(layout.record_type.fields)
        spec = "{" + ", ".join(
            f"{quote_string(k)}: {quote_string(v.sql())}" for k, v in fields.items()
        )
        reader = (
            f"read_json({files}, format = 'newline_delimited', columns = {spec}}}, "
            f"maximum_object_size = {_MAX_OBJECT_BYTES})"
        )
        prefix, line, extracted, version = "", "row_number() OVER ()", "NULL", "NULL"
    else:
        reader = f"read_parquet({files}, union_by_name = true)"
        prefix, line, extracted, version = "", "row_number() OVER ()", "NULL", "NULL"
    available = _parquet_columns(conn, reader) if source.format == "parquet" else None

    def field(prop: str) -> str:
        if available is not None and prop not in available:
            return "NULL"
        if clash and source.format == "messages":
            return _json_field("record", prop, read_types.get(prop, JSON))
        return prefix + quote_identifier(prop)

    select = [f"{line} AS {quote_identifier(LINE_COLUMN)}"]
    for column, prop in layout.sources.items():
        target_type = table[lowered[column.lower()]]
        value = field(prop)
        if target_type == JSON and read_types.get(prop) != JSON:
            value = f"to_json({value})"
        select.append(f"CAST({value} AS {target_type.sql()}) AS {quote_identifier(column)}")
    received = quote_string(source.received_at.isoformat())
    batched = quote_string(datetime.datetime.now(datetime.UTC).isoformat())
    metadata = {
        "_sdc_extracted_at": extracted,
        "_sdc_received_at": f"CAST({received} AS TIMESTAMPTZ)",
        "_sdc_batched_at": f"CAST({batched} AS TIMESTAMPTZ)",
        "_sdc_deleted_at": f"TRY_CAST({field('_sdc_deleted_at')} AS TIMESTAMPTZ)",
        "_sdc_sequence": f"{source.sequence_base} + coalesce({line}, 0)",
        "_sdc_table_version": version,
    }
    for column in layout.metadata:
        select.append(
            f"CAST({metadata[column]} AS {METADATA_COLUMNS[column].sql()}) AS {quote_identifier(column)}"
        )
    return f"SELECT {', '.join(select)} FROM {reader}"


def _parquet_columns(conn: duckdb.DuckDBPyConnection, reader: str) -> set[str]:
    return set(conn.sql(f"SELECT * FROM {reader} LIMIT 0").columns)


def _json_field(column: str, prop: str, read_type: SqlType) -> str:
    """Extract a property from a JSON column as ``read_type`` would have read it."""
    path = quote_string("$." + '"' + prop.replace('"', '\\"') + '"')
    if read_type.name in {"STRUCT", "LIST"}:
        return f"CAST(json_extract({column}, {path}) AS {read_type.sql()})"
    if read_type == JSON:
        return f"json_extract({column}, {path})"
    return f"CAST(json_extract_string({column}, {path}) AS {read_type.sql()})"
