"""DuckDB reads the files: the columns of a table inferred, the rows of a file cast to them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from brainhub.errors import ConfigError
from brainhub.sql import quote_identifier, quote_string

BATCH_ROWS = 5_000


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection reading timestamps in UTC."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def _source(file_format: str, paths: Sequence[Path]) -> str:
    """The DuckDB table function reading ``paths`` (columns matched by name across files)."""
    listed = "[" + ", ".join(quote_string(str(p)) for p in paths) + "]"
    if file_format == "csv":
        return f"read_csv({listed}, union_by_name = true, header = true)"
    if file_format == "jsonl":
        return f"read_json({listed}, union_by_name = true, format = 'auto')"
    return f"read_parquet({listed}, union_by_name = true)"


def infer_columns(
    connection: duckdb.DuckDBPyConnection, file_format: str, paths: Sequence[Path], where: str
) -> dict[str, Any]:
    """The columns of the files and their DuckDB types (widened across the files)."""
    try:
        relation = connection.sql(f"SELECT * FROM {_source(file_format, paths)}")  # noqa: S608 - quoted paths
    except duckdb.Error as exc:
        raise ConfigError(
            f"{where}: cannot read the files as {file_format}: {_first_line(exc)}"
        ) from None
    return dict(zip(relation.columns, relation.types, strict=True))


def typed_rows(
    connection: duckdb.DuckDBPyConnection,
    file_format: str,
    path: Path,
    columns: dict[str, str],
    where: str,
) -> Iterator[dict[str, Any]]:
    """The rows of one file with ``columns`` (name → DuckDB type): each column cast to its
    type, a column the file lacks as NULL, a column the stream lacks left out."""
    try:
        present = set(connection.sql(f"SELECT * FROM {_source(file_format, [path])}").columns)  # noqa: S608
        selected = ", ".join(
            f"CAST({quote_identifier(name)} AS {sql_type}) AS {quote_identifier(name)}"
            if name in present
            else f"CAST(NULL AS {sql_type}) AS {quote_identifier(name)}"
            for name, sql_type in columns.items()
        )
        cursor = connection.execute(f"SELECT {selected} FROM {_source(file_format, [path])}")  # noqa: S608
        names = [d[0] for d in cursor.description or []]
        while batch := cursor.fetchmany(BATCH_ROWS):
            for row in batch:
                yield dict(zip(names, row, strict=True))
    except duckdb.ConversionException as exc:
        raise ConfigError(
            f"{where}: a value does not fit the column type inferred at discovery "
            f"({_first_line(exc)}); discover again so that the types are inferred with this file"
        ) from None
    except duckdb.Error as exc:
        raise ConfigError(
            f"{where}: cannot read the file as {file_format}: {_first_line(exc)}"
        ) from None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
