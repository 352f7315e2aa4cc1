"""Asana writes (tasks created, updated and deleted; comments) through plain ``requests``
and the ``asana`` client against a served emulator, read back through its GETs; writes
outlive the process (the change journal), ``reset`` forgets them, ``modified_since``
picks them up, and bad writes get Asana's error bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asana
import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.redaction import hidden
from brainhub.sandbox import serve, state
from brainhub.sandbox.services.asana import AsanaEmulator
from brainhub.sandbox.services.asana.errors import HELP
from tests.support.sandbox_process import serve_in_process


class Api:
    """``requests`` against one served Asana emulator (a Bearer token)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, path: str, data: Any = None, **params: Any) -> Any:
        body = {"data": data} if data is not None else None
        return requests.request(
            method, self.base_url + path, headers=self.headers, json=body, params=params, timeout=10
        )


def _emulator(state_dir: Path, **options: Any) -> AsanaEmulator:
    return AsanaEmulator(size="tiny", state_dir=state_dir, rate_limit=100_000, **options)


@contextmanager
def served(state_dir: Path, **options: Any) -> Iterator[tuple[AsanaEmulator, Api]]:
    emulator = _emulator(state_dir, **options)
    with serve(emulator) as running:
        yield emulator, Api(running.base_url, running.credentials["access_token"])


@contextmanager
def serve_process(state_dir: Path) -> Iterator[Api]:
    """``brainhub sandbox serve asana --size tiny`` in its own process on ``state_dir``."""
    with serve_in_process("asana", state_dir) as info:
        yield Api(info["base_url"], info["credentials"]["access_token"])


def _project(emulator: AsanaEmulator) -> dict[str, Any]:
    return next(p for p in emulator.org.projects if not p["archived"])


def _error(message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "help": HELP}]}


# --------------------------------------------------------------------------- each write


def test_create_task_in_a_project_reads_back(tmp_path):
    with served(tmp_path) as (emulator, api):
        project = _project(emulator)
        user = emulator.org.users[1]
        before = emulator.counts()
        data = {
            "projects": [project["gid"]],
            "name": "Write the launch post",
            "notes": "Draft <first>",
            "assignee": user["gid"],
            "due_on": "2027-01-15",
        }
        created = api("POST", "/tasks", data)
        assert created.status_code == 201, created.text
        task = created.json()["data"]
        assert (task["name"], task["notes"], task["html_notes"]) == (
            "Write the launch post",
            "Draft <first>",
            "<body>Draft &lt;first&gt;</body>",
        )
        assert task["assignee"]["gid"] == user["gid"]
        assert (task["due_on"], task["completed"]) == ("2027-01-15", False)
        assert (task["resource_subtype"], task["actual_time_minutes"]) == ("default_task", 0.0)
        assert (task["likes"], task["dependencies"], task["num_subtasks"]) == ([], [], 0)
        assert task["projects"] == [
            {"gid": project["gid"], "name": project["name"], "resource_type": "project"}
        ]
        assert api("GET", f"/tasks/{task['gid']}").json()["data"] == task
        listed = api("GET", f"/projects/{project['gid']}/tasks").json()["data"]
        assert task["gid"] in {t["gid"] for t in listed}
        assert emulator.counts() == {**before, "tasks": before["tasks"] + 1,
                                     "stories": before["stories"] + 1}  # fmt: skip


def test_a_task_in_the_workspace_alone_is_listed_by_assignee(tmp_path):
    with served(tmp_path) as (emulator, api):
        workspace = emulator.org.workspace["gid"]
        data = {"workspace": workspace, "name": "Solo", "assignee": "me"}
        task = api("POST", "/tasks", data).json()["data"]
        assert task["projects"] == []
        mine = api("GET", "/tasks", assignee="me", workspace=workspace).json()["data"]
        assert task["gid"] in {t["gid"] for t in mine}


def test_update_completes_and_renames_and_modified_since_picks_it_up(tmp_path):
    with served(tmp_path) as (emulator, api):
        project = _project(emulator)
        old = emulator.org.tasks[project["gid"]][0]
        newest = max(t["modified_at"] for t in emulator.org.all_tasks())
        updated = api("PUT", f"/tasks/{old['gid']}", {"name": "Renamed", "completed": True})
        assert updated.status_code == 200, updated.text
        task = updated.json()["data"]
        assert api("GET", f"/tasks/{old['gid']}").json()["data"] == task
        assert (task["name"], task["completed"]) == ("Renamed", True)
        assert task["completed_at"] == task["modified_at"] > newest
        changed = api("GET", "/tasks", project=project["gid"], modified_since=newest)
        assert [t["gid"] for t in changed.json()["data"]] == [old["gid"]]
        cleared = api("PUT", f"/tasks/{old['gid']}", {"assignee": None, "due_on": None})
        assert (cleared.json()["data"]["assignee"], cleared.json()["data"]["due_on"]) == (
            None,
            None,
        )


