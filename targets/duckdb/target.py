"""``target-duckdb``: the Singer target that loads brainhub's embedded DuckDB warehouse.

Wiring only: settings, the fast record path, and the order of drains. Messages arrive
through :class:`~targets.duckdb.reader.SingerLineReader`; records of streams without stream
maps are staged as received by :class:`~targets.duckdb.sink.DuckDBSink`, others go through
the SDK's mapper first. STATE is emitted by the SDK's ``drain_all`` only after every sink
has committed, and a full sink, or a batch ``batch_max_seconds`` old, triggers ``drain_all``
so that state keeps flowing. ``overwrite`` tables are swapped in, and older versions retired,
only at the end of a successful run.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import gc
import glob
import os
import shutil
import sys
import tempfile
import time
import typing as t
import weakref
from collections import Counter

import click
import duckdb
import msgspec
from singer_sdk.exceptions import ConfigValidationError
from singer_sdk.helpers.capabilities import PluginCapabilities, TargetCapabilities
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.plugin_base import _ConfigInput
from singer_sdk.target_base import Target

from brainhub.errors import SyncInterrupted
from brainhub.operate.record import RunRecorder
from brainhub.operate.record.logs import quiet_metrics
from brainhub.warehouse_lock import WarehouseLockedError
from targets.duckdb.config_files import ConfigError, read_config_files, usable_directory
from targets.duckdb.errors import (
    InputError,
    RecordBeforeSchemaError,
    TargetDuckDBError,
    WarehouseError,
)
from targets.duckdb.loader import Warehouse
from targets.duckdb.naming import sanitize
from targets.duckdb.pipeline import LoadPipeline
from targets.duckdb.reader import SingerLineReader
from targets.duckdb.settings import (
    CONFIG_SCHEMA,
    DEFAULT_BATCH_SECONDS,
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_PATH,
    DEFAULT_SCHEMA,
)
from targets.duckdb.sink import DuckDBSink, sequence_base
from targets.duckdb.stopping import StoppableInput
from targets.duckdb.streams import columns_for, table_for


class TargetDuckDB(Target):
    """Loads Singer streams into DuckDB tables: upsert, append or overwrite."""

    name = "target-duckdb"
    package_name = "brainhub"
    default_sink_class = DuckDBSink
    message_reader_class = SingerLineReader
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)  # the SDK adds its built-in settings
    capabilities: t.ClassVar[list] = [
        PluginCapabilities.ABOUT,
        PluginCapabilities.STREAM_MAPS,
        PluginCapabilities.FLATTENING,
        PluginCapabilities.STRUCTURED_LOGGING,
        PluginCapabilities.ACTIVATE_VERSION,
        PluginCapabilities.BATCH,
        TargetCapabilities.VALIDATE_RECORDS,
        TargetCapabilities.TARGET_SCHEMA,
        TargetCapabilities.HARD_DELETE,
    ]

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_parallelism = 1
        self.schema_name = sanitize(self.config.get("default_target_schema") or DEFAULT_SCHEMA)
        self.sequence_base = sequence_base()
        self.loaded: Counter[str] = Counter()
        self.replaced: Counter[str] = Counter()
        """Stream → rows of ``loaded`` that replaced a row of the same key (updates)."""
        self.rejected: Counter[str] = Counter()
        self.activated_versions: dict[str, int] = {}
        """Stream → newest version activated in this run, retired below at the end."""
        self.overwrites: dict[str, tuple[str, str]] = {}
        """Stream → table of this run's ``overwrite`` loads, swapped in at the end."""
        self._held_state: dict | None = None
        self._tables: dict[str, tuple[str, str]] = {}
        self._fast_sinks: dict[str, DuckDBSink] = {}
        max_seconds = self.config.get("batch_max_seconds")
        self.batch_max_seconds = float(
            DEFAULT_BATCH_SECONDS if max_seconds is None else max_seconds
        )
        """Pending batches are drained (and STATE emitted) once their first record is this
        old; checked as messages arrive."""
        self._drain_due: float | None = None
        self._warehouse: Warehouse | None = None
        self.loads = LoadPipeline()
        self._emitted_state: dict | None = None
        root = _staging_root(self.config)
        _sweep_stale_staging(root or tempfile.gettempdir())
        try:
            self.staging_dir = tempfile.mkdtemp(prefix=f"target-duckdb-{os.getpid()}-", dir=root)
        except OSError as exc:
            where = root or tempfile.gettempdir()
            raise ConfigError(
                f"setting 'staging_dir': cannot stage batches in {where!r} ({exc.strerror})"
            ) from None
        weakref.finalize(self, shutil.rmtree, self.staging_dir, True)
        self._recent: DuckDBSink | None = None
        reader = self.message_reader
        self._reader = reader if isinstance(reader, SingerLineReader) else None
        if self._reader is not None:
            self._reader.raw_record_handler = self._process_raw_record
            self._reader.speculative_handler = self._stage_if_recent_stream
            self._reader.record_run_handler = self._stage_run

    def count_load(self, stream: str, inserted: int, deleted: int) -> None:
        """Count a committed batch: ``inserted`` rows, of which those replacing one of the
        ``deleted`` rows (same key) are updates."""
        self.loaded[stream] += inserted
        self.replaced[stream] += min(inserted, deleted)

    def progress_sample(self) -> dict[str, dict[str, int]]:
        """Per stream: rows inserted new, rows updated, records rejected so far."""
        return {
            stream: {
                "inserted": self.loaded[stream] - self.replaced[stream],
                "updated": self.replaced[stream],
                "rejected": self.rejected[stream],
            }
            for stream in sorted(set(self.loaded) | set(self.rejected))
        }

    # -- settings -------------------------------------------------------------------------

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        """Resolve ``filepath`` (an alias of ``path``) and warn of unknown settings, then
        validate as the SDK does."""
        config = self._config
        alias = config.pop("filepath", None)
        if alias is not None:
            if config.get("path") not in (None, alias):
                raise TargetDuckDBError(
                    f"settings 'path' ({config['path']!r}) and 'filepath' ({alias!r}) disagree; "
                    "'filepath' is another name for 'path': give one of them"
                )
            config["path"] = alias
        schema = copy.deepcopy(self.config_jsonschema)
        self.append_builtin_config(schema)
        known = set(schema.get("properties", {}))
        for name in sorted(set(config) - known):
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"valid: {', '.join(sorted(known))}"
            self.logger.warning("Unknown setting %r is ignored (%s)", name, hint)
        return super()._validate_config(raise_errors=raise_errors)

    # -- resources ------------------------------------------------------------------------

    @property
    def warehouse(self) -> Warehouse:
        """The open DuckDB database (opened on first use, waiting for its lock if need be)."""
        if self._warehouse is None:
            path = self.config.get("path") or DEFAULT_PATH
            if os.path.dirname(path):
                usable_directory("path", os.path.dirname(path))
            timeout = self.config.get("lock_timeout")
            try:
                self._warehouse = Warehouse(
                    path,
                    memory_limit=self.config.get("memory_limit") or DEFAULT_MEMORY_LIMIT,
                    lock_timeout=DEFAULT_LOCK_TIMEOUT if timeout is None else float(timeout),
                    on_wait=self.logger.warning,
                )
            except WarehouseLockedError as exc:
                raise WarehouseError(f"cannot open database: {exc}") from None
            except duckdb.Error as exc:
                reason = str(exc).splitlines()[0]
                raise WarehouseError(f"cannot open database {path!r}: {reason}") from None
            self.logger.info("Loading into %s", os.path.abspath(path))
            self._warehouse.drop_asides()
        return self._warehouse

    def table_for(self, stream_name: str) -> tuple[str, str]:
        """The ``(schema, table)`` of a stream, the same in every run (see
        :mod:`targets.duckdb.streams`)."""
        if stream_name not in self._tables:
            self.loads.wait()  # the loader thread shares the connection
            conn = self.warehouse.conn
            self._tables[stream_name] = table_for(conn, stream_name, self.schema_name)
        return self._tables[stream_name]

    def columns_for(
        self, schema: str, table: str, properties: t.Sequence[str], reserved: t.Sequence[str]
    ) -> dict[str, str]:
        """The column of each property of a table, the same in every run."""
        self.loads.wait()
        return columns_for(self.warehouse.conn, schema, table, properties, reserved)

    # -- messages -------------------------------------------------------------------------

    def _process_raw_record(
        self, stream: str, line: bytes, raw_record: msgspec.Raw, number: int
    ) -> None:
        sink = self._fast_sinks.get(stream)
        if sink is None:
            maps = self.mapper.stream_maps.get(stream)
            if not maps:
                raise RecordBeforeSchemaError("RECORD before its SCHEMA", stream=stream)
            only = maps[0]
            if len(maps) > 1 or type(only) is not SameRecordTransform or only.flattening_enabled:
                self._process_record_message(msgspec.json.decode(line))
                return
            sink = t.cast(DuckDBSink, self._sinks_active[stream])
            self._fast_sinks[stream] = sink
        self._recent_sink = sink
        if sink.stage(line, raw_record, number):
            self.drain_all()
        self._drain_if_due()

    @property
    def _recent_sink(self) -> DuckDBSink | None:
        """The sink of the stream of the last record staged directly (no stream maps)."""
        return self._recent

    @_recent_sink.setter
    def _recent_sink(self, sink: DuckDBSink | None) -> None:
        if sink is self._recent:
            return
        self._recent = sink
        if self._reader is not None:
            self._reader.run_prefixes = () if sink is None else sink.run_prefixes

    def _stage_run(self, lines: list[bytes], first: int) -> int:
        """Stage a run of RECORD lines of the recent stream in bulk (see
        :meth:`DuckDBSink.stage_run`); return how many were staged."""
        done = 0
        while (sink := self._recent) is not None and done < len(lines):
            staged = sink.stage_run(lines[done:] if done else lines, first + done)
            if not staged:
                break
            done += staged
            if sink.is_full:
                self.drain_all()
            self._drain_if_due()
        return done

    def _stage_if_recent_stream(self, line: bytes, number: int) -> bool:
        """The fast path: most RECORD lines belong to the stream of the record before."""
        sink = self._recent_sink
        if sink is None:
            return False
        full = sink.stage_if_mine(line, number)
        if full is None:
            return False
        if full:
            self.drain_all()
        self._drain_if_due()
        return True

    def _drain_if_due(self) -> None:
        """Drain every sink once the oldest pending record is ``batch_max_seconds`` old, so
        that STATE advances during a long, slow sync (called after each staged record)."""
        now = time.monotonic()
        if self._drain_due is None:
            self._drain_due = now + self.batch_max_seconds
        elif now >= self._drain_due:
            self.logger.debug("Batches reached batch_max_seconds: draining every sink")
            self.drain_all()

    def _reset_max_record_age(self) -> None:
        """Called at the end of every ``drain_all``: nothing is pending any more."""
        super()._reset_max_record_age()
        self._drain_due = None

    def _process_record_message(self, message_dict: dict) -> None:
        """Stage a record that goes through stream maps or flattening first."""
        self._assert_line_requires(message_dict, requires={"stream", "record"})
        stream = message_dict["stream"]
        maps = self.mapper.stream_maps.get(stream)
        if not maps:
            raise RecordBeforeSchemaError("RECORD before its SCHEMA", stream=stream)
        number = getattr(self.message_reader, "line_number", 0)
        for stream_map in maps:
            record = stream_map.transform(copy.copy(message_dict["record"]))
            if record is None:
                continue
            sink = t.cast(DuckDBSink, self._sinks_active[stream_map.stream_alias])
            if sink.stage_message({**message_dict, "record": record}, number):
                self.drain_all()
            self._drain_if_due()

    def _process_schema_message(self, message_dict: dict) -> None:
        """Register a schema; drain the stream's pending records first if it changed."""
        self._assert_line_requires(message_dict, requires={"stream", "schema"})
        stream = message_dict["stream"]
        schema = message_dict["schema"]
        keys = message_dict.get("key_properties")
        if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            raise InputError("SCHEMA message has no 'properties' object", stream=stream)
        if keys is not None and not (
            isinstance(keys, list) and all(isinstance(k, str) for k in keys)
        ):
            raise InputError("'key_properties' must be a list of names", stream=stream)
        for stream_map in self.mapper.stream_maps.get(stream, []):
            sink = self._sinks_active.get(stream_map.stream_alias)
            if sink is not None and (
                stream_map.raw_schema != schema or stream_map.raw_key_properties != keys
            ):
                self.drain_one(sink)
        self._fast_sinks.pop(stream, None)
        self._recent_sink = None
        try:
            super()._process_schema_message(message_dict)
        except TargetDuckDBError as exc:
            exc.stream = exc.stream or stream
            raise

    def _sinks_of(self, message_dict: dict, kind: str) -> list[DuckDBSink]:
        stream = message_dict.get("stream")
        maps = self.mapper.stream_maps.get(stream) if isinstance(stream, str) else None
        if not maps:
            raise RecordBeforeSchemaError(f"{kind} before its SCHEMA", stream=stream)
        return [t.cast(DuckDBSink, self._sinks_active[m.stream_alias]) for m in maps]

    def _process_activate_version_message(self, message_dict: dict) -> None:
        """Note the stream's new version; rows of older versions are retired at the end.

        A full-table stream sends ACTIVATE_VERSION as it starts, and its records carry the
        version. Retiring older rows only once every record of the run has committed (in
        :meth:`DuckDBSink.clean_up`) never shows a half-retired table, and a run that fails
        retires nothing.
        """
        self._assert_line_requires(message_dict, requires={"stream", "version"})
        sinks = self._sinks_of(message_dict, "ACTIVATE_VERSION")
        if not self.config.get("process_activate_version_messages", True):
            self.logger.info("Ignoring ACTIVATE_VERSION (process_activate_version_messages off)")
            return
        version = message_dict["version"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise InputError(
                f"ACTIVATE_VERSION 'version' must be an integer (got {version!r})",
                stream=message_dict["stream"],
            )
        for sink in sinks:
            known = self.activated_versions.get(sink.stream_name)
            self.activated_versions[sink.stream_name] = max(version, known or version)

    def _process_batch_message(self, message_dict: dict) -> None:
        """Commit the stream's pending records, then load the BATCH files."""
        self._assert_line_requires(message_dict, requires={"stream", "encoding", "manifest"})
        for sink in self._sinks_of(message_dict, "BATCH"):
            self.drain_one(sink)
        super()._process_batch_message(message_dict)

    def _process_state_message(self, message_dict: dict) -> None:
        """Keep the state; emit it at once if every record before it is already staged out,
        or drain first if the pending records are ``batch_max_seconds`` old."""
        super()._process_state_message(message_dict)
        if not self._latest_state:
            return
        if not any(s.current_size for s in self._sinks_active.values()):
            self._write_state_message(copy.deepcopy(self._latest_state))
        elif self._drain_due is not None and time.monotonic() >= self._drain_due:
            self.drain_all()

    def _write_state_message(self, state: dict) -> None:
        """Emit STATE once every batch received before it has committed.

        The write is queued behind those batches' loads, so reading goes on meanwhile; if
        a load fails, the state is never written. While ``overwrite`` tables wait to be
        swapped in, the real tables do not hold what the state describes yet: the state is
        held until the swap at the end of the run.
        """
        if self.overwrites:
            self._held_state = state
            return
        if state == self._emitted_state:
            return
        self._emitted_state = state
        write = super()._write_state_message
        self.loads.submit(lambda: write(state))

    def process_endofpipe(self) -> None:
        """Commit everything, swap in ``overwrite`` tables, emit the final state, report
        counts and close the database."""
        super().process_endofpipe()
        self.loads.wait()
        if self.overwrites:
            self.warehouse.swap_in(sorted(self.overwrites.values()))
            for stream, (schema, table) in sorted(self.overwrites.items()):
                self.logger.info("Stream '%s': table %s.%s replaced", stream, schema, table)
            self.overwrites.clear()
            if self._held_state is not None:
                self._write_state_message(self._held_state)
        self.loads.close()
        for stream in sorted(set(self.loaded) | set(self.rejected)):
            self.logger.info(
                "Stream '%s': %d rows loaded, %d records rejected",
                stream,
                self.loaded[stream],
                self.rejected[stream],
            )
        self.close()

    def commit_what_was_read(self) -> None:
        """After a stop signal: commit every record read and emit the last STATE received.

        Nothing that belongs to the end of a run happens: the run did not end.
        """
        self.drain_all()
        self.loads.close()

    def close(self) -> None:
        """Release the database and the staging files (after an error too)."""
        self.loads.abandon()
        if self._warehouse is not None:
            if self.overwrites:  # a failed run: the real tables stay as they were
                with contextlib.suppress(duckdb.Error):
                    self._warehouse.drop_asides()
                self.overwrites.clear()
            self._warehouse.close()
            self._warehouse = None
        for sink in [*self._sinks_active.values(), *self._sinks_to_clear]:
            if isinstance(sink, DuckDBSink):
                sink.discard_staged()
        self._sinks_active.clear()
        self._sinks_to_clear.clear()
        self._fast_sinks.clear()
        self._recent_sink = None
        shutil.rmtree(self.staging_dir, ignore_errors=True)

    # -- command line ---------------------------------------------------------------------

    def _setup_signal_handlers(self) -> None:
        # Called by the SDK's constructor. Its handlers drain the sinks from inside the
        # signal handler, mid-message, and exit 0; ``invoke`` installs those of
        # targets.duckdb.stopping instead.
        return

    @classmethod
    def cb_config(cls, ctx: click.Context, param: click.Option, value: tuple[str, ...]) -> t.Any:
        """Read the ``--config`` files; a bad one ends the run with one line, exit code 1."""
        try:
            config, parse_env = read_config_files(value)
        except ConfigError as exc:
            print(f"target-duckdb: {exc}", file=sys.stderr)
            ctx.exit(1)
        return _ConfigInput(config=config, parse_env=parse_env)

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: t.Any = None,
        file_input: t.IO[str] | None = None,
    ) -> None:
        """Run the target; bad input ends with one line on stderr and exit code 1.

        SIGINT or SIGTERM stops the reading, commits what was read, emits the last STATE
        received and exits 130 or 143 (see :mod:`targets.duckdb.stopping`).
        """
        # The plugin-level part of the SDK's Target.invoke (``--about``); the rest is below,
        # so that the database is closed whatever happens.
        super(Target, cls).invoke(about=about, about_format=about_format)
        stoppable = StoppableInput()
        stoppable.install()
        cls.print_version(print_fn=cls.logger.info)
        config = config or _ConfigInput()
        quiet_metrics(cls.name)
        target: TargetDuckDB | None = None
        try:
            try:
                target = cls(
                    config=config.config, validate_config=True, parse_env_config=config.parse_env
                )
            except ConfigValidationError as exc:
                raise ConfigError(f"invalid settings: {'; '.join(exc.errors)}") from None
            # Everything built so far lives as long as the run: keep the garbage collector,
            # which runs often while records are decoded, from scanning it again and again
            # (and give it back afterwards, for a process that goes on after the run).
            gc.freeze()
            recorder = RunRecorder("target", target.progress_sample, cls.logger, noun="rows")
            recorder.start()
            try:
                target.listen(stoppable.lines(file_input))  # type: ignore[arg-type]
            except SyncInterrupted as exc:
                target.commit_what_was_read()
                recorder.finish(exc)
            except BaseException as exc:
                recorder.finish(exc)
                raise
            else:
                recorder.finish()
            finally:
                gc.unfreeze()
            if (signum := stoppable.signum) is not None:
                sys.stdout.flush()
                print(
                    f"target-duckdb: {SyncInterrupted(signum)}; every record read is "
                    "committed and the last STATE received was emitted",
                    file=sys.stderr,
                )
                sys.exit(128 + signum)
        except (TargetDuckDBError, duckdb.Error) as exc:
            error: Exception = exc
            if isinstance(exc, duckdb.Error):  # e.g. the disk is full: DuckDB's first line
                error = WarehouseError(f"DuckDB failed: {str(exc).splitlines()[0]}")
            if target is not None:
                try:  # batches read before the error still commit, and their state is emitted
                    target.loads.close()
                except TargetDuckDBError as earlier:
                    error = earlier
            sys.stdout.flush()
            print(f"target-duckdb: {error}", file=sys.stderr)
            sys.exit(1)
        finally:
            if target is not None:
                target.close()


def _sweep_stale_staging(root: str) -> None:
    """Remove staging directories left by target processes that were killed."""
    for entry in glob.glob(os.path.join(root, "target-duckdb-*-*")):
        pid = os.path.basename(entry).split("-")[2]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except PermissionError:
            continue  # alive, another user's


def _staging_root(config: t.Mapping[str, t.Any]) -> str | None:
    configured = config.get("staging_dir")
    if configured:
        return usable_directory("staging_dir", str(configured))
    # Not /dev/shm: a staged batch (up to batch_size_bytes) would be held in memory there.
    return None
