"""`meltano run tap-<service> target-duckdb` for every connector in the default, offline
environment: DuckDB's row counts equal what the emulator holds, before and after a change
(records deleted by the change stay as rows)."""

from __future__ import annotations

import json

import pytest
import yaml

from brainhub.sandbox.registry import services
from tests.pipeline.conftest import REPO, MeltanoProject, rows_after_mutate

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]


def _extractors() -> list[str]:
    """Every extractor with a sandbox emulator (tap-warehouse reads the warehouse itself and
    has its own pipeline test; ClickUp has its own, fuller pipeline tests)."""
    project = yaml.safe_load((REPO / "meltano.yml").read_text(encoding="utf-8"))
    names = [p["name"].removeprefix("tap-") for p in project["plugins"]["extractors"]]
    return [name for name in names if name in services() and name != "clickup"]


@pytest.mark.parametrize("service", _extractors())
def test_sandbox_pipeline_loads_what_the_emulator_holds(
    meltano_project: MeltanoProject, service: str
) -> None:
    meltano_project.run("run", f"tap-{service}", "target-duckdb")
    expected = json.loads(meltano_project.brainhub("sandbox", "counts", service).stdout)
    schema = f"raw_{service.replace('-', '_')}"
    assert meltano_project.counts(schema) == expected

    mutated = json.loads(meltano_project.brainhub("sandbox", "mutate", service).stdout)
    meltano_project.run("run", f"tap-{service}", "target-duckdb")
    changed = json.loads(meltano_project.brainhub("sandbox", "counts", service).stdout)
    assert changed != expected
    assert meltano_project.counts(schema) == rows_after_mutate(changed, mutated["changes"])