def test_delete_task_answers_empty_data_and_the_task_is_gone(tmp_path):
    with served(tmp_path) as (emulator, api):
        victim = emulator.org.tasks[_project(emulator)["gid"]][0]["gid"]
        deleted = api("DELETE", f"/tasks/{victim}")
        assert (deleted.status_code, deleted.json()) == (200, {"data": {}})
        gone = api("GET", f"/tasks/{victim}")
        assert (gone.status_code, gone.json()) == (404, _error(f"task: Unknown object: {victim}"))


def test_comments_are_stories_and_touch_the_task(tmp_path):
    with served(tmp_path) as (emulator, api):
        task = emulator.org.tasks[_project(emulator)["gid"]][1]
        before = task["modified_at"]
        posted = api("POST", f"/tasks/{task['gid']}/stories", {"text": "Ship it"})
        assert posted.status_code == 201, posted.text
        story = posted.json()["data"]
        assert (story["text"], story["resource_subtype"], story["type"]) == (
            "Ship it",
            "comment_added",
            "comment",
        )
        assert story["created_by"]["gid"] == emulator.org.users[0]["gid"]
        stories = api("GET", f"/tasks/{task['gid']}/stories").json()["data"]
        assert stories[-1]["gid"] == story["gid"]
        assert api("GET", f"/stories/{story['gid']}").json()["data"] == story
        assert api("GET", f"/tasks/{task['gid']}").json()["data"]["modified_at"] > before
        rich = api("POST", f"/tasks/{task['gid']}/stories", {"html_text": "<body>Hi</body>"})
        assert rich.json()["data"]["text"] == "Hi"


def test_the_asana_client_creates_updates_and_comments(tmp_path):
    with served(tmp_path) as (emulator, api):
        configuration = asana.Configuration()
        configuration.host = api.base_url
        configuration.access_token = emulator.credentials["access_token"]
        client = asana.ApiClient(configuration)
        tasks = asana.TasksApi(client)
        project = _project(emulator)["gid"]
        body = {"data": {"projects": [project], "name": "From the client"}}
        task = tasks.create_task(body, {})
        assert task["name"] == "From the client"
        tasks.update_task({"data": {"completed": True}}, task["gid"], {})
        asana.StoriesApi(client).create_story_for_task({"data": {"text": "Done"}}, task["gid"], {})
        fetched = tasks.get_task(task["gid"], {"opt_fields": "name,completed"})
        assert fetched == {"gid": task["gid"], "name": "From the client", "completed": True}
        stories = list(asana.StoriesApi(client).get_stories_for_task(task["gid"], {}))
        assert stories[-1]["text"] == "Done"


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("POST", "/tasks", {"name": "x"}, 400, "workspace: Missing input"),
        ("POST", "/tasks", {"projects": ["abc"]}, 400, "projects: Not a Long: abc"),
        ("POST", "/tasks", {"projects": ["42"]}, 404, "projects: Unknown object: 42"),
        ("POST", "/tasks", {"workspace": "42"}, 404, "workspace: Unknown object: 42"),
        ("POST", "/tasks", {"workspace": "{workspace}", "assignee": "bob"}, 400,
         "assignee: Not a Long: bob"),
        ("POST", "/tasks", {"workspace": "{workspace}", "assignee": "42"}, 404,
         "assignee: Unknown object: 42"),
        ("POST", "/tasks", {"workspace": "{workspace}", "due_on": "soon"}, 400,
         "due_on: Not a valid date: soon"),
        ("PUT", "/tasks/{task}", {"completed": "yes"}, 400, "completed: Not a boolean: yes"),
        ("PUT", "/tasks/42", {"name": "x"}, 404, "task: Unknown object: 42"),
        ("PUT", "/tasks/abc", {"name": "x"}, 400, "task: Not a Long: abc"),
        ("DELETE", "/tasks/42", None, 404, "task: Unknown object: 42"),
        ("POST", "/tasks/{task}/stories", {"is_pinned": True}, 400, "text: Missing input"),
        ("POST", "/tasks", "no-data", 400, "data: Missing input"),
    ],
)  # fmt: skip
def test_bad_writes_get_asanas_error_bodies(tmp_path, method, path, body, status, message):
    with served(tmp_path) as (emulator, api):
        places = {
            "workspace": emulator.org.workspace["gid"],
            "task": emulator.org.tasks[_project(emulator)["gid"]][0]["gid"],
        }
        before = emulator.counts()
        if body == "no-data":
            answer = requests.post(api.base_url + path, headers=api.headers, json={}, timeout=10)
        else:
            sent = (
                {k: v.format(**places) if isinstance(v, str) else v for k, v in body.items()}
                if body is not None
                else None
            )
            answer = api(method, path.format(**places), sent)
        assert answer.status_code == status
        assert answer.headers["Content-Type"] == "application/json; charset=UTF-8"
        assert answer.json() == _error(message)
        assert emulator.counts() == before
    assert not state.changes_file("asana", tmp_path).exists()


