"""Redis from the Debian package: ``redis-server`` daemonized with everything in its home.

It listens on 127.0.0.1 only, needs the sandbox's password, keeps an append-only file in its
home (so a restart keeps the data) and stops on SIGTERM after saving.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path
from typing import ClassVar

from brainhub.services.server import LOOPBACK, LocalServer, Settings


class RedisServer(LocalServer):
    """A private Redis server; clients authenticate as ``default`` with the sandbox password."""

    name: ClassVar[str] = "redis"
    default_port: ClassVar[int] = 56379
    package: ClassVar[str] = "redis-server"
    user: ClassVar[str] = "default"
    database: ClassVar[str] = "0"

    @property
    def pid_file(self) -> Path:
        """Where redis-server writes its pid."""
        return self.home / "redis.pid"

    @property
    def settings(self) -> Settings:
        """How to connect: ``redis://default:<password>@127.0.0.1:<port>/0``."""
        return Settings(LOOPBACK, self.port, self.user, self.password, self.database)

    def missing_binaries(self) -> str | None:
        """None when redis-server is installed."""
        return None if shutil.which("redis-server") else "redis-server not found"

    def initialized(self) -> bool:
        """Redis needs no initialisation beyond its home directory."""
        return self.home.is_dir()

    def initialize(self) -> None:
        """Nothing to create: redis-server makes its files on start."""

    def launch(self) -> None:
        """Start redis-server daemonized, configured on its command line only."""
        self.pid_file.unlink(missing_ok=True)
        subprocess.run(
            [
                "redis-server",
                "--bind",
                LOOPBACK,
                "--port",
                str(self.port),
                "--dir",
                str(self.home),
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pid_file),
                "--logfile",
                str(self.log_file),
                "--requirepass",
                self.password,
                "--appendonly",
                "yes",
                "--save",
                "",
                "--unixsocket",
                "",
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
        """Nothing to prepare: database 0 and the default user exist."""

    def halt(self, pid: int) -> None:
        """SIGTERM: redis-server writes its append-only file and exits."""
        os.kill(pid, signal.SIGTERM)
