"""target-clickup against the ClickUp emulator: the calls it makes (request log), reruns
that call nothing, one update per edited row, rejects with ClickUp's message, a SIGKILL
mid-stream resumed without duplicates, dry runs, and secrets kept out of every output."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve, state
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.clickup import ClickUpEmulator
from brainhub.sandbox.services.clickup.hierarchy import TaskList
from tests.support.targets import (
    run_target,
    run_target_process,
    schema,
    singer_lines,
    start_target,
    table_rows,
)

TASK_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string"},
    "name": {"type": "string"},
    "list_id": {"type": "string"},
    "description": {"type": ["string", "null"]},
    "status": {"type": ["string", "null"]},
    "priority": {"type": ["integer", "null"]},
    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
    "assignees": {"type": ["array", "null"], "items": {"type": "integer"}},
    "custom_fields": {"type": ["array", "null"], "items": {"type": "object"}},
    "due_date": {"type": ["string", "null"], "format": "date-time"},
}
TASKS_SCHEMA = schema("tasks", TASK_PROPERTIES)


@dataclass
class ClickUp:
    """A served emulator, one of its lists, and a target config pointing at both."""

    emulator: ClickUpEmulator
    base_url: str
    token: str
    task_list: TaskList
    warehouse: Path

    @property
    def config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_token": self.token,
            "warehouse": str(self.warehouse),
        }

    def task_list_of(self, emulator: ClickUpEmulator) -> TaskList:
        """This list in another emulator of the same seed and size."""
        return emulator.data.tree.lists_by_id[self.task_list.id]

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.method != "GET"]

    def task_names(self) -> list[str]:
        """Names of every task of the list, through the API (all pages)."""
        names: list[str] = []
        for page in range(100):
            answer = requests.get(
                f"{self.base_url}/list/{self.task_list.id}/task",
                params={"page": page, "include_closed": "true", "subtasks": "true"},
                headers={"Authorization": self.token},
                timeout=10,
            ).json()
            names += [task["name"] for task in answer["tasks"]]
            if answer.get("last_page", True):
                return names
        raise AssertionError("more than 100 pages of tasks")


@pytest.fixture
def clickup(tmp_path: Path) -> Iterator[ClickUp]:
    emulator = ClickUpEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        task_list = next(iter(emulator.data.tree.lists_by_id.values()))
        yield ClickUp(
            emulator,
            running.base_url,
            running.credentials["api_token"],
            task_list,
            tmp_path / "warehouse.duckdb",
        )


def task(clickup: ClickUp, key: str, **fields: Any) -> dict[str, Any]:
    record = {"key": key, "name": f"Task {key}", "list_id": clickup.task_list.id, **fields}
    return {"type": "RECORD", "stream": "tasks", "record": record}


def state_message(n: int) -> dict[str, Any]:
    return {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": n}}}}


def test_creates_send_the_declared_calls_and_reruns_send_none(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text_field = next(f for f in clickup.task_list.fields if f.type == "short_text")
    user = clickup.emulator.data.tree.users[0].id
    messages = [
        TASKS_SCHEMA,
        task(
            clickup,
            "a",
            description="First",
            status="in progress",
            priority=2,
            tags=["bug"],
            assignees=[user],
            custom_fields=[{"id": text_field.id, "value": "hello"}],
            due_date="2026-01-02T00:00:00Z",
        ),
        task(clickup, "b"),
        state_message(2),
    ]

    first = run_target("clickup", clickup.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert first.states == [{"bookmarks": {"tasks": {"n": 2}}}]
    created = clickup.writes()
    list_path = f"/api/v2/list/{clickup.task_list.id}/task"
    assert [(e.method, e.path) for e in created][:1] == [("POST", list_path)]
    assert created[0].body == {
        "name": "Task a",
        "description": "First",
        "status": "in progress",
        "priority": 2,
        "tags": ["bug"],
        "assignees": [user],
        "due_date": "1767312000000",
    }
    remote_a, remote_b = (
        row[0]
        for row in table_rows(
            clickup.warehouse,
            "SELECT remote_id FROM writes_clickup._id_map ORDER BY source_key",
        )
    )
    assert (created[1].method, created[1].path, created[1].body) == (
        "POST",
        f"/api/v2/task/{remote_a}/field/{text_field.id}",
        {"value": "hello"},
    )
    assert (created[2].method, created[2].path, created[2].body) == (
        "POST",
        list_path,
        {"name": "Task b"},
    )
    assert len(created) == 3
    assert remote_b != remote_a

    clickup.emulator.clear_request_log()
    again = run_target("clickup", clickup.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert clickup.emulator.request_log == []
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in again.stderr
    assert clickup.task_names().count("Task a") == 1


def test_an_edited_row_makes_exactly_one_update(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [task(clickup, "a"), task(clickup, "b"), task(clickup, "c")]
    assert run_target("clickup", clickup.config, [TASKS_SCHEMA, *rows], tmp_path, capsys).code == 0
    remote_b = table_rows(
        clickup.warehouse, "SELECT remote_id FROM writes_clickup._id_map WHERE source_key = 'b'"
    )[0][0]
    clickup.emulator.clear_request_log()
    rows[1] = task(clickup, "b", name="Task b renamed", priority=1)

    run = run_target("clickup", clickup.config, [TASKS_SCHEMA, *rows], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path, e.body) for e in clickup.emulator.request_log] == [
        ("PUT", f"/api/v2/task/{remote_b}", {"name": "Task b renamed", "priority": 1})
    ]
    names = clickup.task_names()
    assert "Task b renamed" in names
    assert "Task b" not in names


def test_mirror_deletes_the_objects_of_rows_gone_from_a_full_table_version(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {**clickup.config, "modes": {"tasks": "mirror"}}
    version = {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": 1}
    first = [TASKS_SCHEMA, task(clickup, "a"), task(clickup, "b"), version]
    assert run_target("clickup", config, first, tmp_path, capsys).code == 0
    remote_b = table_rows(
        clickup.warehouse, "SELECT remote_id FROM writes_clickup._id_map WHERE source_key = 'b'"
    )[0][0]
    clickup.emulator.clear_request_log()

    run = run_target(
        "clickup", config, [TASKS_SCHEMA, task(clickup, "a"), version], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    assert [(e.method, e.path) for e in clickup.emulator.request_log] == [
        ("DELETE", f"/api/v2/task/{remote_b}")
    ]
    assert table_rows(clickup.warehouse, "SELECT source_key FROM writes_clickup._id_map") == [
        ("a",)
    ]
    assert "Task b" not in clickup.task_names()


def test_without_mirror_nothing_is_deleted(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    version = {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": 1}
    run_target(
        "clickup",
        clickup.config,
        [TASKS_SCHEMA, task(clickup, "a"), task(clickup, "b"), version],
        tmp_path,
        capsys,
    )
    clickup.emulator.clear_request_log()

    run = run_target(
        "clickup", clickup.config, [TASKS_SCHEMA, task(clickup, "a"), version], tmp_path, capsys
    )

    assert run.code == 0
    assert clickup.emulator.request_log == []


def test_a_validation_error_lands_in_the_rejects_table_and_fails_the_run(
    clickup: ClickUp, tmp_path: Path
) -> None:
    messages = [
        TASKS_SCHEMA,
        task(clickup, "good"),
        task(clickup, "bad", priority=9),
        task(clickup, "after"),
        state_message(3),
    ]

    run = run_target_process("clickup", clickup.config, messages, tmp_path)

    assert run.code == 1
    last_line = run.stderr.strip().splitlines()[-1]
    assert last_line == (
        "target-clickup: 1 record rejected by the service; each is in "
        f"writes_clickup._write_rejects of {clickup.warehouse} with the call, the status and "
        "the service's error"
    )
    assert "Traceback" not in run.stderr
    assert run.states == [{"bookmarks": {"tasks": {"n": 3}}}]  # the reject is recorded, not lost
    rejects = table_rows(
        clickup.warehouse,
        "SELECT stream, source_key, call, status, error FROM writes_clickup._write_rejects",
    )
    assert len(rejects) == 1
    stream, key, call, status, error = rejects[0]
    assert (stream, key, call, status) == ("tasks", "bad", "POST /list/{record.list_id}/task", 400)
    assert json.loads(error) == {"err": "Priority invalid", "ECODE": "INPUT_007"}
    names = clickup.task_names()
    assert ("Task good" in names, "Task after" in names, "Task bad" in names) == (True, True, False)
    assert table_rows(
        clickup.warehouse, "SELECT source_key FROM writes_clickup._id_map ORDER BY 1"
    ) == [("after",), ("good",)]


def test_dry_run_calls_nothing_and_prints_the_plan_with_changed_fields(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run_target(
            "clickup", clickup.config, [TASKS_SCHEMA, task(clickup, "a")], tmp_path, capsys
        ).code
        == 0
    )
    map_before = table_rows(clickup.warehouse, "SELECT * FROM writes_clickup._id_map")
    clickup.emulator.clear_request_log()
    messages = [
        TASKS_SCHEMA,
        task(clickup, "a", priority=3),
        task(clickup, "new"),
        state_message(2),
    ]

    run = run_target("clickup", {**clickup.config, "dry_run": True}, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert clickup.emulator.request_log == []
    assert run.stdout == ""  # no STATE: nothing was written
    assert "target-clickup dry run: nothing was sent" in run.stderr
    assert "tasks: 1 creates, 1 updates, 0 deletes, 0 unchanged" in run.stderr
    assert "update: priority None → 3" in run.stderr
    assert table_rows(clickup.warehouse, "SELECT * FROM writes_clickup._id_map") == map_before


def test_an_interrupted_create_is_found_by_the_lookup_before_creating_again(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The intent row of a create whose answer was lost: the object exists, its id is not kept."""
    from targets.runtime.idmap import IdMap

    answer = requests.post(
        f"{clickup.base_url}/list/{clickup.task_list.id}/task",
        json={"name": "Task lost"},
        headers={"Authorization": clickup.token},
        timeout=10,
    ).json()
    id_map = IdMap(str(clickup.warehouse), "writes_clickup", lock_timeout=5)
    id_map.intend("tasks", "lost", "tasks")
    id_map.release()
    clickup.emulator.clear_request_log()

    run = run_target(
        "clickup", clickup.config, [TASKS_SCHEMA, task(clickup, "lost")], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    assert [e.method for e in clickup.emulator.request_log] == ["GET", "PUT"]
    assert clickup.emulator.request_log[1].path == f"/api/v2/task/{answer['id']}"
    assert clickup.task_names().count("Task lost") == 1
    assert table_rows(clickup.warehouse, "SELECT remote_id FROM writes_clickup._id_map") == [
        (answer["id"],)
    ]


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_stop_mid_stream_then_a_rerun_from_the_last_state_makes_no_duplicates(
    clickup: ClickUp, tmp_path: Path, signum: int
) -> None:
    total = 30
    records = [task(clickup, f"k{n:02d}") for n in range(total)]
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(clickup.config))
    env = {state.STATE_DIR_ENV: str(tmp_path / "sandbox")}
    process = start_target("clickup", config_file, env)
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(singer_lines([TASKS_SCHEMA]))
    states = []
    for n, record in enumerate(records):
        # One record and its STATE at a time: the next is sent once the target has written
        # this one, so the signal lands while record n is being written.
        process.stdin.write(singer_lines([record, state_message(n)]))
        process.stdin.flush()
        if n == total // 2:
            process.send_signal(signum)
            break
        states.append(json.loads(process.stdout.readline()))
    rest, err = process.communicate(timeout=30)
    states += [json.loads(line) for line in rest.splitlines() if line.strip()]
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 128 + signum
        assert "target-clickup: stopped by SIGTERM" in err.strip().splitlines()[-1]
        assert "Traceback" not in err
    last = states[-1]["bookmarks"]["tasks"]["n"]
    assert last >= total // 2 - 1

    resumed = start_target("clickup", config_file, env)
    _out, err = resumed.communicate(singer_lines([TASKS_SCHEMA, *records[last + 1 :]]), timeout=120)

    assert resumed.returncode == 0, err
    names = clickup.task_names()
    for n in range(total):
        assert names.count(f"Task k{n:02d}") == 1, f"Task k{n:02d}"


