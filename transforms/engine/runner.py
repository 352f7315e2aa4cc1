"""Build outputs in the warehouse (``run``), check them without building (``validate``),
and compute their first rows (``preview``).

Each output is built in its own transaction: its rejects table first (usually empty), then
the output itself. A failure rolls that output back and stops the run; outputs built
before it stay.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb

from brainhub.sql import quote_identifier, quote_qualified
from transforms.engine.access import in_access_order, restrict_external_access
from transforms.engine.compiler import CompiledOutput, compile_output
from transforms.engine.errors import Location, MappingError, TransformRunError
from transforms.engine.model import Model, Output, SqlModel
from transforms.engine.ownership import check_owned, mark_sql, ownership_problem
from transforms.engine.warehouse import catalog_for, first_line

FAILURES_TABLE = quote_identifier("__bh_failures")
PREVIEW_TABLE = quote_identifier("__bh_preview")


@dataclass(frozen=True)
class OutputResult:
    """What building one output did."""

    name: str
    rows: int
    rejected: int
    seconds: float


def compile_for(connection: duckdb.DuckDBPyConnection, output: Output) -> CompiledOutput:
    """Compile ``output`` against the warehouse's current columns (strict: sources must exist)."""
    return compile_output(output, catalog_for(connection, [output]))


def record_failures(connection: duckdb.DuckDBPyConnection, compiled: CompiledOutput) -> int:
    """Evaluate the output's checks into the temp table ``__bh_failures``; returns the count.

    Raises :class:`TransformRunError` when a failing check's action is ``fail``.
    """
    assert compiled.failures is not None
    connection.execute(f"CREATE OR REPLACE TEMP TABLE {FAILURES_TABLE} AS {compiled.failures}")
    if compiled.has_fail_action:
        rows = connection.execute(
            f"SELECT _rule, _field, _reason FROM {FAILURES_TABLE} WHERE _action = 'fail' "  # noqa: S608
            "ORDER BY __bh_rowid LIMIT 1"
        ).fetchall()
        if rows:
            rule, field, reason = rows[0]
            output = compiled.output
            raise TransformRunError(
                f"{output.location}: output {output.name!r}, field {field!r}: {reason} "
                f"({rule}; the output is set to fail on this)"
            )
    return count_rows(connection, FAILURES_TABLE)


def count_rows(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    """The number of rows of ``table`` (an already quoted name)."""
    rows = connection.execute(f"SELECT count(*) FROM {table}").fetchall()  # noqa: S608
    return int(rows[0][0])


def build_output(
    connection: duckdb.DuckDBPyConnection, compiled: CompiledOutput
) -> tuple[int, int]:
    """Create the output table (and its rejects table); returns (rows, rejected rows).

    Raises :class:`TransformRunError` when either table stands in the warehouse but was not
    built by transform-duckdb (see :mod:`transforms.engine.ownership`).
    """
    output = compiled.output
    check_owned(connection, output.name, _written_tables(output), output.location)
    schema = output.name.split(".")[0]
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}")
    rejected = 0
    select = compiled.select_all
    if compiled.failures is not None:
        rejected = record_failures(connection, compiled)
        connection.execute(
            f"CREATE OR REPLACE TABLE {compiled.rejects_target} AS {compiled.rejects(FAILURES_TABLE)}"
        )
        connection.execute(mark_sql(compiled.rejects_target, output.location))
        connection.execute(f"DROP TABLE {FAILURES_TABLE}")
        if rejected:
            select = compiled.select_valid
    else:
        connection.execute(f"DROP TABLE IF EXISTS {compiled.rejects_target}")
    connection.execute(f"CREATE OR REPLACE TABLE {compiled.target} AS {select}")
    connection.execute(mark_sql(compiled.target, output.location))
    return count_rows(connection, compiled.target), rejected


def _written_tables(model: Model) -> list[str]:
    """The tables building ``model`` creates, replaces or drops."""
    if isinstance(model, SqlModel):
        return [model.name]
    return [model.name, f"{model.name}__rejected"]


def build_sql_model(connection: duckdb.DuckDBPyConnection, model: SqlModel) -> int:
    """Create a ``.sql`` model's table; returns its row count."""
    check_owned(connection, model.name, _written_tables(model), model.location)
    schema = model.name.split(".")[0]
    target = quote_qualified(model.name)
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}")
    connection.execute(f"CREATE OR REPLACE TABLE {target} AS {model.sql}")
    connection.execute(mark_sql(target, model.location))
    return count_rows(connection, target)


