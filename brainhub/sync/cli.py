"""``brainhub sync``: plan, run, list conflicts and resolve them, for ``syncs/<name>.yaml``."""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from types import FrameType
from typing import Any

import click

from brainhub.errors import BrainhubError, SyncInterrupted
from brainhub.sync.connections import Connections, connections_for
from brainhub.sync.definition import SyncDefinition, find_definition, load_definition
from brainhub.sync.engine import Plan

_project = click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory (holding syncs/ and meltano.yml).",
)
_environment = click.option(
    "-e",
    "--environment",
    envvar="MELTANO_ENVIRONMENT",
    help="The Meltano environment: its APIs and warehouse (default: the project's default).",
)


def _friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Errors the user can fix become one line and exit 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrainhubError as exc:
            click.echo(f"brainhub sync: {exc}", err=True)
            sys.exit(1)

    return wrapper


def _load(
    project_root: Path, name: str, environment: str | None
) -> tuple[SyncDefinition, Connections]:
    project = project_root.resolve()
    definition = load_definition(find_definition(project, name), f"syncs/{name}.yaml")
    return definition, connections_for(project, environment)


@contextmanager
def _sigterm_stops() -> Iterator[None]:
    """SIGTERM stops the run as Ctrl-C does (an exception where it stands), so the run is
    recorded ``interrupted`` and the process exits 143; the old handler comes back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise SyncInterrupted(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group()
def sync() -> None:
    """Two-way syncs between services (syncs/<name>.yaml): plan, run, conflicts, resolve."""


@sync.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="The plan as JSON (totals at the top level).")
@click.option(
    "--no-refresh", is_flag=True, help="Plan from what is loaded, without reading the sides."
)
@_environment
@_project
@_friendly
def plan(
    name: str, as_json: bool, no_refresh: bool, environment: str | None, project_root: Path
) -> None:
    """What a run would write now (a dry run: both sides are read, nothing is written)."""
    from brainhub.sync.runner import SyncBusyError, plan_sync

    definition, connections = _load(project_root, name, environment)
    try:
        found = plan_sync(definition, connections, refresh=not no_refresh)
    except SyncBusyError as busy:
        click.echo(f"brainhub sync: {busy}")
        return
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2, default=str))
    else:
        click.echo(render_plan(found))


@sync.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="What the run planned and wrote, as JSON.")
@click.option(
    "--wait", is_flag=True, help="When a run of the sync is under way, wait and run after it."
)
@_environment
@_project
@_friendly
def run(name: str, as_json: bool, wait: bool, environment: str | None, project_root: Path) -> None:
    """Read both sides (their taps, incrementally), plan and write the changes."""
    from brainhub.operate.record.recorder import stop_signal_of
    from brainhub.sync.record import SyncRunRecord
    from brainhub.sync.runner import SyncBusyError, run_sync

    definition, connections = _load(project_root, name, environment)
    record = SyncRunRecord(project_root.resolve(), definition, connections.environment)
    try:
        with _sigterm_stops():
            report = run_sync(definition, connections, on_locked=record.begin, wait=wait)
    except SyncBusyError as busy:
        click.echo(f"brainhub sync: {busy}")
        return
    except BaseException as exc:
        stopped_by = stop_signal_of(exc)
        record.finish(error=str(exc) or type(exc).__name__, stopped_by=stopped_by)
        if isinstance(exc, SyncInterrupted):
            click.echo(
                f"brainhub sync: {exc}; what was written is kept, the next run goes on from it",
                err=True,
            )
            sys.exit(exc.exit_code)
        raise
    outcome = report.outcome
    record.finish(
        read=report.read,
        written={
            "inserted": outcome.created,
            "updated": outcome.updated + outcome.deleted,
            "rejected": outcome.rejected,
        },
        error=f"{outcome.rejected} writes refused by the service" if outcome.rejected else None,
    )
    if as_json:
        click.echo(json.dumps({**report.plan.as_json(), "outcome": vars(outcome)}, default=str))
    else:
        click.echo(render_plan(report.plan))
        click.echo(
            f"{definition.name}: {outcome.writes} writes ({outcome.created} created, "
            f"{outcome.updated} updated, {outcome.deleted} deleted or archived), "
            f"{outcome.rejected} refused"
        )
    if outcome.rejected:
        click.echo(
            f"brainhub sync: {outcome.rejected} writes refused by the service; each is in "
            f"{definition.schema}._write_rejects of {connections.warehouse} and is tried "
            "again by the next run",
            err=True,
        )
        sys.exit(1)


@sync.command()
@click.argument("name")
@click.option("--all", "include_resolved", is_flag=True, help="Resolved conflicts too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per conflict.")
@_environment
@_project
@_friendly
def conflicts(
    name: str, include_resolved: bool, as_json: bool, environment: str | None, project_root: Path
) -> None:
    """Fields changed on both sides that wait for a choice (policy manual)."""
    from brainhub.sync.runner import list_conflicts

    definition, connections = _load(project_root, name, environment)
    rows = list_conflicts(definition, connections, include_resolved=include_resolved)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, default=str))
        return
    if not rows:
        click.echo(f"{definition.name}: no open conflict")
        return
    for row in rows:
        click.echo(
            f"{row['conflict_id']}  {row['field']}  left {row['left_id']}: "
            f"{_short(row['left_value'])}  right {row['right_id']}: {_short(row['right_value'])}"
            f"  (agreed: {_short(row['agreed_left'])})"
            + (f"  resolved: {row['resolution']}" if row.get("resolution") else "")
        )
    click.echo(
        f"resolve one with: brainhub sync resolve {definition.name} <id> --take left|right|value"
    )


@sync.command()
@click.argument("name")
@click.argument("conflict_id")
@click.option("--take", type=click.Choice(["left", "right", "value"]), required=True,
              help="Keep the left value, the right value, or --value on both sides.")  # fmt: skip
@click.option(
    "--value", "value", help="With --take value: the value in the left side's terms (text or JSON)."
)
@_environment
@_project
@_friendly
def resolve(
    name: str,
    conflict_id: str,
    take: str,
    value: str | None,
    environment: str | None,
    project_root: Path,
) -> None:
    """Settle a conflict and write the choice to both sides now."""
    from brainhub.sync.runner import resolve_conflict

    definition, connections = _load(project_root, name, environment)
    report = resolve_conflict(definition, connections, conflict_id, take, value)
    click.echo(
        f"{definition.name}: conflict {conflict_id} resolved ({take}); "
        f"{report.outcome.writes} writes, {report.outcome.rejected} refused"
    )
    if report.outcome.rejected:
        sys.exit(1)


def render_plan(plan: Plan) -> str:
    """The plan for people: totals, then each write with its field changes."""
    totals = plan.totals()
    lines = [
        f"{plan.sync}: {totals['creates']} creates, {totals['updates']} updates, "
        f"{totals['deletes']} deletes, {totals['conflicts']} conflicts"
        + (f", {totals['links']} new links" if totals["links"] else "")
        + (f", {totals['unlinks']} unlinked" if totals["unlinks"] else "")
    ]
    for create in plan.creates:
        lines.append(f"  create on {create.side} from {create.source_id}: {_short(create.values)}")
    for update in plan.updates:
        target = update.right_id if update.side == "right" else update.left_id
        changes = ", ".join(f"{c.field}: {_short(c.old)} → {_short(c.new)}" for c in update.changes)
        lines.append(f"  update {update.side} {target}: {changes}")
    for delete in plan.deletes:
        target = delete.right_id if delete.side == "right" else delete.left_id
        lines.append(f"  {delete.action} {delete.side} {target}: {delete.why}")
    for conflict in plan.conflicts:
        lines.append(
            f"  conflict {conflict.conflict_id} {conflict.field} ({conflict.left_id} ↔ "
            f"{conflict.right_id}): left {_short(conflict.left_value)}, right "
            f"{_short(conflict.right_value)}"
        )
    if plan.empty and not plan.conflicts:
        lines.append("  nothing to do")
    return "\n".join(lines)


def _short(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
