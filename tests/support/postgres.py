"""A private PostgreSQL server for tests: started through :mod:`brainhub.services` in a
temporary directory, listening on 127.0.0.1 on a free port, stopped and deleted afterwards.

The binaries come from the Debian package that ``scripts/install-services.sh`` installs
(``/usr/lib/postgresql/<version>/bin``); as root the server runs as the ``postgres`` OS user.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from brainhub.services.postgres import PostgresServer as _Server
from brainhub.services.postgres import postgres_bin_dir
from brainhub.services.server import free_port


@dataclass(frozen=True)
class PostgresServer:
    """Connection facts of a running private server."""

    host: str
    port: int
    user: str
    password: str
    database: str = "postgres"

    def dsn(self) -> str:
        """A libpq connection string."""
        return (
            f"host={self.host} port={self.port} user={self.user} "
            f"password={self.password} dbname={self.database}"
        )


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has ``initdb``, if any."""
    return postgres_bin_dir()


@contextmanager
def private_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway cluster; yield how to reach it; stop and delete it afterwards."""
    if postgres_bin_dir() is None:
        raise FileNotFoundError(
            "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin "
            "(run scripts/install-services.sh)"
        )
    home = Path(tempfile.mkdtemp(prefix="brainhub-postgres-"))
    server = _Server(home, free_port())
    try:
        server.up()
        s = server.settings
        yield PostgresServer(host=s.host, port=s.port, user=s.user, password=s.password)
    finally:
        server.down()
        shutil.rmtree(home, ignore_errors=True)
