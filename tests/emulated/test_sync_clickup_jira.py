"""The shipped clickup-jira sync against both emulators (tiny data): the first run links
every task and issue, the second writes nothing, and an edit on each side reaches the other
(Jira's status through its transitions)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.registry import emulator_class
from brainhub.sandbox.server import ServedEmulator
from brainhub.sync.connections import Connections
from brainhub.sync.definition import load_definition
from brainhub.sync.runner import plan_sync, run_sync

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LIST_ID = "901601000001"
FAST = 100_000


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ServedEmulator, ServedEmulator]]:
    state_dir = tmp_path / "sandbox"
    options: dict[str, Any] = {
        "size": "tiny",
        "seed": 1,
        "rate_limit": FAST,
        "state_dir": state_dir,
    }
    clickup = serve(emulator_class("clickup")(**options))
    jira = serve(emulator_class("jira")(**options))
    yield clickup, jira
    clickup.stop()
    jira.stop()


def _writes(*emulators: ServedEmulator) -> list[int]:
    return [sum(1 for e in s.emulator.request_log if e.method != "GET") for s in emulators]


def test_clickup_and_jira_stay_in_step(
    served: tuple[ServedEmulator, ServedEmulator], tmp_path: Path
) -> None:
    clickup, jira = served
    common = {"start_date": "2020-01-01T00:00:00Z", "rate_limit_requests": FAST}
    connections = Connections(
        ROOT,
        "sandbox",
        tmp_path / "warehouse.duckdb",
        {
            "clickup": {"base_url": clickup.base_url, **clickup.credentials, **common},
            "jira": {"base_url": jira.base_url, **jira.credentials, **common},
        },
        parse_env=False,
    )
    definition = load_definition(ROOT / "syncs" / "clickup-jira.yaml")
    cu_headers = {"Authorization": clickup.credentials["api_token"]}
    basic = f"{jira.credentials['email']}:{jira.credentials['api_token']}"
    jira_headers = {"Authorization": "Basic " + base64.b64encode(basic.encode()).decode()}

    first = run_sync(definition, connections)
    assert first.outcome.created == first.plan.totals()["creates"] > 0
    assert first.outcome.rejected == 0
    before = _writes(clickup, jira)
    assert run_sync(definition, connections).outcome.writes == 0
    assert _writes(clickup, jira) == before  # no echo on either side

    tasks = requests.get(
        f"{clickup.base_url}/list/{LIST_ID}/task",
        headers=cu_headers,
        params={"include_closed": "true", "subtasks": "true"},
        timeout=30,
    ).json()["tasks"]
    task = next(t for t in tasks if t["status"]["status"] != "complete")
    requests.put(
        f"{clickup.base_url}/task/{task['id']}",
        headers=cu_headers,
        json={"name": "Renamed in ClickUp", "status": "complete"},
        timeout=30,
    ).raise_for_status()
    run_sync(definition, connections)
    found = requests.get(
        f"{jira.base_url}/rest/api/2/search/jql",
        headers=jira_headers,
        params={"jql": "project = ENG", "fields": "summary,status", "maxResults": 100},
        timeout=30,
    ).json()["issues"]
    renamed = [i for i in found if i["fields"]["summary"] == "Renamed in ClickUp"]
    assert [i["fields"]["status"]["name"] for i in renamed] == ["Done"]

    requests.put(
        f"{jira.base_url}/rest/api/2/issue/{renamed[0]['key']}",
        headers=jira_headers,
        json={"fields": {"summary": "Renamed in Jira"}},
        timeout=30,
    ).raise_for_status()
    run_sync(definition, connections)
    task_now = requests.get(
        f"{clickup.base_url}/task/{task['id']}", headers=cu_headers, timeout=30
    ).json()
    assert task_now["name"] == "Renamed in Jira"
    totals = plan_sync(definition, connections).totals()
    assert (totals["creates"], totals["updates"], totals["deletes"]) == (0, 0, 0)
