"""``brainhub scheduler``: the foreground scheduler (for systemd or a container)."""

from __future__ import annotations

from pathlib import Path

import click

from brainhub.operate.cli import one_line_errors, project_option


@click.command("scheduler")
@click.option(
    "--environment",
    "-e",
    envvar="MELTANO_ENVIRONMENT",
    default=None,
    help="The Meltano environment every run uses [$MELTANO_ENVIRONMENT, else meltano.yml's "
    "default_environment].",
)
@click.option(
    "--stop-timeout",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Seconds running runs get to stop after SIGTERM/SIGINT before they are killed.",
)
@click.option(
    "--poll",
    "poll_s",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds between checks of the clock and the configuration files.",
)
@project_option
@one_line_errors
def scheduler(
    environment: str | None, stop_timeout: float, poll_s: float, project_root: Path
) -> None:
    """Run meltano.yml's schedules and syncs/*.yaml intervals until SIGTERM or SIGINT.

    Each run goes through `brainhub run` (a sync through `brainhub sync run`) with trigger
    schedule; one run per integration at a time (a turn due while it runs is skipped);
    paused and disabled integrations are skipped; meltano.yml and syncs/ are reloaded when
    they change; alerts.yaml is evaluated after every run.
    """
    from brainhub.operate.alerts.check import checker_after_runs
    from brainhub.operate.scheduler.core import LOG, Scheduler
    from brainhub.operate.scheduler.process import ProcessLauncher, configure_logging, serve
    from brainhub.secrets.cli import resolve_environment

    root = project_root.resolve()
    environment = resolve_environment(root, environment)
    configure_logging()
    after_run = checker_after_runs(root, environment)

    LOG.info("environment %s", environment)
    serve(
        Scheduler(root, ProcessLauncher(root, environment), after_run=after_run),
        stop_timeout=stop_timeout,
        poll_s=poll_s,
    )
