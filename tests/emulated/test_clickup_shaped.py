"""ClickUp operations answered from their documented shape: every one answers, the same
way each time, and the workspace ids it mentions resolve to served objects."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.kit.operations import sample_path
from brainhub.sandbox.services.clickup import ClickUpEmulator
from brainhub.sandbox.services.clickup.operations import OPERATIONS

SHAPED = [op for op in OPERATIONS.served if op.shaped]
#: Where an id of each kind can be read back.
READ_BACK = {
    "team_id": "/team/{}/space",
    "space_id": "/space/{}",
    "folder_id": "/folder/{}",
    "list_id": "/list/{}",
    "task_id": "/task/{}",
    "view_id": "/view/{}",
}


@pytest.fixture(scope="module")
def emulator() -> ClickUpEmulator:
    return ClickUpEmulator(size="tiny", generation=1, rate_limit=100_000)


def _get(emulator: ClickUpEmulator, path: str) -> Any:
    headers = {"Authorization": emulator.credentials["api_token"]}
    return Client(emulator).get(f"/api/v2{path}", headers=headers)


def _real_path(emulator: ClickUpEmulator, template: str) -> str:
    tree = emulator.data.tree
    space = next(s for s in tree.spaces if not s.archived and s.folders)
    values = {
        "team_id": tree.team_id,
        "space_id": space.id,
        "folder_id": space.folders[0].id,
        "list_id": space.folders[0].lists[0].id,
        "timer_id": tree.time_entries[0].id,
        "view_id": "3c-1",
        "comment_id": "1",
    }
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    query = {"/group": f"?team_id={tree.team_id}", "/team/{}/taskTemplate": "?page=0"}
    return template + query.get(template.replace(tree.team_id, "{}"), "")


def _ids(value: Any, parent: str = "") -> list[tuple[str, str]]:
    """(kind, id) pairs: ``task_id`` fields, and ``id`` inside a ``task``/``view``… object."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in READ_BACK and isinstance(item, str | int):
                found.append((key, str(item)))
            elif key == "id" and f"{parent}_id" in READ_BACK:
                found.append((f"{parent}_id", str(item)))
            found += _ids(item, key)
    elif isinstance(value, list):
        for item in value:
            found += _ids(item, parent[:-1] if parent.endswith("s") else parent)
    return found


@pytest.mark.parametrize("operation", SHAPED, ids=[op.key for op in SHAPED])
def test_shaped_answers_are_stable_and_their_ids_resolve(emulator, operation):
    path = _real_path(emulator, operation.path)
    first = _get(emulator, path)
    assert first.status_code == 200, f"{path}: {first.text}"
    assert first.json == _get(emulator, path).json
    for kind, value in _ids(first.json):
        answer = _get(emulator, READ_BACK[kind].format(value))
        assert answer.status_code == 200, f"{operation.key}: {kind} {value} does not resolve"


@pytest.mark.parametrize(
    ("path", "ecode"),
    [
        ("/team/1/view", "OAUTH_027"),
        ("/space/1/view", "ITEM_015"),
        ("/list/1/view", "ITEM_013"),
        ("/team/{team_id}/time_entries/1/history", "TIMEENTRY_002"),
        ("/group?team_id=1", "OAUTH_027"),
        ("/group", "INPUT_013"),
    ],
)
def test_shaped_operations_refuse_unknown_ids_and_missing_parameters(emulator, path, ecode):
    answer = _get(emulator, path.replace("{team_id}", emulator.data.tree.team_id))
    assert answer.status_code >= 400
    assert answer.json["ECODE"] == ecode


def test_every_shaped_operation_is_sampled():
    assert len(SHAPED) >= 15
    assert all("{" not in sample_path(op.path) for op in SHAPED)
