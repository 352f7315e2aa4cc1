"""`brainhub services up --port N` remembers N only once the server has started there."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from click.testing import CliRunner

from brainhub.cli import main


def test_a_start_that_fails_leaves_the_remembered_port_as_it_was(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        failed = CliRunner().invoke(
            main, ["services", "up", "postgres", "--port", str(port), "--project", str(tmp_path)]
        )
    assert failed.exit_code == 1
    assert not (tmp_path / "data" / "services" / "postgres" / "port").exists()
    status = CliRunner().invoke(
        main, ["services", "status", "postgres", "--project", str(tmp_path)]
    )
    assert json.loads(status.stdout)["port"] != port
