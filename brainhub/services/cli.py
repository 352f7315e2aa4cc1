"""``brainhub services up|down|status [<name>…]``: the sandbox's private database servers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from brainhub.services.server import LocalServer, ServiceError
from brainhub.services.table import SERVICES, server_for

_project = click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory (data goes under its data/services/).",
)
_names = click.argument("names", nargs=-1, type=click.Choice(list(SERVICES)))


def _each(
    names: tuple[str, ...],
    project_root: Path,
    action: Callable[[LocalServer], dict[str, Any]],
    port: int | None = None,
) -> None:
    failed = False
    for name in names or tuple(SERVICES):
        try:
            line = action(server_for(name, project_root.resolve(), port))
        except ServiceError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        click.echo(json.dumps(line))
    if failed:
        raise SystemExit(1)


@click.group()
def services() -> None:
    """Private database servers for the sandbox, on 127.0.0.1, data under data/services/.

    Each prints one JSON line: service, status, host, port, user, password (the sandbox's
    fixed local one), database, data directory. With no names: every service.
    """


@services.command()
@_names
@_project
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Listen on this loopback port instead of the service's default (one service only); "
    "remembered for later commands.",
)
def up(names: tuple[str, ...], project_root: Path, port: int | None) -> None:
    """Start the servers (creating their data on first start); running ones are left alone."""
    if port is not None and len(names) != 1:
        raise click.UsageError(
            "--port needs exactly one service name, e.g. `up postgres --port 55433`"
        )
    _each(names, project_root, lambda server: server.up(), port)


@services.command()
@_names
@_project
def down(names: tuple[str, ...], project_root: Path) -> None:
    """Stop the servers and wait until they have stopped (their data stays)."""
    _each(names, project_root, lambda server: server.down())


@services.command()
@_names
@_project
def status(names: tuple[str, ...], project_root: Path) -> None:
    """Say whether each server runs, with its connection settings."""
    _each(names, project_root, lambda server: server.status())
