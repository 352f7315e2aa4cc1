"""``GET /team/{team_id}/task`` (Get Filtered Team Tasks): documented filters and paging."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.clickup import ClickUpEmulator

ALL = {"include_closed": "true", "subtasks": "true"}


@pytest.fixture(scope="module")
def tiny() -> ClickUpEmulator:
    return ClickUpEmulator(size="tiny", generation=1, rate_limit=100_000)


def _get(emulator: ClickUpEmulator, path: str, params: Any = None) -> Any:
    headers = {"Authorization": emulator.credentials["api_token"]}
    return Client(emulator).get(f"/api/v2{path}", query_string=params or {}, headers=headers)


def _ids(emulator: ClickUpEmulator, path: str, params: Any) -> list[str]:
    answer = _get(emulator, path, params)
    assert answer.status_code == 200, answer.text
    return [task["id"] for task in answer.json["tasks"]]


def _team(emulator: ClickUpEmulator) -> str:
    return f"/team/{emulator.data.tree.team_id}/task"


def test_pages_hold_100_and_the_last_says_so():
    large = ClickUpEmulator(size="large", generation=0, rate_limit=100_000)
    task_list = large.data.tree.lists[3]
    params = {**ALL, "list_ids[]": task_list.id}
    pages, page = [], 0
    while True:
        body = _get(large, _team(large), {**params, "page": page}).json
        pages.append([task["id"] for task in body["tasks"]])
        if body["last_page"]:
            break
        page += 1
    assert len(pages) > 1
    assert all(len(ids) == 100 for ids in pages[:-1])
    listed = []
    for number in range(len(pages)):
        listed += _ids(large, f"/list/{task_list.id}/task", {**ALL, "page": number})
    assert [i for ids in pages for i in ids] == listed


def test_container_filters_select_the_tasks_of_those_containers(tiny):
    tree = tiny.data.tree
    space = next(s for s in tree.spaces if not s.archived)
    folder = next(f for f in space.folders if not f.archived)
    live = [tl for tl in tree.lists if not tl.hidden_by_archive]
    expected_space = {
        i for tl in live if tl.space is space for i in _ids(tiny, f"/list/{tl.id}/task", ALL)
    }
    by_space = set(_ids(tiny, _team(tiny), {**ALL, "space_ids[]": space.id}))
    assert by_space == expected_space
    by_folder = set(_ids(tiny, _team(tiny), {**ALL, "project_ids[]": folder.id}))
    expected_folder = {i for tl in folder.lists for i in _ids(tiny, f"/list/{tl.id}/task", ALL)}
    assert by_folder == expected_folder
    assert by_folder < by_space


def test_status_assignee_tag_and_parent_filters(tiny):
    answer = _get(tiny, _team(tiny), ALL).json["tasks"]
    closed = {t["id"] for t in answer if t["status"]["type"] == "closed"}
    assert closed
    assert set(_ids(tiny, _team(tiny), {**ALL, "statuses[]": "complete"})) == closed
    assert closed.isdisjoint(_ids(tiny, _team(tiny), {"subtasks": "true"}))
    user = next(a["id"] for t in answer for a in t["assignees"])
    assigned = {t["id"] for t in answer if any(a["id"] == user for a in t["assignees"])}
    assert set(_ids(tiny, _team(tiny), {**ALL, "assignees[]": str(user)})) == assigned
    tag = next(tag["name"] for t in answer for tag in t["tags"])
    tagged = {t["id"] for t in answer if any(x["name"] == tag for x in t["tags"])}
    assert set(_ids(tiny, _team(tiny), {**ALL, "tags[]": tag})) == tagged
    parent = next(t["parent"] for t in answer if t["parent"])
    children = {t["id"] for t in answer if t["parent"] == parent}
    assert set(_ids(tiny, _team(tiny), {"include_closed": "true", "parent": parent})) == children
    assert all(t["parent"] is None for t in _get(tiny, _team(tiny), {}).json["tasks"])


def test_date_and_custom_field_filters(tiny):
    answer = _get(tiny, _team(tiny), ALL).json["tasks"]
    middle = sorted(int(t["date_created"]) for t in answer)[len(answer) // 2]
    newer = {t["id"] for t in answer if int(t["date_created"]) > middle}
    assert set(_ids(tiny, _team(tiny), {**ALL, "date_created_gt": middle})) == newer
    done = {t["id"] for t in answer if t["date_done"]}
    assert set(_ids(tiny, _team(tiny), {**ALL, "date_done_gt": 0})) == done
    field_id = next(f["id"] for t in answer for f in t["custom_fields"] if "value" in f)
    with_value = {
        t["id"]
        for t in answer
        if any(f["id"] == field_id and "value" in f for f in t["custom_fields"])
    }
    condition = json.dumps([{"field_id": field_id, "operator": "IS NOT NULL"}])
    assert set(_ids(tiny, _team(tiny), {**ALL, "custom_fields": condition})) == with_value


@pytest.mark.parametrize(
    ("params", "status", "ecode"),
    [
        ({"page": "-1"}, 400, "INPUT_002"),
        ({"page": "two"}, 400, "INPUT_002"),
        ({"custom_fields": "not json"}, 400, "INPUT_004"),
        ({"custom_fields": '[{"operator": "="}]'}, 400, "INPUT_004"),
        ({"date_updated_gt": "yesterday"}, 400, "INPUT_003"),
    ],
)
def test_bad_parameters_are_clickups_400s(tiny, params, status, ecode):
    answer = _get(tiny, _team(tiny), params)
    assert answer.status_code == status
    assert answer.json["ECODE"] == ecode


def test_another_team_is_not_authorized(tiny):
    answer = _get(tiny, "/team/1/task")
    assert answer.status_code == 401
    assert answer.json == {"err": "Team not authorized", "ECODE": "OAUTH_027"}
