"""meltano.yml's shipped pipelines (README, "Shipped pipelines"): each job's loader inherits
target-clickup, names its list through stream_map_config, writes to each environment's own
warehouse, and the sandbox's list exists in the emulator's workspace with the statuses the
mapping files write."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from brainhub.sandbox.services.clickup import ClickUpEmulator

REPO = Path(__file__).resolve().parents[2]
PROJECT = yaml.safe_load((REPO / "meltano.yml").read_text(encoding="utf-8"))
ENVIRONMENTS = {e["name"]: e for e in PROJECT["environments"]}
JOBS = {job["name"]: job for job in PROJECT["jobs"]}
SHIPPED = {
    "github-issues-to-clickup": "target-clickup--github-issues",
    "jira-issues-to-clickup": "target-clickup--jira-issues",
}


def environment_loader(environment: str, name: str) -> dict:
    (plugin,) = [
        p for p in ENVIRONMENTS[environment]["config"]["plugins"]["loaders"] if p["name"] == name
    ]
    return plugin


@pytest.mark.parametrize(("job", "loader"), SHIPPED.items())
def test_a_shipped_pipeline_writes_to_a_list_of_the_sandbox_and_each_environments_warehouse(
    job: str, loader: str
) -> None:
    (task,) = JOBS[job]["tasks"]
    assert task.split()[-1] == loader
    (plugin,) = (p for p in PROJECT["plugins"]["loaders"] if p["name"] == loader)
    assert plugin["inherit_from"] == "target-clickup"
    (stream,) = plugin["config"]["object_types"]
    assert plugin["config"]["stream_maps"][stream] == {"list_id": "config.get('list_id')"}
    for environment in ENVIRONMENTS:
        own = environment_loader(environment, loader)["config"]["warehouse"]
        assert own == environment_loader(environment, "target-duckdb")["config"]["path"]
    sandbox = environment_loader("sandbox", loader)["config"]
    params = dict(part.split("=") for part in sandbox["base_url"].partition("?")[2].split("&"))
    emulator = ClickUpEmulator(size=params["size"], seed=int(params["seed"]))
    task_list = emulator.data.tree.lists_by_id[sandbox["stream_map_config"]["list_id"]]
    assert {"to do", "complete"} <= {s["status"] for s in task_list.space.statuses}
