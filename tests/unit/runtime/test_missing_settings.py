"""Missing settings: every one named once, with its environment variable; discovery needs none.

Discovery lists streams and schemas, which need no credentials (the Singer SDK runs it with
``validate_config=False``), so ``meltano select tap-clickup --list`` works on a fresh clone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from brainhub.errors import SettingsError
from taps.runtime.registry import load_connector
from taps.runtime.settings import check_config
from taps.runtime.tap import tap_class

BIN = Path(sys.executable).parent


def run(tmp_path: Path, tap: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAP_")}
    return subprocess.run(
        [str(BIN / tap), *args],
        capture_output=True,
        text=True,
        env={**env, "BRAINHUB_SANDBOX_DIR": str(tmp_path / "sandbox")},
        timeout=120,
        cwd=tmp_path,
        check=False,
    )


def test_every_missing_setting_is_named_once_with_its_variable(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    result = run(tmp_path, "tap-jira", "--config", "config.json")
    assert result.returncode != 0
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("tap-jira: missing required settings ")
    for name in ("domain", "email", "api_token"):
        assert line.count(f"'{name}'") == 1, line
        assert f"TAP_JIRA_{name.upper()}" in line
    assert ".env" in line
    assert "Traceback" not in result.stderr


def test_only_the_missing_ones_are_named() -> None:
    spec = load_connector("jira")
    with pytest.raises(SettingsError) as caught:
        check_config(spec, {"domain": "acme.atlassian.net", "email": ""})
    message = str(caught.value)
    assert "missing required settings 'email' (TAP_JIRA_EMAIL)" in message
    assert "'api_token' (TAP_JIRA_API_TOKEN)" in message
    assert "'domain'" not in message


@pytest.mark.parametrize("tap", ["tap-clickup", "tap-jira", "tap-trello"])
def test_discovery_needs_no_credentials(tmp_path: Path, tap: str) -> None:
    result = run(tmp_path, tap, "--discover")
    assert result.returncode == 0, result.stderr
    streams = json.loads(result.stdout)["streams"]
    assert streams


def test_discovery_still_rejects_a_bad_value_that_is_given() -> None:
    tap = tap_class(load_connector("clickup"))
    with pytest.raises(SettingsError, match="'include_closed': 'maybe' is not valid"):
        tap(config={"include_closed": "maybe"}, validate_config=False)
