"""``TargetFiles``: Singer streams as partitioned files in a directory or an object store.

Each batch of a stream becomes one file per date partition, written locally, then
published under a temporary name and renamed (or copied, on an object store) into place:
a reader never sees a partial file, and a target stopped mid-write leaves none. The SDK
emits a STATE only once every batch received before it is in place.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import defaultdict
from typing import Any

from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.target_base import Target

from brainhub.errors import SettingsError
from brainhub.objectstore import Store, open_store
from targets.files.layout import run_id
from targets.files.settings import CONFIG_SCHEMA, DEFAULT_PATH
from targets.files.sink import FilesSink


class TargetFiles(Target):
    """Writes partitioned JSONL, Parquet or CSV files; see ``targets/files/README.md``."""

    name = "target-files"
    default_sink_class = FilesSink
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)  # the SDK adds its built-in settings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._store: Store | None = None
        started = dt.datetime.now(dt.UTC)
        self.run = run_id(started)
        self.run_date = started.date()
        self._parts: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        try:
            super().__init__(*args, **kwargs)
        except ConfigValidationError as exc:
            # one line from the executable, not the SDK's log lines
            raise SettingsError(f"invalid settings: {'; '.join(exc.errors) or exc}") from None
        self.store()  # a bad path fails now, before any input is read

    def store(self) -> Store:
        """The configured location, opened once."""
        if self._store is None:
            self._store = open_store(
                _path_setting(self.config.get("path", DEFAULT_PATH)), self.config
            )
        return self._store

    def next_part(self, stream_name: str) -> int:
        """The number of the stream's next file in this run (1, 2, …)."""
        with self._lock:
            self._parts[stream_name] += 1
            return self._parts[stream_name]


def _path_setting(value: object) -> str:
    """The ``path`` setting; set but empty stays empty, so that it is an error, not the default."""
    return "" if value is None else str(value)
