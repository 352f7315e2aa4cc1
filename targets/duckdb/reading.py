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
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from brainhub.sql import quote_identifier, quote_string
from targets.duckdb.layout import LINE_COLUMN, METADATA_COLUMNS, TableLayout
from targets.duckdb.types import JSON, SqlType

_MAX_OBJECT_BYTES = 16 * 1024 * 1024
_VALUES = "__bh_values"
WIDE_RECORD = 500
"""Records with more properties than this are read as JSON (see :func:`reads_as_json`)."""
_WIDE_BATCH_CELLS = 60_000
"""Values in one batch of a wide table: DuckDB's memory for a load grows with both the
columns (vectors of 2,048 values each) and the rows, past 200 MB for 3,000 columns by 40 rows."""


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


def batch_select(
    conn: duckdb.DuckDBPyConnection,
    layout: TableLayout,
    table: dict[str, SqlType],
    source: Source,
) -> str:
    """The SELECT that reads a batch into rows shaped like the table.

    Its first column is the row's line number (``__bh_line``): the row number in BATCH
    files, NULL for staged messages (their line numbers are known to the sink).
    """
    lowered = {name.lower(): name for name in table}
    files = "[" + ", ".join(quote_string(f) for f in source.files) + "]"
    as_json = reads_as_json(layout)
    # Each DuckDB thread holds its own vectors of every column: one thread for wide tables.
    # Staged messages are read by one thread too: the target's reader, staging the next
    # batch meanwhile, keeps the other core busy, and a second DuckDB thread only adds
    # work (a million task records: 5.7 s of DuckDB CPU on one thread, 7.3 s on two).
    single = len(layout.record_type.fields) > WIDE_RECORD or source.format == "messages"
    conn.execute("SET threads = 1" if single else "RESET threads")
    read_types = dict(layout.record_type.fields)
    if source.format == "messages":
        columns = {
            "record": "JSON" if as_json else layout.record_type.sql(),
            "time_extracted": "VARCHAR",
            "version": "BIGINT",
        }
        spec = (
            "{"
            + ", ".join(f"{quote_string(k)}: {quote_string(v)}" for k, v in columns.items())
            + "}"
        )
        reader = (
            f"read_json({files}, format = 'newline_delimited', columns = {spec}, "
            f"maximum_object_size = {_MAX_OBJECT_BYTES})"
        )
        prefix, record = "record.", "record"
        line = "CAST(NULL AS BIGINT)"
        extracted = "TRY_CAST(time_extracted AS TIMESTAMPTZ)"
        version = "version"
    elif source.format == "jsonl" and as_json:
        reader = (
            f"read_json_objects({files}, format = 'newline_delimited', "
            f"maximum_object_size = {_MAX_OBJECT_BYTES})"
        )
        prefix, line, extracted, version = "", "row_number() OVER ()", "NULL", "NULL"
        record = "json"
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
    as_json = as_json and source.format != "parquet"
    if as_json:  # one parse per record: every property's JSON value in one list
        positions = {prop: i for i, prop in enumerate(read_types, 1)}
        pointers = ", ".join(_pointer(p) for p in read_types)
        reader = f"(SELECT *, json_extract({record}, [{pointers}]) AS {_VALUES} FROM {reader})"

    def field(prop: str) -> str:
        if available is not None and prop not in available:
            return "NULL"
        if as_json:
            value = f"{_VALUES}[{positions[prop]}]"
            return _json_value(value, read_types.get(prop, JSON))
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


def reads_as_json(layout: TableLayout) -> bool:
    """Whether records are read as JSON text rather than as a STRUCT: DuckDB's STRUCT fields
    are case-insensitive and never empty, and a STRUCT of thousands of fields needs more
    memory than a modest ``memory_limit`` allows."""
    names = [name.lower() for name, _ in layout.record_type.fields]
    unnamed = any(not name or "\x00" in name for name in names)
    return len(set(names)) != len(names) or unnamed or len(names) > WIDE_RECORD


def rows_per_batch(layout: TableLayout, configured: int) -> int:
    """``batch_size_rows``, lowered for wide tables (see :func:`reads_as_json`) so that a
    batch fits in a modest ``memory_limit``."""
    if len(layout.record_type.fields) <= WIDE_RECORD:
        return configured
    return max(1, min(configured, _WIDE_BATCH_CELLS // len(layout.columns)))


def _structure(sql_type: SqlType) -> Any:
    """The ``json_transform`` structure of a type."""
    if sql_type.name == "STRUCT":
        return {name: _structure(sub) for name, sub in sql_type.fields}
    if sql_type.name == "LIST":
        assert sql_type.item is not None
        return [_structure(sql_type.item)]
    return sql_type.sql()


def _pointer(prop: str) -> str:
    """The JSON pointer of a top-level property, as a SQL expression (NUL characters, which
    SQL literals cannot hold, are spliced in with ``chr(0)``)."""
    pointer = "/" + prop.replace("~", "~0").replace("/", "~1")
    return " || chr(0) || ".join(quote_string(part) for part in pointer.split("\x00"))


def _json_value(value: str, read_type: SqlType) -> str:
    """Convert a JSON value as ``read_type`` would have read it (keys of objects that the
    type does not list are left out, as DuckDB's typed reader leaves them out)."""
    if read_type.name in {"STRUCT", "LIST"}:
        structure = quote_string(json.dumps(_structure(read_type)))
        return f"json_transform({value}, {structure})"
    if read_type == JSON:
        return value
    return f"CAST(({value}) ->> '$' AS {read_type.sql()})"