def run_models(
    connection: duckdb.DuckDBPyConnection,
    models: Sequence[Model],
    on_result: Callable[[OutputResult], None] | None = None,
) -> list[OutputResult]:
    """Build ``models`` in order, one transaction each; stops at the first failure.

    Trusted SQL models (and what they read) run first; then DuckDB's external access is
    switched off for good and the rest run (see :mod:`transforms.engine.access`).
    """
    results = []
    for model in in_access_order(connection, models):
        started = time.perf_counter()
        connection.execute("BEGIN TRANSACTION")
        try:
            if isinstance(model, SqlModel):
                rows, rejected = build_sql_model(connection, model), 0
            else:
                rows, rejected = build_output(connection, compile_for(connection, model))
            connection.execute("COMMIT")
        except duckdb.Error as error:
            connection.execute("ROLLBACK")
            raise TransformRunError(
                f"{_where(model, error)}: output {model.name!r}: {first_line(error)}{_hint(error)}"
            ) from None
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        result = OutputResult(model.name, rows, rejected, time.perf_counter() - started)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def validate_models(
    connection: duckdb.DuckDBPyConnection, models: Sequence[Model]
) -> list[MappingError]:
    """Check every model against the warehouse without changing it.

    Each output is compiled against the real columns and types, and DuckDB binds every
    statement it would run; an empty stand-in table is created for each output so later
    outputs can be checked against it. Everything is rolled back. Returns every error
    found (an output whose upstream failed is reported once, as depending on it).
    """
    errors: list[MappingError] = []
    broken: set[str] = set()
    connection.execute("BEGIN TRANSACTION")
    try:
        for model in in_access_order(connection, models):
            blocked = [name for name in model.depends_on if name in broken]
            if blocked:
                broken.add(model.name)
                errors.append(
                    MappingError(
                        f"output {model.name!r}: not checked, it reads {blocked[0]!r} which has errors",
                        model.location,
                    )
                )
                continue
            problem = ownership_problem(connection, model.name, _written_tables(model))
            if problem is not None:
                broken.add(model.name)
                errors.append(MappingError(problem, model.location))
                continue
            try:
                _stand_in(connection, model)
            except MappingError as error:
                broken.add(model.name)
                errors.append(error)
    finally:
        connection.execute("ROLLBACK")
    return errors


def _stand_in(connection: duckdb.DuckDBPyConnection, model: Model) -> None:
    statements: list[tuple[str, str]] = []
    if isinstance(model, SqlModel):
        statements.append(("select", model.sql))
    else:
        compiled = compile_for(connection, model)
        statements.append(("select", compiled.select_all))
        if compiled.failures is not None:
            statements.append(("checks", compiled.failures))
            statements.append(("rejects", compiled.rejects(f"({compiled.failures})")))
    main = None
    for label, sql in statements:
        try:
            relation = connection.sql(sql)
        except duckdb.Error as error:
            raise MappingError(
                f"output {model.name!r}: DuckDB rejects the {label} query: {first_line(error)}"
                f"{_hint(error)}",
                _where(model, error),
            ) from None
        main = main or relation
    assert main is not None
    schema = model.name.split(".")[0]
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}")
    columns = ", ".join(
        f"{quote_identifier(name)} {dtype}"
        for name, dtype in zip(main.columns, main.dtypes, strict=True)
    )
    connection.execute(f"CREATE OR REPLACE TABLE {quote_qualified(model.name)} ({columns})")


def _where(model: Model, error: duckdb.Error) -> Location:
    """For a SQL model, the line DuckDB names, else the first line using a name it quotes."""
    if not isinstance(model, SqlModel):
        return model.location
    message = str(error)
    match = re.search(r"LINE (\d+):", message)
    if match:
        return Location(model.location.file, model.first_line + int(match.group(1)) - 1)
    for name in re.findall(r'"([^"]+)"', message):
        found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", model.sql)
        if found:
            line = model.first_line + model.sql[: found.start()].count("\n")
            return Location(model.location.file, line)
    return model.location


def preview_rows(
    connection: duckdb.DuckDBPyConnection, model: Model, limit: int
) -> duckdb.DuckDBPyRelation:
    """The first ``limit`` rows ``model`` would produce now (rejected rows left out).

    Anything but a trusted SQL model switches the connection's external access off first.
    """
    if not (isinstance(model, SqlModel) and model.trusted):
        restrict_external_access(connection)
    if isinstance(model, SqlModel):
        sql = model.sql
    else:
        compiled = compile_for(connection, model)
        sql = compiled.select_valid
    try:
        # Materialised here, so an error while computing rows names the model too.
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {PREVIEW_TABLE} AS "  # noqa: S608
            f"SELECT * FROM ({sql}) LIMIT {int(limit)}"
        )
        return connection.table(PREVIEW_TABLE)
    except duckdb.Error as error:
        raise TransformRunError(
            f"{_where(model, error)}: output {model.name!r}: {first_line(error)}{_hint(error)}"
        ) from None


def _hint(error: duckdb.Error) -> str:
    """What to do when DuckDB refused to reach outside the warehouse."""
    if isinstance(error, duckdb.PermissionException):
        return (
            " (SQL models read only warehouse tables; a model that must read files, URLs or "
            "other databases needs the header line '-- trusted: true')"
        )
    return ""
