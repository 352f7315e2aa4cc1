"""`meltano run tap-clickup target-duckdb` offline, then DuckDB compared with the emulator."""

from __future__ import annotations

import json

import pytest

from tests.pipeline.conftest import MeltanoProject, rows_after_mutate

pytestmark = [pytest.mark.pipeline]


def emulator_counts(project: MeltanoProject) -> dict[str, int]:
    return json.loads(project.brainhub("sandbox", "counts", "clickup").stdout)


def test_sync_loads_what_the_emulator_holds_and_a_second_run_adds_only_changes(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.run("run", "tap-clickup", "target-duckdb")
    expected = emulator_counts(meltano_project)
    assert meltano_project.counts("raw_clickup") == expected

    changed = json.loads(meltano_project.brainhub("sandbox", "mutate", "clickup").stdout)
    assert changed["changes"]["tasks_deleted"] > 0
    meltano_project.run("run", "tap-clickup", "target-duckdb")
    after = emulator_counts(meltano_project)
    assert after["tasks"] == (
        expected["tasks"]
        + changed["changes"]["tasks_created"]
        - changed["changes"]["tasks_deleted"]
    )
    assert meltano_project.counts("raw_clickup") == rows_after_mutate(after, changed["changes"])
    duplicates = meltano_project.query(
        "SELECT count(*) FROM (SELECT id FROM raw_clickup.tasks GROUP BY id HAVING count(*) > 1)"
    )
    assert duplicates == [(0,)]
