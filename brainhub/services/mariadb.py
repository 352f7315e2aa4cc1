"""MariaDB from the Debian package: ``mariadb-install-db`` once, ``mariadbd`` in the background.

The server runs detached (``setsid -f``) with its pid file, socket and log in its home
directory, listens on 127.0.0.1 only, speaks utf8mb4, and stops on SIGTERM. Its root
account is reachable through the private socket only; the sandbox's user connects over TCP.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar

from brainhub.services.server import LOOPBACK, LocalServer, ServiceError

#: The longest Unix socket path the kernel accepts (``sun_path`` holds 108 bytes with the NUL).
SOCKET_PATH_MAX = 107


def _program(*names: str) -> str | None:
    for name in names:
        for folder in (None, "/usr/sbin", "/usr/bin"):
            found = shutil.which(name, path=folder)
            if found:
                return found
    return None


class MariaDBServer(LocalServer):
    """A private MariaDB server; the sandbox's user has every privilege on it."""

    name: ClassVar[str] = "mariadb"
    default_port: ClassVar[int] = 53306
    package: ClassVar[str] = "mariadb-server"

    @property
    def data_dir(self) -> Path:
        """The server's data directory."""
        return self.home / "data"

    @property
    def socket_path(self) -> Path:
        """The private Unix socket (root's only way in): in the home directory, or in the
        temporary directory when the home's path is too long for a socket address."""
        inside = self.home / "mariadbd.sock"
        if len(str(inside).encode()) <= SOCKET_PATH_MAX:
            return inside
        digest = hashlib.sha256(str(self.home).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"brainhub-mariadb-{digest}.sock"

    @property
    def pid_file(self) -> Path:
        """Where mariadbd writes its pid."""
        return self.home / "mariadbd.pid"

    def _os_user(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def missing_binaries(self) -> str | None:
        """None when mariadbd, mariadb-install-db and the mariadb client are installed."""
        for names in (
            ("mariadbd", "mysqld"),
            ("mariadb-install-db", "mysql_install_db"),
            ("mariadb", "mysql"),
        ):
            if _program(*names) is None:
                return f"{names[0]} not found"
        return None

    def initialized(self) -> bool:
        """Whether mariadb-install-db has run."""
        return (self.data_dir / "mysql").is_dir()

    def initialize(self) -> None:
        """Create the system tables (no test database, root without a password on the socket)."""
        install = _program("mariadb-install-db", "mysql_install_db")
        assert install is not None
        done = subprocess.run(
            [
                install,
                "--no-defaults",
                f"--datadir={self.data_dir}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *self._os_user(),
            ],
            capture_output=True,
            text=True,
            timeout=self.timeout * 2,
            check=False,
        )
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise ServiceError(f"{self.name}: mariadb-install-db failed: {' / '.join(detail)}")

    def launch(self) -> None:
        """Start mariadbd detached from this process."""
        server = _program("mariadbd", "mysqld")
        assert server is not None
        self.pid_file.unlink(missing_ok=True)
        subprocess.run(
            [
                "setsid",
                "-f",
                server,
                "--no-defaults",
                f"--datadir={self.data_dir}",
                f"--port={self.port}",
                f"--bind-address={LOOPBACK}",
                f"--socket={self.socket_path}",
                f"--pid-file={self.pid_file}",
                f"--log-error={self.log_file}",
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_unicode_ci",
                "--innodb-flush-log-at-trx-commit=2",
                "--innodb-buffer-pool-size=64M",
                *self._os_user(),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=self.timeout,
        )

    def pid(self) -> int | None:
        """The server's pid from its pid file."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def prepare(self) -> None:
        """Create the sandbox's database and user (idempotent)."""
        client = _program("mariadb", "mysql")
        assert client is not None
        user = f"'{self.user}'@'{LOOPBACK}'"
        statements = (
            f"CREATE DATABASE IF NOT EXISTS `{self.database}`; "
            f"CREATE USER IF NOT EXISTS {user} IDENTIFIED BY '{self.password}'; "
            f"GRANT ALL PRIVILEGES ON *.* TO {user} WITH GRANT OPTION;"
        )
        done = subprocess.run(
            [
                client,
                "--no-defaults",
                f"--socket={self.socket_path}",
                "-u",
                "root",
                "-e",
                statements,
            ],
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
        )
        if done.returncode != 0:
            raise ServiceError(
                f"{self.name}: creating the sandbox user failed: {done.stderr.strip()}"
            )

    def halt(self, pid: int) -> None:
        """SIGTERM: mariadbd shuts down cleanly and removes its pid file."""
        os.kill(pid, signal.SIGTERM)
