"""One stream, copied by PostgreSQL into a JSON-lines batch file.

The table is read in one REPEATABLE READ, read-only transaction: for an incremental stream
the new bookmark (``max`` of the replication key) is read first, then ``COPY (SELECT
row_to_json(…) …) TO STDOUT`` streams the rows ``WHERE key >= bookmark`` — both from the same
snapshot, so no row committed between them is skipped or counted twice. PostgreSQL writes
every line; psycopg2's C loop hands them to a buffered file. No Python code runs per row.

``COPY``'s CSV format with a quote and a delimiter that never occur in ``row_to_json``'s
output (which escapes every control character) writes each JSON object as it is, one per line.
``json`` columns are cast to ``jsonb``, whose text has no line breaks.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COPY_OPTIONS = "WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"
BATCH_PREFIX = "pgbulk-"
#: Batch files older than this are a finished run's (the target has loaded them): removed.
STALE_SECONDS = 24 * 3600
_BUFFER = 1 << 20


@dataclass(frozen=True)
class StreamPlan:
    """What to read of one selected stream."""

    name: str
    schema: str
    table: str
    columns: dict[str, dict[str, Any]]
    """Selected column → its JSON schema."""
    key_properties: list[str]
    replication_key: str | None


@dataclass(frozen=True)
class Copied:
    """What one stream's copy produced."""

    path: Path | None
    """The batch file, or None when no row was copied (the empty file is removed)."""
    rows: int
    bookmark: Any
    """The new replication-key value (the old one when no row matched)."""


def quote_identifier(name: str) -> str:
    """``name`` as a PostgreSQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def select_list(columns: dict[str, dict[str, Any]], udt_names: dict[str, str]) -> str:
    """The inner SELECT's columns: ``json`` (and ``json[]``) cast to ``jsonb`` so that
    ``row_to_json`` prints them on one line."""
    parts = []
    for column in columns:
        quoted = quote_identifier(column)
        udt = udt_names.get(column, "")
        if udt in {"json", "_json"}:
            cast = "jsonb[]" if udt.startswith("_") else "jsonb"
            parts.append(f"{quoted}::{cast} AS {quoted}")
        else:
            parts.append(quoted)
    return ", ".join(parts)


def column_types(cursor: Any, plan: StreamPlan) -> dict[str, str]:
    """Each column's ``udt_name`` (``_x`` for arrays)."""
    cursor.execute(
        "SELECT column_name, udt_name FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s",
        (plan.schema, plan.table),
    )
    return dict(cursor.fetchall())


def copy_stream(connection: Any, plan: StreamPlan, bookmark: Any, directory: Path) -> Copied:
    """Copy ``plan``'s rows (from ``bookmark`` on, if incremental) into a new JSONL file in
    ``directory``, in one snapshot."""
    directory.mkdir(parents=True, exist_ok=True)
    table = f"{quote_identifier(plan.schema)}.{quote_identifier(plan.table)}"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", plan.name)
    path = directory / f"{BATCH_PREFIX}{safe}-{int(time.time())}-{uuid.uuid4().hex[:12]}.jsonl"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        where = ""
        new_bookmark = bookmark
        if plan.replication_key is not None:
            key = quote_identifier(plan.replication_key)
            if bookmark is not None:
                where = cursor.mogrify(f" WHERE {key} >= %s", (_bound(bookmark),)).decode()
            cursor.execute(f"SELECT to_json(max({key})) FROM {table}{where}")
            (latest,) = cursor.fetchone()
            if latest is not None:
                new_bookmark = latest
        columns = select_list(plan.columns, column_types(cursor, plan))
        inner = f"SELECT {columns} FROM {table}{where}"
        sql = f"COPY (SELECT row_to_json(r) FROM ({inner}) r) TO STDOUT {COPY_OPTIONS}"
        with path.open("wb", buffering=_BUFFER) as out:
            cursor.copy_expert(sql, out, size=_BUFFER)
        rows = max(cursor.rowcount, 0)
    connection.commit()
    if rows == 0:
        path.unlink(missing_ok=True)
        return Copied(None, 0, new_bookmark)
    return Copied(path, rows, new_bookmark)


def _bound(value: Any) -> Any:
    """A bookmark as a query parameter: JSON numbers as they are, others as text (PostgreSQL
    casts the literal to the key's type)."""
    if isinstance(value, int | float | str):
        return value
    return json.dumps(value)


def sweep_stale_batches(directory: Path, now: float | None = None) -> int:
    """Remove this tap's batch files older than :data:`STALE_SECONDS`; how many."""
    if not directory.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - STALE_SECONDS
    removed = 0
    for path in directory.glob(f"{BATCH_PREFIX}*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
