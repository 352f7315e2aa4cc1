"""Which table each stream lands in, and which column each property: chosen once, recorded
in the warehouse, found again in every later run.

1. A stream named ``schema-table`` (or ``database-schema-table``) lands in schema
   ``schema`` as table ``table``, the Singer SDK's convention; any other stream lands in
   ``default_target_schema``.
2. A table or column name is the stream's (its ``table`` part) or property's name with
   every character outside ``[0-9A-Za-z_]`` replaced by ``_`` and a ``_`` before a leading
   digit; the empty name becomes ``_``.
3. DuckDB names are case-insensitive, so ``Tasks``, ``tasks`` and ``task.s`` / ``task_s``
   would share a table (or column). The first time a stream (property) is seen, it takes
   the first of ``name``, ``name_2``, ``name_3``… that no other stream of the schema
   (property of the table) has taken, that is not reserved (``_rejected`` and ``_streams``
   for tables; the ``_sdc_*`` metadata columns and ``__bh_line`` for columns), and that is
   not a table (column) no name is recorded for, unless it is exactly that name: tables
   and columns loaded before the record existed are taken over. Among new properties of
   one SCHEMA message, names needing no change choose first, then the others in
   lexicographic order.
4. Choices are recorded in the schema's ``_streams`` (``stream``, ``table_name``) and
   ``_columns`` (``table_name``, ``property``, ``column_name``) tables and read from there
   in every later run, so a stream keeps its table and a property its column whatever
   names come after them.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from brainhub.sql import quote_identifier
from targets.duckdb.naming import resolve_names, sanitize

REGISTRY = "_streams"
"""The table, in each schema, recording which table each stream of the schema has."""
COLUMNS = "_columns"
"""The table, in each schema, recording which column each property of each table has."""
RESERVED = frozenset({REGISTRY, COLUMNS, "_rejected"})


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
    recorded = [
        str(name)
        for (name,) in conn.execute(f"SELECT table_name FROM {registry}").fetchall()  # noqa: S608
    ]
    existing = [
        str(name)
        for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE lower(table_schema) = ?",
            [schema.lower()],
        ).fetchall()
    ]
    table = resolve_names(
        [base_name], reserved=[*recorded, *RESERVED], adoptable=_unrecorded(existing, recorded)
    )[base_name]
    conn.execute(
        f"INSERT INTO {registry} (stream, table_name) VALUES (?, ?)",  # noqa: S608
        [stream, table],
    )
    return schema, table


def columns_for(
    conn: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    properties: Sequence[str],
    reserved: Sequence[str],
) -> dict[str, str]:
    """The column of each property of a table: recorded, or chosen now and recorded."""
    registry = f"{quote_identifier(schema)}.{quote_identifier(COLUMNS)}"
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {registry} (table_name VARCHAR, property VARCHAR, "
        "column_name VARCHAR NOT NULL, recorded_at TIMESTAMPTZ DEFAULT now(), "
        "PRIMARY KEY (table_name, property))"
    )
    recorded = dict(
        conn.execute(
            f"SELECT property, column_name FROM {registry} WHERE table_name = ?",  # noqa: S608
            [table],
        ).fetchall()
    )
    new = [p for p in properties if p not in recorded]
    if new:
        existing = [
            str(name)
            for (name,) in conn.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE lower(table_schema) = ? AND table_name = ?",
                [schema.lower(), table],
            ).fetchall()
        ]
        taken = [*recorded.values(), *reserved]
        chosen = resolve_names(new, reserved=taken, adoptable=_unrecorded(existing, taken))
        conn.executemany(
            f"INSERT INTO {registry} (table_name, property, column_name) VALUES (?, ?, ?)",  # noqa: S608
            [[table, p, chosen[p]] for p in new],
        )
        recorded |= chosen
    return {p: recorded[p] for p in properties}


def _unrecorded(existing: Sequence[str], recorded: Sequence[str]) -> list[str]:
    taken = {name.lower() for name in recorded}
    return [name for name in existing if name.lower() not in taken]


def _existing_spelling(conn: duckdb.DuckDBPyConnection, schema: str) -> str | None:
    """The schema's name as the database spells it, if it exists (names ignore case)."""
    rows = conn.execute(
        "SELECT schema_name FROM information_schema.schemata "
        "WHERE lower(schema_name) = ? AND catalog_name = current_database()",
        [schema.lower()],
    ).fetchall()
    return str(rows[0][0]) if rows else None
