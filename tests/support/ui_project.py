"""For the monitoring page's tests: a private project with a run store and a warehouse
seeded with known runs, rejects, schema changes and sync conflicts."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from brainhub.access import Role, TokenStore
from brainhub.operate.record.store import RunStore

REPO = Path(__file__).resolve().parents[2]
#: An error whose URL carries a credential in its query (what a careless API echoes).
LEAKY_ERROR = "HTTP 500 from https://api.clickup.com/api/v2/team?api_token=pk_9_LEAKEDSECRET"


@dataclass
class UiProject:
    root: Path

    @property
    def store(self) -> RunStore:
        return RunStore.of_project(self.root)

    @property
    def warehouse(self) -> Path:
        return self.root / "data" / "sandbox.duckdb"

    def token(self, name: str, role: Role) -> str:
        token, _ = TokenStore(self.root).create(name, role)
        return token


def seed_runs(store: RunStore) -> None:
    """Four runs of clickup-to-duckdb (one failed), two failed runs of the GitHub pipeline."""
    for n in range(4):
        run_id = f"c{n}000000-0000-4000-8000-000000000000"
        store.begin(
            run_id,
            integration="clickup-to-duckdb",
            trigger="schedule",
            environment="sandbox",
            part="tap",
            expect=("target",),
        )
        store.write_counts(
            run_id,
            "tap",
            {
                "tasks": {"read": 10 * (n + 1), "requests": 5, "throttled": 1, "waited": 2.0},
                "lists": {"read": 2, "requests": 1},
            },
        )
        store.write_counts(
            run_id,
            "target",
            {
                "tasks": {"inserted": 10 * (n + 1), "rejected": 1},
                "lists": {"inserted": 2},
            },
        )
        failed = n == 2
        store.finish_part(
            run_id,
            "tap",
            error=LEAKY_ERROR if failed else None,
            traceback="Traceback (most recent call last):\n  boom" if failed else None,
        )
        store.finish_part(run_id, "target")
    for n in range(2):
        run_id = f"d{n}000000-0000-4000-8000-000000000000"
        store.begin(
            run_id,
            integration="github-issues-to-clickup",
            trigger="manual",
            environment="sandbox",
            part="tap",
        )
        store.write_counts(run_id, "tap", {"issues": {"read": 3, "requests": 7, "throttled": 2}})
        store.finish_part(run_id, "tap", error="secondary rate limit exceeded\nretry later")


def seed_warehouse(path: Path) -> None:
    """Loaded tables with target-duckdb's registries and rejects, a write target's rejects,
    and a two-way sync's conflicts (one open, one resolved)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as conn:
        conn.execute(
            "CREATE SCHEMA raw_clickup; CREATE SCHEMA clickup_github; "
            "CREATE SCHEMA sync_clickup_jira"
        )
        conn.execute("CREATE TABLE raw_clickup.tasks (id VARCHAR, name VARCHAR)")
        conn.execute(
            "CREATE TABLE raw_clickup._streams (stream VARCHAR PRIMARY KEY, "
            "table_name VARCHAR NOT NULL, recorded_at TIMESTAMPTZ DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO raw_clickup._streams (stream, table_name) VALUES ('tasks', 'tasks')"
        )
        conn.execute(
            "CREATE TABLE raw_clickup._columns (table_name VARCHAR, property VARCHAR, "
            "column_name VARCHAR NOT NULL, recorded_at TIMESTAMPTZ DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO raw_clickup._columns (table_name, property, column_name) VALUES "
            "('tasks', 'id', 'id'), ('tasks', 'name', 'name')"
        )
        conn.execute(  # a property that appeared in a later sync
            "INSERT INTO raw_clickup._columns VALUES "
            "('tasks', 'due date', 'due_date', now() + INTERVAL 2 HOUR)"
        )
        conn.execute(
            "CREATE TABLE raw_clickup._rejected (stream VARCHAR, line BIGINT, "
            "reason VARCHAR, message VARCHAR, rejected_at TIMESTAMPTZ DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO raw_clickup._rejected (stream, line, reason, message) VALUES "
            "('tasks', 4, 'schema', 'due_date is not a date'), "
            "('tasks', 9, 'schema', 'due_date is not a date'), "
            "('tasks', 12, 'key', 'id is missing')"
        )
        conn.execute(
            "CREATE TABLE clickup_github._write_rejects (stream VARCHAR, source_key "
            "VARCHAR, object_type VARCHAR, call VARCHAR, status INTEGER, error VARCHAR, "
            "rejected_at TIMESTAMPTZ DEFAULT now())"
        )
        conn.execute(
            "INSERT INTO clickup_github._write_rejects (stream, source_key, object_type, "
            "call, status, error) VALUES ('tasks', '17', 'task', 'create', 400, "
            "'Status not found')"
        )
        conn.execute(
            "CREATE SCHEMA stg_clickup; CREATE TABLE stg_clickup.tasks__rejected AS SELECT "
            "'due_at' AS _field, 'to_timestamp' AS _rule, 'not a date: soon' AS _reason, "
            "'{}' AS _record FROM range(3)"
        )
        conn.execute(
            "CREATE TABLE sync_clickup_jira.conflicts (conflict_id VARCHAR PRIMARY KEY, "
            "left_id VARCHAR, right_id VARCHAR, field VARCHAR, left_value VARCHAR, "
            "right_value VARCHAR, detected_at TIMESTAMP, resolution VARCHAR, "
            "resolved_at TIMESTAMP)"
        )
        conn.execute(
            "INSERT INTO sync_clickup_jira.conflicts VALUES "
            "('k1', 't1', 'ENG-1', 'status', 'done', 'in progress', now(), NULL, NULL), "
            "('k2', 't2', 'ENG-2', 'name', 'a', 'b', now(), 'left', now())"
        )


@pytest.fixture
def ui_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> UiProject:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "meltano.yml", root / "meltano.yml")
    (root / "transforms").symlink_to(REPO / "transforms")
    for name in (
        "BRAINHUB_RUN_STORE",
        "BRAINHUB_API_PRICES",
        "MELTANO_ENVIRONMENT",
        "MELTANO_PROJECT_ROOT",
        "BRAINHUB_ERROR_AFTER",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(root)
    project = UiProject(root)
    seed_runs(project.store)
    seed_warehouse(project.warehouse)
    return project
