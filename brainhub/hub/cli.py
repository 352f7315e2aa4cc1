"""``brainhub init`` (scaffold an integration) and ``brainhub integration`` (check, run it)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from brainhub.hub.templates import TEMPLATES

_project = click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)


@contextmanager
def _one_line_errors() -> Iterator[None]:
    from brainhub.errors import BrainhubError

    try:
        yield
    except BrainhubError as exc:
        raise click.ClickException(str(exc)) from None


def _friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _one_line_errors():
            return command(*args, **kwargs)

    return wrapper


@click.command("init")
@click.argument("template_name", metavar="TEMPLATE", type=click.Choice(list(TEMPLATES)))
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Write integration.yaml or integration.json.",
)
@_friendly
def init(template_name: str, directory: Path | None, file_format: str) -> None:
    """Scaffold a working integration from TEMPLATE into DIRECTORY [./TEMPLATE].

    \b
    clickup-to-duckdb          ClickUp tasks and lists into the warehouse, mapped
    github-issues-to-clickup   GitHub issues as ClickUp tasks (a job of meltano.yml)
    clickup-github-sync        the two-way sync of syncs/clickup-github.yaml
    overdue-digest-to-slack    overdue ClickUp tasks per assignee to Slack
    """
    from brainhub.hub.templates import scaffold

    target = directory or Path(template_name)
    commands = scaffold(template_name, target, file_format)
    click.echo(f"wrote {target}/integration.{file_format} and {target}/README.md; next:")
    for command in commands:
        click.echo(f"  {command}")


@click.group()
def integration() -> None:
    """Integration files (brainhub init writes them): validate, run."""


@integration.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@_project
@_friendly
def validate(path: Path, project_root: Path) -> None:
    """Check an integration file (or the one in directory PATH) against the project."""
    from brainhub.hub.files import check_references
    from brainhub.hub.hub import IntegrationHub
    from brainhub.hub.integration_file import load_integration_file

    loaded = load_integration_file(path)
    check_references(IntegrationHub(project_root, loaded.data.get("environment")), loaded)
    click.echo(f"{loaded.path}: valid ({loaded.data['kind']} {loaded.data['name']})")


@integration.command("run")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The job's final status as JSON.")
@_project
@_friendly
def run_command(path: Path, as_json: bool, project_root: Path) -> None:
    """Run an integration file (or the one in directory PATH) as one job; exit 1 if it fails."""
    from brainhub.hub.files import run_integration
    from brainhub.hub.hub import IntegrationHub
    from brainhub.hub.integration_file import load_integration_file

    loaded = load_integration_file(path)
    hub = IntegrationHub(project_root, loaded.data.get("environment"))
    status = run_integration(hub, path)
    if as_json:
        click.echo(json.dumps(status))
    else:
        loaded_rows = ", ".join(f"{t} {n}" for t, n in status["rows_loaded"].items())
        click.echo(
            f"{status['integration']}: {status['state']} in {status['environment']}"
            + (f"; rows loaded: {loaded_rows}" if loaded_rows else "")
            + f"; log {status['log']}"
        )
    if status["state"] != "succeeded":
        click.echo(f"{status['integration']}: {status['error']}", err=True)
        sys.exit(1)
