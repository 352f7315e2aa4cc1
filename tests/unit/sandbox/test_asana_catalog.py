"""The Asana organization's catalog and the reads built on it: ids that resolve, counts that
match, task search filters, subtasks, events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.asana import AsanaEmulator
from brainhub.sandbox.services.asana.app import sync_token


def get(emulator: AsanaEmulator, path: str, **params: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {emulator.credentials['access_token']}"}
    response = Client(emulator).get(f"/api/1.0{path}", query_string=params, headers=headers)
    return response.status_code, json.loads(response.get_data())


@pytest.fixture(scope="module")
def asana() -> AsanaEmulator:
    return AsanaEmulator(size="demo", generation=2)


def test_the_catalog_leaves_the_seeded_dataset_as_it_was(asana: AsanaEmulator) -> None:
    again = AsanaEmulator(size="demo", generation=2)
    assert [t["gid"] for t in again.org.all_tasks()] == [t["gid"] for t in asana.org.all_tasks()]
    assert asana.counts() == again.counts()
    gids = [record["gid"] for record in asana.org.records()]
    assert len(gids) == len(set(gids)), "every id names one record"


def test_every_reference_in_a_full_record_resolves(asana: AsanaEmulator) -> None:
    project = asana.org.projects[0]
    _, full = get(asana, f"/projects/{project['gid']}")
    data = full["data"]
    assert get(asana, f"/teams/{data['team']['gid']}")[0] == 200
    assert get(asana, f"/users/{data['owner']['gid']}")[0] == 200
    for setting in data["custom_field_settings"]:
        field = setting["custom_field"]["gid"]
        assert get(asana, f"/custom_fields/{field}")[1]["data"]["gid"] == field
    _, settings = get(asana, f"/projects/{project['gid']}/custom_field_settings")
    assert [s["gid"] for s in settings["data"]] == [s["gid"] for s in data["custom_field_settings"]]
    task = asana.org.tasks[project["gid"]][0]
    _, task_full = get(asana, f"/tasks/{task['gid']}")
    section = task_full["data"]["memberships"][0]["section"]["gid"]
    _, in_section = get(asana, f"/sections/{section}/tasks")
    assert task["gid"] in {t["gid"] for t in in_section["data"]}
    for value in task_full["data"]["custom_fields"]:
        assert value["gid"] in {f["gid"] for f in asana.org.custom_fields}
    for hook in get(asana, "/webhooks", workspace=asana.org.workspace["gid"])[1]["data"]:
        assert get(asana, f"/projects/{hook['resource']['gid']}")[0] == 200


def test_subtasks_time_entries_and_stories_agree_with_their_task(asana: AsanaEmulator) -> None:
    with_subtasks = [t for t in asana.org.all_tasks() if asana.org.subtasks[t["gid"]]]
    timed = [t for t in asana.org.all_tasks() if asana.org.time_entries[t["gid"]]]
    assert with_subtasks
    assert timed
    for task in with_subtasks:
        _, listed = get(asana, f"/tasks/{task['gid']}/subtasks")
        assert len(listed["data"]) == task["num_subtasks"]
        _, subtask = get(asana, f"/tasks/{listed['data'][0]['gid']}")
        assert subtask["data"]["parent"]["gid"] == task["gid"]
        assert subtask["data"]["created_at"] > task["created_at"]
    for task in timed:
        _, entries = get(asana, f"/tasks/{task['gid']}/time_tracking_entries")
        minutes = sum(e["duration_minutes"] for e in entries["data"])
        assert get(asana, f"/tasks/{task['gid']}")[1]["data"]["actual_time_minutes"] == minutes
    story = asana.org.stories[timed[0]["gid"]][0]
    _, read = get(asana, f"/stories/{story['gid']}")
    assert read["data"]["target"]["gid"] == timed[0]["gid"]


def test_tags_list_the_tasks_that_carry_them(asana: AsanaEmulator) -> None:
    for tag in asana.org.tags:
        _, by_tag = get(asana, f"/tags/{tag['gid']}/tasks")
        _, by_query = get(asana, "/tasks", tag=tag["gid"])
        expected = [
            t["gid"] for t in asana.org.all_tasks() if tag["gid"] in {g["gid"] for g in t["tags"]}
        ]
        assert (
            [t["gid"] for t in by_tag["data"]] == [t["gid"] for t in by_query["data"]] == expected
        )


def test_search_filters_by_relations_flags_and_dates(asana: AsanaEmulator) -> None:
    workspace = asana.org.workspace["gid"]
    project = asana.org.projects[1]
    path = f"/workspaces/{workspace}/tasks/search"
    _, found = get(asana, path, **{"projects.any": project["gid"], "completed": "false"})
    expected = [t for t in asana.org.tasks[project["gid"]] if not t["completed"]]
    assert {t["gid"] for t in found["data"]} == {t["gid"] for t in expected}
    assert "next_page" not in found, "search is not paginated"
    _, ascending = get(
        asana,
        path,
        **{"projects.any": project["gid"], "sort_by": "created_at", "sort_ascending": "true"},
    )
    created = [asana.org.task(t["gid"])["created_at"] for t in ascending["data"]]
    assert created == sorted(created)
    me = asana.org.users[0]["gid"]
    _, mine = get(asana, path, **{"assignee.any": "me"})
    assert {t["gid"] for t in mine["data"]} == {
        t["gid"] for t in asana.org.all_tasks() if (t["assignee"] or {}).get("gid") == me
    }
    _, subtasks = get(asana, path, is_subtask="true")
    assert {t["gid"] for t in subtasks["data"]} == {
        s["gid"] for ss in asana.org.subtasks.values() for s in ss
    }
    pivot = sorted(t["modified_at"] for t in asana.org.all_tasks())[-3]
    _, recent = get(asana, path, **{"modified_at.after": pivot})
    assert len(recent["data"]) == sum(t["modified_at"] > pivot for t in asana.org.all_tasks())
    status, bad = get(asana, path, **{"due_on.before": "soon"})
    assert status == 400
    assert bad["errors"][0]["message"] == "due_on.before: Not a valid date: soon"


def test_events_since_a_token_are_the_days_changes(asana: AsanaEmulator) -> None:
    earlier = AsanaEmulator(size="demo", generation=1)
    project = asana.org.projects[0]["gid"]
    _, answer = get(asana, "/events", resource=project, sync=sync_token(project, earlier.now()))
    assert answer["has_more"] is False
    assert answer["data"]
    times = [e["created_at"] for e in answer["data"]]
    assert times == sorted(times)
    assert all(t > earlier.now().isoformat().replace("+00:00", "Z") for t in times)
    task_gids = {t["gid"] for t in asana.org.tasks[project]}
    for event in answer["data"]:
        touched = event["resource"] if event["type"] == "task" else event["parent"]
        assert touched["gid"] in task_gids
    assert get(asana, "/events", resource=project, sync="garbage")[0] == 412


def test_a_full_story_carries_the_change_fields_of_its_kind_only(asana: AsanaEmulator) -> None:
    stories = [s for ss in asana.org.stories.values() for s in ss]
    comment = next(s for s in stories if s["resource_subtype"] == "comment_added")
    renamed = next(s for s in stories if s["resource_subtype"] == "name_changed")
    _, read = get(asana, f"/stories/{comment['gid']}")
    assert read["data"]["html_text"] == comment["html_text"]
    assert not {k for k in read["data"] if k.startswith(("old_", "new_"))}
    assert read["data"]["likes"] == []
    _, read = get(asana, f"/stories/{renamed['gid']}")
    assert read["data"]["new_name"] == read["data"]["target"]["name"]
    assert read["data"]["new_name"] == read["data"]["old_name"] + " (v2)"
    assert read["data"]["text"] == f'changed the name to "{read["data"]["new_name"]}"'
    assert "html_text" not in read["data"], "system stories have no rich text"
