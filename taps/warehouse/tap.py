"""``TapWarehouse``: one Singer stream per configured table or query of the warehouse."""

from __future__ import annotations

import copy
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb
from singer_sdk import Stream, Tap
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import Message

from brainhub.errors import SettingsError
from taps.warehouse.settings import (
    CONFIG_SCHEMA,
    DEFAULT_BATCH_ROWS,
    DEFAULT_DATABASE,
    DEFAULT_LOCK_TIMEOUT,
    StreamSetting,
    stream_settings,
)
from taps.warehouse.snapshot import Plan, WarehouseReader, snapshot_rows
from taps.warehouse.types import json_schema, jsonable


class WarehouseStream(Stream):
    """The rows of one table or query; incremental on ``replication_key`` when it has one.

    Rows whose replication key equals the bookmark are read again (``>=``): rows that share
    the last value are never lost, and a target that upserts by ``key_properties`` keeps
    one of each.
    """

    def __init__(self, tap: TapWarehouse, setting: StreamSetting, types: dict[str, Any]) -> None:
        decimal_as = str(tap.config.get("decimal_as") or "number")
        properties = {name: json_schema(duck_type, decimal_as) for name, duck_type in types.items()}
        super().__init__(
            tap, schema={"type": "object", "properties": properties}, name=setting.name
        )
        self.setting = setting
        self.types = types
        self.decimal_as = decimal_as
        self.primary_keys = list(setting.key_properties)
        self.replication_key = setting.replication_key

    @property
    def is_sorted(self) -> bool:
        """Rows come ordered by the replication key, so the bookmark advances as they go."""
        return self.setting.replication_key is not None

    def bookmark(self) -> Any:
        """The replication key value the incoming state holds for this stream, if any (read
        from the state itself: the snapshot is taken before the SDK starts the stream)."""
        if not self.replication_key:
            return None
        return self.stream_state.get("replication_key_value")

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        tap = self._tap
        assert isinstance(tap, TapWarehouse)
        connection = tap.snapshot_connection()
        for row in snapshot_rows(connection, self.setting, tap.batch_rows):
            yield {name: jsonable(value, self.decimal_as) for name, value in row.items()}


class TapWarehouse(Tap):
    """Reads DuckDB warehouse tables and queries (reverse ETL); see ``taps/warehouse/README.md``."""

    name = "tap-warehouse"
    # a copy: the SDK adds its built-in settings to the class's schema in place
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._described: dict[str, dict[str, Any]] | None = None
        self._snapshot: duckdb.DuckDBPyConnection | None = None
        # the snapshot is taken before the first message goes out: a target loading into the
        # same warehouse opens it as soon as it reads that message, and would keep us out
        kwargs.setdefault("message_writer", _SnapshotFirstWriter(self.snapshot_connection))
        try:
            super().__init__(*args, **kwargs)
        except ConfigValidationError as exc:
            # one line from the executable, not the SDK's log lines
            raise SettingsError(f"invalid settings: {'; '.join(exc.errors) or exc}") from None

    @property
    def batch_rows(self) -> int:
        return int(self.config.get("batch_size_rows") or DEFAULT_BATCH_ROWS)

    def reader(self) -> WarehouseReader:
        timeout = self.config.get("lock_timeout")
        return WarehouseReader(
            str(self.config.get("database") or DEFAULT_DATABASE),
            DEFAULT_LOCK_TIMEOUT if timeout is None else float(timeout),
            self.logger.warning,
        )

    def discover_streams(self) -> list[Stream]:
        settings = stream_settings(self.config.get("streams"))
        if self._described is None:
            self._described = self.reader().describe(settings)
        return [WarehouseStream(self, s, self._described[s.name]) for s in settings]

    def snapshot_connection(self) -> duckdb.DuckDBPyConnection:
        """The private snapshot of every selected stream, taken before the sync writes its first
        message (one visit to the warehouse for all of them) and removed when the tap ends."""
        if self._snapshot is None:
            directory = Path(tempfile.mkdtemp(prefix="tap-warehouse-"))
            target = directory / "snapshot.duckdb"
            plans = [
                Plan(stream.setting, stream.types, stream.bookmark())
                for stream in self.streams.values()
                if isinstance(stream, WarehouseStream) and stream.selected
            ]
            try:
                self.reader().snapshot(plans, target)
            except BaseException:
                shutil.rmtree(directory, ignore_errors=True)
                raise
            self._snapshot = duckdb.connect(str(target), read_only=True)
            self._snapshot.execute("SET TimeZone = 'UTC'")
            weakref.finalize(self, _discard, self._snapshot, directory)
        return self._snapshot


class _SnapshotFirstWriter(SingerWriter):
    """Writes Singer messages to stdout, calling ``before_first`` before the first of them."""

    def __init__(self, before_first: Callable[[], object]) -> None:
        super().__init__()
        self._before_first: Callable[[], object] | None = before_first

    def write_message(self, message: Message) -> None:
        if self._before_first is not None:
            before_first, self._before_first = self._before_first, None
            before_first()
        super().write_message(message)


def _discard(connection: duckdb.DuckDBPyConnection, directory: Path) -> None:
    """Close a snapshot and remove its directory (when the tap goes, or the process ends)."""
    connection.close()
    shutil.rmtree(directory, ignore_errors=True)
