"""Pipeline tests run the real Meltano CLI on a private copy of the project.

Each test gets a directory holding this repository's ``meltano.yml`` with links to its
environment, mapping files and plugins, so the warehouse, Meltano's state database and the
sandbox's data generations are the test's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class MeltanoProject:
    """A private Meltano project and how to run commands in it."""

    root: Path

    @property
    def warehouse(self) -> Path:
        """The sandbox environment's warehouse (the default environment's)."""
        return self.root / "data" / "sandbox.duckdb"

    @property
    def prod_warehouse(self) -> Path:
        return self.root / "data" / "warehouse.duckdb"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TAP_", "TARGET_", "MELTANO_"))
        }
        env.update(
            PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
            MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
            BRAINHUB_SANDBOX_DIR=str(self.root / "data" / "sandbox"),
            NO_COLOR="1",
        )
        env.update(extra)
        return env

    def run(
        self, *args: str, check: bool = True, timeout: float = 240, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """``meltano <args>`` in the project; on failure the output is in the assertion."""
        result = subprocess.run(
            [str(BIN / "meltano"), *args],
            cwd=self.root,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check:
            assert result.returncode == 0, (
                f"meltano {' '.join(args)} failed:\n{result.stderr[-6000:]}"
            )
        return result

    def brainhub(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(BIN / "brainhub"), *args],
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result

    def counts(self, schema: str) -> dict[str, int]:
        """Rows per table of a warehouse schema (not counting target-duckdb's records of
        which table and column each stream and property has)."""
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            tables = [
                t
                for (t,) in con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                    "AND table_name NOT IN ('_streams', '_columns')",
                    [schema],
                ).fetchall()
            ]
            return {
                t: con.execute(f'SELECT count(*) FROM "{schema}"."{t}"').fetchone()[0]  # noqa: S608
                for t in tables
            }

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


def deleted_per_stream(changes: dict[str, int]) -> dict[str, int]:
    """Records ``brainhub sandbox mutate`` deleted, per stream (its ``<stream>_deleted``)."""
    return {
        key.removesuffix("_deleted"): value
        for key, value in changes.items()
        if key.endswith("_deleted")
    }


def rows_after_mutate(counts: dict[str, int], changes: dict[str, int]) -> dict[str, int]:
    """Warehouse rows per table after a sync, ``mutate`` and a second sync: what the
    emulator holds now plus the deleted records, which stay as rows (marked deleted where
    the stream is re-read in full; an incremental sync never sees a deletion)."""
    deleted = deleted_per_stream(changes)
    return {stream: count + deleted.get(stream, 0) for stream, count in counts.items()}


@pytest.fixture
def meltano_project(tmp_path: Path) -> MeltanoProject:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    for name in (".venv", "transforms"):
        (root / name).symlink_to(REPO / name)
    (root / "data").mkdir()
    return MeltanoProject(root)
