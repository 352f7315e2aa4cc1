"""Reading the warehouse from a notebook or an application while syncs run.

DuckDB lets one process write the file, and a sync's target-duckdb holds it for the whole
load, so a reader waits for the lock (logging once who holds it) instead of failing, for up
to ``timeout`` seconds. It then copies what it asked for into an in-memory database and
closes the file at once: the relation it returns keeps nothing open, so the next sync is
never kept waiting by a notebook.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb

from brainhub.errors import ConfigError
from brainhub.sql import quote_identifier, quote_string
from brainhub.warehouse_lock import WarehouseLockedError, lock_holder

LOGGER = logging.getLogger(__name__)
#: Seconds a read waits while a sync holds the warehouse.
READ_TIMEOUT = 600.0


def read_query(path: Path, sql: str, *, timeout: float = READ_TIMEOUT) -> duckdb.DuckDBPyRelation:
    """The rows of ``sql`` over the warehouse, as a relation of an in-memory copy."""
    if not path.exists():
        raise ConfigError(f"no warehouse at {path}; run a sync first")
    memory = duckdb.connect()
    _attach_waiting(memory, path, timeout)
    try:
        memory.execute("USE warehouse")
        memory.execute(f"CREATE TABLE memory.main.result_rows AS {sql}")
    except duckdb.Error as exc:
        raise ConfigError(f"{path}: {str(exc).splitlines()[0]}") from None
    finally:
        memory.execute("USE memory")
        memory.execute("DETACH warehouse")
    return memory.table("result_rows")


def _attach_waiting(memory: duckdb.DuckDBPyConnection, path: Path, timeout: float) -> None:
    """Attach the warehouse read-only, waiting while a writer holds it (module docstring)."""
    deadline = time.monotonic() + timeout
    pause, announced = 0.05, False
    while True:
        try:
            memory.execute(f"ATTACH {quote_string(str(path))} AS warehouse (READ_ONLY)")
            return
        except duckdb.IOException as exc:
            holder = lock_holder(exc)
            if holder is None:
                raise ConfigError(f"{path}: {str(exc).splitlines()[0]}") from None
            if time.monotonic() >= deadline:
                raise WarehouseLockedError(
                    f"the warehouse {path} is locked by {holder}, still after {timeout:g} s"
                ) from None
            if not announced:
                LOGGER.info("waiting up to %g s for the warehouse lock held by %s", timeout, holder)
                announced = True
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


def read_table(
    path: Path, table: str, *, limit: int | None = None, timeout: float = READ_TIMEOUT
) -> duckdb.DuckDBPyRelation:
    """A table (``schema.table``) of the warehouse, copied into memory (``limit`` rows)."""
    schema, _, name = table.rpartition(".")
    if not schema:
        raise ConfigError(f"name the table with its schema: schema.table, not {table!r}")
    sql = f"SELECT * FROM {quote_identifier(schema)}.{quote_identifier(name)}"  # noqa: S608
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return read_query(path, sql, timeout=timeout)
