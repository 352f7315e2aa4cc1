"""The shipped pipelines, run as jobs through the real Meltano CLI in the sandbox: GitHub
issues and Jira issues become tasks of one ClickUp list (README, "Shipped pipelines").

Each test reads the source through its emulator's API, works out the tasks the mapping
file promises, and reads the list back from the ClickUp emulator on the same sandbox
directory (writes outlive a run in its change journal): every issue in scope has exactly
one task, equal to the promised one; a rerun creates nothing; a source edit updates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.services.clickup import ClickUpEmulator
from brainhub.sandbox.services.clickup.writes import WRITE_INDEX
from brainhub.sandbox.services.github import GitHubEmulator
from brainhub.sandbox.services.jira import JiraEmulator
from tests.pipeline.conftest import MeltanoProject

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]

GITHUB_LIST = "901601000000"  # the sandbox's list of github-issues-to-clickup
JIRA_LIST = "901601000001"  # the sandbox's list of jira-issues-to-clickup
TALLY = re.compile(
    r"(?P<created>\d+) created, (?P<updated>\d+) updated, (?P<deleted>\d+) deleted, "
    r"(?P<unchanged>\d+) unchanged, (?P<rejected>\d+) rejected"
)


def run_job(project: MeltanoProject, job: str) -> dict[str, int]:
    """Run ``job`` in the sandbox; what target-clickup did (its summary line)."""
    result = project.run("--environment=sandbox", "run", job)
    (tally,) = [m.groupdict() for m in TALLY.finditer(result.stderr)]
    return {name: int(value) for name, value in tally.items()}


@contextmanager
def source_api(project: MeltanoProject, emulator: type[Emulator]) -> Iterator[requests.Session]:
    """A session on the source's emulator, serving the project's sandbox data."""
    served = emulator(size="demo", seed=1, state_dir=sandbox_dir(project), rate_limit=100_000)
    with serve(served) as running, requests.Session() as session:
        credentials = running.credentials
        if "email" in credentials:
            session.auth = (credentials["email"], credentials["api_token"])
        else:
            session.headers["Authorization"] = f"Bearer {credentials['api_token']}"
        session.base_url = running.base_url  # type: ignore[attr-defined]
        yield session


def sandbox_dir(project: MeltanoProject) -> Path:
    return project.root / "data" / "sandbox"


def get(session: requests.Session, path: str, **params: Any) -> Any:
    answer = session.get(session.base_url + path, params=params, timeout=30)  # type: ignore[attr-defined]
    answer.raise_for_status()
    return answer.json()


def written_tasks(project: MeltanoProject, list_id: str) -> dict[str, dict[str, Any]]:
    """Tasks written through the API into the list, by id, as the ClickUp emulator holds
    them after every write so far (generated tasks are left out)."""
    clickup = ClickUpEmulator(size="demo", seed=1, state_dir=sandbox_dir(project))
    task_list = clickup.data.tree.lists_by_id[list_id]
    statuses = task_list.space.statuses
    return {
        task.id: {
            "name": task.name,
            "markdown_content": task.description,
            "status": statuses[task.status_index]["status"],
            "tags": sorted(task.tag_names),
        }
        for task in clickup.data.list_tasks(task_list).tasks
        if task.index >= WRITE_INDEX
    }


def assignees_by_source_key(
    project: MeltanoProject, stream: str, list_id: str
) -> dict[str, list[int]]:
    """Each source key's task's assignees (ClickUp user ids) as ClickUp holds them."""
    clickup = ClickUpEmulator(size="demo", seed=1, state_dir=sandbox_dir(project))
    users = clickup.data.tree.users
    tasks = {
        task.id: sorted(users[i].id for i in task.assignee_indices)
        for task in clickup.data.list_tasks(clickup.data.tree.lists_by_id[list_id]).tasks
    }
    return {key: tasks[remote_id] for key, remote_id in id_map(project, stream).items()}


def user_map(mapping_dir: str) -> dict[str, int]:
    """The shipped value map ``users`` of a job (source user → ClickUp user id)."""
    path = Path(__file__).parents[2] / "transforms" / mapping_dir / "users.json"
    return {str(k): int(v) for k, v in json.loads(path.read_text()).items()}


def id_map(project: MeltanoProject, stream: str) -> dict[str, str]:
    """Source key → ClickUp task id, from target-clickup's id map."""
    with duckdb.connect(str(project.warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT source_key, remote_id FROM writes_clickup._id_map WHERE stream = ?", [stream]
        ).fetchall()
    return dict(rows)


def tasks_by_source_key(project: MeltanoProject, stream: str, list_id: str) -> dict[str, Any]:
    """Each source key's task as ClickUp holds it; every written task has one key."""
    tasks = written_tasks(project, list_id)
    ids = id_map(project, stream)
    assert sorted(ids.values()) == sorted(tasks), "every task of the list has one source row"
    return {key: tasks[remote_id] for key, remote_id in ids.items()}


# --- GitHub ------------------------------------------------------------------------------

GITHUB_STREAM = "clickup_github-issue_tasks"
LABEL_TAGS = {"documentation": "docs", "enhancement": "feature"}


def github_assignees(project: MeltanoProject) -> dict[str, list[int]]:
    """Each issue's assignees as the shipped user map makes them (unmapped logins left out)."""
    users = user_map("github_to_clickup")
    with source_api(project, GitHubEmulator) as github:
        issues = get(github, "/repos/octo-sandbox/api/issues", state="all", per_page=100)
    return {
        str(issue["id"]): sorted(
            users[a["login"]] for a in issue["assignees"] if a["login"] in users
        )
        for issue in issues
        if "pull_request" not in issue
    }


def github_expected(project: MeltanoProject) -> dict[str, dict[str, Any]]:
    """The tasks transforms/github_to_clickup/tasks.yaml promises for octo-sandbox/api."""
    with source_api(project, GitHubEmulator) as github:
        issues = get(github, "/repos/octo-sandbox/api/issues", state="all", per_page=100)
    assert len(issues) < 100, "one page holds every issue"
    return {
        str(issue["id"]): {
            "name": issue["title"],
            "markdown_content": issue["body"] or "",
            "status": {"open": "to do", "closed": "complete"}[issue["state"]],
            "tags": sorted(
                LABEL_TAGS[label["name"]]
                for label in issue["labels"]
                if label["name"] in LABEL_TAGS
            ),
        }
        for issue in issues
        if "pull_request" not in issue
    }


def test_github_issues_become_tasks_reruns_create_nothing_and_edits_update(
    meltano_project: MeltanoProject,
) -> None:
    expected = github_expected(meltano_project)
    counts = json.loads(meltano_project.brainhub("sandbox", "counts", "github").stdout)
    assert 0 < len(expected) < counts["issues"], "the scope is one of the owner's repositories"

    first = run_job(meltano_project, "github-issues-to-clickup")
    assert (first["created"], first["rejected"]) == (len(expected), 0)
    assert tasks_by_source_key(meltano_project, GITHUB_STREAM, GITHUB_LIST) == expected
    assignees = assignees_by_source_key(meltano_project, GITHUB_STREAM, GITHUB_LIST)
    assert assignees == github_assignees(meltano_project)
    assert any(assignees.values()), "some issue has an assignee the user map knows"
    ids = id_map(meltano_project, GITHUB_STREAM)

    again = run_job(meltano_project, "github-issues-to-clickup")
    assert (again["created"], again["updated"], again["rejected"]) == (0, 0, 0)
    assert id_map(meltano_project, GITHUB_STREAM) == ids

    meltano_project.brainhub("sandbox", "mutate", "github")
    edited = github_expected(meltano_project)
    changed = [key for key in expected if key in edited and edited[key] != expected[key]]
    new = [key for key in edited if key not in expected]
    assert changed, "mutate edits an issue of the repository"
    after = run_job(meltano_project, "github-issues-to-clickup")
    assert (after["created"], after["updated"], after["rejected"]) == (len(new), len(changed), 0)
    assert tasks_by_source_key(meltano_project, GITHUB_STREAM, GITHUB_LIST) == edited
    assert {key: ids[key] for key in expected} == {
        key: value for key, value in id_map(meltano_project, GITHUB_STREAM).items() if key in ids
    }, "an edited issue keeps its task"


# --- Jira --------------------------------------------------------------------------------

JIRA_STREAM = "clickup_jira-issue_tasks"
CATEGORY_STATUS = {"new": "to do", "indeterminate": "in progress", "done": "complete"}
LABEL_TAGS_JIRA = {
    "login": "frontend",
    "settings": "frontend",
    "cache": "infra",
    "retries": "infra",
}


def plain_text(document: dict[str, Any] | None) -> str:
    """An ADF document's text, one line per paragraph (the documents Jira's emulator holds)."""
    if document is None:
        return ""
    return "\n".join(
        "".join(node.get("text", "") for node in block.get("content", []))
        for block in document["content"]
    )


def jira_assignees(project: MeltanoProject) -> dict[str, list[int]]:
    """Each issue's assignee as the shipped user map makes it (unmapped accounts left out)."""
    users = user_map("jira_to_clickup")
    with source_api(project, JiraEmulator) as jira:
        found = get(
            jira, "/rest/api/3/search/jql", jql="project = ENG", fields="assignee", maxResults=100
        )
    accounts = {
        i["id"]: (i["fields"].get("assignee") or {}).get("accountId") for i in found["issues"]
    }
    return {key: [users[a]] if a in users else [] for key, a in accounts.items()}


def jira_expected(project: MeltanoProject) -> dict[str, dict[str, Any]]:
    """The tasks transforms/jira_to_clickup/tasks.yaml promises for project ENG."""
    with source_api(project, JiraEmulator) as jira:
        found = get(
            jira,
            "/rest/api/3/search/jql",
            jql="project = ENG",
            fields="summary,description,status,labels",
            maxResults=100,
        )
    assert found["isLast"]
    return {
        issue["id"]: {
            "name": issue["fields"]["summary"],
            "markdown_content": plain_text(issue["fields"]["description"]),
            "status": CATEGORY_STATUS[issue["fields"]["status"]["statusCategory"]["key"]],
            "tags": sorted(
                {LABEL_TAGS_JIRA[x] for x in issue["fields"]["labels"] if x in LABEL_TAGS_JIRA}
            ),
        }
        for issue in found["issues"]
    }


def edit_jira_issue(project: MeltanoProject, key: str, summary: str, *paragraphs: str) -> None:
    """Edit an issue through Jira's API (v3: the description is an ADF document)."""
    document = {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": text}]}
            for text in paragraphs
        ],
    }
    with source_api(project, JiraEmulator) as jira:
        answer = jira.put(
            f"{jira.base_url}/rest/api/3/issue/{key}",  # type: ignore[attr-defined]
            json={"fields": {"summary": summary, "description": document}},
            timeout=30,
        )
        assert answer.status_code == 204, answer.text


