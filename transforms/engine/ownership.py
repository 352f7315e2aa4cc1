"""Which warehouse tables the transform stage may write.

Targets own what they load; the transform stage owns only what it built. Two guards keep
them apart:

- by name, when a mapping or SQL model is loaded: an output may not live in a load
  schema (``raw`` or ``raw_<service>``, where taps land), nor in the stage's own schemas;
- by mark, when an output is built: every table ``transform-duckdb`` creates carries the
  comment ``built by transform-duckdb …``. An output is not built into a schema holding a
  table a target loaded (one with ``_sdc_`` columns and no mark), and a table already
  standing at an output's name (or at its ``__rejected`` name) without the mark — made by
  hand, a view, re-created by someone else — is never replaced or dropped.

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
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND lower(schema_name) = lower(?) AND lower(table_name) = lower(?)",
        [schema, table],
    ).fetchall()
    if not rows:
        return None
    comment = rows[0][0]
    if isinstance(comment, str) and comment.startswith(MARK):
        return None
    return "transform-duckdb did not build it"


def loaded_table_in_schema(connection: duckdb.DuckDBPyConnection, schema: str) -> str | None:
    """A table of ``schema`` a target loaded (``_sdc_`` columns, no mark), if there is one."""
    rows = connection.execute(
        "SELECT t.table_name FROM duckdb_tables() AS t JOIN duckdb_columns() AS c "
        "ON c.table_oid = t.table_oid WHERE t.database_name = current_database() "
        "AND lower(t.schema_name) = lower(?) AND c.column_name LIKE '\\_sdc\\_%' ESCAPE '\\' "
        "AND (t.comment IS NULL OR NOT starts_with(t.comment, ?)) ORDER BY 1 LIMIT 1",
        [schema, MARK],
    ).fetchall()
    return str(rows[0][0]) if rows else None


def ownership_problem(
    connection: duckdb.DuckDBPyConnection, output: str, tables: list[str]
) -> str | None:
    """What is wrong with writing ``tables`` (created, replaced or dropped when building
    ``output``), or ``None`` when the schema is no target's and each table is absent or the
    stage's own."""
    schema = output.split(".")[0]
    loaded = loaded_table_in_schema(connection, schema)
    if loaded is not None:
        return (
            f"output {output!r} would write into schema {schema!r}, which a target loads "
            f"({schema}.{loaded} has _sdc_ columns, e.g. from mapper-duckdb in flight); outputs "
            f"never write where targets load. {VALID_PLACES[0].upper()}{VALID_PLACES[1:]}, in "
            "a schema no target loads"
        )
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
