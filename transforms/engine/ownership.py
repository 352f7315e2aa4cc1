"""Which warehouse tables the transform stage may write.

Targets own what they load; the transform stage owns only what it built. Two guards keep
them apart:

- by name, when a mapping or SQL model is loaded: an output may not live in a load
  schema (``raw`` or ``raw_<service>``, where taps land), nor in the stage's own schemas;
- by mark, when an output is built: every table ``transform-duckdb`` creates carries the
  comment ``built by transform-duckdb …``, and a table already standing at an output's
  name (or at its ``__rejected`` name) without that mark — loaded by a target (it has
  ``_sdc_`` columns), made by hand, a view — is never replaced or dropped.

The mark lives on the table itself, so a table dropped and re-created by someone else loses
it, and a copy of the warehouse keeps it.
"""

from __future__ import annotations

import duckdb

from brainhub.sql import quote_string
from transforms.engine.errors import Location, MappingError, TransformRunError
from transforms.engine.warehouse import split_name

MARK = "built by transform-duckdb"
VALID_PLACES = (
    "outputs go to a staging schema stg_<service> or a mart schema mart_<service> "
    "(e.g. stg_clickup.tasks, mart_clickup.tasks_by_status)"
)
_SYSTEM_SCHEMAS = {"information_schema", "pg_catalog"}


def is_load_schema(schema: str) -> bool:
    """True for the schemas targets load into: ``raw`` and ``raw_<service>``."""
    lowered = schema.lower()
    return lowered == "raw" or lowered.startswith("raw_")


def check_output_name(name: str, location: Location | None) -> None:
    """Refuse an output named into a load schema or a system schema, naming file and line."""
    schema = name.split(".")[0]
    if is_load_schema(schema):
        why = f"schema {schema!r} is where targets load raw data, and outputs never replace loaded tables"
    elif schema.lower() in _SYSTEM_SCHEMAS:
        why = f"schema {schema!r} belongs to DuckDB"
    else:
        return
    raise MappingError(f"output {name!r}: {why}; {VALID_PLACES}", location)


def mark_sql(qualified: str, location: Location) -> str:
    """The statement marking table ``qualified`` (already quoted) as built by the stage."""
    return f"COMMENT ON TABLE {qualified} IS {quote_string(f'{MARK} from {location}')}"


def foreign_reason(connection: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """Why the relation at ``name`` is not the stage's to replace, or ``None`` when it is
    (absent, or a table carrying the mark)."""
    schema, table = split_name(name)
    views = connection.execute(
        "SELECT 1 FROM duckdb_views() WHERE database_name = current_database() "
        "AND lower(schema_name) = lower(?) AND lower(view_name) = lower(?)",
        [schema, table],
    ).fetchall()
    if views:
        return "it is a view"
    rows = connection.execute(
        "SELECT comment, table_oid FROM duckdb_tables() WHERE database_name = current_database() "
        "AND lower(schema_name) = lower(?) AND lower(table_name) = lower(?)",
        [schema, table],
    ).fetchall()
    if not rows:
        return None
    comment, oid = rows[0]
    if isinstance(comment, str) and comment.startswith(MARK):
        return None
    loaded = connection.execute(
        "SELECT 1 FROM duckdb_columns() WHERE table_oid = ? AND column_name LIKE '\\_sdc\\_%' "
        "ESCAPE '\\'",
        [oid],
    ).fetchall()
    if loaded:
        return "a target loaded it (it has _sdc_ columns)"
    return "transform-duckdb did not build it"


def ownership_problem(
    connection: duckdb.DuckDBPyConnection, output: str, tables: list[str]
) -> str | None:
    """What is wrong with writing ``tables`` (created, replaced or dropped when building
    ``output``), or ``None`` when each is absent or the stage's own."""
    for table in tables:
        reason = foreign_reason(connection, table)
        if reason is not None:
            return (
                f"output {output!r} would replace {table}, but {reason}; transform-duckdb "
                f"replaces only tables it built. Give the output another name ({VALID_PLACES}), "
                f"or drop it first (DROP TABLE {table}) if transform-duckdb should own it"
            )
    return None


def check_owned(
    connection: duckdb.DuckDBPyConnection, output: str, tables: list[str], location: Location
) -> None:
    """Raise :class:`TransformRunError` (file and line first) on an :func:`ownership_problem`."""
    problem = ownership_problem(connection, output, tables)
    if problem is not None:
        raise TransformRunError(f"{location}: {problem}")
