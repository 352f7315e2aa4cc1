"""The SDK's standard tap tests (``get_tap_test_class``) for tap-warehouse, on a small
warehouse file made for this module: a table stream (incremental) and a query stream."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import duckdb
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from taps.warehouse.tap import TapWarehouse

_DIRECTORY = Path(tempfile.mkdtemp(prefix="tap-warehouse-standard-"))
atexit.register(shutil.rmtree, _DIRECTORY, True)
DATABASE = _DIRECTORY / "warehouse.duckdb"
with duckdb.connect(str(DATABASE)) as _connection:
    _connection.execute(
        "CREATE SCHEMA marts;"
        "CREATE TABLE marts.accounts AS SELECT i AS id, 'account ' || i AS name,"
        " (i * 2.5)::DECIMAL(10, 2) AS balance, [i, i + 1] AS tags,"
        " {'tier': i % 3, 'active': i % 2 = 0} AS profile,"
        " TIMESTAMP '2026-01-01' + i * INTERVAL 1 HOUR AS updated_at FROM range(25) t(i)"
    )

TestTapWarehouse = get_tap_test_class(
    TapWarehouse,
    config={
        "database": str(DATABASE),
        "streams": [
            {
                "name": "accounts",
                "table": "marts.accounts",
                "key_properties": ["id"],
                "replication_key": "updated_at",
            },
            {
                "name": "tiers",
                "query": "SELECT profile.tier AS tier, count(*) AS n FROM marts.accounts GROUP BY 1",
                "key_properties": ["tier"],
            },
        ],
    },
    suite_config=SuiteConfig(max_records_limit=None),
)
