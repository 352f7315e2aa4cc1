"""``brainhub alerts`` (open and recent incidents) and ``brainhub alerts check``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from brainhub.operate.alerts.rules import AlertsFileError, load_alerts
from brainhub.operate.alerts.store import AlertStore
from brainhub.operate.cli import one_line_errors, project_option
from brainhub.operate.record.store import store_path


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per alert.")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=7,
    show_default=True,
    help="Also list the alerts closed within this many days.",
)
@project_option
@one_line_errors
@click.pass_context
def alerts(ctx: click.Context, as_json: bool, days: int, project_root: Path) -> None:
    """Open alerts and those closed recently, newest first; `alerts check` evaluates the
    rules of alerts.yaml now (for cron: the scheduler checks after every run it starts)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        load_alerts(project_root)
    except AlertsFileError as exc:  # no rule is judged while it is broken: say so first
        click.echo(f"warning: {exc}; no alert rule is checked until it is fixed", err=True)
    since = (datetime.now(tz=UTC) - timedelta(days=days)).isoformat()
    found = AlertStore(store_path(project_root)).alerts(since=since, limit=200)
    if as_json:
        for alert in found:
            click.echo(json.dumps(alert.as_dict()))
        return
    if not found:
        click.echo("no open alerts, none closed recently")
        return
    for alert in found:
        state = "OPEN  " if alert.is_open else "closed"
        until = f" → {alert.closed_at[:19]}" if alert.closed_at else ""
        told = ", ".join(alert.notified) or "nobody yet"
        click.echo(
            f"{state} {alert.opened_at[:19]}{until}  {alert.integration}  {alert.rule}: "
            f"{alert.message}  (notified: {told})"
        )


@alerts.command("check")
@click.option(
    "--environment",
    "-e",
    envvar="MELTANO_ENVIRONMENT",
    help="Judge the runs of this environment only (and read its secret store for Slack).",
)
@project_option
@one_line_errors
def check(environment: str | None, project_root: Path) -> None:
    """Evaluate alerts.yaml now: open, close and notify; exit 1 when a notice failed."""
    from brainhub.operate.alerts.check import check_alerts
    from brainhub.operate.scheduler.process import configure_logging

    configure_logging()
    result = check_alerts(project_root.resolve(), environment=environment)
    for alert in result.opened:
        click.echo(f"opened: {alert.integration}: {alert.rule}: {alert.message}")
    for alert in result.closed:
        click.echo(f"closed: {alert.integration}: {alert.rule}")
    if result.failed_deliveries:
        raise click.ClickException(
            f"{len(result.failed_deliveries)} notice(s) not delivered; the next check tries again"
        )
