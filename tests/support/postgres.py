"""A private PostgreSQL server for tests: its own cluster in a temporary directory,
listening on 127.0.0.1 on a free port, stopped and deleted afterwards.

The binaries come from the Debian package that ``scripts/install-services.sh`` installs
(``/usr/lib/postgresql/<version>/bin``). PostgreSQL refuses to run as root, so when the
tests run as root the server runs as the ``postgres`` OS user (``runuser``).
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


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
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(newest).parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextmanager
def private_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway cluster; yield how to reach it; stop and delete it afterwards."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise FileNotFoundError(
            "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin "
            "(run scripts/install-services.sh)"
        )
    root = Path(tempfile.mkdtemp(prefix="brainhub-postgres-"))
    data = root / "data"
    password = secrets.token_hex(12)
    pwfile = root / "pwfile"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
        shutil.chown(pwfile, user="postgres", group="postgres")
    port = _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--no-sync",
            ]
        ),
        **run,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        _as_server_user(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        ),
        **run,
    )
    try:
        yield PostgresServer(host="127.0.0.1", port=port, user="postgres", password=password)
    finally:
        subprocess.run(
            _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            capture_output=True,
            timeout=120,
        )
        shutil.rmtree(root, ignore_errors=True)
