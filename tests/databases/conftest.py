"""Real database servers for connector tests, started through ``brainhub.services``.

Each server runs once per test session (per xdist worker) in a private directory on a free
loopback port, and is stopped and deleted afterwards. A test needing a server whose binaries
are not installed is skipped, saying which Debian package ``scripts/install-services.sh``
would install; CI installs them, so nothing is skipped there.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from brainhub.services import LocalServer
from brainhub.services.mariadb import MariaDBServer
from brainhub.services.postgres import PostgresServer
from brainhub.services.server import free_port


def running_server(kind: type[LocalServer]) -> Iterator[LocalServer]:
    """Start a private server of ``kind``; yield it; stop it and delete its data."""
    home = Path(tempfile.mkdtemp(prefix=f"brainhub-{kind.name}-"))
    server = kind(home, free_port())
    missing = server.missing_binaries()
    if missing:
        shutil.rmtree(home, ignore_errors=True)
        pytest.skip(f"{kind.name}: {missing} (scripts/install-services.sh installs {kind.package})")
    try:
        server.up()
        yield server
    finally:
        server.down()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[LocalServer]:
    """A private PostgreSQL server for the session."""
    yield from running_server(PostgresServer)


@pytest.fixture(scope="session")
def mariadb_server() -> Iterator[LocalServer]:
    """A private MariaDB server for the session."""
    yield from running_server(MariaDBServer)
