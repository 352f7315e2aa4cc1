"""ClickUp writes through plain ``requests`` against a served emulator, read back; writes
outlive the process (the change journal), ``reset`` forgets them, the tap's next
incremental read picks them up, and bad writes get ClickUp's error bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.redaction import hidden
from brainhub.sandbox import serve, state
from brainhub.sandbox.services.clickup import ClickUpEmulator
from brainhub.sandbox.services.clickup.sizes import now_ms
from tests.support.sandbox_process import serve_in_process
from tests.support.taps import final_state, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "clickup")


class Api:
    """``requests`` against one served ClickUp emulator."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": token}

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        return requests.request(
            method,
            self.base_url + path,
            headers=self.headers,
            json=body,
            params=params,
            timeout=10,
        )


def _emulator(state_dir: Path, **options: Any) -> ClickUpEmulator:
    return ClickUpEmulator(size="tiny", state_dir=state_dir, rate_limit=100_000, **options)


@contextmanager
def served(state_dir: Path, **options: Any) -> Iterator[tuple[ClickUpEmulator, Api]]:
    emulator = _emulator(state_dir, **options)
    with serve(emulator) as running:
        yield emulator, Api(running.base_url, running.credentials["api_token"])


@contextmanager
def serve_process(state_dir: Path) -> Iterator[Api]:
    """``brainhub sandbox serve clickup --size tiny`` in its own process on ``state_dir``."""
    with serve_in_process("clickup", state_dir) as info:
        yield Api(info["base_url"], info["credentials"]["api_token"])


def _first_list(emulator: ClickUpEmulator) -> Any:
    return next(tl for tl in emulator.data.tree.lists if not tl.hidden_by_archive and tl.fields)


def _all_params() -> dict[str, str]:
    return {"include_closed": "true", "subtasks": "true"}


# --------------------------------------------------------------------------- each write


def test_create_task_with_every_documented_field_reads_back(tmp_path):
    with served(tmp_path) as (emulator, api):
        task_list = _first_list(emulator)
        users = emulator.data.tree.users
        parent = emulator.data.list_tasks(task_list).tasks[0]
        stage = next(f for f in task_list.fields if f.type == "drop_down")
        option = stage.type_config["options"][2]
        tag = task_list.space.tags[0]["name"]
        status = task_list.space.statuses[1]["status"]
        body = {
            "name": "  Write the launch post ",
            "description": "plain",
            "markdown_content": "**bold**",
            "assignees": [users[1].id, users[2].id],
            "tags": [tag],
            "status": status,
            "priority": 2,
            "due_date": 1_800_000_000_000,
            "start_date": 1_790_000_000_000,
            "parent": parent.id,
            "custom_fields": [{"id": stage.id, "value": option["id"]}],
        }
        created = api("POST", f"/list/{task_list.id}/task", body)
        assert created.status_code == 200, created.text
        task = created.json()
        assert task["name"] == "Write the launch post"
        assert task["description"] == "**bold**"
        assert [a["id"] for a in task["assignees"]] == [users[1].id, users[2].id]
        assert [t["name"] for t in task["tags"]] == [tag]
        assert task["status"]["status"] == status
        assert task["priority"]["id"] == "2"
        assert (task["due_date"], task["start_date"]) == ("1800000000000", "1790000000000")
        assert task["parent"] == parent.id
        values = {f["id"]: f.get("value") for f in task["custom_fields"]}
        assert values[stage.id] == option["orderindex"]
        assert int(task["date_created"]) == int(task["date_updated"]) > now_ms(0)

        fetched = api("GET", f"/task/{task['id']}")
        assert fetched.status_code == 200
        assert fetched.json() == task
        listed = api("GET", f"/list/{task_list.id}/task", **_all_params()).json()["tasks"]
        assert task["id"] in {t["id"] for t in listed}


def test_update_changes_fields_assignees_and_status_and_reads_back(tmp_path):
    with served(tmp_path) as (emulator, api):
        task_list = _first_list(emulator)
        users = emulator.data.tree.users
        task = api("POST", f"/list/{task_list.id}/task", {"name": "t", "assignees": [users[0].id]})
        task_id = task.json()["id"]
        closed = next(s for s in task_list.space.statuses if s["type"] == "closed")["status"]
        body = {
            "name": "Renamed",
            "status": closed,
            "priority": None,
            "assignees": {"add": [users[1].id], "rem": [users[0].id]},
        }
        updated = api("PUT", f"/task/{task_id}", body)
        assert updated.status_code == 200, updated.text
        got = api("GET", f"/task/{task_id}").json()
        assert got == updated.json()
        assert (got["name"], got["status"]["status"], got["priority"]) == ("Renamed", closed, None)
        assert [a["id"] for a in got["assignees"]] == [users[1].id]
        assert got["date_closed"] is not None
        assert int(got["date_updated"]) > int(task.json()["date_updated"])


