"""``brainhub runs``, ``runs show``, ``status`` and ``pause|resume|disable|enable``."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from brainhub.errors import BrainhubError
from brainhub.operate.record.store import COUNTS, Run, RunStore
from brainhub.operate.status import (
    COMMANDS,
    IntegrationStatus,
    integration_status,
    set_status,
)


def project_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """The ``--project`` option of every command here."""
    return click.option(
        "--project",
        "project_root",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        default=".",
        envvar="MELTANO_PROJECT_ROOT",
        show_default=True,
        help="The Meltano project directory.",
    )(command)


def one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """A configuration problem ends the command with its one-line message, exit 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrainhubError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def list_runs(project_root: Path, integration: str | None, as_json: bool, limit: int) -> None:
    """Print the newest runs (``brainhub runs``)."""
    try:
        runs = RunStore.of_project(project_root).runs(integration=integration, limit=limit)
    except BrainhubError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        for run in runs:
            click.echo(json.dumps(run.as_dict()))
        return
    if not runs:
        which = f" of {integration}" if integration else ""
        click.echo(f"no runs{which} recorded yet")
        return
    width = max(len(r.integration) for r in runs)
    click.echo(
        f"{'run':<8}  {'integration':<{width}}  {'trigger':<8}  {'environment':<11}  "
        f"{'status':<7}  {'started (UTC)':<19}  {'took':>6}  {'read':>7}  {'loaded':>7}"
    )
    for run in runs:
        loaded = int(run.total("inserted") + run.total("updated"))
        line = (
            f"{run.id[:8]}  {run.integration:<{width}}  {run.trigger:<8}  "
            f"{run.environment or '-':<11}  {run.status:<7}  {_time(run.started_at):<19}  "
            f"{_duration(run):>6}  {int(run.total('read')):>7,}  {loaded:>7,}"
        )
        if run.error:
            line += f"  {run.error.splitlines()[0][:100]}"
        click.echo(line)


@click.command("show")
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@project_option
@one_line_errors
def show_run(run_id: str, as_json: bool, project_root: Path) -> None:
    """Show one run (RUN_ID or a unique start of it): its streams and, if it failed, why."""
    run = RunStore.of_project(project_root).run(run_id)
    if run is None:
        raise click.ClickException(
            f"no run {run_id!r} in {RunStore.of_project(project_root).path} (or the start of "
            "more than one id); `brainhub runs` lists them"
        )
    if as_json:
        click.echo(json.dumps(run.as_dict()))
        return
    for line in describe_run(run):
        click.echo(line)


def describe_run(run: Run) -> list[str]:
    """The lines of ``brainhub runs show``."""
    parts = ", ".join(f"{k} {v}" for k, v in sorted(run.parts.items())) or "none recorded"
    lines = [
        f"run          {run.id}",
        f"integration  {run.integration}",
        f"trigger      {run.trigger}",
        f"environment  {run.environment or '-'}",
        f"status       {run.status} (parts: {parts})",
        f"started      {_time(run.started_at)} UTC",
        f"finished     {_time(run.finished_at) + ' UTC' if run.finished_at else '-'}"
        f" (took {_duration(run)})",
        "",
        *summary_table(run),
    ]
    if run.error:
        lines += ["", f"error: {run.error}"]
        if run.traceback:
            lines += ["", run.traceback.rstrip()]
    return lines


SUMMARY_COLUMNS = ("read", "inserted", "updated", "rejected", "failed", "requests", "retries")


