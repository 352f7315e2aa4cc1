"""``brainhub check`` against the emulators: passes, refused credentials, an unreachable host."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.health import check_connector
from taps.runtime.registry import load_connector, services

REPO = Path(__file__).resolve().parents[2]
SECRET = "pk_health_check_wrong_9c2f7e41"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's meltano.yml whose sandbox data are the test's own."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox"))
    for name in list(os.environ):
        if name.startswith(("TAP_", "TARGET_", "MELTANO_")):
            monkeypatch.delenv(name)
    return root


def _check(project: Path, *args: str) -> tuple[int, str, list[dict]]:
    result = CliRunner().invoke(main, ["check", "--project", str(project), *args])
    jsons = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, result.output, jsons


def test_every_connector_declares_a_check_request() -> None:
    for service in services():
        assert load_connector(service).check is not None, service


def test_every_connector_passes_against_its_emulator(project: Path) -> None:
    code, output, results = _check(project, "--json")
    assert code == 0, output
    assert sorted(r["connector"] for r in results) == services()
    for result in results:
        assert result["ok"], result
        assert result["status"] == 200
        assert result["latency_ms"] >= 0
        assert result["environment"] == "sandbox"
    budget = {r["connector"]: r["rate_limit_remaining"] for r in results}
    # the vendors that report a budget in headers: ClickUp, GitHub, Jira, Trello (its token's)
    assert budget["clickup"] == 99
    assert budget["github"] == 4999
    assert budget["trello"] == 99


def test_a_refused_token_fails_with_one_line_and_no_secret(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TAP_CLICKUP_API_TOKEN", SECRET)
    monkeypatch.setenv("TAP_SLACK_API_TOKEN", SECRET)
    code, output, _ = _check(project, "clickup", "slack", "github")
    assert code == 1
    lines = output.splitlines()
    clickup = [line for line in lines if line.startswith("clickup")]
    slack = [line for line in lines if line.startswith("slack")]
    assert len(clickup) == 1, output
    assert "credentials refused (401)" in clickup[0]
    assert "check the api_token setting" in clickup[0]
    assert len(slack) == 1
    assert "credentials refused" in slack[0]
    assert "invalid_auth" in slack[0]
    assert any(line.startswith("github: ok") for line in lines)
    assert SECRET not in output
    assert "health_check_wrong" not in output


def test_an_unreachable_host_fails_clearly(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TAP_TRELLO_BASE_URL", f"http://127.0.0.1:{port}/1")
    monkeypatch.setenv("TAP_TRELLO_API_KEY", "key-" + SECRET)
    monkeypatch.setenv("TAP_TRELLO_API_TOKEN", SECRET)
    code, output, results = _check(project, "tap-trello", "--json")
    assert code == 1
    (result,) = results
    assert not result["ok"]
    assert (
        result["problem"]
        == f"cannot reach 127.0.0.1:{port} (connection refused) for GET /members/me"
    )
    assert SECRET not in output


def test_missing_credentials_name_their_variables(project: Path) -> None:
    code, output, _ = _check(project, "--environment", "prod", "jira")
    assert code == 1
    assert output.strip() == (
        "jira: FAILED: settings api_token, domain, email of tap-jira have no value: set "
        "TAP_JIRA_API_TOKEN, TAP_JIRA_DOMAIN, TAP_JIRA_EMAIL in the environment, or in the "
        "credential store with brainhub secrets set"
    )


def test_a_job_checks_the_connectors_it_uses(project: Path) -> None:
    code, output, results = _check(project, "github-issues-to-clickup", "--json")
    assert code == 0, output
    assert [r["connector"] for r in results] == ["github", "clickup"]


def test_an_unknown_name_lists_what_is_valid(project: Path) -> None:
    code, output, _ = _check(project, "clikup")
    assert code == 1
    assert "no connector, plugin or job named 'clikup'; connectors: asana, " in output
    listed = output.split("connectors: ", 1)[1].split(";")[0]
    assert {"clickup", "github", "jira", "gitlab"} <= set(listed.replace(",", " ").split())
    assert "Traceback" not in output


def test_an_unknown_environment_lists_the_valid_ones(project: Path) -> None:
    code, output, _ = _check(project, "-e", "staging")
    assert code == 1
    assert "valid environments are sandbox, prod" in output


def test_a_bad_sandbox_url_fails_with_one_line() -> None:
    spec = load_connector("clickup")
    result = check_connector(
        spec, {"base_url": "sandbox://clickup?size=huge&seed=1", "api_token": SECRET}
    )
    assert not result.ok
    assert result.problem == "clickup: unknown size 'huge'; valid sizes are tiny, demo, large"


def test_a_spec_without_a_check_request_fails_saying_so() -> None:
    spec = dataclasses.replace(load_connector("notion"), check=None)
    result = check_connector(spec, {"base_url": "sandbox://notion"})
    assert not result.ok
    assert result.problem.endswith("taps/notion/spec.yaml declares no check: request")
