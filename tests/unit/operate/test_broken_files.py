"""A ``syncs/*.yaml`` that cannot be used is never listed as a working integration: ``brainhub
status`` (and its JSON, and the monitoring page) shows it ``broken`` with the file, line and
reason ``brainhub sync plan`` reports, exiting non-zero only under ``--check``; an integration
file naming it does not validate; ``brainhub alerts`` says when ``alerts.yaml`` is broken."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.ui.app import create_app

REPO = Path(__file__).resolve().parents[3]
NOT_YAML = "name: broken\nleft: [clickup\n"
NOT_A_SYNC = "name: incomplete\nleft:\n  connector: clickup\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("BRAINHUB_RUN_STORE", "MELTANO_PROJECT_ROOT", "MELTANO_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    shutil.copy(REPO / "meltano.yml", tmp_path / "meltano.yml")
    shutil.copytree(REPO / "syncs", tmp_path / "syncs")
    (tmp_path / "syncs" / "broken.yaml").write_text(NOT_YAML)
    (tmp_path / "syncs" / "incomplete.yaml").write_text(NOT_A_SYNC)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def sync_plan_says(name: str) -> str:
    result = CliRunner().invoke(main, ["sync", "plan", name])
    assert result.exit_code == 1, result.output
    return result.output.strip().removeprefix("brainhub sync: ")


@pytest.mark.parametrize(
    ("name", "where"),
    [
        ("broken", "syncs/broken.yaml:3: not valid YAML: "),
        ("incomplete", "syncs/incomplete.yaml:1: at (top level): 'right' is a required"),
    ],
)
def test_status_shows_a_broken_sync_as_brainhub_sync_plan_reports_it(
    project: Path, name: str, where: str
) -> None:
    problem = sync_plan_says(name)
    assert problem.startswith(where), problem
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 0, result.output  # a listing, not a check
    block = result.output.split(f"{name} [sync] ", 1)[1]
    assert block.startswith("broken\n"), result.output
    assert block.splitlines()[1] == f"  problem    {problem}"
    entries = {
        e["name"]: e
        for e in map(json.loads, CliRunner().invoke(main, ["status", "--json"]).output.splitlines())
    }
    assert (entries[name]["status"], entries[name]["problem"]) == ("broken", problem)
    assert (entries["clickup-github"]["status"], entries["clickup-github"]["problem"]) == (
        "active",
        None,
    )


def test_status_check_exits_1_with_one_line_per_broken_integration(project: Path) -> None:
    result = CliRunner().invoke(main, ["status", "--check"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line]
    assert lines == [
        f"broken: broken: {sync_plan_says('broken')}",
        f"incomplete: broken: {sync_plan_says('incomplete')}",
    ]


def test_status_check_passes_when_every_file_is_usable(project: Path) -> None:
    for name in ("broken", "incomplete"):
        (project / "syncs" / f"{name}.yaml").unlink()
    result = CliRunner().invoke(main, ["status", "--check"])
    assert result.exit_code == 0, result.output
    assert "broken" not in result.output


def test_the_monitoring_page_shows_the_broken_sync_and_why(project: Path) -> None:
    (project / "data").mkdir()
    client = create_app(project, "sandbox").test_client()
    (entry,) = [e for e in client.get("/api/status").json if e["name"] == "broken"]
    assert entry["status"] == "broken"
    assert entry["problem"].startswith("syncs/broken.yaml:3: not valid YAML: ")
    page = client.get("/").text
    assert '<span class="status broken" data-status="broken">broken</span>' in page
    assert "syncs/broken.yaml:3: not valid YAML" in page
    assert "syncs/broken.yaml:3: not valid YAML" in client.get("/integrations/broken").text


def test_an_integration_file_naming_a_broken_sync_does_not_validate(project: Path) -> None:
    made = CliRunner().invoke(main, ["init", "clickup-github-sync", "two-way"])
    assert made.exit_code == 0, made.output
    good = CliRunner().invoke(main, ["integration", "validate", "two-way"])
    assert good.exit_code == 0, good.output
    (project / "syncs" / "clickup-github.yaml").write_text(NOT_YAML)
    result = CliRunner().invoke(main, ["integration", "validate", "two-way"])
    assert result.exit_code == 1
    assert "the sync cannot be used: syncs/clickup-github.yaml:3: not valid YAML" in (result.output)
    assert "Traceback" not in result.output


def test_brainhub_alerts_says_when_alerts_yaml_is_broken(project: Path) -> None:
    (project / "alerts.yaml").write_text("rules: [run_failed: true\n")
    result = CliRunner().invoke(main, ["alerts"])
    assert result.exit_code == 0  # listing what was recorded still works
    assert result.stderr.startswith("warning: alerts.yaml:2: not valid YAML: "), result.stderr
    assert "no alert rule is checked until it is fixed" in result.stderr
