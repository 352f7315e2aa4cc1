"""The ``brainhub`` command: connectors, the sandbox, the warehouse, docs. A thin layer over the library."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from brainhub.access.cli import tokens
from brainhub.audit.cli import audit
from brainhub.health.cli import check
from brainhub.hub.cli import init, integration
from brainhub.operate.cli import STATUS_COMMANDS, show_run, status
from brainhub.sandbox.cli import sandbox
from brainhub.secrets.cli import run as run_with_secrets
from brainhub.secrets.cli import secrets
from brainhub.services.cli import services
from brainhub.sync.cli import sync
from brainhub.webhooks.cli import webhooks


@click.group()
@click.version_option(package_name="brainhub")
def main() -> None:
    """brainhub: connect ClickUp and the tools around it to a warehouse and to each other."""


main.add_command(sandbox)
main.add_command(secrets)
main.add_command(run_with_secrets)
main.add_command(audit)
main.add_command(check)
main.add_command(init)
main.add_command(integration)
main.add_command(tokens)
main.add_command(status)
for _command in STATUS_COMMANDS:
    main.add_command(_command)
main.add_command(webhooks)
main.add_command(sync)
main.add_command(services)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per connector.")
def connectors(as_json: bool) -> None:
    """List connectors with their streams and capabilities."""
    from brainhub.catalog import connector_summaries

    summaries = connector_summaries()
    if as_json:
        for summary in summaries:
            click.echo(json.dumps(summary))
        return
    for s in summaries:
        click.echo(f"{s['executable']:<16} {s['title']}: {', '.join(s['capabilities'])}")
        for stream in s["streams"]:
            mode = f"incremental on {stream['cursor']}" if stream["cursor"] else "full table"
            parent = f", per {stream['parent']}" if stream["parent"] else ""
            click.echo(f"  {stream['name']:<18} {mode}{parent}")


@main.command()
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The DuckDB warehouse file [the environment's].",
)
@click.option(
    "--environment",
    "-e",
    help="The Meltano environment whose warehouse to show "
    "[$MELTANO_ENVIRONMENT, else meltano.yml's default_environment].",
)
@click.option(
    "--lock-timeout",
    type=float,
    default=60,
    show_default=True,
    help="Seconds to wait while a sync holds the warehouse (DuckDB allows one writer).",
)
def tables(path: Path | None, environment: str | None, lock_timeout: float) -> None:
    """Print every table of the warehouse with its row count."""
    import duckdb

    from brainhub.environments import warehouse_of
    from brainhub.errors import ConfigError
    from brainhub.sql import quote_identifier
    from brainhub.warehouse_lock import WarehouseLockedError, connect_waiting

    source = ""
    if path is None:
        try:
            warehouse = warehouse_of(Path.cwd(), environment)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        path = warehouse.path
        if path.is_relative_to(Path.cwd()):
            path = path.relative_to(Path.cwd())
        source = f" (environment {warehouse.environment})"
    if not path.exists():
        raise click.ClickException(
            f"no warehouse at {path}{source}; run a pipeline first (make demo fills the sandbox's)"
        )
    click.echo(f"warehouse {path}{source}")
    try:
        con = connect_waiting(
            str(path),
            read_only=True,
            timeout=lock_timeout,
            on_wait=lambda line: click.echo(line, err=True),
        )
    except (WarehouseLockedError, duckdb.Error) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from None
    with con:
        rows = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('information_schema', 'pg_catalog') "
            "ORDER BY table_schema, table_name"
        ).fetchall()
        width = max((len(f"{s}.{t}") for s, t in rows), default=10)
        click.echo(f"{'table':<{width}}  rows")
        for schema, table in rows:
            name = f"{quote_identifier(schema)}.{quote_identifier(table)}"
            (count,) = con.execute(f"SELECT count(*) FROM {name}").fetchone() or (0,)  # noqa: S608
            click.echo(f"{schema + '.' + table:<{width}}  {count:>6}")


@main.group(invoke_without_command=True)
@click.option("--integration", help="Only the runs of this integration (job or tap→target).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per run.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)
@click.pass_context
def runs(
    ctx: click.Context, integration: str | None, as_json: bool, limit: int, project_root: Path
) -> None:
    """Pipeline runs, newest first, from the run store (data/runs.sqlite); `runs show ID`
    shows one, `runs repair` mends Meltano's own records of killed runs."""
    if ctx.invoked_subcommand is None:
        from brainhub.operate.cli import list_runs

        list_runs(project_root, integration, as_json, limit)


runs.add_command(show_run)


@runs.command("repair")
@click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)
@click.option(
    "--watch",
    type=click.FloatRange(min=2),
    default=3.0,
    show_default=True,
    help="Seconds to watch the heartbeat of a running run (a live run moves it every second).",
)
def repair_runs_command(project_root: Path, watch: float) -> None:
    """Mark runs whose process is gone as failed, so the next run of their pipeline starts.

    Meltano refuses to start a pipeline while an earlier run of it looks alive, and a
    killed run looks alive for five minutes. A live run moves its heartbeat every second:
    a running run whose heartbeat stands still for --watch seconds is marked failed, as
    Meltano itself would after five minutes. Runs of the run store (brainhub runs) whose
    plugins gave no sign of life for two minutes are marked failed too.
    """
    import structlog

    from brainhub.operate.record import RunStore
    from brainhub.runs import repair_runs

    # Meltano's library logs its debug lines through structlog, to stdout by default.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if not (project_root / "meltano.yml").exists():
        raise click.ClickException(f"{project_root}: no meltano.yml; pass --project DIR")
    repaired = repair_runs(project_root.resolve(), watch=watch)
    for run in repaired:
        click.echo(run.describe())
    stale = RunStore.of_project(project_root.resolve()).fail_stale()
    for recorded in stale:
        click.echo(f"marked run {recorded.id} of {recorded.integration!r} failed: {recorded.error}")
    if not repaired and not stale:
        click.echo("no dead run found")


@main.command()
@click.option("--write", is_flag=True, help="Rewrite the generated files.")
def docs(write: bool) -> None:
    """Check (or with --write regenerate) the docs generated from code."""
    from brainhub.docs import generated_docs

    stale = []
    for path, text in generated_docs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if write:
                path.write_text(text, encoding="utf-8")
    for path in stale:
        click.echo(f"{'wrote' if write else 'stale'}: {path}")
    if stale and not write:
        sys.exit(1)
