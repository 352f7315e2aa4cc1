"""Reading the warehouse: describe the streams' sources, then copy them into a snapshot.

DuckDB lets one process write a database file, and while a writer (target-duckdb,
transform-duckdb) has it open nobody else can open it, not even read-only; a reader in turn
keeps writers out. So the tap visits the warehouse twice, briefly, read-only:

1. :meth:`WarehouseReader.describe` binds every stream's source (``LIMIT 0``) for its column
   types, and checks that ``key_properties`` and ``replication_key`` are columns;
2. :meth:`WarehouseReader.snapshot` copies every selected stream's rows (only those at or
   after its bookmark) into a private DuckDB file in one connection, with DuckDB's own
   engine (no row passes through Python).

Records are then emitted from the snapshot (:func:`snapshot_rows`), in batches, with the
warehouse closed: a slow target never holds the warehouse's lock through this tap. When a
writer has the warehouse open, each visit waits up to ``lock_timeout`` seconds
(:func:`brainhub.warehouse_lock.connect_waiting` logs the holder's PID) and then fails.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from brainhub.errors import ConfigError, SettingsError
from brainhub.sql import quote_identifier, quote_string
from brainhub.warehouse_lock import connect_waiting
from taps.warehouse.settings import StreamSetting
from taps.warehouse.types import is_timestamp

SNAPSHOT_ALIAS = "tap_warehouse_snapshot"


class WarehouseSourceError(ConfigError):
    """A stream's table, query or columns do not fit the warehouse; names the stream."""


@dataclass(frozen=True)
class Plan:
    """What to copy for one stream: its setting, column types, and the bookmark to start at."""

    setting: StreamSetting
    types: dict[str, Any]
    start: Any = None


class WarehouseReader:
    """Short read-only visits to one warehouse file."""

    def __init__(self, path: str, lock_timeout: float, on_wait: Callable[[str], None]) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.on_wait = on_wait

    def _connect(self) -> duckdb.DuckDBPyConnection:
        if not os.path.isfile(self.path):
            raise SettingsError(
                f"database: {self.path!r} does not exist; give the DuckDB warehouse file "
                "(target-duckdb's path)"
            )
        try:
            connection = connect_waiting(
                self.path, timeout=self.lock_timeout, on_wait=self.on_wait, read_only=True
            )
        except duckdb.Error as exc:
            raise SettingsError(
                f"database: cannot open {self.path!r}: {_first_line(exc)}"
            ) from None
        connection.execute("SET TimeZone = 'UTC'")
        return connection

    def describe(self, streams: Sequence[StreamSetting]) -> dict[str, dict[str, Any]]:
        """Column name → DuckDB type of every stream's source, in column order."""
        described: dict[str, dict[str, Any]] = {}
        connection = self._connect()
        try:
            for stream in streams:
                try:
                    # the query is the user's own SELECT, run read-only: it is meant to be SQL
                    bound = f"SELECT * FROM ({stream.source_sql}) AS source LIMIT 0"  # noqa: S608
                    relation = connection.sql(bound)
                    columns = dict(zip(relation.columns, relation.types, strict=True))
                except duckdb.Error as exc:
                    raise WarehouseSourceError(
                        f"stream {stream.name!r}: {stream.where} cannot be read: {_first_line(exc)}"
                    ) from None
                _check_columns(stream, columns)
                described[stream.name] = columns
        finally:
            connection.close()
        return described

    def snapshot(self, plans: Sequence[Plan], target: Path) -> None:
        """Copy each plan's rows (at or after its bookmark) into table ``<name>`` of ``target``."""
        connection = self._connect()
        try:
            connection.execute(
                f"ATTACH {quote_string(str(target))} AS {SNAPSHOT_ALIAS} (READ_WRITE)"
            )
            for plan in plans:
                stream = plan.setting
                sql, parameters = _copy_sql(plan)
                try:
                    connection.execute(sql, parameters)
                except duckdb.Error as exc:
                    raise WarehouseSourceError(
                        f"stream {stream.name!r}: {stream.where} cannot be read: {_first_line(exc)}"
                    ) from None
            connection.execute(f"DETACH {SNAPSHOT_ALIAS}")
        finally:
            connection.close()


def _copy_sql(plan: Plan) -> tuple[str, list[Any]]:
    stream = plan.setting
    table = f"{SNAPSHOT_ALIAS}.main.{quote_identifier(stream.name)}"
    select = f"SELECT * FROM ({stream.source_sql}) AS source"  # noqa: S608 - the user's SELECT
    key = stream.replication_key
    if key is None or plan.start is None:
        return f"CREATE TABLE {table} AS {select}", []
    duck_type = plan.types[key]
    cast = "TIMESTAMPTZ" if is_timestamp(duck_type) else str(duck_type)
    where = f"{quote_identifier(key)} >= CAST(? AS {cast})"
    return f"CREATE TABLE {table} AS {select} WHERE {where}", [plan.start]


def snapshot_rows(
    connection: duckdb.DuckDBPyConnection, stream: StreamSetting, batch_rows: int
) -> Iterator[dict[str, Any]]:
    """The rows of ``stream`` in its snapshot, ordered by replication key (nulls first) and
    keys, ``batch_rows`` at a time."""
    order = [
        f"{quote_identifier(column)} NULLS FIRST"
        for column in ([stream.replication_key] if stream.replication_key else [])
        + list(stream.key_properties)
    ]
    sql = f"SELECT * FROM {quote_identifier(stream.name)}"  # noqa: S608 - quoted name
    if order:
        sql += " ORDER BY " + ", ".join(order)
    cursor = connection.cursor()
    try:
        cursor.execute(sql)
        names = [column[0] for column in cursor.description or ()]
        while rows := cursor.fetchmany(batch_rows):
            for row in rows:
                yield dict(zip(names, row, strict=True))
    finally:
        cursor.close()


def _check_columns(stream: StreamSetting, columns: dict[str, Any]) -> None:
    named = [("key_properties", k) for k in stream.key_properties]
    if stream.replication_key:
        named.append(("replication_key", stream.replication_key))
    for setting, column in named:
        if column not in columns:
            raise WarehouseSourceError(
                f"stream {stream.name!r}: {setting} names {column!r}, which is not a column of "
                f"{stream.where}; its columns are {', '.join(columns)}"
            )


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
