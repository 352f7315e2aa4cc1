"""Every ClickUp emulator endpoint answers what ClickUp's OpenAPI v2 document promises.

The document (ClickUp's own, OpenAPI 3.1 = JSON Schema 2020-12) is vendor reference data
kept next to the repository; without it these tests skip. Where the document contradicts
ClickUp's real responses or itself, ``ERRATA`` (in tests/support/clickup_reference.py) patches it; the
recorded real task responses must validate against the patched document too.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import Client

from brainhub.sandbox.services.clickup import ClickUpEmulator
from tests.support.clickup_reference import (
    ABSENT_REASON,
    DOCUMENT,
    REFERENCE_DIR,
    URI,
    patched_document,
    pointer_to,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)


@pytest.fixture(scope="module")
def validator_for() -> Callable[[str, str], Draft202012Validator]:
    document = patched_document()
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource(URI, resource)

    def build(path: str, method: str) -> Draft202012Validator:
        pointer = "/".join(
            key.replace("~", "~0").replace("/", "~1") for key in pointer_to(path, method)
        )
        return Draft202012Validator({"$ref": f"{URI}#/{pointer}"}, registry=registry)

    return build


@pytest.fixture(scope="module")
def emulator() -> ClickUpEmulator:
    return ClickUpEmulator(size="tiny", generation=1, rate_limit=100_000)


def _ids(emulator: ClickUpEmulator) -> dict[str, str]:
    tree = emulator.data.tree
    space = tree.spaces[0]
    folder = space.folders[0]
    task_list = folder.lists[0]
    tasks = emulator.data.list_tasks(tree.lists[0]).tasks
    commented = next(t for t in tasks if any(c.assignee_index is not None for c in t.comments))
    return {
        "team": tree.team_id,
        "space": space.id,
        "folder": folder.id,
        "list": task_list.id,
        "folderless": space.lists[0].id,
        "task": commented.id,
    }


OPERATIONS = [
    ("/v2/team", "get", "/team"),
    ("/v2/team/{team_id}/space", "get", "/team/{team}/space"),
    ("/v2/team/{team_id}/space", "get", "/team/{team}/space?archived=true"),
    ("/v2/space/{space_id}/folder", "get", "/space/{space}/folder"),
    ("/v2/folder/{folder_id}/list", "get", "/folder/{folder}/list"),
    ("/v2/space/{space_id}/list", "get", "/space/{space}/list"),
    ("/v2/list/{list_id}/task", "get", "/list/{list}/task?include_closed=true&subtasks=true"),
    ("/v2/list/{list_id}/task", "get", "/list/{folderless}/task?archived=true"),
    ("/v2/task/{task_id}", "get", "/task/{task}?include_subtasks=true"),
    ("/v2/task/{task_id}/comment", "get", "/task/{task}/comment"),
    ("/v2/list/{list_id}/field", "get", "/list/{list}/field"),
    ("/v2/space/{space_id}/tag", "get", "/space/{space}/tag"),
    ("/v2/team/{team_id}/goal", "get", "/team/{team}/goal"),
    ("/v2/team/{team_Id}/time_entries", "get", "/team/{team}/time_entries?start_date=0"),
]


@pytest.mark.parametrize(("path", "method", "url"), OPERATIONS)
def test_response_validates_against_the_openapi_document(
    validator_for, emulator, path, method, url
):
    headers = {"Authorization": emulator.credentials["api_token"]}
    response = Client(emulator).open(
        "/api/v2" + url.format(**_ids(emulator)), method=method.upper(), headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator_for(path, method).iter_errors(body)
    ]
    assert errors == []
    assert any(value for value in body.values()), f"{url} returned only empty collections"


@pytest.mark.parametrize(
    ("path", "method", "url", "body"),
    [
        ("/v2/list/{list_id}/task", "post", "/list/{list}/task", {"name": "New", "priority": 2}),
        ("/v2/task/{task_id}", "put", "/task/{task}", {"status": "complete"}),
        ("/v2/task/{task_id}/comment", "post", "/task/{task}/comment", {"comment_text": "Hi"}),
    ],
)
def test_write_responses_validate_against_the_openapi_document(
    validator_for, path, method, url, body
):
    emulator = ClickUpEmulator(size="tiny", generation=0)
    headers = {"Authorization": emulator.credentials["api_token"]}
    response = Client(emulator).open(
        "/api/v2" + url.format(**_ids(emulator)), method=method.upper(), headers=headers, json=body
    )
    assert response.status_code == 200, response.text
    errors = [e.message for e in validator_for(path, method).iter_errors(response.json)]
    assert errors == []


@pytest.mark.parametrize(
    "fixture", ["task.json", "task_two.json", "archived_task.json", "archived_task_two.json"]
)
def test_recorded_real_responses_validate_against_the_patched_document(validator_for, fixture):
    recorded = json.loads((REFERENCE_DIR / "fixtures" / fixture).read_text(encoding="utf-8"))
    validator = validator_for("/v2/list/{list_id}/task", "get")
    assert [e.message for e in validator.iter_errors(recorded)] == []


def test_emulated_tasks_carry_every_field_of_the_recorded_ones(emulator):
    recorded = json.loads((REFERENCE_DIR / "fixtures" / "task.json").read_text(encoding="utf-8"))
    expected_keys = set(recorded["tasks"][0])
    headers = {"Authorization": emulator.credentials["api_token"]}
    list_id = emulator.data.tree.lists[0].id
    response = Client(emulator).get(f"/api/v2/list/{list_id}/task", headers=headers)
    for task in response.json["tasks"]:
        assert expected_keys <= set(task)
        assert isinstance(task["date_updated"], str)
        assert task["date_updated"].isdigit()


def test_the_validator_rejects_wrong_shapes(validator_for):
    assert list(validator_for("/v2/team", "get").iter_errors({"teams": [{"id": 1}]}))
    tasks = validator_for("/v2/list/{list_id}/task", "get")
    assert list(tasks.iter_errors({"tasks": [{"date_updated": 1629300637036}]}))
