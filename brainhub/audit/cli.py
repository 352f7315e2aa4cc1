"""``brainhub audit``: list the audit log, and ``brainhub audit verify`` its chain."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from brainhub.audit.log import AuditLog, AuditLogError

_RELATIVE = re.compile(r"(\d+)\s*([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}

_project = click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)


def parse_since(text: str) -> datetime:
    """``2026-01-02``, ``2026-01-02T10:00:00Z`` (UTC unless it says), or ``30m``/``12h``/``7d`` ago."""
    relative = _RELATIVE.fullmatch(text.strip())
    if relative:
        amount, unit = int(relative[1]), relative[2]
        return datetime.now(UTC) - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: expected an ISO 8601 date or time (2026-01-02, 2026-01-02T10:00:00Z) "
            "or an age such as 30m, 12h, 7d"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _at(entry_at: str) -> datetime:
    return datetime.fromisoformat(entry_at.replace("Z", "+00:00"))


@click.group(invoke_without_command=True)
@click.option("--since", help="Only entries from then on: an ISO date or time, or 30m, 12h, 7d.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entry, with its hash.")
@_project
@click.pass_context
def audit(ctx: click.Context, since: str | None, as_json: bool, project_root: Path) -> None:
    """Every recorded configuration change: secrets set, rotated or deleted (names only),
    refresh tokens the vendor rotated, the master key rotated, API tokens created or revoked,
    denied requests, meltano.yml, specs, mapping files and syncs changed by hand."""
    if ctx.invoked_subcommand is not None:
        return
    start = parse_since(since) if since else None
    try:
        entries = AuditLog.of_project(project_root).entries()
    except AuditLogError as exc:
        raise click.ClickException(f"{exc}; run `brainhub audit verify`") from None
    for entry in entries:
        if start is not None and _at(entry.at) < start:
            continue
        click.echo(json.dumps(entry.as_dict(), sort_keys=True) if as_json else entry.describe())


@audit.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    help="A head hash printed by an earlier verify and kept elsewhere: it must still be in the log.",
)
@_project
def verify(anchors: tuple[str, ...], project_root: Path) -> None:
    """Check the chain: any edited, removed, inserted or reordered entry, a cut tail."""
    log = AuditLog.of_project(project_root)
    problems, entries = log.verify(anchors)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    head = entries[-1].hash if entries else "(empty)"
    click.echo(f"{log.path}: {len(entries)} entries, chain intact, head {head}")
