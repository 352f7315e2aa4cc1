"""``brainhub tokens``: create, list and revoke API tokens (the command line acts as admin)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from brainhub.access.check import local_admin
from brainhub.access.roles import Role
from brainhub.access.tokens import TokenStore
from brainhub.audit import AuditLog
from brainhub.errors import BrainhubError

_project = click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)


@contextlib.contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except BrainhubError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def tokens() -> None:
    """API tokens for remote callers (the web page, HTTP clients): viewer, operator, admin.

    A token is shown once, when created; only its SHA-256 is stored. The command line on
    this machine needs none: it acts as admin.
    """


@tokens.command("create")
@click.option("--name", required=True, help="What the token is for, e.g. status-page.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.label for role in Role]),
    help="viewer: read status, runs, pages; operator: also run, pause, resolve conflicts; "
    "admin: also secrets, configuration, users and tokens.",
)
@_project
def create(name: str, role: str, project_root: Path) -> None:
    """Create a token and print it once (store it now: it cannot be shown again)."""
    with _one_line_errors():
        token, record = TokenStore(project_root).create(name, Role.parse(role))
        AuditLog.of_project(project_root).record(
            "token.created",
            name,
            after=record.digest[:12],
            detail={"role": record.role.label, "by": local_admin().name},
        )
    click.echo(token)
    click.echo(
        f"token {name!r} ({record.role.label}) created; it is shown only now — "
        "send it as Authorization: Bearer <token>",
        err=True,
    )


@tokens.command("list")
@_project
def list_tokens(project_root: Path) -> None:
    """Every token: name, role, when created and last used (never the token)."""
    with _one_line_errors():
        records = TokenStore(project_root).records()
    if not records:
        click.echo("no API tokens (brainhub tokens create --name N --role viewer)")
    for record in records:
        used = record.last_used or "never used"
        click.echo(f"{record.name}  {record.role.label}  created {record.created}  {used}")


@tokens.command("revoke")
@click.argument("name")
@_project
def revoke(name: str, project_root: Path) -> None:
    """Revoke the token NAME: it is refused from now on."""
    with _one_line_errors():
        record = TokenStore(project_root).revoke(name)
        AuditLog.of_project(project_root).record(
            "token.revoked",
            name,
            before=record.digest[:12],
            detail={"role": record.role.label, "by": local_admin().name},
        )
    click.echo(f"revoked token {name!r} ({record.role.label})")
