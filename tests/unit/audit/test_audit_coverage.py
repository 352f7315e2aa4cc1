"""Each kind of change leaves its entry in the audit log, with names and hashes, never a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brainhub.access import AccessDenied, check_request
from brainhub.audit.config_files import record_config_changes
from brainhub.redaction import hidden
from brainhub.secrets.refresh_tokens import save_rotated_refresh_token
from tests.support.secret_project import SECRET, Project

NAME = "TAP_ASANA_REFRESH_TOKEN"
NEW = "rt-NEWVALUE-0123456789abcdefghij"


def entries(project: Project) -> list[dict[str, object]]:
    log = project.root / "data" / "audit" / "log.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def last(project: Project) -> tuple[object, object]:
    entry = entries(project)[-1]
    return entry["action"], entry["subject"]


def no_values(project: Project, *values: str) -> None:
    text = (project.root / "data" / "audit" / "log.jsonl").read_text()
    for value in values:
        assert value not in text


def test_secret_set_rotated_and_deleted(project: Project) -> None:
    project.brainhub("secrets", "set", NAME, input=SECRET)
    assert last(project) == ("secret.created", NAME)
    project.brainhub("secrets", "rotate", NAME, input=NEW)
    assert last(project) == ("secret.rotated", NAME)
    assert entries(project)[-1]["after"] == hidden(NEW)
    project.brainhub("secrets", "delete", NAME)
    assert last(project) == ("secret.deleted", NAME)
    no_values(project, SECRET, NEW)


def test_token_created_and_revoked(project: Project) -> None:
    token = project.brainhub("tokens", "create", "--name", "page", "--role", "viewer").stdout
    assert last(project) == ("token.created", "page")
    assert entries(project)[-1]["detail"]["role"] == "viewer"
    project.brainhub("tokens", "revoke", "page")
    assert last(project) == ("token.revoked", "page")
    no_values(project, token.strip())


def test_a_denied_action(project: Project) -> None:
    with pytest.raises(AccessDenied):
        check_request(project.root, "Bearer nonsense", "secrets.manage", source="192.0.2.7")
    entry = entries(project)[-1]
    assert (entry["action"], entry["subject"]) == ("access.denied", "secrets.manage")
    assert entry["detail"]["status"] == 401
    assert entry["detail"]["source"] == "192.0.2.7"
    no_values(project, "nonsense")


def test_a_rotated_refresh_token(project: Project) -> None:
    project.brainhub("secrets", "set", NAME, input=SECRET)
    saved = save_rotated_refresh_token(project.root, "sandbox", {SECRET}, NEW, "tap-asana")
    assert saved == [NAME]
    entry = entries(project)[-1]
    assert (entry["action"], entry["subject"]) == ("secret.refresh_token_rotated", NAME)
    assert (entry["before"], entry["after"]) == (hidden(SECRET), hidden(NEW))
    no_values(project, SECRET, NEW)


def test_a_refresh_token_that_did_not_come_from_the_store_changes_nothing(
    project: Project,
) -> None:
    project.brainhub("secrets", "set", "TAP_GITHUB_TOKEN", input=SECRET)
    before = entries(project)
    assert save_rotated_refresh_token(project.root, "sandbox", {"other"}, NEW, "x") == []
    assert entries(project) == before


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_syncs_and_mapping_files_changed_by_hand(project: Project) -> None:
    root = project.root
    _write(root, "syncs/clickup_jira.yaml", "name: a\n")
    _write(root, "syncs/team/notion.yml", "name: b\n")
    _write(root, "transforms/asana/tasks.yaml", "outputs: []\n")
    _write(root, "mappings/extra.yaml", "outputs: []\n")  # outside transforms/, named below
    _write(root, "mappings/unnamed.yaml", "outputs: []\n")  # named nowhere: not tracked
    meltano = root / "meltano.yml"
    meltano.write_text(
        meltano.read_text()
        + "\n# a mapping outside transforms/\n"
        + "x-extra:\n  mapping_files: [mappings/extra.yaml, ../outside.yaml]\n"
    )
    tracked = {e.subject for e in record_config_changes(root)}
    assert {
        "syncs/clickup_jira.yaml",
        "syncs/team/notion.yml",
        "transforms/asana/tasks.yaml",
        "mappings/extra.yaml",
    } <= tracked
    assert "mappings/unnamed.yaml" not in tracked
    assert not any(name.startswith("..") for name in tracked)

    for relative in ("syncs/team/notion.yml", "mappings/extra.yaml", "transforms/asana/tasks.yaml"):
        (root / relative).write_text((root / relative).read_text() + "# edited\n")
    changed = [(e.action, e.subject) for e in record_config_changes(root)]
    assert sorted(changed) == [
        ("config.changed", "mappings/extra.yaml"),
        ("config.changed", "syncs/team/notion.yml"),
        ("config.changed", "transforms/asana/tasks.yaml"),
    ]
