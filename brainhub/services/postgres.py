"""PostgreSQL from the Debian package: ``initdb`` once, ``pg_ctl`` to start and stop.

PostgreSQL refuses to run as root; when brainhub runs as root the server runs as the
package's ``postgres`` OS user, which then owns the server's home directory. The server
listens on 127.0.0.1 only (no Unix socket, so long project paths do not matter).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path
from typing import ClassVar

from brainhub.services.server import LOOPBACK, LocalServer, ServiceError


def postgres_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has ``initdb``, if any."""
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(newest).parent


class PostgresServer(LocalServer):
    """A private PostgreSQL cluster; the sandbox's user is its superuser."""

    name: ClassVar[str] = "postgres"
    default_port: ClassVar[int] = 55432
    package: ClassVar[str] = "postgresql"

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self.home / "data"

    def _bin(self, program: str) -> str:
        bin_dir = postgres_bin_dir()
        if bin_dir is None:
            raise ServiceError(f"{self.name}: initdb not found under /usr/lib/postgresql/*/bin")
        return str(bin_dir / program)

    def _as_server_user(self, args: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return args

    def _run(self, args: list[str], what: str) -> str:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=self.timeout, check=False
        )
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise ServiceError(f"{self.name}: {what} failed: {' / '.join(detail)}")
        return done.stdout

    def missing_binaries(self) -> str | None:
        """None when initdb and pg_ctl are installed."""
        return None if postgres_bin_dir() else "initdb not found under /usr/lib/postgresql/*/bin"

    def initialized(self) -> bool:
        """Whether initdb has run."""
        return (self.data_dir / "PG_VERSION").exists()

    def initialize(self) -> None:
        """Run initdb: UTF-8, the sandbox's user as superuser, passwords on TCP."""
        pwfile = self.home / ".pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.home, user="postgres", group="postgres")
            shutil.chown(pwfile, user="postgres", group="postgres")
            self._check_server_user_can_enter_home()
        try:
            self._run(
                self._as_server_user(
                    [
                        self._bin("initdb"),
                        "-D",
                        str(self.data_dir),
                        "-U",
                        self.user,
                        f"--pwfile={pwfile}",
                        "--auth-host=scram-sha-256",
                        "--auth-local=trust",
                        "--encoding=UTF8",
                        "--locale=C.UTF-8",
                        "--no-sync",
                    ]
                ),
                "initdb",
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def _check_server_user_can_enter_home(self) -> None:
        entered = subprocess.run(
            ["runuser", "-u", "postgres", "--", "test", "-w", str(self.home)],
            capture_output=True,
            timeout=self.timeout,
            check=False,
        )
        if entered.returncode != 0:
            raise ServiceError(
                f"{self.name}: PostgreSQL refuses to run as root, and the postgres OS user "
                f"cannot reach {self.home}; let other users enter its parent directories "
                "(chmod o+x) or keep the project elsewhere"
            )

    def launch(self) -> None:
        """pg_ctl start, waiting until the server accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses={LOOPBACK} -c unix_socket_directories='' "
            "-c fsync=off -c full_page_writes=off -c wal_level=logical"
        )
        self._run(
            self._as_server_user(
                [
                    self._bin("pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-o",
                    options,
                    "-l",
                    str(self.log_file),
                    "-w",
                    "-t",
                    str(int(self.timeout)),
                    "start",
                ]
            ),
            f"pg_ctl start (log: {self.log_file})",
        )

    def pid(self) -> int | None:
        """The postmaster's pid from ``postmaster.pid``."""
        try:
            first = (self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
            return int(first)
        except (OSError, ValueError):
            return None

    def prepare(self) -> None:
        """Create the sandbox's database when it does not exist yet."""
        env = {**os.environ, "PGPASSWORD": self.password, "PGCONNECT_TIMEOUT": "10"}
        base = [self._bin("psql"), "-h", LOOPBACK, "-p", str(self.port), "-U", self.user]
        exists = subprocess.run(
            [
                *base,
                "-d",
                "postgres",
                "-tAc",
                f"SELECT 1 FROM pg_database WHERE datname = '{self.database}'",  # noqa: S608 (a class constant)
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=self.timeout,
            check=False,
        )
        if exists.returncode != 0:
            raise ServiceError(f"{self.name}: cannot connect: {exists.stderr.strip()}")
        if exists.stdout.strip() != "1":
            created = subprocess.run(
                [*base, "-d", "postgres", "-c", f'CREATE DATABASE "{self.database}"'],
                capture_output=True,
                text=True,
                env=env,
                timeout=self.timeout,
                check=False,
            )
            if created.returncode != 0:
                raise ServiceError(f"{self.name}: CREATE DATABASE failed: {created.stderr.strip()}")

    def halt(self, pid: int) -> None:
        """pg_ctl stop -m fast (disconnects clients, then shuts down cleanly)."""
        self._run(
            self._as_server_user(
                [self._bin("pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"]
            ),
            "pg_ctl stop",
        )
