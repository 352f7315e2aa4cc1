"""The Singer SDK's standard tests for tap-files (a CSV and a JSONL table in a directory made
for this module) and target-files (JSONL and Parquet). No test is excluded."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

from singer_sdk.testing import SuiteConfig, get_tap_test_class, get_target_test_class

from taps.files.tap import TapFiles
from targets.files.target import TargetFiles

_DIRECTORY = Path(tempfile.mkdtemp(prefix="files-standard-"))
atexit.register(shutil.rmtree, _DIRECTORY, True)
_DROP = _DIRECTORY / "drop"
(_DROP / "orders").mkdir(parents=True)
(_DROP / "orders" / "2026-01.csv").write_text(
    "id,total,placed_at\n"
    + "".join(f"{i},{i * 2.5},2026-01-{i % 28 + 1:02d}T10:00:00Z\n" for i in range(20))
)
(_DROP / "events.jsonl").write_text(
    "".join(f'{{"id": {i}, "kind": "k{i % 3}", "data": {{"n": {i}}}}}\n' for i in range(10))
)
_SETTLED = time.time() - 3600
for _file in _DROP.rglob("*.*"):
    os.utime(_file, (_SETTLED, _SETTLED))

TestTapFiles = get_tap_test_class(
    TapFiles,
    config={
        "path": str(_DROP),
        "tables": [
            {"name": "orders", "glob": "orders/*.csv", "key_properties": ["id"]},
            {"name": "events", "glob": "*.jsonl", "key_properties": ["id"]},
        ],
    },
    suite_config=SuiteConfig(max_records_limit=None),
)

TestTargetFilesJsonl = get_target_test_class(
    TargetFiles, config={"path": str(_DIRECTORY / "out-jsonl"), "format": "jsonl"}
)

TestTargetFilesParquet = get_target_test_class(
    TargetFiles, config={"path": str(_DIRECTORY / "out-parquet"), "format": "parquet"}
)
