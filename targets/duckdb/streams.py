"""Which table each stream lands in: chosen once, recorded in the warehouse, found again.

1. A stream named ``schema-table`` (or ``database-schema-table``) lands in schema
   ``schema`` as table ``table``, the Singer SDK's convention; any other stream lands in
   ``default_target_schema``.
2. The table's name is the stream's (or its ``table`` part) with every character outside
   ``[0-9A-Za-z_]`` replaced by ``_`` and a ``_`` before a leading digit.
3. DuckDB names are case-insensitive, so ``Tasks``, ``tasks`` and ``task.s`` / ``task_s``
   would share a table. The first time a stream is seen, it takes the first of ``name``,
   ``name_2``, ``name_3``… that no other stream of the schema has taken, that is not
   ``_rejected`` or ``_streams``, and that is not a table of the schema no stream is
   recorded for (unless its name is exactly ``name``: tables loaded before the record
   existed are taken over by their stream).
4. The choice is recorded in the schema's ``_streams`` table (``stream``, ``table_name``,
   ``recorded_at``) and read from there in every later run, so a stream keeps its table
   whatever streams come after it.
"""

from __future__ import annotations

import duckdb

from brainhub.sql import quote_identifier
from targets.duckdb.naming import sanitize

REGISTRY = "_streams"
"""The table, in each schema, recording which table each stream of the schema has."""
RESERVED = frozenset({REGISTRY, "_rejected"})


def split_stream_name(stream: str, default_schema: str) -> tuple[str, str]:
    """``(schema, table base name)`` of a stream, before sanitising the table name."""
    parts = stream.split("-")
    if len(parts) in {2, 3} and all(parts):
        return sanitize(parts[-2]), parts[-1]
    return default_schema, stream


def table_for(conn: duckdb.DuckDBPyConnection, stream: str, default_schema: str) -> tuple[str, str]:
    """The ``(schema, table)`` of a stream: recorded, or chosen now and recorded."""
    wanted_schema, base_name = split_stream_name(stream, default_schema)
    schema = _existing_spelling(conn, wanted_schema) or wanted_schema
    registry = f"{quote_identifier(schema)}.{quote_identifier(REGISTRY)}"
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}")
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {registry} (stream VARCHAR PRIMARY KEY, "
        "table_name VARCHAR NOT NULL, recorded_at TIMESTAMPTZ DEFAULT now())"
    )
    found = conn.execute(
        f"SELECT table_name FROM {registry} WHERE stream = ?",  # noqa: S608 - quoted names
        [stream],
    ).fetchall()
    if found:
        return schema, str(found[0][0])
    recorded = {
        str(name).lower()
        for (name,) in conn.execute(f"SELECT table_name FROM {registry}").fetchall()  # noqa: S608
    }
    existing = {
        str(name)
        for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE lower(table_schema) = ?",
            [schema.lower()],
        ).fetchall()
    }
    unrecorded = {name.lower() for name in existing} - recorded
    base = sanitize(base_name)
    candidate, suffix = base, 1
    while (
        candidate.lower() in recorded
        or candidate.lower() in RESERVED
        or (candidate.lower() in unrecorded and candidate not in existing)
    ):
        suffix += 1
        candidate = f"{base}_{suffix}"
    conn.execute(
        f"INSERT INTO {registry} (stream, table_name) VALUES (?, ?)",  # noqa: S608
        [stream, candidate],
    )
    return schema, candidate


def _existing_spelling(conn: duckdb.DuckDBPyConnection, schema: str) -> str | None:
    """The schema's name as the database spells it, if it exists (names ignore case)."""
    rows = conn.execute(
        "SELECT schema_name FROM information_schema.schemata "
        "WHERE lower(schema_name) = ? AND catalog_name = current_database()",
        [schema.lower()],
    ).fetchall()
    return str(rows[0][0]) if rows else None
