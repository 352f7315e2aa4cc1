"""The Singer SDK's standard target tests, run against target-duckdb.

No test is excluded. Each test gets a fresh database file in a temporary directory.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from singer_sdk.testing import get_target_test_class

from targets.duckdb.target import TargetDuckDB

_DB_DIR = Path(tempfile.mkdtemp(prefix="target-duckdb-standard-"))
atexit.register(shutil.rmtree, _DB_DIR, True)

TestTargetDuckDBStandard = get_target_test_class(
    TargetDuckDB,
    config={"path": str(_DB_DIR / "standard.duckdb"), "default_target_schema": "raw_standard"},
)
