"""The servers ``brainhub services`` knows: one entry per kind.

A new kind of server (redis, rabbitmq, a cloud emulator such as moto) is a
:class:`~brainhub.services.server.LocalServer` subclass and one entry here.
"""

from __future__ import annotations

from pathlib import Path

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
}


def server_for(name: str, project_root: Path, port: int | None = None) -> LocalServer:
    """The sandbox's instance of service ``name``: data under ``data/services/<name>/``.

    ``port`` moves it off its default port; the choice is remembered in the service's
    directory (``port``), so later ``status`` and ``down`` find it without being told.
    """
    kind = SERVICES.get(name)
    if kind is None:
        raise ServiceError(f"unknown service {name!r}; known services: {', '.join(SERVICES)}")
    home = project_root / "data" / "services" / name
    remembered = home / "port"
    if port is not None:
        home.mkdir(parents=True, exist_ok=True)
        remembered.write_text(f"{port}\n")
    elif remembered.exists():
        text = remembered.read_text().strip()
        if not text.isdigit():
            raise ServiceError(f"{remembered}: expected a port number, found {text!r}")
        port = int(text)
    return kind(home, port)
