"""``brainhub ui``: serve the monitoring page on loopback."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import click
from werkzeug.serving import make_server

from brainhub.errors import BrainhubError


@click.command("ui")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; loopback unless you put a proxy with TLS before it.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port (0: any free one).",
)
@click.option(
    "--environment",
    "-e",
    help="Whose warehouse to read [$MELTANO_ENVIRONMENT, else the default environment].",
)
@click.option(
    "--prices",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The API price table [api-prices.yaml in the project, if any].",
)
@click.option(
    "--project",
    "project_root",
    default=".",
    envvar="MELTANO_PROJECT_ROOT",
    show_default=True,
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The Meltano project directory.",
)
def ui(
    host: str, port: int, environment: str | None, prices: Path | None, project_root: Path
) -> None:
    """Serve the monitoring page: integrations, runs, API usage, errors, data quality,
    conflicts and lineage; actions need an API token (brainhub tokens create)."""
    from brainhub.ui.app import LOOPBACK_HOSTS, create_app
    from brainhub.ui.project import load_prices

    trusted = LOOPBACK_HOSTS if _is_loopback(host) else None
    try:
        app = create_app(project_root.resolve(), environment, prices, trusted_hosts=trusted)
        load_prices(project_root.resolve(), prices)  # a broken table is found now, not per page
    except BrainhubError as exc:
        raise click.ClickException(str(exc)) from None
    if not _is_loopback(host):
        click.echo(
            f"warning: listening on {host}: anyone who reaches it can read the page "
            "(actions still need a token); put TLS in front of it",
            err=True,
        )
    _check_free(host, port)
    server = make_server(host, port, app, threaded=True)
    click.echo(
        f"brainhub ui: http://{host}:{server.server_port}/ "
        f"({app.config['monitor'].environment}); Ctrl-C stops it"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _check_free(host: str, port: int) -> None:
    """One line when ``host:port`` cannot be listened on (the server would exit with two)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port "
            "(0 picks a free one)"
        ) from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
