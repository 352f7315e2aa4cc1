"""target-gitlab against the GitLab emulator: the calls it makes (request log), reruns that
call nothing, an edit sent as one PUT, closing with ``state_event``, notes, and GitLab's
refusals kept as rejects."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.gitlab import GitLabEmulator
from tests.support.targets import run_target, schema, table_rows

PROJECT = 101
ISSUES_PATH = f"/api/v4/projects/{PROJECT}/issues"
ISSUES_SCHEMA = schema(
    "issues",
    {
        "key": {"type": "string"},
        "project_id": {"type": "integer"},
        "title": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "labels": {"type": ["array", "null"], "items": {"type": "string"}},
        "state_event": {"type": ["string", "null"]},
    },
)
NOTES_SCHEMA = schema(
    "issue_notes",
    {
        "key": {"type": "string"},
        "project_id": {"type": "integer"},
        "issue_iid": {"type": "integer"},
        "body": {"type": "string"},
    },
)


@dataclass
class GitLab:
    """A served emulator and a target config pointing at it."""

    emulator: GitLabEmulator
    config: dict[str, Any]
    warehouse: Path

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.method != "GET"]

    def remote_id(self, stream: str, key: str) -> str:
        rows = table_rows(
            self.warehouse, "SELECT stream, source_key, remote_id FROM writes_gitlab._id_map"
        )
        (remote_id,) = [r for s, k, r in rows if (s, k) == (stream, key)]
        return str(remote_id)

    def issue(self, iid: str) -> dict[str, Any]:
        project = self.emulator.data.project(str(PROJECT))
        assert project is not None
        return next(i for i in project.issues if str(i["iid"]) == iid)


@pytest.fixture
def gitlab(tmp_path: Path) -> Iterator[GitLab]:
    emulator = GitLabEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    warehouse = tmp_path / "warehouse.duckdb"
    with serve(emulator) as running:
        config = {
            "base_url": running.base_url,
            "api_token": running.credentials["api_token"],
            "warehouse": str(warehouse),
        }
        yield GitLab(emulator, config, warehouse)


def issue(key: str, **fields: Any) -> dict[str, Any]:
    record = {"key": key, "project_id": PROJECT, "title": f"Issue {key}", **fields}
    return {"type": "RECORD", "stream": "issues", "record": record}


def test_creates_close_with_state_event_and_reruns_send_nothing(
    gitlab: GitLab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = [
        ISSUES_SCHEMA,
        issue("a", description="Details.", labels=["bug"]),
        issue("b", state_event="close"),
    ]
    first = run_target("gitlab", gitlab.config, messages, tmp_path, capsys)
    assert first.code == 0, first.stderr
    iid_a, iid_b = gitlab.remote_id("issues", "a"), gitlab.remote_id("issues", "b")
    calls = [(e.method, e.path, e.body) for e in gitlab.writes()]
    assert calls == [
        ("POST", ISSUES_PATH, {"title": "Issue a", "description": "Details.", "labels": ["bug"]}),
        ("POST", ISSUES_PATH, {"title": "Issue b"}),
        ("PUT", f"{ISSUES_PATH}/{iid_b}", {"state_event": "close"}),
    ]
    assert gitlab.issue(iid_a)["state"] == "opened"
    assert gitlab.issue(iid_b)["state"] == "closed"

    gitlab.emulator.clear_request_log()
    again = run_target("gitlab", gitlab.config, messages, tmp_path, capsys)
    assert again.code == 0, again.stderr
    assert gitlab.writes() == [], "a rerun of unchanged records calls nothing"

    edited = [
        ISSUES_SCHEMA,
        issue("a", description="Details.", labels=["bug"], state_event="close"),
    ]
    third = run_target("gitlab", gitlab.config, edited, tmp_path, capsys)
    assert third.code == 0, third.stderr
    assert [(e.method, e.path) for e in gitlab.writes()] == [("PUT", f"{ISSUES_PATH}/{iid_a}")]
    assert gitlab.issue(iid_a)["state"] == "closed"


def test_notes_are_created_on_the_issue_and_refusals_are_rejects(
    gitlab: GitLab, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    note = {"key": "n1", "project_id": PROJECT, "issue_iid": 1, "body": "Looked into it."}
    empty = {"key": "n2", "project_id": PROJECT, "issue_iid": 1, "body": " "}
    messages = [
        NOTES_SCHEMA,
        {"type": "RECORD", "stream": "issue_notes", "record": note},
        {"type": "RECORD", "stream": "issue_notes", "record": empty},
    ]
    run = run_target("gitlab", gitlab.config, messages, tmp_path, capsys)
    assert run.code == 1, "a rejected record fails the run"
    assert "1 created, 0 updated, 0 deleted, 0 unchanged, 1 rejected" in run.stderr
    posts = [e for e in gitlab.writes() if e.method == "POST"]
    assert [e.path for e in posts] == [f"{ISSUES_PATH}/1/notes"] * 2
    project = gitlab.emulator.data.project(str(PROJECT))
    assert project is not None
    bodies = [n["body"] for n in project.notes[("issues", 1)]]
    assert "Looked into it." in bodies
    rejects = table_rows(
        gitlab.warehouse, "SELECT source_key, status, error FROM writes_gitlab._write_rejects"
    )
    assert [(key, status) for key, status, _ in rejects] == [("n2", 400)]
    assert "body is missing" in rejects[0][2]