def test_jira_issues_are_mirrored_edits_update_and_deleted_issues_are_deleted(
    meltano_project: MeltanoProject,
) -> None:
    expected = jira_expected(meltano_project)
    counts = json.loads(meltano_project.brainhub("sandbox", "counts", "jira").stdout)
    assert 0 < len(expected) < counts["issues"], "the scope is one of the site's projects"

    first = run_job(meltano_project, "jira-issues-to-clickup")
    assert (first["created"], first["rejected"]) == (len(expected), 0)
    assert tasks_by_source_key(meltano_project, JIRA_STREAM, JIRA_LIST) == expected
    assignees = assignees_by_source_key(meltano_project, JIRA_STREAM, JIRA_LIST)
    assert assignees == jira_assignees(meltano_project)
    assert any(assignees.values()), "some issue has an assignee the user map knows"

    edit_jira_issue(
        meltano_project, "ENG-3", "Speed up exports of big boards", "Seen on", "boards > 5k cards."
    )
    mutated = json.loads(meltano_project.brainhub("sandbox", "mutate", "jira").stdout)
    assert mutated["changes"]["issues_deleted"] >= 1
    edited = jira_expected(meltano_project)
    gone = [key for key in expected if key not in edited]
    new = [key for key in edited if key not in expected]
    changed = [key for key in expected if key in edited and edited[key] != expected[key]]
    assert gone, "mutate deletes an issue of the project"
    assert any(
        task["markdown_content"] == "Seen on\nboards > 5k cards." for task in edited.values()
    )
    second = run_job(meltano_project, "jira-issues-to-clickup")
    assert (second["created"], second["updated"], second["deleted"], second["rejected"]) == (
        len(new),
        len(changed),
        len(gone),
        0,
    )
    assert tasks_by_source_key(meltano_project, JIRA_STREAM, JIRA_LIST) == edited

    again = run_job(meltano_project, "jira-issues-to-clickup")
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert again["unchanged"] == len(edited)
    assert tasks_by_source_key(meltano_project, JIRA_STREAM, JIRA_LIST) == edited
