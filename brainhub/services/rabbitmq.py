"""RabbitMQ from the Debian package, as a private node: its own node name, Erlang cookie,
ports and directories, so the system's ``rabbitmq-server`` service is never touched.

The node runs ``/usr/lib/rabbitmq/bin/rabbitmq-server`` detached (``setsid -f``) with
``HOME`` set to its home (the cookie lives there), a configuration file that listens on
127.0.0.1 only and creates the sandbox's user, its own Erlang port mapper (epmd) on
``port + 1`` and its distribution port on ``port + 2``. ``down`` stops the node with
``rabbitmqctl stop`` and then its epmd.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
from pathlib import Path
from typing import ClassVar

from brainhub.services.server import (
    LOOPBACK,
    LocalServer,
    ServiceError,
    process_alive,
    wait_until,
)

RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")


class RabbitMQServer(LocalServer):
    """A private RabbitMQ node; the sandbox's user owns the default virtual host ``/``."""

    name: ClassVar[str] = "rabbitmq"
    default_port: ClassVar[int] = 55672
    package: ClassVar[str] = "rabbitmq-server"
    database: ClassVar[str] = "/"
    timeout: ClassVar[float] = 90.0

    @property
    def node_name(self) -> str:
        """The Erlang node name, unique per port."""
        return f"brainhub-{self.port}@localhost"

    @property
    def pid_file(self) -> Path:
        """Where the node writes its pid."""
        return self.home / "rabbitmq.pid"

    def environment(self) -> dict[str, str]:
        """The variables that make rabbitmq-server and rabbitmqctl use this private node."""
        return {
            **os.environ,
            "HOME": str(self.home),
            "RABBITMQ_NODENAME": self.node_name,
            "RABBITMQ_NODE_IP_ADDRESS": LOOPBACK,
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.port + 2),
            "ERL_EPMD_ADDRESS": LOOPBACK,
            "ERL_EPMD_PORT": str(self.port + 1),
            "RABBITMQ_CONFIG_FILE": str(self.home / "rabbitmq.conf"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.home / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(self.home / "rabbitmq-env.conf"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.home / "enabled_plugins"),
            "RABBITMQ_MNESIA_BASE": str(self.home / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.home / "log"),
            "RABBITMQ_LOGS": str(self.log_file),
            "RABBITMQ_PID_FILE": str(self.pid_file),
        }

    def missing_binaries(self) -> str | None:
        """None when the package's rabbitmq-server and rabbitmqctl are installed."""
        for program in ("rabbitmq-server", "rabbitmqctl"):
            if not (RABBITMQ_BIN / program).exists():
                return f"{RABBITMQ_BIN / program} not found"
        return None

    def initialized(self) -> bool:
        """Whether the configuration and cookie have been written."""
        return (self.home / "rabbitmq.conf").exists()

    def initialize(self) -> None:
        """Write the cookie, an empty plugin list and the configuration (loopback, the user)."""
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20))
        cookie.chmod(0o400)
        (self.home / "enabled_plugins").write_text("[].\n")
        (self.home / "rabbitmq-env.conf").write_text("")
        (self.home / "advanced.config").write_text("[].\n")
        (self.home / "rabbitmq.conf").write_text(
            "\n".join(
                [
                    f"listeners.tcp.default = {LOOPBACK}:{self.port}",
                    f"default_user = {self.user}",
                    f"default_pass = {self.password}",
                    "loopback_users = none",
                    "log.console = false",
                    "log.file.level = warning",
                    "",
                ]
            )
        )

    def launch(self) -> None:
        """Start the node detached from this process."""
        self.pid_file.unlink(missing_ok=True)
        subprocess.run(
            ["setsid", "-f", str(RABBITMQ_BIN / "rabbitmq-server")],
            env=self.environment(),
            cwd=self.home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=self.timeout,
        )

    def pid(self) -> int | None:
        """The node's pid from its pid file."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def prepare(self) -> None:
        """Wait until the node has booted (the sandbox's user comes from the configuration)."""
        self._ctl("await_startup", what="waiting for the node to boot")

    def halt(self, pid: int) -> None:
        """``rabbitmqctl stop``, then the private epmd; SIGTERM if the node does not answer."""
        try:
            self._ctl("stop", what="stopping the node")
        except ServiceError:
            if process_alive(pid):
                os.kill(pid, signal.SIGTERM)
        # epmd refuses to stop while a node is still registered: wait for the node first
        wait_until(
            lambda: not process_alive(pid),
            self.timeout,
            f"{self.name} (pid {pid}) did not stop; see {self.log_file}",
        )
        if shutil.which("epmd"):
            subprocess.run(
                ["epmd", "-kill"],
                env=self.environment(),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )

    def _ctl(self, *args: str, what: str) -> None:
        done = subprocess.run(
            [str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.node_name, *args],
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
        )
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-2:]
            raise ServiceError(f"{self.name}: {what} failed: {' / '.join(detail)}")