def test_delete_task_answers_204_and_the_task_is_gone(tmp_path):
    with served(tmp_path) as (emulator, api):
        task_list = _first_list(emulator)
        victim = emulator.data.list_tasks(task_list).tasks[0]
        children = [
            t.id
            for t in emulator.data.list_tasks(task_list).tasks
            if t.parent_index == victim.index
        ]
        deleted = api("DELETE", f"/task/{victim.id}")
        assert (deleted.status_code, deleted.content) == (204, b"")
        for task_id in (victim.id, *children):
            assert api("GET", f"/task/{task_id}").json() == {
                "err": "Task not found",
                "ECODE": "ITEM_017",
            }
        listed = api("GET", f"/list/{task_list.id}/task", **_all_params()).json()["tasks"]
        assert victim.id not in {t["id"] for t in listed}


def test_comments_are_created_updated_and_deleted(tmp_path):
    with served(tmp_path) as (emulator, api):
        task = emulator.data.list_tasks(_first_list(emulator)).tasks[0]
        user = emulator.data.tree.users[1]
        posted = api("POST", f"/task/{task.id}/comment", {"comment_text": "Hi", "notify_all": True})
        assert posted.status_code == 200
        comment = posted.json()
        assert set(comment) == {"id", "hist_id", "date"}
        newest = api("GET", f"/task/{task.id}/comment").json()["comments"][0]
        assert (newest["id"], newest["comment_text"]) == (comment["id"], "Hi")

        body = {"comment_text": "Edited", "assignee": user.id, "resolved": True}
        edited = api("PUT", f"/comment/{comment['id']}", body)
        assert (edited.status_code, edited.json()) == (200, {})
        newest = api("GET", f"/task/{task.id}/comment").json()["comments"][0]
        assert (newest["comment_text"], newest["resolved"]) == ("Edited", True)
        assert newest["assignee"]["id"] == user.id

        assert api("DELETE", f"/comment/{comment['id']}").json() == {}
        ids = {c["id"] for c in api("GET", f"/task/{task.id}/comment").json()["comments"]}
        assert comment["id"] not in ids
        gone = api("DELETE", f"/comment/{comment['id']}")
        assert (gone.status_code, gone.json()) == (
            404,
            {"err": "Comment not found", "ECODE": "ITEM_018"},
        )


def test_custom_field_values_and_tags_are_set_and_removed(tmp_path):
    with served(tmp_path) as (emulator, api):
        task_list = _first_list(emulator)
        task_id = api("POST", f"/list/{task_list.id}/task", {"name": "t"}).json()["id"]
        by_type = {f.type: f for f in task_list.fields}
        for kind, value, stored in (
            ("number", 8, "8"),
            ("checkbox", True, "true"),
            ("drop_down", by_type["drop_down"].type_config["options"][1]["id"], 1),
        ):
            field_id = by_type[kind].id
            answer = api("POST", f"/task/{task_id}/field/{field_id}", {"value": value})
            assert (answer.status_code, answer.json()) == (200, {})
            fields = api("GET", f"/task/{task_id}").json()["custom_fields"]
            assert next(f for f in fields if f["id"] == field_id)["value"] == stored
        number = by_type["number"].id
        assert api("DELETE", f"/task/{task_id}/field/{number}").json() == {}
        fields = api("GET", f"/task/{task_id}").json()["custom_fields"]
        assert next(f for f in fields if f["id"] == number).get("value") != "8"
        stored_values = emulator.data.find_task(task_id)[1].field_values
        assert number not in stored_values
        assert by_type["checkbox"].id in stored_values

        tag = task_list.space.tags[0]["name"]
        assert api("POST", f"/task/{task_id}/tag/{tag}").json() == {}
        assert [t["name"] for t in api("GET", f"/task/{task_id}").json()["tags"]] == [tag]
        assert api("DELETE", f"/task/{task_id}/tag/{tag}").json() == {}
        assert api("GET", f"/task/{task_id}").json()["tags"] == []


# --------------------------------------------------------------------------- errors


