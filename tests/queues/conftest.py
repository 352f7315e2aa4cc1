"""Real Redis and RabbitMQ servers (and moto's SQS) for the queue connectors' tests.

Each server runs once per test session (per xdist worker) through ``brainhub.services`` in a
private directory on a free loopback port, and is stopped and deleted afterwards; a server
whose binaries are missing skips its tests, naming the Debian package
``scripts/install-services.sh`` installs (CI installs them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from brainhub.services import LocalServer
from brainhub.services.rabbitmq import RabbitMQServer
from brainhub.services.redis import RedisServer
from tests.databases.conftest import running_server

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def redis_server() -> Iterator[LocalServer]:
    """A private Redis server for the session."""
    yield from running_server(RedisServer)


@pytest.fixture(scope="session")
def rabbitmq_server() -> Iterator[LocalServer]:
    """A private RabbitMQ node for the session."""
    yield from running_server(RabbitMQServer)


@dataclass
class Run:
    """What one tap or target run printed."""

    returncode: int
    messages: list[dict]
    stderr: str

    def records(self, stream: str | None = None) -> list[dict]:
        return [
            m["record"]
            for m in self.messages
            if m["type"] == "RECORD" and (stream is None or m["stream"] == stream)
        ]

    def states(self) -> list[dict]:
        """A tap's STATE values (a target prints each value as a line of its own)."""
        return [m["value"] for m in self.messages if m.get("type") == "STATE"]


def singer(
    executable: str,
    config: dict,
    tmp_path: Path,
    *,
    state: dict | None = None,
    stdin: str | None = None,
    ok: bool = True,
) -> Run:
    """Run ``executable`` of the project's venv with ``config`` (and ``state``)."""
    config_file = tmp_path / f"{executable}-config.json"
    config_file.write_text(json.dumps(config))
    args = [str(BIN / executable), "--config", str(config_file)]
    if state is not None:
        state_file = tmp_path / f"{executable}-state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    done = subprocess.run(
        args, input=stdin or "", capture_output=True, text=True, timeout=120, check=False
    )
    if ok:
        assert done.returncode == 0, done.stderr[-3000:]
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return Run(done.returncode, messages, done.stderr)


def singer_lines(*messages: dict) -> str:
    """Singer messages as the text a target reads."""
    return "".join(json.dumps(m) + "\n" for m in messages)
