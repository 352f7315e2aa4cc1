"""``brainhub ui`` on the command line: it serves on loopback, says where, and a bad option
is one line."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from tests.support.ui_project import UiProject

BRAINHUB = Path(sys.executable).parent / "brainhub"


def test_it_serves_the_page_on_a_loopback_port(ui_project: UiProject) -> None:
    with subprocess.Popen(
        [str(BRAINHUB), "ui", "--port", "0", "--project", str(ui_project.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            assert line.startswith("brainhub ui: http://127.0.0.1:"), line
            url = line.split()[2]
            assert requests.get(url + "health", timeout=30).status_code == 200
            status = requests.get(url + "api/status", timeout=30).json()
            assert {s["name"] for s in status} >= {"clickup-to-duckdb"}
        finally:
            server.terminate()
            server.wait(timeout=30)
        assert server.stderr is not None
        assert "Traceback" not in server.stderr.read()


def test_an_unknown_environment_is_one_line(ui_project: UiProject) -> None:
    result = CliRunner().invoke(main, ["ui", "--environment", "staging"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {ui_project.root / 'meltano.yml'}: no environment 'staging'; valid "
        "environments are sandbox, prod"
    ]


def test_a_port_in_use_is_one_line(ui_project: UiProject) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["ui", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; choose another "
        "--port (0 picks a free one)"
    ]


def test_a_broken_price_table_is_one_line_before_serving(
    ui_project: UiProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the page was served with a broken price table")

    monkeypatch.setattr("brainhub.ui.cli.make_server", never)
    prices = tmp_path / "prices.yaml"
    for text, problem in [
        ("connectors: [\n", f"{prices}:2: not valid YAML: "),
        ("connectors:\n  clickup: {per_1000_requests: -1}\n", "must be a number >= 0"),
        ("connectors: [clickup]\n", "connectors must be a mapping of connector → "),
    ]:
        prices.write_text(text)
        result = CliRunner().invoke(main, ["ui", "--port", "0", "--prices", str(prices)])
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert problem in lines[0]
