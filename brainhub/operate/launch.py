"""``brainhub run``: one ``meltano run`` with an id, a live display and a summary.

The invocation gets an id (``BRAINHUB_RUN_ID``) that the plugins of every pipeline it runs
record under, its trigger (``BRAINHUB_TRIGGER``, ``manual`` unless the caller set one) and,
when it names one integration, that name (``BRAINHUB_INTEGRATION``). When Meltano exits,
each pipeline run it started is settled with the exit code: a failure that killed a plugin
before it could record why still ends its run ``failed``, with Meltano's last error line, and
a run stopped by Ctrl-C or SIGTERM (130, 143) ends ``interrupted``. A run that failed or was
stopped before any plugin started is recorded too, so it shows in ``brainhub runs``.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from brainhub.errors import BrainhubError, ConfigError
from brainhub.operate.display import RunDisplay, summary_lines
from brainhub.operate.record.identity import run_id_for
from brainhub.operate.record.store import RunStore, RunStoreError
from brainhub.operate.status import integrations, status_of
from brainhub.secrets.injection import run_meltano


def launch(
    project_root: Path,
    environment: str,
    args: Sequence[str],
    secrets: Mapping[str, str],
    *,
    live: bool | None = None,
) -> int:
    """Run ``meltano run ARGS`` as described above; Meltano's exit code.

    ``live`` (default: whether stderr is a terminal) picks the progress bars over plain lines.
    Raises :class:`~brainhub.errors.ConfigError` when the integration named is disabled.
    """
    store = RunStore.of_project(project_root)
    integration = _integration_named(project_root, args, store)
    status = None
    if integration is not None:
        try:
            status = status_of(project_root, integration, store)
        except RunStoreError as exc:  # the run matters more than its record
            click.echo(f"warning: {exc}; the run goes on unrecorded", err=True)
    if status == "disabled":
        raise ConfigError(
            f"{integration} is disabled; `brainhub enable {integration}` lets it run again"
        )
    invocation = str(uuid.uuid4())
    extra = {
        "BRAINHUB_RUN_ID": invocation,
        "BRAINHUB_TRIGGER": os.environ.get("BRAINHUB_TRIGGER") or "manual",
    }
    if integration is not None:
        extra["BRAINHUB_INTEGRATION"] = integration
    if live is None:
        live = sys.stderr.isatty()
    log_path = project_root / "data" / "logs" / f"run-{invocation[:8]}.log"
    with RunDisplay(store, invocation, live=live, log_path=log_path) as display:
        code = run_meltano(
            project_root, environment, args, secrets, extra_env=extra, on_line=display.on_line
        )
    error = display.last_error_line() if code else None
    runs = _settle(store, invocation, code, error)
    if not runs and code:
        runs = _record_early_failure(store, invocation, integration, args, environment, code, error)
    for line in summary_lines(runs):
        click.echo(line)
    if live:
        click.echo(f"\nMeltano's log: {log_path}")
    return code


def _integration_named(project_root: Path, args: Sequence[str], store: RunStore) -> str | None:
    if len(args) != 1:
        return None
    try:
        known = {i.name for i in integrations(project_root, store)}
    except BrainhubError:  # a project or store problem: Meltano will say what it thinks
        return None
    return args[0] if args[0] in known else None


def _settle(store: RunStore, invocation: str, code: int, error: str | None) -> list:
    try:
        for run in store.runs_of_invocation(invocation):
            store.settle_exit(run.id, code, error=error)
        return store.runs_of_invocation(invocation)
    except Exception as exc:  # the run is over; its record is not worth a crash
        click.echo(f"cannot record the run's end in {store.path}: {exc}", err=True)
        return []


def _record_early_failure(
    store: RunStore,
    invocation: str,
    integration: str | None,
    args: Sequence[str],
    environment: str,
    code: int,
    error: str | None,
) -> list:
    run_id = run_id_for(invocation, None)
    try:
        store.begin(
            run_id,
            integration=integration or "→".join(args),
            trigger=os.environ.get("BRAINHUB_TRIGGER") or "manual",
            environment=environment,
            invocation=invocation,
        )
        store.settle_exit(run_id, code, error=error or "meltano run failed before any plugin ran")
        return store.runs_of_invocation(invocation)
    except Exception as exc:
        click.echo(f"cannot record the failed run in {store.path}: {exc}", err=True)
        return []
