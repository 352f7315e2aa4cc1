"""What the page reads from the warehouse, each a function of a read-only connection (see
:class:`~brainhub.ui.warehouse.WarehouseReader`): rejects and schema changes, two-way sync
conflicts, and the tables with the streams that load them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from brainhub.redaction import scrub_by_place
from brainhub.sql import quote_identifier
from brainhub.ui.warehouse import columns_of, tables_with

#: Columns recorded within this many seconds of a table's first column came with its first load.
SAME_LOAD_S = 60


def quality(conn: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Rejected records per schema, stream and reason (target-duckdb's ``_rejected``, the
    write targets' ``_write_rejects``, the transform stage's ``<output>__rejected``), the
    columns added after each table's first load, and each loaded table's columns."""
    rejects = []
    for schema in tables_with(conn, "_rejected"):
        q = quote_identifier(schema)
        for stream, reason, count, last in conn.execute(
            f"SELECT stream, reason, count(*), max(rejected_at) FROM {q}._rejected "  # noqa: S608
            "GROUP BY ALL ORDER BY 3 DESC"
        ).fetchall():
            rejects.append(_reject(schema, "load", stream, reason, count, last))
    for schema in tables_with(conn, "_write_rejects"):
        q = quote_identifier(schema)
        for stream, reason, count, last in conn.execute(
            f"SELECT stream, coalesce(CAST(status AS VARCHAR) || ' ', '') || "  # noqa: S608
            f"coalesce(split_part(error, chr(10), 1), ''), count(*), max(rejected_at) "
            f"FROM {q}._write_rejects GROUP BY ALL ORDER BY 3 DESC"
        ).fetchall():
            rejects.append(_reject(schema, "write", stream, reason, count, last))
    for schema, table in conn.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_name LIKE '%\\_\\_rejected' ESCAPE '\\' ORDER BY 1, 2"
    ).fetchall():
        columns = columns_of(conn, schema, table)
        if "_reason" not in columns:
            continue
        rule = "coalesce(_rule || ': ', '') || " if "_rule" in columns else ""
        for reason, count in conn.execute(
            f"SELECT {rule}coalesce(_reason, ''), count(*) FROM "  # noqa: S608
            f"{quote_identifier(schema)}.{quote_identifier(table)} GROUP BY ALL ORDER BY 2 DESC"
        ).fetchall():
            stream = str(table).removesuffix("__rejected")
            rejects.append(_reject(schema, "transform", stream, reason, count, None))
    changes: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []
    for schema in tables_with(conn, "_columns"):
        q = quote_identifier(schema)
        for table, columns, first, last in conn.execute(
            f"SELECT table_name, count(*), min(recorded_at), max(recorded_at) "  # noqa: S608
            f"FROM {q}._columns GROUP BY ALL ORDER BY 1"
        ).fetchall():
            tables.append(
                {
                    "table": f"{schema}.{table}",
                    "columns": int(columns),
                    "first_loaded": _iso(first),
                    "last_changed": _iso(last),
                }
            )
        # A column recorded after its table's first load is a change of the stream's schema.
        for table, prop, column, when in conn.execute(
            f"SELECT table_name, property, column_name, recorded_at FROM (SELECT *, "  # noqa: S608
            f"min(recorded_at) OVER (PARTITION BY table_name) AS first FROM {q}._columns) "
            f"WHERE recorded_at > first + INTERVAL {SAME_LOAD_S} SECOND "
            "ORDER BY recorded_at DESC LIMIT 200"
        ).fetchall():
            changes.append(
                {
                    "table": f"{schema}.{table}",
                    "property": prop,
                    "column": column,
                    "seen_at": _iso(when),
                }
            )
    changes.sort(key=lambda c: c["seen_at"] or "", reverse=True)
    return {"rejects": rejects, "schema_changes": changes[:200], "tables": tables}


def _reject(
    schema: str, kind: str, stream: Any, reason: Any, count: Any, last: Any
) -> dict[str, Any]:
    return {
        "schema": schema,
        "kind": kind,
        "stream": stream,
        "reason": scrub_by_place(str(reason or "")),
        "records": int(count),
        "last_at": _iso(last),
    }


def conflicts(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Per ``sync_<name>.conflicts`` table: its columns, open count and rows (open first)."""
    syncs = []
    for schema in tables_with(conn, "conflicts", "sync_%"):
        columns = columns_of(conn, schema, "conflicts")
        q = quote_identifier(schema)
        open_sql = "resolved_at IS NULL" if "resolved_at" in columns else "true"
        order = "detected_at DESC" if "detected_at" in columns else "1"
        rows = conn.execute(
            f"SELECT *, {open_sql} AS is_open FROM {q}.conflicts "  # noqa: S608
            f"ORDER BY is_open DESC, {order} LIMIT 200"
        ).fetchall()
        entries = [
            {c: _iso(v) for c, v in zip([*columns, "open"], row, strict=True)} for row in rows
        ]
        total_open = conn.execute(
            f"SELECT count(*) FROM {q}.conflicts WHERE {open_sql}"  # noqa: S608
        ).fetchone()
        syncs.append(
            {
                "schema": schema,
                "columns": columns,
                "open": int(total_open[0]) if total_open else 0,
                "conflicts": entries,
            }
        )
    return syncs


def stream_tables(
    conn: duckdb.DuckDBPyConnection,
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Target-duckdb's ``(schema, stream, table)`` registrations and every table's
    ``schema.table`` (not the registries, rejects or sync state)."""
    registered: list[tuple[str, str, str]] = []
    for schema in tables_with(conn, "_streams"):
        rows = conn.execute(
            f"SELECT stream, table_name FROM {quote_identifier(schema)}._streams"  # noqa: S608
        ).fetchall()
        registered.extend((schema, str(stream), str(table)) for stream, table in rows)
    tables = [
        f"{s}.{t}"
        for s, t in conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_name NOT LIKE '\\_%' ESCAPE '\\' AND table_schema NOT LIKE 'sync\\_%' "
            "ESCAPE '\\' ORDER BY 1, 2"
        ).fetchall()
    ]
    return registered, tables


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
