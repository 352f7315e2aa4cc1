"""Loads staged batches into DuckDB: one transaction per batch, through DuckDB's own readers.

A batch is a file DuckDB reads directly: newline-delimited Singer RECORD messages staged by
the sink exactly as received, or a BATCH message's JSONL / Parquet files.

Staged messages come with the key of every record, read by the sink while staging, and a
staged batch never holds a key twice. Their transaction

1. deletes the rows whose keys the batch re-sends (upsert), or, with ``hard_delete``, the
   rows of records marked deleted;
2. inserts the batch straight from DuckDB's typed JSON reader, by column name (records
   marked deleted are left out with ``hard_delete``).

BATCH files are staged into a temporary table first, where null keys are refused and the
last record of each key is kept, then deleted and inserted the same way.

Nothing is committed unless every step succeeds.

Deleted rows are not vacuumed at every checkpoint. An upsert deletes the rows it replaces,
scattered over the whole table, and DuckDB's checkpoint would then rewrite every row group
that lost a row: for 10% changed records, several times the cost of loading them. The
warehouse keeps the deleted rows' space until a table's deleted rows reach
:data:`COMPACT_FRACTION` of its stored rows; the next run rewrites the table without them
before loading into it (see :meth:`Warehouse.compact_if_due`).

An ``overwrite`` run loads each stream into a table of its own beside the real one
(:func:`aside_name`), and :meth:`Warehouse.swap_in` replaces the real tables with them in
one transaction once the whole run has succeeded; a failed run leaves the real tables as
they were.
"""

# SQL here is composed from identifiers passed through brainhub.sql.quote_identifier and literals through
# brainhub.sql.quote_string; values from records are never spliced into SQL text.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from brainhub.sql import quote_identifier, quote_string
from brainhub.warehouse_lock import connect_waiting
from targets.duckdb.errors import MissingKeyError
from targets.duckdb.evolution import (
    family_change_error,
    family_changes,
    key_change_error,
    keys_comment,
    recorded_keys,
)
from targets.duckdb.layout import LINE_COLUMN, TableLayout
from targets.duckdb.reading import Source, batch_select
from targets.duckdb.types import JSON, SqlType, from_duckdb, widen

OVERWRITE_PREFIX = "__bh_overwrite_"
STAGE = "__bh_stage"
KEYS = "__bh_keys"
SKIP = "__bh_skip"
COMPACT_PREFIX = "__bh_compact_"
COMPACT_FRACTION = 0.3
"""Share of a table's stored rows that may be deleted rows before the table is rewritten."""


def aside_name(table_name: str) -> str:
    """The table an ``overwrite`` run loads ``table_name``'s rows into until the swap."""
    return f"{OVERWRITE_PREFIX}{table_name}"


@dataclass
class LoadResult:
    """What one batch did to its table."""

    inserted: int = 0
    deleted: int = 0


