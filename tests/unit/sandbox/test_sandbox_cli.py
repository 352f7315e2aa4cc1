from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.redaction import hidden
from brainhub.sandbox import state
from brainhub.sandbox.cli import sandbox
from brainhub.sandbox.services.clickup import ClickUpEmulator


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sandbox", *args])
    return result.exit_code, result.output


def test_counts_prints_one_json_object():
    code, output = run("counts", "clickup", "--size", "tiny")
    assert code == 0
    assert json.loads(output) == ClickUpEmulator(size="tiny", generation=0).counts()


def test_mutate_advances_the_stored_generation_and_counts_follow():
    before = json.loads(run("counts", "clickup")[1])
    code, output = run("mutate", "clickup", "--steps", "2")
    assert code == 0
    report = json.loads(output)
    assert (report["previous_generation"], report["generation"]) == (0, 2)
    assert report["changes"]["tasks_created"] == 6
    assert report["changes"]["tasks_updated"] > 0
    assert report["changes"]["tasks_deleted"] >= 2
    assert state.read_generation("clickup") == 2
    after = json.loads(run("counts", "clickup")[1])
    assert after["tasks"] == before["tasks"] + 6 - report["changes"]["tasks_deleted"]
    assert after["goals"] == before["goals"] - report["changes"]["goals_deleted"]
    code, output = run("mutate", "clickup")
    assert json.loads(output)["generation"] == 3
    code, output = run("reset", "clickup")
    assert code == 0
    assert json.loads(output) == {
        "service": "clickup",
        "previous_generation": 3,
        "generation": 0,
        "changes_cleared": 0,
    }
    assert json.loads(run("counts", "clickup")[1]) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["counts", "nope"], "valid services are"),
        (["counts", "clickup", "--size", "huge"], "valid sizes are tiny, demo, large"),
        (["serve", "clickup", "--faults", "429,boom"], "unknown fault kind 'boom'"),
        (["serve", "clickup", "--fault-rate", "3"], "--fault-rate"),
        (["mutate", "clickup", "--steps", "0"], "--steps"),
    ],
)
def test_bad_options_are_clear_errors_without_traceback(args, message):
    code, output = run(*args)
    assert code == 2
    assert message in output
    assert "Traceback" not in output


def test_unknown_service_lists_the_valid_ones():
    _code, output = run("counts", "nope")
    assert "clickup" in output.split("valid services are", 1)[1]


def test_every_sandbox_command_is_documented():
    for name, command in sandbox.commands.items():
        assert command.help, f"brainhub sandbox {name} has no help text"


def _brainhub() -> list[str]:
    script = Path(sys.executable).parent / "brainhub"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from brainhub.cli import main; main()"]


def test_serve_prints_one_json_line_then_serves_until_sigterm(tmp_path):
    log = tmp_path / "requests.jsonl"
    env = {**os.environ, "BRAINHUB_SANDBOX_DIR": str(tmp_path / "state")}
    process = subprocess.Popen(
        [
            *_brainhub(),
            "sandbox",
            "serve",
            "clickup",
            "--size",
            "tiny",
            "--port",
            "0",
            "--request-log",
            str(log),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["service"] == "clickup"
        assert info["size"] == "tiny"
        assert info["seed"] == 1
        assert info["base_url"].startswith("http://127.0.0.1:")
        token = info["credentials"]["api_token"]
        response = requests.get(
            f"{info['base_url']}/team", headers={"Authorization": token}, timeout=5
        )
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "100"
        bad = requests.get(f"{info['base_url']}/team", headers={"Authorization": "x"}, timeout=5)
        assert bad.json() == {"err": "Token invalid", "ECODE": "OAUTH_025"}
        lines = [json.loads(line) for line in log.read_text().splitlines()]
        assert [(e["path"], e["status"]) for e in lines] == [
            ("/api/v2/team", 200),
            ("/api/v2/team", 401),
        ]
        assert lines[0]["headers"]["Authorization"] == hidden(token)
        assert token not in log.read_text(), "credentials never in clear in the request log"
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
