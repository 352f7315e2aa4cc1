"""The DuckDB warehouse: opening it, reading its tables' columns, running statements."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

from brainhub.sql import quote_identifier
from brainhub.warehouse_lock import WarehouseLockedError, connect_waiting
from transforms.engine.compiler import Catalog
from transforms.engine.errors import WarehouseError
from transforms.engine.model import Model
from transforms.engine.types import ColumnType, column_type

DEFAULT_PATH = "data/warehouse.duckdb"
PATH_VARIABLES = ("TRANSFORM_DUCKDB_PATH", "TARGET_DUCKDB_PATH")
LOCK_TIMEOUT = 300
"""Seconds to wait while another process has the warehouse file open (DuckDB's lock)."""


def warehouse_path(explicit: str | None, project_dir: Path) -> Path:
    """The warehouse file: ``--path``, else ``$TRANSFORM_DUCKDB_PATH``, else
    ``$TARGET_DUCKDB_PATH``, else ``data/warehouse.duckdb``; relative to the project."""
    chosen = explicit or next((os.environ[v] for v in PATH_VARIABLES if os.environ.get(v)), None)
    path = Path(chosen or DEFAULT_PATH).expanduser()
    return path if path.is_absolute() else project_dir / path


def connect(
    path: Path | str, *, read_only: bool = False, must_exist: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (UTC session); errors say which file and why, without a traceback."""
    target = str(path)
    if target != ":memory:":
        file = Path(target)
        if must_exist and not file.exists():
            raise WarehouseError(
                f"warehouse {target} does not exist; load data first (e.g. meltano run tap-clickup target-duckdb)"
            )
        file.parent.mkdir(parents=True, exist_ok=True)
    try:  # a sync or a notebook holding the file: wait for it, as target-duckdb does
        connection = connect_waiting(
            target,
            read_only=read_only,
            timeout=LOCK_TIMEOUT,
            on_wait=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except WarehouseLockedError as error:
        raise WarehouseError(f"cannot open warehouse: {error}") from None
    except duckdb.Error as error:
        first = str(error).splitlines()[0]
        raise WarehouseError(f"cannot open warehouse {target}: {first}") from None
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def quote_qualified_parts(schema: str, table: str) -> str:
    """``"schema"."table"``, each part quoted."""
    return f"{quote_identifier(schema)}.{quote_identifier(table)}"


def split_name(name: str) -> tuple[str, str]:
    """``schema.table`` → (schema, table); a bare name is in ``main``."""
    schema, _, table = name.rpartition(".")
    return schema or "main", table


def table_columns(connection: duckdb.DuckDBPyConnection, name: str) -> dict[str, ColumnType] | None:
    """The columns of table or view ``name`` with their types, or ``None`` if absent."""
    schema, table = split_name(name)
    found = connection.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ? "
        "AND table_catalog = current_database()",
        [schema, table],
    ).fetchall()
    if not found:
        return None
    relation = connection.table(quote_qualified_parts(schema, table))
    return {
        column: column_type(dtype)
        for column, dtype in zip(relation.columns, relation.dtypes, strict=True)
    }


def catalog_for(
    connection: duckdb.DuckDBPyConnection, models: list[Model], names: set[str] | None = None
) -> Catalog:
    """A strict catalog of every source the ``models`` read that exists in the warehouse."""
    tables: dict[str, dict[str, ColumnType]] = {}
    wanted = set(names or ())
    for model in models:
        wanted.update(model.depends_on)
    for name in sorted(wanted):
        columns = table_columns(connection, name)
        if columns is not None:
            tables[name] = columns
    return Catalog(tables=tables, strict=True)


def first_line(error: BaseException) -> str:
    """The first line of a DuckDB error message, without the Python class name."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
