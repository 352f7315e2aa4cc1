"""The sandbox never writes where prod writes: warehouse file, transforms, Meltano state."""

from __future__ import annotations

import json

import pytest

from tests.pipeline.conftest import MeltanoProject

pytestmark = [pytest.mark.pipeline]


def test_a_run_without_environment_fills_only_the_sandbox_warehouse_and_state(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb", "transform-duckdb:run")
    assert meltano_project.warehouse.name == "sandbox.duckdb"
    assert meltano_project.counts("raw_clickup")["tasks"] > 0
    assert meltano_project.counts("stg_clickup")
    assert not meltano_project.prod_warehouse.exists()
    states = meltano_project.run("state", "list").stdout.split()
    assert "sandbox:tap-clickup-to-target-duckdb" in states
    assert not [state for state in states if state.startswith("prod:")]


@pytest.mark.parametrize("plugin", ["target-duckdb", "transform-duckdb"])
def test_each_environment_resolves_its_own_warehouse(
    meltano_project: MeltanoProject, plugin: str
) -> None:
    paths = {
        environment: json.loads(
            meltano_project.run(f"--environment={environment}", "config", "print", plugin).stdout
        )["path"]
        for environment in ("sandbox", "prod")
    }
    assert paths == {
        "sandbox": str(meltano_project.warehouse),
        "prod": str(meltano_project.prod_warehouse),
    }