def summary_table(run: Run) -> list[str]:
    """Per stream: read, inserted, updated, rejected, failed, requests, retries, waited."""
    if not run.streams:
        return ["no stream counted"]
    width = max(6, *(len(s) for s in run.streams))
    head = f"{'stream':<{width}}" + "".join(f"  {c:>8}" for c in SUMMARY_COLUMNS)
    lines = [head + f"  {'waited':>8}"]
    for name, counts in run.streams.items():
        row = f"{name:<{width}}" + "".join(f"  {getattr(counts, c):>8,}" for c in SUMMARY_COLUMNS)
        lines.append(row + f"  {counts.waited:>7.1f}s")
    return lines


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per integration.")
@click.option(
    "--check",
    is_flag=True,
    help="Exit 1 if an integration is broken (its file cannot be used) or in error, with one "
    "line per problem on stderr, as brainhub check does.",
)
@project_option
@one_line_errors
def status(as_json: bool, check: bool, project_root: Path) -> None:
    """Every integration: status, last run, next run, stream freshness, last 24 hours.

    A sync whose syncs/*.yaml cannot be used shows as broken, with the file, line and reason.
    Exits 0 whatever the integrations' status unless --check is given.
    """
    found = integration_status(project_root)
    _print_status(found, as_json)
    problems = [_problem_line(entry) for entry in found] if check else []
    for line in filter(None, problems):
        click.echo(line, err=True)
    if any(problems):
        raise click.exceptions.Exit(1)


def _problem_line(entry: IntegrationStatus) -> str | None:
    """``name: broken: file:line: reason`` or ``name: error: …``; None when it is well."""
    if entry.problem:
        return f"{entry.name}: {entry.status}: {entry.problem}"
    if entry.status == "error":
        last = entry.last_run.error if entry.last_run and entry.last_run.error else None
        why = f": {last.splitlines()[0][:160]}" if last else ""
        return f"{entry.name}: error after {entry.failures} failed runs in a row{why}"
    return None


def _print_status(found: list[IntegrationStatus], as_json: bool) -> None:
    if as_json:
        for entry in found:
            click.echo(json.dumps(entry.as_dict()))
        return
    if not found:
        click.echo("no integrations: no jobs in meltano.yml, no syncs/*.yaml, no runs yet")
        return
    for entry in found:
        last = entry.last_run
        last_text = (
            f"{last.status} {_time(last.finished_at or last.started_at)} UTC ({last.id[:8]})"
            if last
            else "never ran"
        )
        rate = f"{entry.error_rate:.0%}" if entry.error_rate is not None else "-"
        click.echo(
            f"{entry.name} [{entry.kind}] {entry.status}"
            + (f" after {entry.failures} failed runs" if entry.status == "error" else "")
        )
        if entry.problem:
            click.echo(f"  problem    {entry.problem}")
        click.echo(f"  last run   {last_text}")
        if last and last.status in ("failed", "interrupted") and last.error:
            click.echo(f"  error      {last.error.splitlines()[0][:160]}")
        click.echo(f"  next run   {_time(entry.next_run) + ' UTC' if entry.next_run else '-'}")
        click.echo(
            f"  last 24 h  {entry.runs_24h} runs, {entry.records_24h:,} records, error rate {rate}"
        )
        for stream, when in entry.freshness.items():
            click.echo(f"    {stream:<24} fresh as of {_time(when)} UTC")


def _status_command(command: str) -> click.Command:
    helps = {
        "pause": "Pause INTEGRATION: the scheduler skips it until `brainhub resume`.",
        "resume": "Resume a paused (or failing) INTEGRATION.",
        "disable": "Disable INTEGRATION: it does not run at all, not even by hand.",
        "enable": "Enable a disabled INTEGRATION again.",
    }

    @click.command(command, help=helps[command] + " Recorded in the audit log.")
    @click.argument("integration")
    @project_option
    @one_line_errors
    def apply(integration: str, project_root: Path) -> None:
        before, after = set_status(project_root, integration, command)
        click.echo(f"{integration}: {before} → {after}")

    return apply


STATUS_COMMANDS = [_status_command(name) for name in COMMANDS]


def _time(value: str | None) -> str:
    if not value:
        return "-"
    return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")


def _duration(run: Run) -> str:
    if not run.finished_at:
        return "-"
    seconds = (
        datetime.fromisoformat(run.finished_at) - datetime.fromisoformat(run.started_at)
    ).total_seconds()
    return f"{seconds:.0f}s" if seconds < 600 else f"{seconds / 60:.0f}m"


__all__ = [
    "COUNTS",
    "STATUS_COMMANDS",
    "describe_run",
    "list_runs",
    "show_run",
    "status",
    "summary_table",
]
