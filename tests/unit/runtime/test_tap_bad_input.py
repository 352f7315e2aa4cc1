"""Bad input to a tap: one clear line naming the setting or file, a non-zero exit, no traceback,
and the secret never shown — not in errors, logs, the catalog, --about or state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TAP = str(Path(sys.executable).parent / "tap-clickup")
SECRET = "pk_777_SUPERSECRETVALUE"


def run(tmp_path: Path, *args: str, config: str | None = None) -> subprocess.CompletedProcess[str]:
    if config is not None:
        (tmp_path / "config.json").write_text(config)
    env = {**os.environ, "BRAINHUB_SANDBOX_DIR": str(tmp_path / "sandbox")}
    return subprocess.run(
        [TAP, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            json.dumps({"api_token": SECRET, "start_date": "yesterday"}),
            "setting 'start_date': 'yesterday' is not an ISO 8601 date-time",
        ),
        (
            json.dumps({"api_token": SECRET, "include_closed": "maybe"}),
            "setting 'include_closed': 'maybe' is not valid (expected boolean)",
        ),
        (json.dumps({"api_token": 12345678}), "setting 'api_token': (hidden) is not valid"),
        ("not json", "--config config.json: not valid JSON (line 1, column 1"),
        (
            json.dumps({"api_token": SECRET, "base_url": "sandbox://clickup?size=huge"}),
            "unknown size 'huge'; valid sizes are",
        ),
    ],
)
def test_bad_config_is_one_clear_line(tmp_path: Path, config: str, message: str) -> None:
    result = run(tmp_path, "--config", "config.json", "--discover", config=config)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "12345678" not in result.stderr


def test_numbers_from_the_environment_are_numbers(tmp_path: Path) -> None:
    config = json.dumps(
        {
            "base_url": "sandbox://clickup?size=tiny",
            "request_timeout": "2.5",
            "max_tries": "3",
            "start_date": "2020-01-01T00:00:00Z",
        }
    )
    assert run(tmp_path, "--config", "config.json", "--discover", config=config).returncode == 0
    config = json.dumps({"base_url": "sandbox://clickup?size=tiny", "max_tries": "three"})
    result = run(tmp_path, "--config", "config.json", "--discover", config=config)
    assert "setting 'max_tries': 'three' is not valid (expected integer)" in result.stderr


def test_missing_config_file(tmp_path: Path) -> None:
    result = run(tmp_path, "--config", "nowhere.json", "--discover")
    assert result.returncode != 0
    assert "--config nowhere.json: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_stays_out_of_catalog_about_logs_and_state(tmp_path: Path) -> None:
    config = json.dumps(
        {
            "api_token": SECRET,
            "start_date": "2020-01-01T00:00:00Z",
            "base_url": "sandbox://clickup?size=tiny",
        }
    )
    discover = run(tmp_path, "--config", "config.json", "--discover", config=config)
    assert discover.returncode == 0, discover.stderr
    about = run(tmp_path, "--config", "config.json", "--about", "--format", "json")
    assert about.returncode == 0
    # The emulator answers an unknown token as ClickUp does: 401, and the run stops.
    sync = run(tmp_path, "--config", "config.json")
    assert sync.returncode != 0
    assert "check the api_token setting" in sync.stderr
    for output in (
        discover.stdout,
        discover.stderr,
        about.stdout,
        about.stderr,
        sync.stdout,
        sync.stderr,
    ):
        assert SECRET not in output