class Warehouse:
    """A DuckDB database file and the operations target-duckdb runs against it."""

    def __init__(
        self,
        path: str,
        *,
        memory_limit: str | None = None,
        lock_timeout: float = 0,
        on_wait: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.path = path
        self.conn = connect_waiting(path, timeout=lock_timeout, on_wait=on_wait)
        self.conn.execute("SET TimeZone = 'UTC'")
        self.conn.execute("SET preserve_insertion_order = false")
        self.conn.execute("SET max_vacuum_tasks = 0")  # see compact_if_due
        if memory_limit:
            self.conn.execute(f"SET memory_limit = {quote_string(memory_limit)}")

    def close(self) -> None:
        """Close the connection (committed data is already durable)."""
        self.conn.close()

    # -- tables ---------------------------------------------------------------------------

    def table_types(self, layout: TableLayout) -> dict[str, SqlType] | None:
        """The columns of the stream's table as they are now, or ``None`` if it is absent."""
        found = self.conn.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = ? AND table_name = ?",
            [layout.schema_name, layout.table_name],
        ).fetchall()
        if not found[0][0]:
            return None
        relation = self.conn.table(layout.qualified)
        return {
            name: from_duckdb(duck_type)
            for name, duck_type in zip(relation.columns, relation.types, strict=True)
        }

    def ensure_table(self, layout: TableLayout) -> dict[str, SqlType]:
        """Create the table, or evolve it to hold the layout; return its column types.

        New columns are added, columns whose type cannot hold the new values are widened
        (see :func:`targets.duckdb.types.widen`), and columns the schema no longer lists
        are kept as they are. Nothing is ever dropped or narrowed. A table with rows
        refuses other key properties, and a column (or a field in one) whose values would
        have to become JSON (see :mod:`targets.duckdb.evolution`).
        """
        self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(layout.schema_name)}")
        existing = self.table_types(layout)
        if existing is None:
            columns = ", ".join(
                f"{quote_identifier(c)} {t.sql()}" for c, t in layout.columns.items()
            )
            self.conn.execute(f"CREATE TABLE {layout.qualified} ({columns})")
            self._record_keys(layout)
            return dict(layout.columns)
        shown = f"{layout.schema_name}.{layout.table_name}"
        self.compact_if_due(layout)
        has_rows = not self.is_empty(layout)
        lowered = {name.lower(): name for name in existing}
        changes: list[tuple[str, SqlType, SqlType]] = []
        for column, wanted in layout.columns.items():
            current_name = lowered.get(column.lower())
            if current_name is not None:
                current = existing[current_name]
                changes += family_changes(current, widen(current, wanted), current_name)
        recorded = recorded_keys(self._comment(layout))
        if has_rows and recorded is not None and recorded != layout.keys:
            raise key_change_error(shown, recorded, layout.keys)
        if has_rows and changes:
            raise family_change_error(shown, *changes[0])
        if recorded != layout.keys:
            self._record_keys(layout)
        for column, wanted in layout.columns.items():
            current_name = lowered.get(column.lower())
            if current_name is None:
                self.conn.execute(
                    f"ALTER TABLE {layout.qualified} ADD COLUMN {quote_identifier(column)} {wanted.sql()}"
                )
                existing[column] = wanted
                continue
            current = existing[current_name]
            widened = widen(current, wanted)
            if widened != current:
                using = ""
                if widened == JSON:  # a plain string is not JSON text: encode every value
                    using = f" USING to_json({quote_identifier(current_name)})"
                self.conn.execute(
                    f"ALTER TABLE {layout.qualified} ALTER COLUMN {quote_identifier(current_name)} "
                    f"TYPE {widened.sql()}{using}"
                )
                existing[current_name] = widened
        return existing

    def compact_if_due(self, layout: TableLayout) -> bool:
        """Rewrite the table without its deleted rows if they have reached
        :data:`COMPACT_FRACTION` of its stored rows; return whether it was rewritten.

        Checkpoints do not vacuum deleted rows (see the module docstring), so their space
        and scan time would otherwise grow with every upsert. The rewrite is one
        transaction: the table, its columns and its recorded keys are as they were.
        """
        rows = self.conn.execute(
            "SELECT estimated_size, comment FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = ? AND table_name = ?",
            [layout.schema_name, layout.table_name],
        ).fetchall()
        if not rows or not rows[0][0]:
            return False
        stored, comment = int(rows[0][0]), rows[0][1]
        live = _count(self.conn.execute(f"SELECT count(*) FROM {layout.qualified}"))
        if stored - live < COMPACT_FRACTION * stored:
            return False
        schema = quote_identifier(layout.schema_name)
        table = quote_identifier(layout.table_name)
        rewritten = quote_identifier(f"{COMPACT_PREFIX}{layout.table_name}")
        self.conn.execute("BEGIN TRANSACTION")
        try:
            self.conn.execute(
                f"CREATE TABLE {schema}.{rewritten} AS SELECT * FROM {layout.qualified}"
            )
            self.conn.execute(f"DROP TABLE {layout.qualified}")
            self.conn.execute(f"ALTER TABLE {schema}.{rewritten} RENAME TO {table}")
            if comment:
                self.conn.execute(f"COMMENT ON TABLE {layout.qualified} IS {quote_string(comment)}")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return True

    def _comment(self, layout: TableLayout) -> str | None:
        rows = self.conn.execute(
            "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ?",
            [layout.schema_name, layout.table_name],
        ).fetchall()
        return rows[0][0] if rows else None

    def _record_keys(self, layout: TableLayout) -> None:
        self.conn.execute(
            f"COMMENT ON TABLE {layout.qualified} IS {quote_string(keys_comment(layout.keys))}"
        )

    def is_empty(self, layout: TableLayout) -> bool:
        """Whether the stream's table has no rows."""
        rows = self.conn.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {layout.qualified})")
        return bool(rows.fetchall()[0][0])

    # -- loading --------------------------------------------------------------------------

    def load(
        self,
        layout: TableLayout,
        table: dict[str, SqlType],
        source: Source,
        *,
        method: str,
        hard_delete: bool,
        rejects: Sequence[tuple[str, int | None, str, str]] = (),
    ) -> LoadResult:
        """Load one batch in one transaction (see the module docstring)."""
        upsert = method == "upsert" and bool(layout.keys)
        conn = self.conn
        conn.execute("BEGIN TRANSACTION")
        try:
            if source.format != "messages":
                result = self._load_staged(layout, table, source, upsert, hard_delete)
            else:
                result = self._load_known_keys(layout, table, source, upsert, hard_delete)
            if rejects:
                self.write_rejects(layout.schema_name, rejects)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            for temp in (STAGE, KEYS, SKIP):
                conn.execute(f"DROP TABLE IF EXISTS {temp}")
        return result

    def _load_known_keys(
        self,
        layout: TableLayout,
        table: dict[str, SqlType],
        source: Source,
        upsert: bool,
        hard_delete: bool,
    ) -> LoadResult:
        """Staged messages whose keys the sink read: delete by key, insert straight from the
        file (no duplicate keys in a batch, so no deduplication pass)."""
        result = LoadResult()
        target = layout.qualified
        if layout.keys and (upsert or (hard_delete and source.deleted)):
            doomed = source.keys if upsert else source.deleted
            if doomed and not self.is_empty(layout):
                result.deleted += self._delete_keys(layout, table, doomed or ())
        rows = batch_select(self.conn, layout, table, source)
        if hard_delete and layout.keys:
            rows = f"SELECT * FROM ({rows}) WHERE _sdc_deleted_at IS NULL"
        line = quote_identifier(LINE_COLUMN)
        result.inserted = _count(
            self.conn.execute(
                f"INSERT INTO {target} BY NAME SELECT * EXCLUDE ({line}) FROM ({rows})"
            )
        )
        return result

    def _delete_keys(
        self, layout: TableLayout, table: dict[str, SqlType], keys: Sequence[Any]
    ) -> int:
        import pyarrow as pa  # only upserts into non-empty tables need it: import lazily

        if len(layout.keys) == 1:
            columns = {layout.keys[0]: list(keys)}
        else:
            columns = {k: [key[i] for key in keys] for i, k in enumerate(layout.keys)}
        view = "__bh_doomed"
        self.conn.register(view, pa.table(columns))
        try:
            lowered = {name.lower(): name for name in table}
            match = " AND ".join(
                f"{layout.qualified}.{quote_identifier(k)} = "
                f"CAST({view}.{quote_identifier(k)} AS {table[lowered[k.lower()]].sql()})"
                for k in layout.keys
            )
            return _count(
                self.conn.execute(f"DELETE FROM {layout.qualified} USING {view} WHERE {match}")
            )
        finally:
            self.conn.unregister(view)

    def _load_staged(
        self,
        layout: TableLayout,
        table: dict[str, SqlType],
        source: Source,
        upsert: bool,
        hard_delete: bool,
    ) -> LoadResult:
        """BATCH files: stage into a temporary table, check and deduplicate keys there."""
        staged = batch_select(self.conn, layout, table, source)
        self.conn.execute(f"CREATE OR REPLACE TEMP TABLE {STAGE} AS {staged}")
        rows = f"SELECT * FROM {STAGE}"
        return self._replace_rows(layout, rows, rows, upsert, hard_delete)

    def _replace_rows(
        self,
        layout: TableLayout,
        rows: str,
        keys_sql: str,
        upsert: bool,
        hard_delete: bool,
    ) -> LoadResult:
        """Check and deduplicate keys (last line wins), delete what they replace, insert."""
        conn = self.conn
        result = LoadResult()
        target = layout.qualified
        line = quote_identifier(LINE_COLUMN)
        skip = False
        if layout.keys:
            conn.execute(f"CREATE OR REPLACE TEMP TABLE {KEYS} AS {keys_sql}")
            self._check_keys(layout)
            dropped = []
            if upsert:
                partition = ", ".join(quote_identifier(k) for k in layout.keys)
                dropped.append(
                    f"SELECT {line} FROM {KEYS} QUALIFY row_number() OVER "
                    f"(PARTITION BY {partition} ORDER BY {line} DESC) > 1"
                )
            if hard_delete:
                dropped.append(f"SELECT {line} FROM {KEYS} WHERE _sdc_deleted_at IS NOT NULL")
            if dropped:
                conn.execute(
                    f"CREATE OR REPLACE TEMP TABLE {SKIP} AS {' UNION ALL '.join(dropped)}"
                )
                skip = _count(conn.execute(f"SELECT count(*) FROM {SKIP}")) > 0
        if layout.keys and (upsert or hard_delete) and not self.is_empty(layout):
            only_deleted = "" if upsert else f" AND {KEYS}._sdc_deleted_at IS NOT NULL"
            result.deleted += _count(
                conn.execute(
                    f"DELETE FROM {target} USING {KEYS} "
                    f"WHERE {_key_match(layout, target)}{only_deleted}"
                )
            )
        if skip:
            rows = f"SELECT * FROM ({rows}) WHERE {line} NOT IN (SELECT {line} FROM {SKIP})"
        result.inserted = _count(
            conn.execute(f"INSERT INTO {target} BY NAME SELECT * EXCLUDE ({line}) FROM ({rows})")
        )
        return result

    def _check_keys(self, layout: TableLayout) -> None:
        if not layout.keys:
            return
        condition = " OR ".join(f"{quote_identifier(k)} IS NULL" for k in layout.keys)
        rows = self.conn.execute(
            f"SELECT {quote_identifier(LINE_COLUMN)}, {', '.join(quote_identifier(k) for k in layout.keys)} "
            f"FROM {KEYS} WHERE {condition} ORDER BY 1 LIMIT 1"
        ).fetchall()
        if not rows:
            return
        row = rows[0]
        key = next(k for k, v in zip(layout.keys, row[1:], strict=True) if v is None)
        prop = layout.sources.get(key, key)
        raise MissingKeyError(f"key property {prop!r} is missing or null", line=row[0])

    # -- overwrite ------------------------------------------------------------------------

    def create_aside(self, layout: TableLayout) -> dict[str, SqlType]:
        """Create the empty table an ``overwrite`` run loads into (replacing a stale one)."""
        self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(layout.schema_name)}")
        columns = ", ".join(f"{quote_identifier(c)} {t.sql()}" for c, t in layout.columns.items())
        self.conn.execute(f"CREATE OR REPLACE TABLE {layout.qualified} ({columns})")
        self._record_keys(layout)
        return dict(layout.columns)

    def swap_in(self, tables: Sequence[tuple[str, str]]) -> None:
        """Replace each ``(schema, table)`` by the one an ``overwrite`` run loaded, all in one
        transaction."""
        self.conn.execute("BEGIN TRANSACTION")
        try:
            for schema_name, table in tables:
                schema = quote_identifier(schema_name)
                aside = f"{schema}.{quote_identifier(aside_name(table))}"
                self.conn.execute(f"DROP TABLE IF EXISTS {schema}.{quote_identifier(table)}")
                self.conn.execute(f"ALTER TABLE {aside} RENAME TO {quote_identifier(table)}")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def drop_asides(self, schema_name: str | None = None) -> None:
        """Drop the tables of ``overwrite`` runs that did not finish (of one schema, or all).

        Only the process holding the database's write lock runs, so any such table
        belongs to a run that failed or was killed.
        """
        found = self.conn.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND starts_with(table_name, ?) "
            "AND (? IS NULL OR schema_name = ?)",
            [OVERWRITE_PREFIX, schema_name, schema_name],
        ).fetchall()
        for schema, table in found:
            self.conn.execute(
                f"DROP TABLE IF EXISTS {quote_identifier(schema)}.{quote_identifier(table)}"
            )

    def activate_version(self, layout: TableLayout, version: int, *, hard_delete: bool) -> int:
        """Retire the rows of versions older than ``version``; return how many."""
        older = "(_sdc_table_version IS NULL OR _sdc_table_version < ?)"
        if hard_delete:
            sql = f"DELETE FROM {layout.qualified} WHERE {older}"
            return _count(self.conn.execute(sql, [version]))
        sql = (
            f"UPDATE {layout.qualified} SET _sdc_deleted_at = now() "
            f"WHERE {older} AND _sdc_deleted_at IS NULL"
        )
        return _count(self.conn.execute(sql, [version]))

    # -- rejected records -----------------------------------------------------------------

    def write_rejects_committed(
        self, schema_name: str, rejects: Sequence[tuple[str, int | None, str, str]]
    ) -> None:
        """Write rejected records in a transaction of their own."""
        self.conn.execute("BEGIN TRANSACTION")
        try:
            self.write_rejects(schema_name, rejects)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def write_rejects(
        self, schema_name: str, rejects: Sequence[tuple[str, int | None, str, str]]
    ) -> None:
        """Append ``(stream, line, reason, message)`` rows to the schema's ``_rejected``."""
        table = f"{quote_identifier(schema_name)}._rejected"
        self.conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema_name)}")
        self.conn.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (stream VARCHAR, line BIGINT, "
            "reason VARCHAR, message VARCHAR, rejected_at TIMESTAMPTZ DEFAULT now())"
        )
        self.conn.executemany(
            f"INSERT INTO {table} (stream, line, reason, message) VALUES (?, ?, ?, ?)",
            [list(r) for r in rejects],
        )


def _key_match(layout: TableLayout, target: str) -> str:
    return " AND ".join(
        f"{target}.{quote_identifier(k)} = {KEYS}.{quote_identifier(k)}" for k in layout.keys
    )


def _count(cursor: duckdb.DuckDBPyConnection) -> int:
    rows = cursor.fetchall()  # fetch to the end: DuckDB refuses new work on an open result
    return int(rows[0][0]) if rows else 0