def test_writes_count_against_the_rate_limit_and_are_logged_with_secrets_hidden(tmp_path):
    emulator = AsanaEmulator(size="tiny", state_dir=tmp_path, rate_limit=2)
    with serve(emulator) as running:
        token = running.credentials["access_token"]
        api = Api(running.base_url, token)
        task = emulator.org.tasks[_project(emulator)["gid"]][0]["gid"]
        codes = [
            api("POST", f"/tasks/{task}/stories", {"text": f"t {token}"}).status_code
            for _ in range(3)
        ]
        assert codes == [201, 201, 429]
        logged = emulator.request_log[0]
        assert logged.body == {"data": {"text": "t <redacted>"}}
        assert logged.headers["Authorization"] == f"Bearer {hidden(token)}"
        assert token not in json.dumps(logged.as_dict())


# --------------------------------------------------------------------------- persistence


def test_writes_persist_across_serve_processes_and_reset_forgets_them(tmp_path, monkeypatch):
    state_dir = tmp_path / "sandbox"
    monkeypatch.setenv(state.STATE_DIR_ENV, str(state_dir))
    project = _project(_emulator(state_dir))["gid"]
    with serve_process(state_dir) as first, serve_process(state_dir) as second:
        created = first("POST", "/tasks", {"projects": [project], "name": "From one"})
        gid = created.json()["data"]["gid"]
        # the other, already running process catches up with the journal
        assert second("GET", f"/tasks/{gid}").json()["data"]["name"] == "From one"
        assert second("PUT", f"/tasks/{gid}", {"name": "Renamed by two"}).status_code == 200
        assert first("GET", f"/tasks/{gid}").json()["data"]["name"] == "Renamed by two"
        again = second("POST", "/tasks", {"projects": [project], "name": "Second"}).json()
        assert again["data"]["gid"] not in (gid,)
    with serve_process(state_dir) as third:  # a new process replays the journal
        assert third("GET", f"/tasks/{gid}").json()["data"]["name"] == "Renamed by two"
    lines = state.changes_file("asana", state_dir).read_text().splitlines()
    changes = [json.loads(line) for line in lines]
    assert [(c["op"], c["object"]) for c in changes] == [
        ("create", "task"),
        ("update", "task"),
        ("create", "task"),
    ]
    seeded = AsanaEmulator(size="tiny", generation=0).counts()
    counted = CliRunner().invoke(main, ["sandbox", "counts", "asana", "--size", "tiny"])
    assert counted.exit_code == 0, counted.output
    assert json.loads(counted.output)["tasks"] == seeded["tasks"] + 2
    result = CliRunner().invoke(main, ["sandbox", "reset", "asana"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes_cleared"] == 3
    assert _emulator(state_dir).counts() == seeded


# --------------------------------------------------------------------------- batch API


def test_batch_runs_each_action_and_answers_each_in_order(tmp_path):
    with served(tmp_path) as (emulator, api):
        workspace = emulator.org.workspace["gid"]
        actions = [
            {
                "method": "post",
                "relative_path": "/tasks",
                "data": {"workspace": workspace, "name": "a"},
            },
            {
                "method": "post",
                "relative_path": "/tasks",
                "data": {"workspace": workspace, "name": "b", "due_on": "soon"},
            },
            {"method": "get", "relative_path": "/users/me", "options": {"fields": ["name"]}},
            {"method": "get", "relative_path": "/nowhere"},
        ]
        answer = api("POST", "/batch", {"actions": actions})

        assert answer.status_code == 200
        results = answer.json()["data"]
        assert [r["status_code"] for r in results] == [201, 400, 200, 404]
        made = results[0]["body"]["data"]
        assert api("GET", f"/tasks/{made['gid']}").json()["data"]["name"] == "a"
        assert results[1]["body"] == _error("due_on: Not a valid date: soon")
        assert results[2]["body"]["data"] == {
            "gid": emulator.org.users[0]["gid"],
            "name": emulator.org.users[0]["name"],
        }
        assert results[3]["body"] == _error("No matching route for request")


def test_a_batch_takes_at_most_ten_actions(tmp_path):
    with served(tmp_path) as (emulator, api):
        action = {"method": "post", "relative_path": "/tasks", "data": {"name": "x"}}
        before = emulator.counts()
        answer = api("POST", "/batch", {"actions": [action] * 11})
        assert answer.status_code == 400
        assert answer.json() == _error(
            "actions: A batch request may contain at most 10 actions (given: 11)"
        )
        assert emulator.counts() == before
        assert api("POST", "/batch", {"actions": []}).json() == _error("actions: Missing input")


def test_each_action_counts_against_the_rate_limit(tmp_path):
    emulator = AsanaEmulator(size="tiny", state_dir=tmp_path, rate_limit=3)
    with serve(emulator) as running:
        api = Api(running.base_url, running.credentials["access_token"])
        workspace = emulator.org.workspace["gid"]
        action = {"method": "post", "relative_path": "/tasks", "data": {"workspace": workspace}}
        answer = api("POST", "/batch", {"actions": [action] * 5})
        assert [r["status_code"] for r in answer.json()["data"]] == [201, 201, 201, 429, 429]