def _bad(emulator: ClickUpEmulator) -> dict[str, Any]:
    task_list = _first_list(emulator)
    task = emulator.data.list_tasks(task_list).tasks[0]
    number = next(f for f in task_list.fields if f.type == "number")
    other_list = next(tl for tl in emulator.data.tree.lists if tl.space is not task_list.space)
    return {
        "list": task_list.id,
        "task": task.id,
        "number": number.id,
        "foreign": other_list.fields[0].id if other_list.fields else "nope",
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "error"),
    [
        ("POST", "/list/{list}/task", {"priority": 1}, 400, ("Task name invalid", "INPUT_005")),
        ("POST", "/list/{list}/task", {"name": "x", "status": "nope"}, 400,
         ("Status not found", "INPUT_006")),
        ("POST", "/list/{list}/task", {"name": "x", "priority": 5}, 400,
         ("Priority invalid", "INPUT_007")),
        ("POST", "/list/{list}/task", {"name": "x", "parent": "86zzzzzzz"}, 404,
         ("Task not found", "ITEM_017")),
        ("POST", "/list/0/task", {"name": "x"}, 404, ("List not found", "ITEM_013")),
        ("PUT", "/task/{task}", {"status": "nope"}, 400, ("Status not found", "INPUT_006")),
        ("PUT", "/task/{task}", {"assignees": {"add": [1]}}, 400,
         ("Assignee not found in workspace", "INPUT_009")),
        ("PUT", "/task/{task}", {"watchers": {"add": [1], "rem": []}}, 400,
         ("Watcher not found in workspace", "INPUT_017")),
        ("DELETE", "/task/86zzzzzzz", None, 404, ("Task not found", "ITEM_017")),
        ("POST", "/task/{task}/comment", {"notify_all": True}, 400,
         ("Comment text required", "INPUT_008")),
        ("PUT", "/comment/123", {"comment_text": "x"}, 404, ("Comment not found", "ITEM_018")),
        ("POST", "/task/{task}/field/{number}", {"value": "lots"}, 400,
         ("Value is not valid for this custom field", "INPUT_015")),
        ("POST", "/task/{task}/field/{foreign}", {"value": 1}, 400,
         ("Custom field is not applicable to this task", "INPUT_014")),
        ("POST", "/task/{task}/tag/no-such-tag", None, 400,
         ("Tag not found in this space", "INPUT_016")),
    ],
)  # fmt: skip
def test_bad_writes_get_clickups_exact_error_bodies(tmp_path, method, path, body, status, error):
    with served(tmp_path) as (emulator, api):
        before = api("GET", f"/list/{_first_list(emulator).id}/task", **_all_params()).json()
        answer = api(method, path.format(**_bad(emulator)), body)
        assert answer.status_code == status
        assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
        assert answer.json() == {"err": error[0], "ECODE": error[1]}
        after = api("GET", f"/list/{_first_list(emulator).id}/task", **_all_params()).json()
        assert after == before
        assert not state.changes_file("clickup", tmp_path).exists()


