"""The servers ``brainhub services`` knows: one entry per kind.

A new kind of server (redis, rabbitmq, a cloud emulator such as moto) is a
:class:`~brainhub.services.server.LocalServer` subclass and one entry here.
"""

from __future__ import annotations

from pathlib import Path

from brainhub.services.azurite import AzuriteServer
from brainhub.services.kafka import KafkaServer
from brainhub.services.mariadb import MariaDBServer
from brainhub.services.postgres import PostgresServer
from brainhub.services.rabbitmq import RabbitMQServer
from brainhub.services.redis import RedisServer
from brainhub.services.server import LocalServer, ServiceError

#: Service name → server kind. ``brainhub services up`` with no names starts all of them.
SERVICES: dict[str, type[LocalServer]] = {
    PostgresServer.name: PostgresServer,
    MariaDBServer.name: MariaDBServer,
    RedisServer.name: RedisServer,
    RabbitMQServer.name: RabbitMQServer,
    KafkaServer.name: KafkaServer,
    AzuriteServer.name: AzuriteServer,
}


def server_for(name: str, project_root: Path, port: int | None = None) -> LocalServer:
    """The sandbox's instance of service ``name``: data under ``data/services/<name>/``.

    ``port`` moves it off its default port; once the server has started there,
    :func:`remember_port` keeps the choice in the service's directory (``port``), so later
    ``status`` and ``down`` find it without being told.
    """
    kind = SERVICES.get(name)
    if kind is None:
        raise ServiceError(f"unknown service {name!r}; known services: {', '.join(SERVICES)}")
    home = project_root / "data" / "services" / name
    remembered = home / "port"
    if port is None and remembered.exists():
        text = remembered.read_text().strip()
        if not text.isdigit():
            raise ServiceError(f"{remembered}: expected a port number, found {text!r}")
        port = int(text)
    return kind(home, port)


def remember_port(server: LocalServer) -> None:
    """Keep the port ``server`` listens on for later commands (after a successful start:
    a start that failed leaves the remembered port as it was)."""
    server.home.mkdir(parents=True, exist_ok=True)
    (server.home / "port").write_text(f"{server.port}\n")
