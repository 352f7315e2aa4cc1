"""`brainhub tables` shows the warehouse of the environment Meltano would run in."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from brainhub.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(REPO / "meltano.yml", tmp_path / "meltano.yml")
    (tmp_path / "data").mkdir()
    for name, rows in (("sandbox", 3), ("warehouse", 5)):
        with duckdb.connect(str(tmp_path / "data" / f"{name}.duckdb")) as con:
            con.execute("CREATE SCHEMA raw_clickup")
            con.execute(
                "CREATE TABLE raw_clickup.tasks AS SELECT range AS id FROM range(?)", [rows]
            )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MELTANO_ENVIRONMENT", raising=False)
    return tmp_path


def tables(*args: str, **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["tables", *args], env=env)
    return result.exit_code, result.output


def test_default_is_the_default_environment_the_sandbox(project: Path) -> None:
    code, output = tables()
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "warehouse data/sandbox.duckdb (environment sandbox)"
    assert lines[-1].split() == ["raw_clickup.tasks", "3"]


def test_follows_meltano_environment_and_the_option(project: Path) -> None:
    code, output = tables(MELTANO_ENVIRONMENT="prod")
    assert code == 0, output
    assert output.splitlines()[0] == "warehouse data/warehouse.duckdb (environment prod)"
    assert output.splitlines()[-1].split() == ["raw_clickup.tasks", "5"]
    code, output = tables("--environment", "sandbox", MELTANO_ENVIRONMENT="prod")
    assert output.splitlines()[-1].split() == ["raw_clickup.tasks", "3"]


def test_an_explicit_path_wins(project: Path) -> None:
    code, output = tables("--path", "data/warehouse.duckdb", "--environment", "sandbox")
    assert code == 0, output
    assert output.splitlines()[0] == "warehouse data/warehouse.duckdb"


def test_unknown_environment_lists_the_valid_ones(project: Path) -> None:
    code, output = tables("--environment", "dev")
    assert code == 1
    assert output.strip().endswith("no environment 'dev'; valid environments are sandbox, prod")
    assert "Traceback" not in output


def test_a_missing_warehouse_names_the_file_and_environment(project: Path) -> None:
    (project / "data" / "sandbox.duckdb").unlink()
    code, output = tables()
    assert code == 1
    assert "no warehouse at data/sandbox.duckdb (environment sandbox)" in output