def test_writes_count_against_the_rate_limit_and_are_logged_with_secrets_hidden(tmp_path):
    emulator = ClickUpEmulator(size="tiny", state_dir=tmp_path, rate_limit=3)
    with serve(emulator) as running:
        token = running.credentials["api_token"]
        api = Api(running.base_url, token)
        task = emulator.data.list_tasks(_first_list(emulator)).tasks[0]
        body = {"comment_text": f"my token is {token}", "api_token": "s3cret-value"}
        answers = [api("POST", f"/task/{task.id}/comment", body).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        logged = emulator.request_log[0]
        assert logged.body == {
            "comment_text": "my token is <redacted>",
            "api_token": hidden("s3cret-value"),
        }
        assert token not in json.dumps(logged.as_dict())


# --------------------------------------------------------------------------- persistence


def test_writes_persist_across_serve_processes_and_reset_forgets_them(tmp_path, monkeypatch):
    state_dir = tmp_path / "sandbox"
    monkeypatch.setenv(state.STATE_DIR_ENV, str(state_dir))
    task_list = _first_list(_emulator(state_dir))
    with serve_process(state_dir) as first, serve_process(state_dir) as second:
        created = first("POST", f"/list/{task_list.id}/task", {"name": "From process one"})
        task_id = created.json()["id"]
        # the other, already running process catches up with the journal
        assert second("GET", f"/task/{task_id}").json()["name"] == "From process one"
        renamed = second("PUT", f"/task/{task_id}", {"name": "Renamed by two"})
        assert renamed.status_code == 200
        assert first("GET", f"/task/{task_id}").json()["name"] == "Renamed by two"
    with serve_process(state_dir) as third:  # a new process replays the journal
        assert third("GET", f"/task/{task_id}").json()["name"] == "Renamed by two"
    lines = state.changes_file("clickup", state_dir).read_text().splitlines()
    changes = [json.loads(line) for line in lines]
    assert [(c["seq"], c["op"], c["object"], c["id"]) for c in changes] == [
        (1, "create", "task", task_id),
        (2, "update", "task", task_id),
    ]
    assert changes[0]["at"] < changes[1]["at"]

    result = CliRunner().invoke(main, ["sandbox", "reset", "clickup"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes_cleared"] == 2
    fresh = _emulator(state_dir)
    assert fresh.data.find_task(task_id) is None
    assert fresh.counts() == ClickUpEmulator(size="tiny", generation=0).counts()


def test_a_running_emulator_forgets_writes_after_reset(tmp_path):
    with served(tmp_path) as (emulator, api):
        task_list = _first_list(emulator)
        task_id = api("POST", f"/list/{task_list.id}/task", {"name": "t"}).json()["id"]
        assert api("GET", f"/task/{task_id}").status_code == 200
        cleared = _emulator(tmp_path).journal
        assert cleared is not None
        assert cleared.clear() == 1
        assert api("GET", f"/task/{task_id}").status_code == 404
        again = api("POST", f"/list/{task_list.id}/task", {"name": "t2"}).json()
        assert again["id"] == task_id  # numbering starts afresh with the journal


def test_no_writes_leave_the_seeded_data_and_the_state_directory_alone(tmp_path):
    with served(tmp_path) as (emulator, api):
        for task_list in emulator.data.tree.lists[:3]:
            assert api("GET", f"/list/{task_list.id}/task").status_code == 200
        assert emulator.counts() == ClickUpEmulator(size="tiny", generation=0).counts()
    assert list(tmp_path.iterdir()) == []


def test_mutate_after_writes_keeps_them_and_the_new_generation_comes_after(tmp_path):
    with served(tmp_path) as (emulator, api):
        task_list = _first_list(emulator)
        task = api("POST", f"/list/{task_list.id}/task", {"name": "kept"}).json()
        state.write_generation("clickup", 1, tmp_path)
        after = api("GET", f"/task/{task['id']}").json()
        assert (emulator.generation, after["name"]) == (1, "kept")
        generated = ClickUpEmulator(size="tiny", generation=1).changes(0)
        params = {**_all_params(), "date_updated_gt": int(task["date_updated"]) + 1}
        changed = [
            t
            for tl in emulator.data.tree.lists
            for t in api("GET", f"/list/{tl.id}/task", **params).json()["tasks"]
        ]
        assert len(changed) == generated["tasks_updated"] + generated["tasks_created"]


def test_the_taps_next_incremental_read_picks_up_a_write_made_by_another_process(tmp_path):
    state_dir = tmp_path / "sandbox"
    reader = _emulator(state_dir)
    with serve(reader) as running:
        config = {"base_url": running.base_url, **running.credentials, "start_date": "2020-01-01"}
        first, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr
        task_list = _first_list(reader)
        seen = {r["id"]: r for r in records(first, "tasks")}
        old = next(r for r in seen.values() if r["list"]["id"] == task_list.id)
        with serve_process(state_dir) as writer:
            created = writer("POST", f"/list/{task_list.id}/task", {"name": "Written"}).json()
            writer("PUT", f"/task/{old['id']}", {"name": "Edited elsewhere"})
        reader.clear_request_log()
        second, stderr, code = run_tap(tmp_path, config, final_state(first))
        assert code == 0, stderr
    tasks = {r["id"]: r for r in records(second, "tasks")}
    assert tasks[created["id"]]["name"] == "Written"
    assert tasks[old["id"]]["name"] == "Edited elsewhere"
    pages = [e for e in reader.request_log if e.path == f"/api/v2/list/{task_list.id}/task"]
    bookmark = int(pages[0].query["date_updated_gt"][0])
    assert bookmark < int(created["date_updated"])
    assert created["id"] not in seen


def test_reset_without_a_service_clears_every_journal(tmp_path, monkeypatch):
    monkeypatch.setenv(state.STATE_DIR_ENV, str(tmp_path))
    with served(tmp_path) as (emulator, api):
        task = emulator.data.list_tasks(_first_list(emulator)).tasks[0]
        api("POST", f"/task/{task.id}/comment", {"comment_text": "one"})
        api("POST", f"/task/{task.id}/comment", {"comment_text": "two"})
    state.write_generation("clickup", 2, tmp_path)
    result = CliRunner().invoke(main, ["sandbox", "reset"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.output.splitlines()] == [
        {"service": "clickup", "previous_generation": 2, "generation": 0, "changes_cleared": 2}
    ]
    assert state.changes_file("clickup", tmp_path).read_text() == ""
    assert _emulator(tmp_path).counts() == ClickUpEmulator(size="tiny", generation=0).counts()
