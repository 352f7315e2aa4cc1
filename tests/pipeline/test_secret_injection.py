"""`brainhub run` gives Meltano the store's secrets: no .env, no meltano.yml, no leaks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from brainhub.sandbox.registry import emulator_class
from tests.pipeline.conftest import BIN, MeltanoProject

pytestmark = [pytest.mark.pipeline]

WRONG_TOKEN = "pk_0_WRONGWRONGWRONGWRONGWRONGWRONG00"


def brainhub(
    project: MeltanoProject, config_home: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "brainhub"), *args],
        cwd=project.root,
        env=project.env(XDG_CONFIG_HOME=str(config_home)),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def files_holding(root: Path, needle: str) -> list[Path]:
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and needle.encode() in path.read_bytes()
    ]


def test_run_injects_the_stores_token_and_it_reaches_no_output_or_file(
    meltano_project: MeltanoProject, tmp_path: Path
) -> None:
    config_home = tmp_path / "config"
    token = emulator_class("clickup")(size="demo", seed=1).credentials["api_token"]

    # A wrong token in the store reaches the tap: the emulator rejects it.
    brainhub(
        meltano_project, config_home, "secrets", "set", "TAP_CLICKUP_API_TOKEN", stdin=WRONG_TOKEN
    )
    rejected = brainhub(meltano_project, config_home, "run", "tap-clickup", "target-duckdb")
    assert rejected.returncode != 0
    assert "rejected the token" in rejected.stdout + rejected.stderr
    assert WRONG_TOKEN not in rejected.stdout + rejected.stderr

    brainhub(meltano_project, config_home, "secrets", "set", "TAP_CLICKUP_API_TOKEN", stdin=token)
    loaded = brainhub(meltano_project, config_home, "run", "tap-clickup", "target-duckdb")
    assert loaded.returncode == 0, loaded.stderr[-4000:]
    assert meltano_project.counts("raw_clickup")["tasks"] > 0
    assert token not in loaded.stdout + loaded.stderr
    for secret in (token, WRONG_TOKEN):
        assert files_holding(meltano_project.root / "data", secret) == []
        assert files_holding(meltano_project.root / ".meltano", secret) == []
    assert not (meltano_project.root / ".env").exists()
