"""ClickUp's OpenAPI v2 document for tests: where it lives, and its errata.

The document (ClickUp's own, OpenAPI 3.1 = JSON Schema 2020-12) is vendor reference data
kept next to the repository (``../shared/apis/clickup``), never inside it; tests that need
it skip with :data:`ABSENT_REASON` when it is not there. Where the document contradicts
ClickUp's real responses or itself, ``ERRATA`` patches it, each with its reason.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "clickup"
DOCUMENT = REFERENCE_DIR / "clickup-api-v2-reference.json"
URI = "urn:clickup:api-v2"

FIXTURES = REFERENCE_DIR / "fixtures"
ABSENT_REASON = "the ClickUp vendor reference (../shared/apis/clickup) is not present"


def pointer_to(path: str, method: str) -> list[str]:
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
    schema = _at(doc, pointer_to("/v2/space/{space_id}/folder", "get"))
    folder = copy.deepcopy(schema["properties"]["folders"])
    list_item = _at(doc, pointer_to("/v2/folder/{folder_id}/list", "get"))["properties"]["lists"]
    folder["properties"]["lists"] = copy.deepcopy(list_item)
    schema["properties"]["folders"] = {"type": "array", "items": folder}


def _fix_task_arrays(doc: dict[str, Any]) -> None:
    """GetTasks, CreateTask and UpdateTask type ``assignees``/``watchers``/``tags``/
    ``checklists`` as string arrays (GetTasks also ``time_estimate`` as a string); GetTask
    (the same task object) and real responses have objects and a number of ms."""
    task = _at(doc, pointer_to("/v2/task/{task_id}", "get"))
    listed = _at(doc, pointer_to("/v2/list/{list_id}/task", "get"))["properties"]["tasks"]["items"]
    created = _at(doc, pointer_to("/v2/list/{list_id}/task", "post"))
    updated = _at(doc, pointer_to("/v2/task/{task_id}", "put"))
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
    priority = _at(doc, pointer_to("/v2/task/{task_id}", "get"))["properties"]["priority"]
    priority["type"] = ["object", "null"]


def _fix_comment_assignee(doc: dict[str, Any]) -> None:
    """Comments require ``assignee``/``assigned_by`` objects; unassigned comments (most)
    carry ``null`` in real responses."""
    schema = _at(doc, pointer_to("/v2/task/{task_id}/comment", "get"))
    item = schema["properties"]["comments"]["items"]
    for key in ("assignee", "assigned_by"):
        item["properties"][key] = {"anyOf": [item["properties"][key], {"type": "null"}]}


def _fix_time_entry_custom_id(doc: dict[str, Any]) -> None:
    """A time entry's task requires a string ``custom_id``; tasks have ``custom_id: null``
    unless the workspace enabled custom task ids (GetTasks says string or null)."""
    schema = _at(doc, pointer_to("/v2/team/{team_Id}/time_entries", "get"))
    task = schema["properties"]["data"]["items"]["properties"]["task"]
    task["properties"]["custom_id"] = {"type": ["string", "null"]}


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [node, {"type": "null"}]}


def _fix_folder(doc: dict[str, Any]) -> None:
    """GetFolder types ``lists`` as strings, like GetFolders; real folders embed list
    objects."""
    schema = _at(doc, pointer_to("/v2/folder/{folder_id}", "get"))
    list_item = _at(doc, pointer_to("/v2/folder/{folder_id}/list", "get"))["properties"]["lists"]
    schema["properties"]["lists"] = copy.deepcopy(list_item)


def _fix_list(doc: dict[str, Any]) -> None:
    """GetList requires ``status``/``priority`` objects and string dates; a list without
    them carries ``null`` (GetLists' own list items allow it)."""
    schema = _at(doc, pointer_to("/v2/list/{list_id}", "get"))
    for key in ("status", "priority", "assignee", "due_date", "start_date"):
        if key in schema["properties"]:
            schema["properties"][key] = _nullable(schema["properties"][key])


def _fix_goal_members(doc: dict[str, Any]) -> None:
    """GetGoal types ``members`` as strings; they are the member objects GetGoals shows."""
    goal = _at(doc, pointer_to("/v2/goal/{goal_id}", "get"))["properties"]["goal"]
    listed = _at(doc, pointer_to("/v2/team/{team_id}/goal", "get"))["properties"]["goals"]
    members = listed["items"]["properties"].get("members")
    if members is not None:
        goal["properties"]["members"] = copy.deepcopy(members)


def _fix_member_custom_role(doc: dict[str, Any]) -> None:
    """GetUser requires a ``custom_role`` object; members without one carry ``null``, as
    GetAuthorizedTeams' members do."""
    member = _at(doc, pointer_to("/v2/team/{team_id}/user/{user_id}", "get"))["properties"]
    user = member["member"]["properties"]["user"]
    user["properties"]["custom_role"] = _nullable(user["properties"]["custom_role"])


def _fix_bulk_time_in_status(doc: dict[str, Any]) -> None:
    """The bulk time-in-status schema requires the two task ids of its example as
    properties; the answer is keyed by the requested task ids, each a single task's
    time-in-status object."""
    single = _at(doc, pointer_to("/v2/task/{task_id}/time_in_status", "get"))
    bulk = _at(doc, pointer_to("/v2/task/bulk_time_in_status/task_ids", "get"))
    for key in ("required", "properties"):
        bulk.pop(key, None)
    bulk["additionalProperties"] = copy.deepcopy(single)


def _fix_view_tasks(doc: dict[str, Any]) -> None:
    """GetViewTasks documents GetTasks' task object with the same errors (string arrays,
    string ``time_estimate``/``time_spent``, non-null ``points``); use the patched one."""
    listed = _at(doc, pointer_to("/v2/list/{list_id}/task", "get"))["properties"]["tasks"]
    view = _at(doc, pointer_to("/v2/view/{view_id}/task", "get"))
    view["properties"]["tasks"] = copy.deepcopy(listed)


ERRATA: list[Callable[[dict[str, Any]], None]] = [
    _fix_one_of_with_empty_schema,
    _fix_folders,
    _fix_task_arrays,
    _fix_priority,
    _fix_comment_assignee,
    _fix_time_entry_custom_id,
    _fix_folder,
    _fix_list,
    _fix_goal_members,
    _fix_member_custom_role,
    _fix_bulk_time_in_status,
    _fix_view_tasks,
]


def patched_document() -> dict[str, Any]:
    """The document with every erratum applied (a fresh copy on each call)."""
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    for fix in ERRATA:
        fix(document)
    return document
