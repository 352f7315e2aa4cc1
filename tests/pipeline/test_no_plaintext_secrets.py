"""No sandbox credential is left in clear anywhere on disk after `brainhub run` pipelines.

An extractor signing in to the Asana emulator with OAuth takes its client secret and
refresh token from the store; the emulator rotates the refresh token at every run, so three
runs only work if each run's new token goes back into the store. Then the project folder
(``meltano.yml``, ``.meltano/`` with Meltano's logs and system database, ``data/`` with the
warehouse, the sandbox state and the audit log) is searched for every token the store ever
held: none is found.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from brainhub.sandbox.kit.oauth import CLIENT_ID, CLIENT_SECRET
from brainhub.sandbox.services.asana import AsanaEmulator
from tests.pipeline.conftest import BIN, MeltanoProject
from tests.support.oauth_spec import asana_oauth_spec

pytestmark = [pytest.mark.pipeline]

PLUGIN = "tap-asana-oauth"
REFRESH = "TAP_ASANA_OAUTH_REFRESH_TOKEN"
SECRET = "TAP_ASANA_OAUTH_CLIENT_SECRET"
LAUNCHER = """#!{python}
import sys
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class
tap_class(load_spec({spec!r})).cli.main(args=sys.argv[1:], prog_name="{plugin}")
"""


def add_oauth_extractor(project: MeltanoProject, spec_dir: Path) -> None:
    """An extractor for the OAuth spec, its secrets left to the store."""
    spec = asana_oauth_spec(spec_dir)
    launcher = spec_dir / PLUGIN
    launcher.write_text(LAUNCHER.format(python=sys.executable, spec=str(spec), plugin=PLUGIN))
    launcher.chmod(0o755)
    meltano_yml = project.root / "meltano.yml"
    config = yaml.safe_load(meltano_yml.read_text())
    config["plugins"]["extractors"].append(
        {
            "name": PLUGIN,
            "namespace": "tap_asana_oauth",
            "executable": str(launcher),
            "load_schema": "raw_asana_oauth",
            "capabilities": ["catalog", "discover", "state"],
            "settings": [
                {"name": "base_url", "kind": "string"},
                {"name": "client_id", "kind": "string"},
                {"name": "client_secret", "kind": "string", "sensitive": True},
                {"name": "refresh_token", "kind": "string", "sensitive": True},
            ],
            "config": {"base_url": "sandbox://asana?size=tiny&seed=1", "client_id": CLIENT_ID},
        }
    )
    meltano_yml.write_text(yaml.safe_dump(config, sort_keys=False))


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
    """Files under ``root`` holding ``needle`` (symbolic links to the repository not followed)."""
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink() and needle.encode() in path.read_bytes():
                found.append(path)
    return found


def test_three_oauth_runs_from_the_store_leave_no_credential_in_clear(
    meltano_project: MeltanoProject, tmp_path: Path
) -> None:
    config_home = tmp_path / "config"
    add_oauth_extractor(meltano_project, tmp_path / "connector")
    issuer = AsanaEmulator(size="tiny", seed=1, generation=0).token_issuer
    assert issuer is not None
    held = [issuer.initial_refresh_token()]
    for name, value in ((SECRET, CLIENT_SECRET), (REFRESH, held[0])):
        stored = brainhub(meltano_project, config_home, "secrets", "set", name, stdin=value)
        assert stored.returncode == 0, stored.stderr

    for run in range(3):
        result = brainhub(meltano_project, config_home, "run", PLUGIN, "target-duckdb")
        assert result.returncode == 0, f"run {run + 1}:\n{result.stderr[-4000:]}"
        revealed = brainhub(meltano_project, config_home, "secrets", "get", REFRESH, "--reveal")
        newest = revealed.stdout.strip()
        assert newest not in held  # rotated by the emulator, kept by the run
        held.append(newest)
        for value in held:
            assert value not in result.stdout + result.stderr
    assert meltano_project.counts("raw_asana_oauth")["users"] > 0

    audit = brainhub(meltano_project, config_home, "audit")
    assert audit.stdout.count(f"secret.refresh_token_rotated  {REFRESH}") == 3
    for value in (*held, CLIENT_SECRET):
        assert files_holding(meltano_project.root, value) == [], value
    assert not (meltano_project.root / "data" / "oauth").exists()  # no side file was needed
