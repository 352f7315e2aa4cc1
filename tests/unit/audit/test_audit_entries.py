"""Each kind of configuration change leaves its entry; no secret value ever reaches the log."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from brainhub.audit import AuditLog
from brainhub.audit.config_files import record_config_changes
from brainhub.redaction import hidden
from brainhub.secrets import injection
from tests.support.secret_project import REPO, SECRET, Project


def actions(project: Project) -> list[tuple[str, str]]:
    return [(e.action, e.subject) for e in AuditLog.of_project(project.root).entries()]


def test_secret_changes_are_recorded_by_name_and_fingerprint_only(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", "-e", "prod", input=SECRET)
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", "-e", "prod", input=SECRET + "2")
    project.brainhub("secrets", "delete", "TAP_CLICKUP_API_TOKEN", "-e", "prod")
    (project.root / ".env").write_text(f"TAP_GITHUB_API_TOKEN={SECRET}3\n")
    project.brainhub("secrets", "import-env", "-e", "prod")
    project.brainhub("secrets", "rotate-key")
    entries = AuditLog.of_project(project.root).entries()
    assert [(e.action, e.subject, e.before, e.after) for e in entries[:4]] == [
        ("secret.created", "TAP_CLICKUP_API_TOKEN", None, hidden(SECRET)),
        ("secret.rotated", "TAP_CLICKUP_API_TOKEN", hidden(SECRET), hidden(SECRET + "2")),
        ("secret.deleted", "TAP_CLICKUP_API_TOKEN", hidden(SECRET + "2"), None),
        ("secret.created", "TAP_GITHUB_API_TOKEN", None, hidden(SECRET + "3")),
    ]
    assert all(e.detail == {"environment": "prod"} for e in entries[:4])
    rotation = entries[4]
    assert (rotation.action, rotation.subject) == ("secrets.key_rotated", "master key")
    assert rotation.before != rotation.after
    assert rotation.detail == {"stores": ["prod"]}
    text = AuditLog.of_project(project.root).path.read_text()
    assert SECRET not in text
    assert project.key_file.read_text().strip() not in text
    assert AuditLog.of_project(project.root).verify()[0] == []


def test_a_failed_change_records_nothing(project: Project) -> None:
    project.brainhub("secrets", "set", "X_TOKEN", input="bad\nvalue")
    project.brainhub("secrets", "delete", "NOT_THERE")
    assert actions(project) == []


def _project_files(project: Project) -> None:
    (project.root / "taps" / "clickup").mkdir(parents=True)
    (project.root / "taps" / "clickup" / "spec.yaml").write_text("name: clickup\n")
    (project.root / "transforms" / "clickup").mkdir(parents=True)
    (project.root / "transforms" / "clickup" / "staging.yaml").write_text("outputs: []\n")


def test_files_changed_by_hand_are_found_by_their_hash(project: Project) -> None:
    _project_files(project)
    first = record_config_changes(project.root)
    assert [(e.action, e.subject) for e in first] == [
        ("config.tracked", "meltano.yml"),
        ("config.tracked", "taps/clickup/spec.yaml"),
        ("config.tracked", "transforms/clickup/staging.yaml"),
    ]
    assert record_config_changes(project.root) == []  # nothing changed since
    meltano_yml = project.root / "meltano.yml"
    before = first[0].after
    meltano_yml.write_text(meltano_yml.read_text() + "\n# edited\n")
    (project.root / "transforms" / "clickup" / "staging.yaml").unlink()
    changed = record_config_changes(project.root)
    assert [(e.action, e.subject) for e in changed] == [
        ("config.changed", "meltano.yml"),
        ("config.removed", "transforms/clickup/staging.yaml"),
    ]
    assert changed[0].before == before
    assert changed[0].after != before
    (project.root / "transforms" / "clickup" / "staging.yaml").write_text("outputs: []\n")
    assert [e.action for e in record_config_changes(project.root)] == ["config.tracked"]


def test_brainhub_run_records_what_changed_before_running(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "meltano"
    script.write_text(f"#!{sys.executable}\nraise SystemExit(0)\n")
    script.chmod(0o755)
    monkeypatch.setattr(injection, "meltano_executable", lambda: str(script))
    assert project.brainhub("run", "tap-clickup", "target-duckdb").exit_code == 0
    assert actions(project) == [("config.tracked", "meltano.yml")]
    (project.root / "meltano.yml").write_text((REPO / "meltano.yml").read_text() + "\n")
    result = project.brainhub("run", "tap-clickup", "target-duckdb")
    assert result.exit_code == 0
    assert "audit: meltano.yml: config.changed since the last run" in result.stderr
    assert actions(project)[-1] == ("config.changed", "meltano.yml")


def test_the_audit_command_lists_filters_and_verifies(project: Project) -> None:
    project.brainhub("secrets", "set", "X_TOKEN", input=SECRET)
    listed = project.brainhub("audit")
    assert listed.exit_code == 0
    assert f"secret.created  X_TOKEN ∅ → {hidden(SECRET)} environment=sandbox" in listed.stdout
    as_json = [json.loads(line) for line in project.brainhub("audit", "--json").stdout.splitlines()]
    assert as_json[0]["subject"] == "X_TOKEN"
    assert len(as_json[0]["hash"]) == 64
    assert project.brainhub("audit", "--since", "2999-01-01").stdout == ""
    assert project.brainhub("audit", "--since", "1h").stdout == listed.stdout
    bad = project.brainhub("audit", "--since", "yesterday")
    assert bad.exit_code == 2
    assert "expected an ISO 8601 date or time" in bad.output
    verified = project.brainhub("audit", "verify")
    assert verified.exit_code == 0
    assert f"1 entries, chain intact, head {as_json[0]['hash']}" in verified.stdout
    log = AuditLog.of_project(project.root).path
    log.write_text(log.read_text().replace("X_TOKEN", "Y_TOKEN"))
    broken = project.brainhub("audit", "verify")
    assert broken.exit_code == 1
    assert "its tail was cut, edited or extended by hand" in broken.stderr


def test_an_unreadable_audit_log_stops_a_change_with_one_line(project: Project) -> None:
    project.brainhub("secrets", "set", "X_TOKEN", input=SECRET)
    log = AuditLog.of_project(project.root).path
    log.write_text(log.read_text() + "not json\n")
    result = project.brainhub("secrets", "set", "Y_TOKEN", input=SECRET)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {log.relative_to(project.root)}: the last entry is unreadable; "
        "run `brainhub audit verify`"
    ]
    assert project.brainhub("secrets", "get", "Y_TOKEN").exit_code == 1  # nothing changed
