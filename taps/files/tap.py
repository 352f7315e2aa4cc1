"""``TapFiles``: one Singer stream per configured table of files (CSV, JSONL, Parquet)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from singer_sdk import Stream, Tap
from singer_sdk.exceptions import ConfigValidationError

from brainhub.errors import SettingsError
from brainhub.objectstore import Store, StoredFile, is_partial_name, open_store
from taps.files import reading
from taps.files.settings import (
    CONFIG_SCHEMA,
    DEFAULT_INFER_FILES,
    DEFAULT_PATH,
    DEFAULT_SETTLE_SECONDS,
    TableSetting,
    table_settings,
)
from taps.files.types import json_schema, jsonable

SOURCE_FILE = "_sdc_source_file"
SOURCE_MODIFIED = "_sdc_source_modified_at"
SOURCE_COLUMNS: dict[str, dict[str, Any]] = {
    SOURCE_FILE: {"type": ["string", "null"]},
    SOURCE_MODIFIED: {"type": ["string", "null"], "format": "date-time"},
}


class FileTableStream(Stream):
    """The rows of the files matching one table's glob, read file by file.

    Incremental by file: the state keeps each file read with its modification time, size
    and version, and a run reads the files that are new or changed since (a rewritten file
    is read again whole), oldest first. A file with a temporary name, modified within the
    settle time, or changing while it is read is left for a later run.
    """

    def __init__(self, tap: TapFiles, setting: TableSetting, columns: dict[str, Any]) -> None:
        properties = {name: json_schema(duck_type) for name, duck_type in columns.items()}
        properties.update(copy.deepcopy(SOURCE_COLUMNS))
        super().__init__(
            tap, schema={"type": "object", "properties": properties}, name=setting.name
        )
        self.setting = setting
        self.columns = {name: str(duck_type) for name, duck_type in columns.items()}
        self.primary_keys = list(setting.key_properties)

    def files_seen(self) -> dict[str, Any]:
        """The files read by earlier runs (path → fingerprint), as the state holds them."""
        seen = self.stream_state.get("files")
        return dict(seen) if isinstance(seen, Mapping) else {}

    def get_records(self, context: Mapping[str, Any] | None) -> Iterable[dict[str, Any]]:
        tap = self._tap
        assert isinstance(tap, TapFiles)
        store = tap.store()
        seen = self.files_seen()
        listed = tap.complete_files(store, self.setting)
        # files gone from the store are forgotten; the others keep their entry
        kept = {f.path: seen[f.path] for f in listed if f.path in seen}
        self.stream_state["files"] = kept
        to_read = sorted(
            (f for f in listed if seen.get(f.path) != f.fingerprint),
            key=lambda f: (f.modified, f.path),
        )
        connection = reading.connect()
        try:
            for stored in to_read:
                yield from self._read_file(store, stored, connection)
        finally:
            connection.close()

    def _read_file(
        self, store: Store, stored: StoredFile, connection: Any
    ) -> Iterator[dict[str, Any]]:
        where = f"stream {self.name!r}, file {stored.path!r}"
        with _local_copy(store, stored.path) as local:
            now = store.stat(stored.path)
            if now.fingerprint != stored.fingerprint:
                self.logger.warning(
                    "%s: changed while being read (still being written?); left for the next run",
                    where,
                )
                return
            for row in reading.typed_rows(
                connection, self.setting.format, local, self.columns, where
            ):
                record = {name: jsonable(value) for name, value in row.items()}
                record[SOURCE_FILE] = stored.path
                record[SOURCE_MODIFIED] = stored.modified.isoformat()
                yield record
        self.stream_state.setdefault("files", {})[stored.path] = stored.fingerprint


class TapFiles(Tap):
    """Reads CSV, JSONL and Parquet files from a directory or object store; see
    ``taps/files/README.md``."""

    name = "tap-files"
    # a copy: the SDK adds its built-in settings to the class's schema in place
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._store: Store | None = None
        try:
            super().__init__(*args, **kwargs)
        except ConfigValidationError as exc:
            # one line from the executable, not the SDK's log lines
            raise SettingsError(f"invalid settings: {'; '.join(exc.errors) or exc}") from None

    def store(self) -> Store:
        """The configured location, opened once."""
        if self._store is None:
            self._store = open_store(
                _path_setting(self.config.get("path", DEFAULT_PATH)), self.config
            )
            self._store.require_folder()
        return self._store

    @property
    def settle(self) -> dt.timedelta:
        value = self.config.get("settle_seconds")
        return dt.timedelta(seconds=float(DEFAULT_SETTLE_SECONDS if value is None else value))

    def complete_files(self, store: Store, setting: TableSetting) -> list[StoredFile]:
        """The files of a table that are not being written (no temporary name, settled)."""
        cutoff = dt.datetime.now(dt.UTC) - self.settle
        found = []
        for stored in store.glob(setting.glob):
            if is_partial_name(stored.path):
                continue
            if stored.modified > cutoff:
                self.logger.info(
                    "stream %r: %s was modified within %ss; left for the next run",
                    setting.name, stored.path, self.settle.total_seconds(),
                )  # fmt: skip
                continue
            found.append(stored)
        return found

    def discover_streams(self) -> list[Stream]:
        return [
            FileTableStream(self, setting, self._infer(setting))
            for setting in table_settings(self.config.get("tables"))
        ]

    def _infer(self, setting: TableSetting) -> dict[str, Any]:
        store = self.store()
        files = sorted(self.complete_files(store, setting), key=lambda f: (f.modified, f.path))
        count = max(1, int(self.config.get("infer_files") or DEFAULT_INFER_FILES))
        newest = files[-count:]
        if not newest:
            self.logger.warning(
                "stream %r: no file matches %r yet; its columns are unknown",
                setting.name,
                setting.glob,
            )
            return {}
        directory = Path(tempfile.mkdtemp(prefix="tap-files-"))
        connection = reading.connect()
        try:
            locals_ = []
            for number, stored in enumerate(newest):
                local = directory / f"{number}{Path(stored.path).suffix}"
                store.download(stored.path, local)
                locals_.append(local)
            where = f"stream {setting.name!r} ({len(locals_)} files matching {setting.glob!r})"
            return reading.infer_columns(connection, setting.format, locals_, where)
        finally:
            connection.close()
            shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _local_copy(store: Store, path: str) -> Iterator[Path]:
    """A private local copy of a file of the store, removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="tap-files-"))
    local = directory / f"file{Path(path).suffix}"
    try:
        store.download(path, local)
        yield local
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _path_setting(value: object) -> str:
    """The ``path`` setting; set but empty stays empty, so that it is an error, not the default."""
    return "" if value is None else str(value)
