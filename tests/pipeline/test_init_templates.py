"""A scaffolded integration runs as it is, offline."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.pipeline.conftest import BIN, MeltanoProject

pytestmark = pytest.mark.pipeline


def test_the_scaffolded_clickup_to_duckdb_runs_offline(meltano_project: MeltanoProject) -> None:
    def brainhub(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "brainhub"), *args],
            cwd=meltano_project.root,
            env=meltano_project.env(**env),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    made = brainhub("init", "clickup-to-duckdb")
    assert made.returncode == 0, made.stderr
    # smaller than the template's defaults, through its environment-variable overrides
    ran = brainhub(
        "integration",
        "run",
        "clickup-to-duckdb",
        "--json",
        BRAINHUB_INTEGRATION_STREAMS='["tasks"]',
        TAP_CLICKUP_BASE_URL="sandbox://clickup?size=tiny&seed=1",
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    status = json.loads(ran.stdout)
    assert status["state"] == "succeeded"
    assert status["environment"] == "sandbox"
    loaded = status["rows_loaded"]["clickup_to_duckdb.tasks"]
    assert loaded == status["records_read"]["tasks"] > 0
    (count,) = meltano_project.query(
        "SELECT count(*) FROM clickup_to_duckdb.tasks WHERE external_id = CAST(id AS VARCHAR)"
    )[0]
    assert count == loaded
