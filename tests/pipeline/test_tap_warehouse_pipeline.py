"""Reverse ETL in a real Meltano run: tap-warehouse reads a mart of the sandbox warehouse and
target-duckdb loads it back into the same file (the tap's snapshot is taken before the
target opens the file), twice, the second run incremental."""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.pipeline.conftest import MeltanoProject

pytestmark = [pytest.mark.pipeline]

STREAMS = [
    {
        "name": "accounts",
        "table": "marts.accounts",
        "key_properties": ["id"],
        "replication_key": "updated_at",
    }
]


def test_tap_warehouse_round_trips_a_mart_through_target_duckdb(
    meltano_project: MeltanoProject,
) -> None:
    meltano_project.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(meltano_project.warehouse)) as connection:
        connection.execute(
            "CREATE SCHEMA marts; CREATE TABLE marts.accounts AS SELECT i AS id,"
            " 'account ' || i AS name, TIMESTAMP '2026-01-01' + i * INTERVAL 1 DAY AS updated_at"
            " FROM range(10) t(i)"
        )
    streams = json.dumps(STREAMS)
    meltano_project.run("run", "tap-warehouse", "target-duckdb", TAP_WAREHOUSE_STREAMS=streams)
    with duckdb.connect(str(meltano_project.warehouse)) as connection:
        connection.execute(
            "INSERT INTO marts.accounts VALUES (10, 'new', TIMESTAMP '2026-02-01');"
            "UPDATE marts.accounts SET name = 'renamed', updated_at = TIMESTAMP '2026-02-02'"
            " WHERE id = 3"
        )
    meltano_project.run("run", "tap-warehouse", "target-duckdb", TAP_WAREHOUSE_STREAMS=streams)
    with duckdb.connect(str(meltano_project.warehouse), read_only=True) as connection:
        rows = connection.execute(
            "SELECT id, name FROM tap_warehouse.accounts ORDER BY id"
        ).fetchall()
    assert len(rows) == 11
    assert dict(rows)[3] == "renamed"
    assert dict(rows)[10] == "new"
