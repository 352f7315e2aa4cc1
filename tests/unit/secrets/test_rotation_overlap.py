"""``brainhub secrets rotate`` keeps the old value until a run with the new one succeeds."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from brainhub.redaction import hidden
from brainhub.secrets import injection
from tests.support.secret_project import SECRET, Project

NAME = "TAP_CLICKUP_API_TOKEN"
NEW = "pk_99999_NEWNEWNEWNEWNEWNEWNEWNEWNE"

#: Stands in for meltano: succeeds only with the token in ``good.txt``; logs what it got.
FAKE_MELTANO = """#!{python}
import os, sys
token = os.environ.get("TAP_CLICKUP_API_TOKEN")
with open("used.txt", "a") as handle:
    handle.write(token + "\\n")
sys.exit(0 if token == open("good.txt").read().strip() else 2)
"""


@pytest.fixture
def fake_meltano(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "meltano"
    script.write_text(FAKE_MELTANO.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setattr(injection, "meltano_executable", lambda: str(script))
    return script


def audit_actions(project: Project) -> list[tuple[str, str]]:
    log = project.root / "data" / "audit" / "log.jsonl"
    return [
        (e["action"], e["subject"])
        for e in map(json.loads, log.read_text().splitlines())
        if e["action"].startswith("secret.")
    ]


def used(project: Project) -> list[str]:
    return (project.root / "used.txt").read_text().splitlines()


def rotated_store(project: Project) -> None:
    assert project.brainhub("secrets", "set", NAME, input=SECRET).exit_code == 0
    result = project.brainhub("secrets", "rotate", NAME, input=NEW)
    assert result.exit_code == 0, result.output
    assert hidden(NEW) in result.output
    assert hidden(SECRET) in result.output
    assert NEW not in result.output
    assert SECRET not in result.output


def test_rotate_keeps_the_previous_value_until_a_run_with_the_new_one_succeeds(
    project: Project, fake_meltano: Path
) -> None:
    rotated_store(project)
    listed = project.brainhub("secrets", "list").stdout
    assert f"previous {hidden(SECRET)} kept until a run succeeds" in listed
    (project.root / "good.txt").write_text(NEW)

    result = project.brainhub("run", "tap-clickup", "target-duckdb")
    assert result.exit_code == 0, result.output
    assert used(project) == [NEW]
    assert "previous" not in project.brainhub("secrets", "list").stdout
    assert audit_actions(project) == [
        ("secret.created", NAME),
        ("secret.rotated", NAME),
        ("secret.previous_deleted", NAME),
    ]
    # settled: the next failing run has nothing to fall back to
    (project.root / "good.txt").write_text(SECRET)
    assert project.brainhub("run", "tap-clickup", "target-duckdb").exit_code == 2
    assert used(project) == [NEW, NEW]


def test_a_failed_run_with_the_new_value_falls_back_to_the_old_one_with_a_warning(
    project: Project, fake_meltano: Path
) -> None:
    rotated_store(project)
    (project.root / "good.txt").write_text(SECRET)  # the service does not take the new key yet

    result = project.brainhub("run", "tap-clickup", "target-duckdb")
    assert result.exit_code == 0, result.output
    assert used(project) == [NEW, SECRET]
    assert f"the run failed with the new value of {NAME}; retrying once" in result.stderr
    assert "the previous value of" in result.stderr
    assert SECRET not in result.output
    assert NEW not in result.output
    assert audit_actions(project)[-1] == ("secret.fallback_used", NAME)
    assert "previous" in project.brainhub("secrets", "list").stdout  # both still kept

    (project.root / "good.txt").write_text(NEW)  # the service now takes it: switch over
    assert project.brainhub("run", "tap-clickup", "target-duckdb").exit_code == 0
    assert used(project) == [NEW, SECRET, NEW]
    assert audit_actions(project)[-1] == ("secret.previous_deleted", NAME)
    assert "previous" not in project.brainhub("secrets", "list").stdout


def test_a_second_rotation_before_settling_keeps_the_value_known_to_work(
    project: Project, fake_meltano: Path
) -> None:
    rotated_store(project)
    third = "pk_77777_THIRDTHIRDTHIRDTHIRDTHIRD"
    assert project.brainhub("secrets", "rotate", NAME, input=third).exit_code == 0
    assert f"previous {hidden(SECRET)}" in project.brainhub("secrets", "list").stdout


def test_rotate_needs_an_existing_secret_and_a_different_value(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_GITHUB_TOKEN", input=SECRET)
    missing = project.brainhub("secrets", "rotate", NAME, input=NEW)
    assert missing.exit_code == 1
    assert f"no secret {NAME!r} in the sandbox store to rotate" in missing.output
    assert "it holds: TAP_GITHUB_TOKEN" in missing.output
    project.brainhub("secrets", "set", NAME, input=SECRET)
    same = project.brainhub("secrets", "rotate", NAME, input=SECRET)
    assert same.exit_code == 1
    assert "the new value is the one already stored" in same.output
    assert SECRET not in same.output


@pytest.mark.parametrize("stopped", [130, 143])
def test_a_run_stopped_by_a_signal_is_not_retried_with_the_previous_value(
    project: Project, fake_meltano: Path, stopped: int
) -> None:
    rotated_store(project)
    fake_meltano.write_text(
        FAKE_MELTANO.format(python=sys.executable).replace(
            "sys.exit(0 if", f"sys.exit({stopped})\nsys.exit(0 if"
        )
    )
    (project.root / "good.txt").write_text(SECRET)

    result = project.brainhub("run", "tap-clickup", "target-duckdb")
    assert result.exit_code == stopped, result.output
    assert used(project) == [NEW]  # stopped on purpose: nothing is run again
    assert "retrying" not in result.stderr
    assert "previous" in project.brainhub("secrets", "list").stdout  # nothing settled
