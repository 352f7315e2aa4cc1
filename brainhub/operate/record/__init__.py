"""What the plugins of a run record while it runs: the run store, the run's identity, the
recorder and its progress lines. Part of the core, so the tap and target engines use it."""

from brainhub.operate.record.identity import RunIdentity, current_run, run_id_for
from brainhub.operate.record.recorder import RunRecorder, progress_interval
from brainhub.operate.record.store import (
    COUNTS,
    TRIGGERS,
    Run,
    RunStore,
    RunStoreError,
    StreamCounts,
    run_status,
    store_path,
    utc_now,
)

__all__ = [
    "COUNTS",
    "TRIGGERS",
    "Run",
    "RunIdentity",
    "RunRecorder",
    "RunStore",
    "RunStoreError",
    "StreamCounts",
    "current_run",
    "progress_interval",
    "run_id_for",
    "run_status",
    "store_path",
    "utc_now",
]
