"""The Python API's examples, run as written (through asyncio.run) against the sandbox."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from tests.pipeline.conftest import MeltanoProject

pytestmark = pytest.mark.pipeline

SECRET_KEY = "pk_python_api_example_4a7c"
SECRET_TOKEN = "xoxb-python-api-example-93d1"


@pytest.fixture
def in_project(meltano_project: MeltanoProject, monkeypatch: pytest.MonkeyPatch) -> MeltanoProject:
    for name in list(os.environ):
        if name.startswith(("TAP_", "TARGET_", "MELTANO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(meltano_project.root / "data" / "sandbox"))
    monkeypatch.setenv("MELTANO_SEND_ANONYMOUS_USAGE_STATS", "false")
    # the emulator's smallest data set keeps the run short; the code below is the example's
    monkeypatch.setenv("TAP_CLICKUP_BASE_URL", "sandbox://clickup?size=tiny&seed=1")
    monkeypatch.chdir(meltano_project.root)
    return meltano_project


def test_the_examples_run_as_written(in_project: MeltanoProject) -> None:
    from brainhub import (
        ConnectorConfig,
        ConnectorType,
        IntegrationConfig,
        IntegrationType,
        SyncDirection,
        get_integration_hub,
    )

    async def example() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        hub = get_integration_hub()
        hub.register_integration(
            IntegrationConfig(
                name="clickup_integration",
                type=IntegrationType.API,
                endpoint="https://api.clickup.com/api/v2",
                api_key=SECRET_KEY,
                sync_direction=SyncDirection.BIDIRECTIONAL,
                sync_interval=300,
            )
        )
        job_id = await hub.start_sync(
            "clickup_integration",
            mappings=[hub.create_data_mapping("id", "external_id", "to_string")],
        )
        started = hub.job_status(job_id)
        finished = await hub.wait(job_id)

        connector = hub.register_connector(
            ConnectorConfig(
                name="slack_connector", type=ConnectorType.SLACK, access_token=SECRET_TOKEN
            )
        )
        sent = await connector.send_message("#general", "Hello")
        return started, finished, sent

    started, finished, sent = asyncio.run(example())

    assert started["state"] == "running"
    assert finished["state"] == "succeeded", finished["error"]
    assert finished["records_read"]["tasks"] > 0
    assert finished["tables"]["tasks"] == "clickup_integration.tasks"
    assert finished["rows_loaded"]["clickup_integration.tasks"] == finished["records_read"]["tasks"]
    rows = in_project.query(
        "SELECT count(*), count(*) FILTER (WHERE external_id = CAST(id AS VARCHAR)) "
        "FROM clickup_integration.tasks"
    )
    assert rows[0][0] == finished["records_read"]["tasks"]
    assert rows[0][1] == rows[0][0]
    assert sent["state"] == "succeeded", sent["error"]
    assert sent["records_read"] == {"messages": 1}
    journal = (in_project.root / "data" / "sandbox" / "slack.changes.jsonl").read_text()
    assert '"text":"Hello"' in journal
    for log in (in_project.root / "data" / "hub" / "jobs").iterdir():
        text = log.read_text()
        assert SECRET_KEY not in text
        assert SECRET_TOKEN not in text
    mapping = (in_project.root / "data" / "hub" / "clickup_integration.mapping.yaml").read_text()
    assert "external_id" in mapping


def test_a_notebook_reads_while_a_sync_runs(in_project: MeltanoProject) -> None:
    from brainhub import IntegrationConfig, get_integration_hub

    hub = get_integration_hub()
    hub.register_integration(IntegrationConfig(name="clickup_tasks", streams=["tasks"]))

    async def read_during_the_second_sync() -> tuple[list[dict[str, Any]], str, dict[str, Any]]:
        await hub.wait(await hub.start_sync("clickup_tasks"))
        job_id = await hub.start_sync("clickup_tasks")
        state = hub.job_status(job_id)["state"]  # the run has only just started
        while not hub.job_status(job_id)["records_read"] and not hub.tracker.get(job_id).finished:
            await asyncio.sleep(0.2)  # until the tap sends records: target-duckdb has the file
        # the read waits for the lock while target-duckdb holds it (the waiting itself is
        # tests/unit/hub/test_jobs.py::test_a_read_waits_for_a_sync_holding_the_warehouse)
        rows = hub.rows("clickup_tasks", "tasks", limit=5)
        return rows, state, await hub.wait(job_id)

    rows, state_at_start, second = asyncio.run(read_during_the_second_sync())
    assert state_at_start == "running"
    assert len(rows) == 5
    assert {"id", "name", "status"} <= set(rows[0])
    assert second["state"] == "succeeded", second["error"]
