"""``brainhub init`` templates and ``brainhub integration validate``: scaffold, check, refuse."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.hub.templates import TEMPLATES

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "syncs").mkdir(parents=True)
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    shutil.copy(REPO / "syncs" / "clickup-github.yaml", root / "syncs" / "clickup-github.yaml")
    monkeypatch.chdir(root)
    for name in ("BRAINHUB_INTEGRATION_STREAMS", "BRAINHUB_INTEGRATION_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    return root


def _brainhub(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


@pytest.mark.parametrize("name", list(TEMPLATES))
@pytest.mark.parametrize("file_format", ["yaml", "json"])
def test_each_template_scaffolds_a_valid_integration(
    project: Path, name: str, file_format: str
) -> None:
    code, output = _brainhub("init", name, "--format", file_format)
    assert code == 0, output
    assert output.splitlines()[0] == (
        f"wrote {name}/integration.{file_format} and {name}/README.md; next:"
    )
    assert f"  brainhub integration run {name}" in output.splitlines()
    assert (project / name / "README.md").read_text().startswith("# ")
    code, output = _brainhub("integration", "validate", name)
    assert code == 0, output
    assert output.strip().endswith(
        "valid (" + TEMPLATES[name].settings["kind"] + " " + TEMPLATES[name].settings["name"] + ")"
    )


def test_the_two_way_template_names_the_sync_definition(project: Path) -> None:
    _brainhub("init", "clickup-github-sync", "--format", "json")
    data = json.loads((project / "clickup-github-sync" / "integration.json").read_text())
    assert data == {
        "name": "clickup_github_sync",
        "kind": "two-way",
        "sync": "clickup-github",
        "environment": "sandbox",
    }
    (project / "syncs" / "clickup-github.yaml").unlink()
    code, output = _brainhub("integration", "validate", "clickup-github-sync")
    assert code == 1
    assert output.strip() == (
        "Error: clickup-github-sync/integration.json: line 4: sync: no "
        "syncs/clickup-github.yaml in the project (valid: none yet)"
    )


def test_init_refuses_a_directory_that_is_not_empty(project: Path) -> None:
    (project / "taken").mkdir()
    (project / "taken" / "x").write_text("")
    code, output = _brainhub("init", "clickup-to-duckdb", "taken")
    assert code == 1
    assert output.strip() == "Error: taken: not empty; choose a new directory"


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            "service: clickup",
            "service: clikup",
            "line 5: service: 'clikup' is not valid (valid: asana, clickup, github, jira, "
            "notion, slack, trello)",
        ),
        ("- lists", "- listz", "line 9: streams.1: clickup has no stream 'listz' (valid: teams,"),
        ("transform: to_string", "transform: to_str", "line 13: mappings.0.transform: unknown"),
        ("sync_interval: 3600", "sync_intervall: 3600", "line 14: unknown key 'sync_intervall'"),
        (
            "kind: sync",
            "kind: cron",
            "line 4: kind: 'cron' is not valid (valid: sync, job, two-way)",
        ),
        (
            "sync_interval: 3600",
            "sync_interval: hourly",
            "line 14: sync_interval: 'hourly' is not a number",
        ),
        ("streams:\n- tasks\n- lists", "streams: tasks", "line 7: streams: 'tasks' is not a list"),
    ],
)
def test_a_bad_file_is_one_line_with_file_line_and_valid_values(
    project: Path, before: str, after: str, expected: str
) -> None:
    _brainhub("init", "clickup-to-duckdb")
    path = project / "clickup-to-duckdb" / "integration.yaml"
    path.write_text(path.read_text().replace(before, after))
    code, output = _brainhub("integration", "validate", "clickup-to-duckdb")
    assert code == 1
    assert len(output.strip().splitlines()) == 1, output
    assert output.startswith(f"Error: clickup-to-duckdb/integration.yaml: {expected}"), output
    assert "Traceback" not in output


def test_environment_variables_override_and_are_named_when_wrong(project: Path) -> None:
    _brainhub("init", "clickup-to-duckdb")
    code, output = _brainhub(
        "integration",
        "validate",
        "clickup-to-duckdb",
        env={"BRAINHUB_INTEGRATION_ENVIRONMENT": "staging"},
    )
    assert code == 1
    assert output.strip() == (
        "Error: $BRAINHUB_INTEGRATION_ENVIRONMENT: environment: 'staging' is not valid "
        "(valid: sandbox, prod)"
    )
    code, output = _brainhub(
        "integration",
        "validate",
        "clickup-to-duckdb",
        env={
            "BRAINHUB_INTEGRATION_STREAMS": '["tasks"]',
            "BRAINHUB_INTEGRATION_ENVIRONMENT": "prod",
        },
    )
    assert code == 0, output
    code, output = _brainhub(
        "integration",
        "validate",
        "clickup-to-duckdb",
        env={"BRAINHUB_INTEGRATION_STREAMS": "[tasks"},
    )
    assert output.strip() == "Error: $BRAINHUB_INTEGRATION_STREAMS: not JSON ('[tasks')"


def test_a_job_the_project_lacks_lists_its_jobs(project: Path) -> None:
    (project / "mine.yaml").write_text("name: mine\nkind: job\njob: nightly\n")
    code, output = _brainhub("integration", "validate", "mine.yaml")
    assert code == 1
    assert output.strip().startswith(
        "Error: mine.yaml: line 3: job: no job 'nightly' in meltano.yml (valid: clickup-to-duckdb,"
    )


def test_init_where_no_directory_can_be_made_is_one_line(project: Path) -> None:
    (project / "a-file").write_text("not a directory\n")
    code, output = _brainhub("init", "clickup-to-duckdb", "a-file/inside")
    assert code == 1
    assert output.strip().splitlines() == [
        "Error: a-file/inside: cannot write the integration there (Not a directory); "
        "choose a new directory"
    ]
