"""``brainhub webhooks``: receive signed vendor webhooks, list the inbox, register them.

A thin layer over :mod:`brainhub.webhooks`; see docs/webhooks.md.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from brainhub.errors import BrainhubError
from brainhub.webhooks.dispatch import DEFAULT_DEBOUNCE_S
from brainhub.webhooks.inbox import Inbox, inbox_path
from brainhub.webhooks.receiver import DEFAULT_MAX_BODY
from brainhub.webhooks.schemes import SCHEMES
from brainhub.webhooks.secrets import StoredSecrets

PROJECT = click.option(
    "--project",
    "project_root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    help="The Meltano project directory.",
)
ENVIRONMENT = click.option(
    "--environment",
    "-e",
    default="sandbox",
    envvar="MELTANO_ENVIRONMENT",
    show_default=True,
    help="Meltano environment: whose credential store holds the webhook secrets.",
)


@click.group()
def webhooks() -> None:
    """Signed vendor webhooks: receive them, list the inbox, register subscriptions."""


@webhooks.command("serve")
@PROJECT
@ENVIRONMENT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8750, show_default=True)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BODY,
    show_default=True,
    help="Largest body accepted, in bytes (larger: 413).",
)
@click.option(
    "--debounce",
    type=click.FloatRange(min=0),
    default=DEFAULT_DEBOUNCE_S,
    show_default=True,
    help="Seconds a target waits for more events before it runs.",
)
@click.option(
    "--public-url",
    help="The URL vendors were given, up to /webhooks (Trello signs it) [the request's].",
)
def serve_command(
    project_root: Path,
    environment: str,
    host: str,
    port: int,
    max_body: int,
    debounce: float,
    public_url: str | None,
) -> None:
    """Receive webhooks at /webhooks/<service> until interrupted; first prints one JSON line."""
    from brainhub.webhooks.service import start_receiver

    root = project_root.resolve()
    try:
        running = start_receiver(
            root,
            StoredSecrets(root, environment),
            environment=environment,
            host=host,
            port=port,
            debounce_s=debounce,
            max_body=max_body,
            public_url=public_url,
            log=lambda line: click.echo(line, err=True),
        )
    except BrainhubError as exc:
        raise click.ClickException(str(exc)) from None
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    click.echo(
        json.dumps(
            {
                "url": f"http://{host}:{running.port}/webhooks/<service>",
                "port": running.port,
                "services": sorted(SCHEMES),
                "inbox": str(running.inbox.path),
                "resumed": running.resumed,
            }
        )
    )
    sys.stdout.flush()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        running.stop()


@webhooks.command("list")
@PROJECT
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_command(project_root: Path, limit: int, as_json: bool) -> None:
    """The newest events of the inbox (never a body or a secret)."""
    path = inbox_path(project_root)
    if not path.exists():
        click.echo(f"no inbox yet ({path}); run 'brainhub webhooks serve'")
        return
    inbox = Inbox(path)
    try:
        events = [event.summary() for event in inbox.recent(limit)]
    finally:
        inbox.close()
    for event in events:
        if as_json:
            click.echo(json.dumps(event))
        else:
            click.echo(
                f"{event['id']:>6}  {event['received_at']}  {event['service']:<8} "
                f"{event['status']:<9} {event['event_type'] or '-'}  {event['delivery_id']}"
                + (f"  ({event['last_error']})" if event["last_error"] else "")
            )


@webhooks.command("register")
@click.argument("service", type=click.Choice(sorted(SCHEMES)))
@click.option("--url", required=True, help="The receiver's URL for SERVICE (…/webhooks/SERVICE).")
@PROJECT
@ENVIRONMENT
@click.option(
    "--scope",
    multiple=True,
    metavar="KEY=VALUE",
    help="What to watch, e.g. repo=api (github), resource=<gid> (asana), idModel=<board> (trello).",
)
def register_command(
    service: str, url: str, project_root: Path, environment: str, scope: tuple[str, ...]
) -> None:
    """Create SERVICE's webhook subscription through its API; store the secret."""
    from brainhub.webhooks.register import register

    pairs = {}
    for item in scope:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r}: expected KEY=VALUE", param_hint="--scope")
        pairs[key] = value
    root = project_root.resolve()
    try:
        done = register(root, service, url, environment, StoredSecrets(root, environment), pairs)
    except BrainhubError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        json.dumps(
            {
                "service": done.service,
                "subscription": done.subscription_id,
                "url": url,
                "secret_stored": done.secret_stored,
            }
        )
    )
