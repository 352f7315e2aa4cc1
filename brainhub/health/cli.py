"""``brainhub check``: is each connector usable right now (credentials, reachability, budget)?"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.command("check")
@click.argument("names", nargs=-1)
@click.option(
    "--environment",
    "-e",
    help="The Meltano environment whose settings to check "
    "[$MELTANO_ENVIRONMENT, else meltano.yml's default_environment].",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per connector.")
@click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)
def check(
    names: tuple[str, ...], environment: str | None, as_json: bool, project_root: Path
) -> None:
    """Check connectors: credentials accepted, API reachable, latency, rate-limit budget left.

    NAMES are connectors (clickup), plugins (tap-github, target-slack) or jobs of
    meltano.yml (every connector they use); none: every connector. Each sends its spec's
    check: request once with the settings a run of the environment would get. Exits 1 if
    any check fails, with one line per failure.
    """
    from brainhub.environments import load_project
    from brainhub.errors import ConfigError
    from brainhub.health.checks import check_connector
    from brainhub.health.config import connector_config, resolve_environment, services_named
    from taps.runtime.registry import load_connector, services

    try:
        project = load_project(project_root)
        chosen = resolve_environment(project, environment, project_root / "meltano.yml")
        wanted = services_named(project, list(names), services())
        specs = [load_connector(service) for service in wanted]
        configs = [connector_config(project_root, chosen, spec) for spec in specs]
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    failed = 0
    for spec, config in zip(specs, configs, strict=True):
        result = check_connector(spec, config)
        failed += not result.ok
        if as_json:
            click.echo(json.dumps({**result.as_json(), "environment": chosen}))
        else:
            click.echo(result.describe(), err=not result.ok)
    if failed:
        sys.exit(1)
