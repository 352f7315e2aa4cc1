"""References translated through the id map and value maps, against the ClickUp emulator:
source users become assignees by a user map (unmapped ones left out, or the record
rejected), a subtask's parent is the task written for its parent's source key (a child
before its parent waits for it, and STATE with it), and bad settings are one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.clickup import ClickUpEmulator
from tests.emulated.test_clickup_target import TASK_PROPERTIES, ClickUp, state_message, task
from tests.support.targets import run_target, run_target_process, schema, table_rows

TASKS_SCHEMA = schema(
    "tasks",
    {
        **TASK_PROPERTIES,
        "source_assignees": {"type": ["array", "null"], "items": {"type": "string"}},
        "source_parent": {"type": ["string", "null"]},
    },
)


@pytest.fixture
def clickup(tmp_path: Path) -> Iterator[ClickUp]:
    emulator = ClickUpEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        yield ClickUp(
            emulator,
            running.base_url,
            running.credentials["api_token"],
            next(iter(emulator.data.tree.lists_by_id.values())),
            tmp_path / "warehouse.duckdb",
        )


def user_ids(clickup: ClickUp) -> list[int]:
    return [user.id for user in clickup.emulator.data.tree.users]


def remote_ids(clickup: ClickUp) -> dict[str, str]:
    return dict(
        table_rows(clickup.warehouse, "SELECT source_key, remote_id FROM writes_clickup._id_map")
    )


def test_source_users_become_assignees_through_the_user_map_and_unmapped_ones_are_left_out(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = user_ids(clickup)[:2]
    users = tmp_path / "users.csv"
    users.write_text(f"login,clickup_id\nada,{first}\nbruno,{second}\n")
    config = {**clickup.config, "value_maps": {"users": str(users)}}
    messages = [
        TASKS_SCHEMA,
        task(clickup, "a", source_assignees=["ada", "nobody", "bruno"]),
        task(clickup, "b", source_assignees=["nobody"]),
        task(clickup, "c"),
    ]

    run = run_target("clickup", config, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    bodies = {e.body["name"]: e.body for e in clickup.writes()}
    assert bodies["Task a"]["assignees"] == [str(first), str(second)]
    assert bodies["Task b"]["assignees"] == []
    assert "assignees" not in bodies["Task c"]
    assert "source_assignees" not in json.dumps(bodies)


def test_the_references_setting_can_make_an_unmapped_user_a_reject(
    clickup: ClickUp, tmp_path: Path
) -> None:
    config = {
        **clickup.config,
        "value_maps": {"users": {"ada": user_ids(clickup)[0]}},
        "references": {
            "tasks": {"assignees": {"map": "users", "key": "source_assignees", "list": True}}
        },
    }
    messages = [TASKS_SCHEMA, task(clickup, "a", source_assignees=["ada", "zed"])]

    run = run_target_process("clickup", config, messages, tmp_path)

    assert run.code == 1
    assert clickup.writes() == []
    ((key, error),) = table_rows(
        clickup.warehouse, "SELECT source_key, error FROM writes_clickup._write_rejects"
    )
    assert key == "a"
    assert error.startswith("source_assignees 'zed' is not in value map 'users'")


def test_a_child_before_its_parent_waits_for_it_and_so_does_the_state(
    clickup: ClickUp, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = [
        TASKS_SCHEMA,
        task(clickup, "child", source_parent="parent"),
        state_message(1),
        task(clickup, "parent"),
        task(clickup, "grandchild", source_parent="child"),
        state_message(3),
        task(clickup, "other"),
    ]

    run = run_target("clickup", clickup.config, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    ids = remote_ids(clickup)
    creates = [(e.body["name"], e.body.get("parent")) for e in clickup.writes()]
    assert creates == [
        ("Task parent", None),
        ("Task child", ids["parent"]),
        ("Task grandchild", ids["child"]),
        ("Task other", None),
    ]
    # STATE 1 came while the child waited: it is covered by STATE 3, sent once it was written
    assert run.states == [state_message(3)["value"]]

    clickup.emulator.clear_request_log()
    again = run_target("clickup", clickup.config, messages, tmp_path, capsys)
    assert again.code == 0, again.stderr
    assert clickup.writes() == []


def test_a_parent_that_never_comes_rejects_the_child_at_the_end(
    clickup: ClickUp, tmp_path: Path
) -> None:
    messages = [TASKS_SCHEMA, task(clickup, "orphan", source_parent="gone"), task(clickup, "x")]

    run = run_target_process("clickup", clickup.config, messages, tmp_path)

    assert run.code == 1
    assert [e.body["name"] for e in clickup.writes()] == ["Task x"]
    ((key, error),) = table_rows(
        clickup.warehouse, "SELECT source_key, error FROM writes_clickup._write_rejects"
    )
    assert (key, error.split(" (")[0]) == (
        "orphan",
        "source_parent 'gone' is not in the id map of stream 'tasks'",
    )


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"value_maps": {"users": "no/such/users.yaml"}},
            "target-clickup: setting 'value_maps.users': cannot read no/such/users.yaml",
        ),
        (
            {"references": {"boards": {"x": {"key": "y"}}}},
            "target-clickup: setting 'references' names 'boards', which is no object type",
        ),
        (
            {"references": {"tasks": {"x": {"key": "y", "map": "users", "missing": "defer"}}}},
            "target-clickup: setting 'references.tasks.x.missing': a value map does not grow",
        ),
    ],
    ids=["missing map file", "unknown object type", "defer on a value map"],
)
def test_bad_reference_settings_are_one_line(
    clickup: ClickUp, tmp_path: Path, settings: dict[str, Any], expected: str
) -> None:
    run = run_target_process(
        "clickup", {**clickup.config, **settings}, [TASKS_SCHEMA, task(clickup, "a")], tmp_path
    )

    assert run.code != 0
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith(expected), run.stderr


# --------------------------------------------------------------------------- idempotency keys


def test_a_create_sent_again_after_a_stop_carries_the_same_idempotency_key(
    clickup: ClickUp,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    import msgspec

    from brainhub.errors import SyncInterrupted
    from brainhub.spec.writes import IdempotencyKey
    from targets.runtime import cli
    from targets.runtime.calls import Sender

    # ClickUp documents no idempotency key (nor does any shipped service): a spec that
    # declares one shows the runtime's side, with a header ClickUp's emulator ignores.
    shipped = cli.load_writer_spec("clickup")
    tasks = shipped.writes["tasks"]
    create = msgspec.structs.replace(
        tasks.operations.create, idempotency_key=IdempotencyKey(header="Idempotency-Key")
    )
    # no lookup identity: what finds an interrupted create here is the key alone
    declared = msgspec.structs.replace(
        tasks,
        identity=None,
        mode="insert",
        operations=msgspec.structs.replace(tasks.operations, create=create),
    )
    spec = dataclasses.replace(shipped, writes={**shipped.writes, "tasks": declared})
    monkeypatch.setattr(cli, "load_writer_spec", lambda service: spec)
    real_send = Sender.send

    def stopped_after_the_create(self: Sender, call: Any, **options: Any) -> Any:
        real_send(self, call, **options)
        raise SyncInterrupted(15)  # the answer is never recorded

    monkeypatch.setattr(Sender, "send", stopped_after_the_create)
    messages = [TASKS_SCHEMA, task(clickup, "a"), task(clickup, "b")]
    assert run_target("clickup", clickup.config, messages[:2], tmp_path, capsys).code == 143
    monkeypatch.setattr(Sender, "send", real_send)

    rerun = run_target("clickup", clickup.config, messages, tmp_path, capsys)

    assert rerun.code == 0, rerun.stderr
    sent = [(e.body["name"], e.headers.get("Idempotency-Key")) for e in clickup.writes()]
    assert [name for name, _ in sent] == ["Task a", "Task a", "Task b"]
    (first, again, other) = [key for _, key in sent]
    assert first is not None
    assert first == again, "the create sent again carries the key of the first"
    assert other is not None
    assert other != first
    # once the object is recorded, the key is not kept any more
    kept = table_rows(clickup.warehouse, "SELECT kept FROM writes_clickup._id_map")
    assert all("idempotency" not in (value or "") for (value,) in kept)
