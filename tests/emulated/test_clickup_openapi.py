"""Every ClickUp emulator endpoint answers what ClickUp's OpenAPI v2 document promises.

The document (ClickUp's own, OpenAPI 3.1 = JSON Schema 2020-12) is vendor reference data
kept next to the repository; without it these tests skip. Where the document contradicts
ClickUp's real responses or itself, ``ERRATA`` patches it, each with its reason; the
recorded real task responses must validate against the patched document too.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import Client

from brainhub.sandbox.services.clickup import ClickUpEmulator

REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "clickup"
DOCUMENT = REFERENCE_DIR / "clickup-api-v2-reference.json"
URI = "urn:clickup:api-v2"

pytestmark = pytest.mark.skipif(
    not DOCUMENT.exists(),
    reason="the ClickUp vendor reference (../shared/apis/clickup) is not present",
)


def _pointer(path: str, method: str) -> list[str]:
    return ["paths", path, method, "responses", "200", "content", "application/json", "schema"]


def _at(document: dict[str, Any], keys: list[str]) -> Any:
    node = document
    for key in keys:
        node = node[key]
    return node


def _fix_folders(doc: dict[str, Any]) -> None:
    """GetFolders types ``folders`` as one object and its ``lists`` as strings; the
    document's own example (and every real response) has an array of folders, each
    embedding full list objects."""
    schema = _at(doc, _pointer("/v2/space/{space_id}/folder", "get"))
    folder = copy.deepcopy(schema["properties"]["folders"])
    list_item = _at(doc, _pointer("/v2/folder/{folder_id}/list", "get"))["properties"]["lists"]
    folder["properties"]["lists"] = copy.deepcopy(list_item)
    schema["properties"]["folders"] = {"type": "array", "items": folder}


def _fix_task_arrays(doc: dict[str, Any]) -> None:
    """GetTasks, CreateTask and UpdateTask type ``assignees``/``watchers``/``tags``/
    ``checklists`` as string arrays (GetTasks also ``time_estimate`` as a string); GetTask
    (the same task object) and real responses have objects and a number of ms."""
    task = _at(doc, _pointer("/v2/task/{task_id}", "get"))
    listed = _at(doc, _pointer("/v2/list/{list_id}/task", "get"))["properties"]["tasks"]["items"]
    created = _at(doc, _pointer("/v2/list/{list_id}/task", "post"))
    updated = _at(doc, _pointer("/v2/task/{task_id}", "put"))
    for schema in (listed, created, updated):
        for key in ("assignees", "watchers", "tags", "checklists", "time_estimate"):
            if key in schema.get("properties", {}):
                schema["properties"][key] = copy.deepcopy(task["properties"][key])


def _fix_one_of_with_empty_schema(node: Any) -> None:
    """Some ``oneOf`` lists hold an empty schema ``{}`` (list ``status``/``priority``,
    a field's ``type_config.default``): ``{}`` matches everything, so no documented value
    could ever match exactly one branch. Read them as ``anyOf``."""
    if isinstance(node, dict):
        if "oneOf" in node and {} in node["oneOf"]:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _fix_one_of_with_empty_schema(value)
    elif isinstance(node, list):
        for value in node:
            _fix_one_of_with_empty_schema(value)


def _fix_priority(doc: dict[str, Any]) -> None:
    """``priority`` says ``nullable: true`` (OpenAPI 3.0), which 3.1 ignores; real tasks
    without a priority (see the recorded fixtures) carry ``null``."""
    priority = _at(doc, _pointer("/v2/task/{task_id}", "get"))["properties"]["priority"]
    priority["type"] = ["object", "null"]


def _fix_comment_assignee(doc: dict[str, Any]) -> None:
    """Comments require ``assignee``/``assigned_by`` objects; unassigned comments (most)
    carry ``null`` in real responses."""
    schema = _at(doc, _pointer("/v2/task/{task_id}/comment", "get"))
    item = schema["properties"]["comments"]["items"]
    for key in ("assignee", "assigned_by"):
        item["properties"][key] = {"anyOf": [item["properties"][key], {"type": "null"}]}


def _fix_time_entry_custom_id(doc: dict[str, Any]) -> None:
    """A time entry's task requires a string ``custom_id``; tasks have ``custom_id: null``
    unless the workspace enabled custom task ids (GetTasks says string or null)."""
    schema = _at(doc, _pointer("/v2/team/{team_Id}/time_entries", "get"))
    task = schema["properties"]["data"]["items"]["properties"]["task"]
    task["properties"]["custom_id"] = {"type": ["string", "null"]}


ERRATA: list[Callable[[dict[str, Any]], None]] = [
    _fix_one_of_with_empty_schema,
    _fix_folders,
    _fix_task_arrays,
    _fix_priority,
    _fix_comment_assignee,
    _fix_time_entry_custom_id,
]


@pytest.fixture(scope="module")
def validator_for() -> Callable[[str, str], Draft202012Validator]:
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    for fix in ERRATA:
        fix(document)
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource(URI, resource)

    def build(path: str, method: str) -> Draft202012Validator:
        pointer = "/".join(
            key.replace("~", "~0").replace("/", "~1") for key in _pointer(path, method)
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
