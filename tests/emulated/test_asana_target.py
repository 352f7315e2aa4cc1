"""target-asana against the Asana emulator: the calls it makes (request log, bodies wrapped
in ``{"data": …}``), reruns that call nothing, one update per edited row, deletes in mirror
mode, rejects with Asana's message, an interrupted create found by search, comments posted
once, and secrets and bad settings kept to one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.asana import AsanaEmulator
from tests.support.targets import run_target, run_target_process, schema, table_rows

TASK_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string"},
    "name": {"type": "string"},
    "workspace": {"type": ["string", "null"]},
    "projects": {"type": ["array", "null"], "items": {"type": "string"}},
    "notes": {"type": ["string", "null"]},
    "assignee": {"type": ["string", "null"]},
    "due_on": {"type": ["string", "null"]},
    "completed": {"type": ["boolean", "null"]},
}
TASKS_SCHEMA = schema("tasks", TASK_PROPERTIES)
COMMENTS_SCHEMA = schema(
    "comments",
    {"key": {"type": "string"}, "task_gid": {"type": "string"}, "text": {"type": "string"}},
)
BASE = "/api/1.0"


@dataclass
class Asana:
    """A served emulator and a target config pointing at it."""

    emulator: AsanaEmulator
    base_url: str
    token: str
    warehouse: Path

    @property
    def config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "access_token": self.token,
            "warehouse": str(self.warehouse),
        }

    @property
    def workspace(self) -> str:
        return str(self.emulator.org.workspace["gid"])

    @property
    def project(self) -> str:
        return str(next(p for p in self.emulator.org.projects if not p["archived"])["gid"])

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.method != "GET"]

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(
            self.base_url + path,
            params=params,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )

    def remote_id(self, key: str) -> str:
        rows = table_rows(self.warehouse, "SELECT source_key, remote_id FROM writes_asana._id_map")
        return str(dict(rows)[key])


@pytest.fixture
def asana(tmp_path: Path) -> Iterator[Asana]:
    emulator = AsanaEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        yield Asana(
            emulator,
            running.base_url,
            running.credentials["access_token"],
            tmp_path / "warehouse.duckdb",
        )


def task(asana: Asana, key: str, **fields: Any) -> dict[str, Any]:
    record = {"key": key, "name": f"Task {key}", "workspace": asana.workspace, **fields}
    return {"type": "RECORD", "stream": "tasks", "record": record}


def test_creates_send_the_declared_calls_and_reruns_send_none(
    asana: Asana, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user = str(asana.emulator.org.users[1]["gid"])
    messages = [
        TASKS_SCHEMA,
        task(
            asana,
            "a",
            projects=[asana.project],
            notes="First",
            assignee=user,
            due_on="2026-03-01",
            completed=False,
        ),
        task(asana, "b"),
        {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": 2}}}},
    ]

    first = run_target("asana", asana.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert first.states == [{"bookmarks": {"tasks": {"n": 2}}}]
    created = asana.writes()
    # both new tasks go in one batch request, each as an action carrying its create's data
    assert [(e.method, e.path, e.body) for e in created] == [
        (
            "POST",
            f"{BASE}/batch",
            {
                "data": {
                    "actions": [
                        {
                            "method": "post",
                            "relative_path": "/tasks",
                            "data": {
                                "workspace": asana.workspace,
                                "projects": [asana.project],
                                "name": "Task a",
                                "notes": "First",
                                "assignee": user,
                                "due_on": "2026-03-01",
                                "completed": False,
                            },
                        },
                        {
                            "method": "post",
                            "relative_path": "/tasks",
                            "data": {"workspace": asana.workspace, "name": "Task b"},
                        },
                    ]
                }
            },
        ),
    ]
    read_back = asana.get(f"/tasks/{asana.remote_id('a')}").json()["data"]
    assert (read_back["name"], read_back["notes"], read_back["due_on"]) == (
        "Task a",
        "First",
        "2026-03-01",
    )
    assert read_back["assignee"]["gid"] == user

    asana.emulator.clear_request_log()
    again = run_target("asana", asana.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert asana.emulator.request_log == []
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in again.stderr


def test_an_edited_row_makes_exactly_one_update_without_the_scope(
    asana: Asana, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [task(asana, "a"), task(asana, "b"), task(asana, "c")]
    assert run_target("asana", asana.config, [TASKS_SCHEMA, *rows], tmp_path, capsys).code == 0
    remote_b = asana.remote_id("b")
    asana.emulator.clear_request_log()
    rows[1] = task(asana, "b", name="Task b renamed", completed=True)

    run = run_target("asana", asana.config, [TASKS_SCHEMA, *rows], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path, e.body) for e in asana.emulator.request_log] == [
        ("PUT", f"{BASE}/tasks/{remote_b}", {"data": {"name": "Task b renamed", "completed": True}})
    ]
    read_back = asana.get(f"/tasks/{remote_b}").json()["data"]
    assert (read_back["name"], read_back["completed"]) == ("Task b renamed", True)


def test_mirror_deletes_the_tasks_of_rows_gone_from_a_full_table_version(
    asana: Asana, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {**asana.config, "modes": {"tasks": "mirror"}}
    version = {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": 1}
    first = [TASKS_SCHEMA, task(asana, "a"), task(asana, "b"), version]
    assert run_target("asana", config, first, tmp_path, capsys).code == 0
    remote_b = asana.remote_id("b")
    asana.emulator.clear_request_log()

    run = run_target("asana", config, [TASKS_SCHEMA, task(asana, "a"), version], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path) for e in asana.emulator.request_log] == [
        ("DELETE", f"{BASE}/tasks/{remote_b}")
    ]
    assert asana.get(f"/tasks/{remote_b}").status_code == 404
    assert table_rows(asana.warehouse, "SELECT source_key FROM writes_asana._id_map") == [("a",)]


def test_a_validation_error_lands_in_the_rejects_table_with_asanas_message(
    asana: Asana, tmp_path: Path
) -> None:
    messages = [
        TASKS_SCHEMA,
        task(asana, "good"),
        task(asana, "bad", due_on="soon"),
        task(asana, "after"),
        {"type": "STATE", "value": {"bookmarks": {"tasks": {"n": 3}}}},
    ]

    run = run_target_process("asana", asana.config, messages, tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "target-asana: 1 record rejected by the service; each is in "
        f"writes_asana._write_rejects of {asana.warehouse} with the call, the status and "
        "the service's error"
    )
    assert run.states == [{"bookmarks": {"tasks": {"n": 3}}}]
    ((key, call, status, error),) = table_rows(
        asana.warehouse,
        "SELECT source_key, call, status, error FROM writes_asana._write_rejects",
    )
    # the three went in one batch: the bad one is refused alone, the others are made
    assert [(e.method, e.path) for e in asana.writes()] == [("POST", f"{BASE}/batch")]
    assert (key, call, status) == ("bad", "POST /batch", 400)
    assert json.loads(error)["errors"][0]["message"] == "due_on: Not a valid date: soon"
    assert table_rows(
        asana.warehouse, "SELECT source_key FROM writes_asana._id_map ORDER BY 1"
    ) == [("after",), ("good",)]
    for text in (run.stdout, run.stderr, error):
        assert asana.token not in text


def test_an_interrupted_create_is_found_by_search_before_creating_again(
    asana: Asana, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from targets.runtime.idmap import IdMap

    made = requests.post(
        f"{asana.base_url}/tasks",
        json={"data": {"workspace": asana.workspace, "name": "Task lost"}},
        headers={"Authorization": f"Bearer {asana.token}"},
        timeout=10,
    ).json()["data"]["gid"]
    id_map = IdMap(str(asana.warehouse), "writes_asana", lock_timeout=5)
    id_map.intend("tasks", "lost", "tasks")
    id_map.release()
    asana.emulator.clear_request_log()

    run = run_target(
        "asana", asana.config, [TASKS_SCHEMA, task(asana, "lost", notes="x")], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    log = asana.emulator.request_log
    assert [(e.method, e.path) for e in log] == [
        ("GET", f"{BASE}/workspaces/{asana.workspace}/tasks/search"),
        ("PUT", f"{BASE}/tasks/{made}"),
    ]
    assert table_rows(asana.warehouse, "SELECT remote_id FROM writes_asana._id_map") == [(made,)]


def test_comments_are_posted_once(
    asana: Asana, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task_gid = str(asana.emulator.org.all_tasks()[0]["gid"])

    def comment(text: str) -> dict[str, Any]:
        record = {"key": "c1", "task_gid": task_gid, "text": text}
        return {"type": "RECORD", "stream": "comments", "record": record}

    first = run_target("asana", asana.config, [COMMENTS_SCHEMA, comment("Hello")], tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert [(e.method, e.path, e.body) for e in asana.writes()] == [
        ("POST", f"{BASE}/tasks/{task_gid}/stories", {"data": {"text": "Hello"}})
    ]
    stories = asana.get(f"/tasks/{task_gid}/stories", opt_fields="text").json()["data"]
    assert [s["gid"] for s in stories if s["text"] == "Hello"] == [asana.remote_id("c1")]
    asana.emulator.clear_request_log()

    again = run_target(
        "asana", asana.config, [COMMENTS_SCHEMA, comment("Hello, edited")], tmp_path, capsys
    )

    assert again.code == 0, again.stderr
    assert asana.emulator.request_log == []  # Asana's API edits no comment: insert mode


def test_a_refused_token_stops_the_run_in_one_line_without_showing_it(
    asana: Asana, tmp_path: Path
) -> None:
    wrong = "2/1111111111/2222222222:WRONGTOKENVALUE"
    config = {**asana.config, "access_token": wrong}

    run = run_target_process("asana", config, [TASKS_SCHEMA, task(asana, "a")], tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-asana: asana: Asana rejected the token"), last
    assert wrong not in run.stderr + run.stdout


def test_a_missing_token_is_one_line_naming_the_setting(asana: Asana, tmp_path: Path) -> None:
    config = {k: v for k, v in asana.config.items() if k != "access_token"}

    run = run_target_process("asana", config, [TASKS_SCHEMA, task(asana, "a")], tmp_path)

    assert run.code != 0
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-asana: invalid settings:"), last
    assert "access_token" in last
    assert asana.emulator.request_log == []


def test_new_tasks_go_ten_actions_a_batch_each_answered_on_its_own(
    asana: Asana, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [task(asana, f"k{n:02d}") for n in range(22)]
    records[13] = task(asana, "k13", assignee="bob")

    run = run_target("asana", asana.config, [TASKS_SCHEMA, *records], tmp_path, capsys)

    assert run.code == 1
    batches = [e for e in asana.writes() if e.path == f"{BASE}/batch"]
    assert [len(e.body["data"]["actions"]) for e in batches] == [10, 10, 2]
    assert len(asana.writes()) == 3
    ((key, status, error),) = table_rows(
        asana.warehouse, "SELECT source_key, status, error FROM writes_asana._write_rejects"
    )
    assert (key, status) == ("k13", 400)
    assert json.loads(error)["errors"][0]["message"] == "assignee: Not a Long: bob"
    mapped = dict(
        table_rows(asana.warehouse, "SELECT source_key, remote_id FROM writes_asana._id_map")
    )
    assert len(mapped) == 21
    assert "k13" not in mapped
    assert asana.get(f"/tasks/{mapped['k21']}").json()["data"]["name"] == "Task k21"


def test_each_action_of_a_batch_spends_the_rate_limit_so_none_draws_a_429(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Asana counts every action of a batch as a request: with 10 a window, the second
    # batch of 10 must wait for the next window instead of being refused action by action.
    emulator = AsanaEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit="10/2s")
    with serve(emulator) as running:
        asana = Asana(
            emulator,
            running.base_url,
            running.credentials["access_token"],
            tmp_path / "warehouse.duckdb",
        )
        config = {**asana.config, "rate_limit_requests": 10, "rate_limit_per": 2}
        records = [task(asana, f"k{n:02d}") for n in range(20)]

        run = run_target("asana", config, [TASKS_SCHEMA, *records], tmp_path, capsys)

        assert run.code == 0, run.stderr
        assert [len(e.body["data"]["actions"]) for e in asana.writes()] == [10, 10]
        assert all(e.status == 200 for e in emulator.request_log)
        assert "20 created" in run.stderr


def test_an_action_throttled_inside_a_batch_is_sent_again_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the target is told no limit: the emulator answers the actions over its own with 429
    # inside the batch, and those records are created on their own once it allows
    emulator = AsanaEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit="6/2s")
    with serve(emulator) as running:
        asana = Asana(
            emulator,
            running.base_url,
            running.credentials["access_token"],
            tmp_path / "warehouse.duckdb",
        )
        config = {**asana.config, "rate_limit_requests": 1000, "rate_limit_per": 1}
        records = [task(asana, f"k{n}") for n in range(8)]

        run = run_target("asana", config, [TASKS_SCHEMA, *records], tmp_path, capsys)

        assert run.code == 0, run.stderr
        (batch, *alone) = asana.writes()
        assert batch.path == f"{BASE}/batch"
        assert {(e.method, e.path) for e in alone} == {("POST", f"{BASE}/tasks")}
        assert "8 created" in run.stderr
        rejects = "SELECT count(*) FROM writes_asana._write_rejects"
        assert table_rows(asana.warehouse, rejects) == [(0,)]
