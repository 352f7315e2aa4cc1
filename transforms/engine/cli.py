"""``transform-duckdb``: build, check and preview the mapped tables of the warehouse.

A thin layer over :mod:`transforms.engine.runner`. Meltano runs it as a utility
(``transform-duckdb:run``); the warehouse path comes from ``--path``,
``$TRANSFORM_DUCKDB_PATH`` (Meltano's ``path`` setting), ``$TARGET_DUCKDB_PATH``, or
``data/warehouse.duckdb`` under the project directory. Bad input prints one line on
stderr and exits 1, without a traceback.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import duckdb

from brainhub.errors import BrainhubError
from transforms.engine.project import Project
from transforms.engine.runner import OutputResult, preview_rows, run_models, validate_models
from transforms.engine.warehouse import connect, first_line, warehouse_path


def _common_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--path",
            "db_path",
            metavar="DB",
            help="Warehouse file (default: $TRANSFORM_DUCKDB_PATH or data/warehouse.duckdb).",
        ),
        click.option(
            "--project-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Project root (default: $MELTANO_PROJECT_ROOT or the current directory).",
        ),
        click.option(
            "--mappings",
            "mapping_paths",
            multiple=True,
            type=click.Path(path_type=Path),
            envvar="TRANSFORM_DUCKDB_MAPPINGS",
            help="Mapping files or folders (default: transforms/ under the project).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrainhubError as error:
            click.echo(f"transform-duckdb: error: {error}", err=True)
            sys.exit(1)
        except duckdb.Error as error:
            click.echo(f"transform-duckdb: error: {first_line(error)}", err=True)
            sys.exit(1)

    return wrapper


def _project_dir(given: Path | None) -> Path:
    return given or Path(os.environ.get("MELTANO_PROJECT_ROOT") or Path.cwd())


def _load(project_dir: Path, mapping_paths: tuple[Path, ...]) -> Project:
    paths = [p if p.is_absolute() else project_dir / p for p in mapping_paths] or [
        project_dir / "transforms"
    ]
    project = Project.load(paths, display_root=project_dir)
    # Files for mapper-duckdb only (in_flight: true) read streams, never loaded tables.
    return Project(tuple(m for m in project.models if not getattr(m, "in_flight", False)))


@click.group()
@click.version_option(package_name="brainhub", prog_name="transform-duckdb")
def main() -> None:
    """Build, check and preview the warehouse tables declared by mapping files."""


@main.command()
@click.option(
    "--select",
    "selectors",
    multiple=True,
    metavar="NAME",
    help="Only these outputs: a name, a glob (stg_clickup.*), +name (with what it reads), "
    "name+ (with what reads it). Repeatable.",
)
@_common_options
@_friendly_errors
def run(
    selectors: tuple[str, ...],
    db_path: str | None,
    project_dir: Path | None,
    mapping_paths: tuple[Path, ...],
) -> None:
    """Build every output (or a selection) in dependency order."""
    root = _project_dir(project_dir)
    project = _load(root, mapping_paths)
    models = project.select(selectors)
    path = warehouse_path(db_path, root)

    def report(result: OutputResult) -> None:
        rejected = f", {result.rejected:,} rejected" if result.rejected else ""
        click.echo(f"built {result.name}: {result.rows:,} rows{rejected} ({result.seconds:.2f} s)")

    with connect(path) as connection:
        results = run_models(connection, models, on_result=report)
    rejected = sum(result.rejected for result in results)
    note = f"; {rejected:,} rows rejected (see the *__rejected tables)" if rejected else ""
    click.echo(f"done: {len(results)} output(s) built in {path}{note}")


@main.command()
@_common_options
@_friendly_errors
def validate(
    db_path: str | None, project_dir: Path | None, mapping_paths: tuple[Path, ...]
) -> None:
    """Check every mapping against the warehouse's columns and types, without running."""
    root = _project_dir(project_dir)
    project = _load(root, mapping_paths)
    path = warehouse_path(db_path, root)
    with connect(path) as connection:
        errors = validate_models(connection, project.models)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"transform-duckdb: {len(errors)} error(s) in the mappings", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(project.models)} output(s) match the warehouse {path}")


@main.command()
@click.argument("name")
@click.option(
    "--limit", default=10, show_default=True, type=click.IntRange(min=0), help="Rows to show."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="A table for people, or one JSON object per line.",
)
@_common_options
@_friendly_errors
def preview(
    name: str,
    limit: int,
    output_format: str,
    db_path: str | None,
    project_dir: Path | None,
    mapping_paths: tuple[Path, ...],
) -> None:
    """Print the first rows output NAME would have now (without building it)."""
    root = _project_dir(project_dir)
    project = _load(root, mapping_paths)
    model = project.get(name)
    with connect(warehouse_path(db_path, root), read_only=True) as connection:
        relation = preview_rows(connection, model, limit)
        if output_format == "table":
            click.echo(str(relation))
            return
        columns = relation.columns
        for row in relation.fetchall():
            click.echo(json.dumps(dict(zip(columns, row, strict=True)), default=str))
