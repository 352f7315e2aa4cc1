"""Plain ``requests`` scripts written from ClickUp's documented examples list and page the
main objects, and find exactly what ``brainhub sandbox counts clickup`` says."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.clickup import ClickUpEmulator

GENERATION = 1


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    emulator = ClickUpEmulator(size="tiny", generation=GENERATION, rate_limit=100_000)
    with serve(emulator) as running:
        yield running


@pytest.fixture(scope="module")
def api(served) -> Iterator[Any]:
    session = requests.Session()
    session.headers["Authorization"] = served.credentials["api_token"]

    def get(path: str, **params: Any) -> Any:
        answer = session.get(served.base_url + path, params=params, timeout=30)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:200]}"
        return answer.json()

    yield get
    session.close()


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    args = ["sandbox", "counts", "clickup", "--size", "tiny", "--generation", str(GENERATION)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _all_task_pages(api: Any, path: str, **params: Any) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    page = 0
    while True:
        body = api(path, page=page, **params)
        tasks += body["tasks"]
        if body["last_page"]:
            return tasks
        page += 1


def _all_comments(api: Any, task_id: str) -> list[dict[str, Any]]:
    comments: list[dict[str, Any]] = []
    params: dict[str, Any] = {}
    while True:
        page = api(f"/task/{task_id}/comment", **params)["comments"]
        comments += page
        if len(page) < 25:
            return comments
        params = {"start": page[-1]["date"], "start_id": page[-1]["id"]}


def test_walking_the_hierarchy_finds_what_counts_says(api, counts):
    teams = api("/team")["teams"]
    found = dict.fromkeys(counts, 0)
    found["teams"] = len(teams)
    task_ids: set[str] = set()
    for team in teams:
        spaces = api(f"/team/{team['id']}/space", archived="false")["spaces"]
        found["spaces"] += len(spaces)
        found["goals"] += len(api(f"/team/{team['id']}/goal")["goals"])
        found["time_entries"] += len(api(f"/team/{team['id']}/time_entries", start_date=0)["data"])
        for space in spaces:
            found["tags"] += len(api(f"/space/{space['id']}/tag")["tags"])
            folders = api(f"/space/{space['id']}/folder", archived="false")["folders"]
            found["folders"] += len(folders)
            lists = api(f"/space/{space['id']}/list", archived="false")["lists"]
            for folder in folders:
                lists += api(f"/folder/{folder['id']}/list", archived="false")["lists"]
            found["lists"] += len(lists)
            for task_list in lists:
                found["custom_fields"] += len(api(f"/list/{task_list['id']}/field")["fields"])
                tasks = _all_task_pages(
                    api, f"/list/{task_list['id']}/task", include_closed="true", subtasks="true"
                )
                task_ids |= {task["id"] for task in tasks}
                found["tasks"] += len(tasks)
                for task in tasks:
                    found["task_comments"] += len(_all_comments(api, task["id"]))
    assert found == counts
    assert len(task_ids) == counts["tasks"]


def test_the_filtered_team_listing_pages_through_every_task(api, counts):
    team_id = api("/team")["teams"][0]["id"]
    tasks = _all_task_pages(api, f"/team/{team_id}/task", include_closed="true", subtasks="true")
    assert len(tasks) == len({task["id"] for task in tasks}) == counts["tasks"]
    one = api(f"/task/{tasks[0]['id']}")
    assert one["id"] == tasks[0]["id"]
    assert api(f"/list/{one['list']['id']}")["id"] == one["list"]["id"]
    assert api(f"/space/{one['space']['id']}")["id"] == one["space"]["id"]