def test_secrets_never_reach_the_output_or_the_warehouse(clickup: ClickUp, tmp_path: Path) -> None:
    messages = [
        TASKS_SCHEMA,
        task(clickup, "a"),
        task(clickup, "bad", status="nope"),
        state_message(1),
    ]

    run = run_target_process("clickup", clickup.config, messages, tmp_path)

    assert run.code == 1
    stored = table_rows(clickup.warehouse, "SELECT * FROM writes_clickup._id_map") + table_rows(
        clickup.warehouse, "SELECT * FROM writes_clickup._write_rejects"
    )
    for text in (run.stdout, run.stderr, repr(stored)):
        assert clickup.token not in text


def test_a_stream_of_no_object_type_is_one_line_naming_the_setting(
    clickup: ClickUp, tmp_path: Path
) -> None:
    messages = [
        schema("issues", {"key": {"type": "string"}}),
        {"type": "RECORD", "stream": "issues", "record": {"key": "1"}},
    ]

    run = run_target_process("clickup", clickup.config, messages, tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "target-clickup: stream 'issues' is written as object type 'issues', which clickup's "
        "writes do not declare (object types: tasks, comments); map it with the object_types "
        'setting, e.g. {"issues": "tasks"}'
    )


def test_streams_map_to_object_types(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {**clickup.config, "object_types": {"todo_rows": "tasks"}}
    row = {"key": "r1", "name": "From a row", "list_id": clickup.task_list.id}
    messages = [
        schema("todo_rows", TASK_PROPERTIES),
        {"type": "RECORD", "stream": "todo_rows", "record": row},
    ]

    run = run_target("clickup", config, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert "From a row" in clickup.task_names()
    assert table_rows(
        clickup.warehouse, "SELECT stream, object_type FROM writes_clickup._id_map"
    ) == [("todo_rows", "tasks")]


def test_a_sandbox_base_url_serves_the_emulator_on_the_state_dir_and_needs_no_token(
    clickup: ClickUp, tmp_path: Path
) -> None:
    """``sandbox://clickup`` starts an emulator for the run; its writes outlive it (journal)."""
    sandbox_dir = tmp_path / "sandbox"
    config = {"base_url": "sandbox://clickup?size=tiny", "warehouse": str(clickup.warehouse)}
    config_file = tmp_path / "sandbox-config.json"
    config_file.write_text(json.dumps(config))
    messages = [TASKS_SCHEMA, task(clickup, "s1"), state_message(1)]
    env = {state.STATE_DIR_ENV: str(sandbox_dir)}

    runs = []
    for _ in range(2):
        process = start_target("clickup", config_file, env)
        _out, err = process.communicate(singer_lines(messages), timeout=120)
        runs.append((process.returncode, err))

    assert [code for code, _err in runs] == [0, 0], runs
    assert "1 created" in runs[0][1]
    assert "1 unchanged" in runs[1][1]
    later = ClickUpEmulator(size="tiny", state_dir=sandbox_dir)
    written = [
        t for t in later.data.list_tasks(clickup.task_list_of(later)).tasks if t.name == "Task s1"
    ]
    assert len(written) == 1


def test_comments_are_posted_on_their_task_then_edited_in_place(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task_id = clickup.emulator.data.list_tasks(clickup.task_list).tasks[0].id
    comments = schema(
        "comments",
        {
            "key": {"type": "string"},
            "task_id": {"type": "string"},
            "comment_text": {"type": "string"},
        },
    )

    def comment(text: str) -> dict[str, Any]:
        record = {"key": "c1", "task_id": task_id, "comment_text": text}
        return {"type": "RECORD", "stream": "comments", "record": record}

    first = run_target("clickup", clickup.config, [comments, comment("Hello")], tmp_path, capsys)
    assert first.code == 0, first.stderr
    (posted,) = clickup.writes()
    assert (posted.method, posted.path, posted.body) == (
        "POST",
        f"/api/v2/task/{task_id}/comment",
        {"comment_text": "Hello"},
    )
    ((comment_id,),) = table_rows(clickup.warehouse, "SELECT remote_id FROM writes_clickup._id_map")
    clickup.emulator.clear_request_log()

    edited = run_target(
        "clickup", clickup.config, [comments, comment("Hello again")], tmp_path, capsys
    )

    assert edited.code == 0, edited.stderr
    assert [(e.method, e.path, e.body) for e in clickup.emulator.request_log] == [
        ("PUT", f"/api/v2/comment/{comment_id}", {"comment_text": "Hello again"})
    ]


def test_a_refused_token_stops_the_run_in_one_line_without_showing_it(
    clickup: ClickUp, tmp_path: Path
) -> None:
    wrong = "pk_0000000_WRONGTOKENVALUE"
    config = {**clickup.config, "api_token": wrong}

    run = run_target_process("clickup", config, [TASKS_SCHEMA, task(clickup, "a")], tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .startswith("target-clickup: clickup: ClickUp rejected the token")
    )
    assert wrong not in run.stderr + run.stdout
    assert table_rows(clickup.warehouse, "SELECT count(*) FROM writes_clickup._write_rejects") in (
        [],
        [(0,)],
    )


@pytest.mark.parametrize(
    ("mode", "first_calls", "second_calls", "second_code"),
    [
        ("insert", ["POST"], [], 0),  # an existing object is never updated
        ("append", ["POST"], ["POST"], 0),  # every record creates, nothing is kept
        ("update", [], [], 1),  # no object yet: rejected, nothing created
    ],
)
def test_modes_insert_append_and_update(
    clickup: ClickUp,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mode: str,
    first_calls: list[str],
    second_calls: list[str],
    second_code: int,
) -> None:
    config = {**clickup.config, "modes": {"tasks": mode}}
    run_target("clickup", config, [TASKS_SCHEMA, task(clickup, "m")], tmp_path, capsys)
    assert [e.method for e in clickup.emulator.request_log] == first_calls
    clickup.emulator.clear_request_log()

    edited = [TASKS_SCHEMA, task(clickup, "m", priority=1)]
    second = run_target("clickup", config, edited, tmp_path, capsys)

    assert [e.method for e in clickup.emulator.request_log] == second_calls
    assert second.code == second_code
    if mode == "update":
        assert table_rows(
            clickup.warehouse, "SELECT source_key, status, error FROM writes_clickup._write_rejects"
        )[-1] == ("m", None, "no object yet: mode update changes existing ones only")
