"""Asana's official Python client (``asana`` v5), unchanged but for ``host``, reads the
emulated organization and gets what ``brainhub sandbox counts asana`` says.

The client's listing calls return iterators that follow ``next_page.offset`` until it is
``null``; small pages (``limit`` 2) make them follow it several times.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import asana
import pytest
from asana.rest import ApiException
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.asana import AsanaEmulator

SEED, SIZE, GENERATION = 3, "tiny", 1
PAGE = {"limit": 2}


@pytest.fixture(scope="module")
def emulator() -> AsanaEmulator:
    return AsanaEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)


@pytest.fixture(scope="module")
def client(emulator: AsanaEmulator) -> Iterator[asana.ApiClient]:
    with serve(emulator) as served:
        configuration = asana.Configuration()
        configuration.host = served.base_url
        configuration.access_token = emulator.credentials["access_token"]
        yield asana.ApiClient(configuration)


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    arguments = ["sandbox", "counts", "asana", "--seed", str(SEED), "--size", SIZE]
    result = CliRunner().invoke(main, [*arguments, "--generation", str(GENERATION)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _workspace(client: asana.ApiClient) -> dict[str, Any]:
    (workspace,) = list(asana.WorkspacesApi(client).get_workspaces(dict(PAGE)))
    return workspace


def test_the_client_lists_workspaces_users_and_projects(client, counts):
    workspace = _workspace(client)
    assert set(workspace) == {"gid", "name", "resource_type"}, "compact in listings"
    full = asana.WorkspacesApi(client).get_workspace(workspace["gid"], {})
    assert full["is_organization"] is True
    users = list(asana.UsersApi(client).get_users_for_workspace(workspace["gid"], dict(PAGE)))
    assert len(users) == counts["users"]
    me = asana.UsersApi(client).get_user("me", {})
    assert me["gid"] == users[0]["gid"]
    assert me["workspaces"] == [workspace]
    projects = list(
        asana.ProjectsApi(client).get_projects_for_workspace(workspace["gid"], dict(PAGE))
    )
    assert len(projects) == counts["projects"]
    project = asana.ProjectsApi(client).get_project(projects[0]["gid"], {})
    assert project["workspace"] == workspace
    assert (
        project["team"]["gid"] == asana.TeamsApi(client).get_team(project["team"]["gid"], {})["gid"]
    )


def test_the_client_pages_tasks_per_project_and_their_stories(client, counts):
    workspace = _workspace(client)
    projects = asana.ProjectsApi(client).get_projects_for_workspace(workspace["gid"], dict(PAGE))
    tasks_api, stories_api = asana.TasksApi(client), asana.StoriesApi(client)
    tasks = stories = sections = 0
    for project in projects:
        sections += len(
            list(asana.SectionsApi(client).get_sections_for_project(project["gid"], dict(PAGE)))
        )
        listed = list(tasks_api.get_tasks({"project": project["gid"], **PAGE}))
        by_project = list(tasks_api.get_tasks_for_project(project["gid"], dict(PAGE)))
        assert [t["gid"] for t in listed] == [t["gid"] for t in by_project]
        tasks += len(listed)
        for task in listed:
            assert set(task) == {"gid", "name", "resource_type", "resource_subtype"}
            found = list(stories_api.get_stories_for_task(task["gid"], dict(PAGE)))
            stories += len(found)
            assert all(s["resource_type"] == "story" for s in found)
    assert sections == counts["sections"]
    assert tasks == counts["tasks"]
    assert stories == counts["stories"]


def test_the_client_reads_full_tasks_and_asks_for_fields(client):
    workspace = _workspace(client)
    (project, *_) = asana.ProjectsApi(client).get_projects_for_workspace(workspace["gid"], {})
    (task, *_) = asana.TasksApi(client).get_tasks_for_project(project["gid"], {})
    full = asana.TasksApi(client).get_task(task["gid"], {})
    assert full["gid"] == task["gid"]
    assert full["memberships"][0]["project"]["gid"] == project["gid"]
    assert {"assignee", "custom_fields", "modified_at", "permalink_url"} <= set(full)
    chosen = asana.TasksApi(client).get_task(
        task["gid"], {"opt_fields": "name,memberships.section.name"}
    )
    assert set(chosen) == {"gid", "name", "memberships"}
    assert set(chosen["memberships"][0]) == {"section"}


def test_the_client_lists_tags_and_their_tasks(client):
    workspace = _workspace(client)
    tags = list(asana.TagsApi(client).get_tags_for_workspace(workspace["gid"], dict(PAGE)))
    assert tags
    tagged = 0
    for tag in tags:
        for task in asana.TasksApi(client).get_tasks_for_tag(tag["gid"], dict(PAGE)):
            full = asana.TasksApi(client).get_task(task["gid"], {"opt_fields": "tags"})
            assert tag["gid"] in {t["gid"] for t in full["tags"]}
            tagged += 1
    assert tagged > 0


def test_the_client_reads_an_error_as_asana_sends_it(client):
    with pytest.raises(ApiException) as raised:
        asana.TasksApi(client).get_task("42", {})
    assert raised.value.status == 404
    body = json.loads(raised.value.body)
    assert body["errors"][0]["message"] == "task: Unknown object: 42"


def test_the_client_syncs_events_from_a_token(client, emulator):
    workspace = _workspace(client)
    (project, *_) = asana.ProjectsApi(client).get_projects_for_workspace(workspace["gid"], {})
    events_api = asana.EventsApi(client)
    assert list(events_api.get_events(project["gid"], {})) == [], "nothing since the new token"
    with pytest.raises(ApiException) as raised:
        events_api.get_events(project["gid"], {}, full_payload=True)
    assert raised.value.status == 412
    sync = json.loads(raised.value.body)["sync"]
    emulator.set_generation(GENERATION + 1)
    try:
        answer = events_api.get_events(project["gid"], {"sync": sync}, full_payload=True)
    finally:
        emulator.set_generation(GENERATION)
    assert answer["sync"] != sync
    assert answer["has_more"] is False
    assert {e["type"] for e in answer["data"]} <= {"task", "story"}
    # every day someone comments on a task of the first project
    comments = [e for e in answer["data"] if e["type"] == "story" and e["action"] == "added"]
    assert comments
    assert all(e["parent"]["resource_type"] == "task" for e in comments)
