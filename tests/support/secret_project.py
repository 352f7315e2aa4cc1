"""For the secret store's and the audit log's tests: a private project and a private config
folder (where the master key file goes) per test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from brainhub.cli import main

REPO = Path(__file__).resolve().parents[2]
SECRET = "pk_81234_QWERTYUIOPASDFGHJKLZXCVB"


@dataclass
class Project:
    """A project directory with this repository's meltano.yml, and brainhub run in it."""

    root: Path
    config_home: Path

    @property
    def key_file(self) -> Path:
        return self.config_home / "brainhub" / "master.key"

    def store(self, environment: str = "sandbox") -> Path:
        return self.root / "data" / "secrets" / f"{environment}.enc"

    def brainhub(self, *args: str, input: str | None = None, **env: str) -> Result:
        return CliRunner().invoke(main, list(args), input=input, env=env or None)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    config_home = tmp_path / "config"
    monkeypatch.chdir(root)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    for name in (
        "BRAINHUB_MASTER_KEY",
        "BRAINHUB_MASTER_KEY_FILE",
        "BRAINHUB_NEW_MASTER_KEY",
        "MELTANO_ENVIRONMENT",
        "MELTANO_PROJECT_ROOT",
    ):
        monkeypatch.delenv(name, raising=False)
    return Project(root, config_home)
