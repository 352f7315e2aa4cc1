"""One stream's sink: stages raw RECORD lines in a file and loads them batch by batch."""

from __future__ import annotations

import datetime
import os
import time
import typing as t

import duckdb
import msgspec
from singer_sdk.helpers._batch import BaseBatchFileEncoding
from singer_sdk.sinks import BatchSink

from targets.duckdb.errors import InputError, InvalidRecordError, LoadError, MissingKeyError
from targets.duckdb.layout import LINE_COLUMN, TableLayout
from targets.duckdb.loader import Source
from targets.duckdb.locate import find_bad_records
from targets.duckdb.naming import sanitize
from targets.duckdb.validate import RecordValidator, Violation

if t.TYPE_CHECKING:
    from targets.duckdb.target import TargetDuckDB

_encode = msgspec.json.Encoder(decimal_format="number").encode


class DuckDBSink(BatchSink):
    """Stages a stream's records and loads each batch into its DuckDB table."""

    def __init__(
        self,
        target: TargetDuckDB,
        stream_name: str,
        schema: dict,
        key_properties: t.Sequence[str] | None,
    ) -> None:
        self._target = target
        super().__init__(target, stream_name, schema, key_properties)
        config = target.config
        self.load_method = config.get("load_method") or "upsert"
        self.hard_delete = bool(config.get("hard_delete", False))
        self.reject_invalid = config.get("on_invalid_record", "fail") == "reject"
        self.batch_size_bytes = int(config.get("batch_size_bytes") or 256 * 1024 * 1024)
        self.layout = TableLayout.from_schema(
            schema_name=target.schema_name,
            table_name=target.table_name_for(stream_name),
            json_schema=self.original_schema,
            key_properties=list(key_properties or []),
            add_metadata=bool(config.get("add_record_metadata", True)),
        )
        self.validator: RecordValidator | None = None
        if config.get("validate_records", True) or self.reject_invalid:
            self.validator = RecordValidator(self.original_schema, self.key_properties)
        self._explainer = RecordValidator(self.original_schema, self.key_properties)
        self._file: t.BinaryIO | None = None
        self._path_prefix = os.path.join(target.staging_dir, f"{sanitize(stream_name)}-{id(self)}")
        self._path = ""
        self._batches = 0
        self._bytes = 0
        self._first_line: int | None = None
        self._last_line = 0
        self._received_at: datetime.datetime | None = None
        self._rejects: list[tuple[str, int | None, str, str]] = []
        self.table_types: dict = {}

    def get_validator(self) -> None:
        """Records are validated by :class:`RecordValidator`, not the SDK's validator."""
        return

    # -- lifecycle ------------------------------------------------------------------------

    def setup(self) -> None:
        """Create or evolve the stream's table (after earlier batches have committed)."""
        self._target.loads.wait()
        self.table_types = self._target.warehouse.ensure_table(self.layout)

    @property
    def is_full(self) -> bool:
        """True once the batch reaches ``batch_size_rows`` or ``batch_size_bytes``."""
        return self.current_size >= self.max_size or self._bytes >= self.batch_size_bytes

    @property
    def max_size(self) -> int:
        """Rows per batch: ``batch_size_rows``, 100,000 by default."""
        return self.batch_size_rows or 100_000

    # -- staging --------------------------------------------------------------------------

    def stage(self, line: bytes, raw_record: bytes | msgspec.Raw, number: int) -> None:
        """Stage one RECORD message line (as received) for the next batch."""
        if self.validator is not None:
            violation = self.validator.check(raw_record)
            if violation is not None:
                self._invalid(violation, number, line)
                return
        handle = self._file
        if handle is None:
            handle = self._open()
        stripped = line.rstrip()
        handle.write(stripped[:-1])
        suffix = b',"%s":%d}\n' % (LINE_COLUMN.encode(), number)
        handle.write(suffix)
        self._bytes += len(stripped) + len(suffix)
        self._last_line = number
        if self._first_line is None:
            self._first_line = number
        self.tally_record_read()

    def stage_message(self, message: dict, number: int) -> None:
        """Stage a RECORD message given as a dict (after stream maps)."""
        encoded = _encode(message)
        self.stage(encoded, _encode(message.get("record")), number)

    def _open(self) -> t.BinaryIO:
        self._batches += 1
        self._path = f"{self._path_prefix}-{self._batches}.jsonl"
        self._file = open(self._path, "wb", buffering=1024 * 1024)  # noqa: SIM115
        self._received_at = datetime.datetime.now(datetime.UTC)
        self._first_line = None
        return self._file

    def _invalid(self, violation: Violation, number: int, line: bytes) -> None:
        if not self.reject_invalid:
            error = MissingKeyError if violation.missing_key else InvalidRecordError
            raise error(violation.reason, line=number, stream=self.stream_name)
        self._rejects.append((self.stream_name, number, violation.reason, line.decode().rstrip()))
        self._target.rejected[self.stream_name] += 1
        self.tally_record_read()

    # -- loading --------------------------------------------------------------------------

    def process_batch(self, context: dict) -> None:
        """Load the staged batch in one transaction."""
        handle, self._file = self._file, None
        rejects, self._rejects = self._rejects, []
        self._bytes = 0
        warehouse = self._target.warehouse
        if handle is None:
            if rejects:
                self._target.loads.submit(
                    lambda: warehouse.write_rejects_committed(self.layout.schema_name, rejects)
                )
            return
        handle.close()
        source = Source(
            files=[self._path],
            format="messages",
            received_at=self._received_at or datetime.datetime.now(datetime.UTC),
            sequence_base=self._target.sequence_base,
            lines=f"{self._first_line}-{self._last_line}",
        )
        self._target.loads.submit(lambda: self._load_and_remove(source, rejects))

    def _load_and_remove(
        self, source: Source, rejects: list[tuple[str, int | None, str, str]]
    ) -> None:
        try:
            self._load(source, rejects)
        finally:
            os.remove(source.files[0])

    def _load(self, source: Source, rejects: list[tuple[str, int | None, str, str]]) -> None:
        warehouse = self._target.warehouse
        for _attempt in range(2):
            try:
                result = warehouse.load(
                    self.layout,
                    self.table_types,
                    source,
                    method=self.load_method,
                    hard_delete=self.hard_delete,
                    truncate=self._needs_truncate(),
                    rejects=rejects,
                )
            except (duckdb.Error, InvalidRecordError) as exc:
                bad = find_bad_records(warehouse.conn, source.files[0], self._explainer)
                if not bad:
                    if isinstance(exc, InvalidRecordError):
                        exc.stream = self.stream_name
                        raise exc from None
                    reason = str(exc).splitlines()[0]
                    raise LoadError(
                        f"DuckDB could not load the batch of lines {source.lines}: {reason}",
                        stream=self.stream_name,
                    ) from None
                if not self.reject_invalid:
                    error = MissingKeyError if bad[0].missing_key else InvalidRecordError
                    raise error(bad[0].reason, line=bad[0].line, stream=self.stream_name) from None
                rejects = rejects + [(self.stream_name, b.line, b.reason, b.message) for b in bad]
                self._target.rejected[self.stream_name] += len(bad)
                _drop_lines(source.files[0], {b.line for b in bad})
                continue
            self._target.overwritten.add(self.stream_name)
            self._target.loaded[self.stream_name] += result.inserted
            self.record_counter_metric.increment(result.inserted)
            return
        raise LoadError(
            "DuckDB refused the batch again after rejecting its bad records",
            stream=self.stream_name,
        )

    def _needs_truncate(self) -> bool:
        return self.load_method == "overwrite" and self.stream_name not in self._target.overwritten

    def activate_version(self, new_version: int) -> None:
        """Retire rows of older versions (deleted, or marked with ``_sdc_deleted_at``)."""
        self._target.loads.wait()
        count = self._target.warehouse.activate_version(
            self.layout, new_version, hard_delete=self.hard_delete
        )
        action = "deleted" if self.hard_delete else "marked deleted"
        self.logger.info("ACTIVATE_VERSION %s: %d older rows %s", new_version, count, action)

    def process_batch_files(self, encoding: BaseBatchFileEncoding, files: t.Sequence[str]) -> None:
        """Load a BATCH message's local JSONL or Parquet files directly with DuckDB."""
        fmt = str(getattr(encoding.format, "value", encoding.format))
        if fmt not in {"jsonl", "parquet"}:
            raise InputError(f"unsupported BATCH format {fmt!r} (valid: jsonl, parquet)")
        paths = []
        for url in files:
            path = url.removeprefix("file://")
            if "://" in path:
                raise InputError(f"BATCH file {url!r} is not a local file (only file:// is)")
            if not os.path.exists(path):
                raise InputError(f"BATCH file {path!r} does not exist")
            paths.append(path)
        source = Source(files=paths, format=fmt, received_at=datetime.datetime.now(datetime.UTC))
        self._target.loads.wait()
        try:
            result = self._target.warehouse.load(
                self.layout,
                self.table_types,
                source,
                method=self.load_method,
                hard_delete=self.hard_delete,
                truncate=self._needs_truncate(),
            )
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0]
            raise LoadError(f"DuckDB could not load BATCH files: {reason}") from None
        self._target.overwritten.add(self.stream_name)
        self._target.loaded[self.stream_name] += result.inserted
        self.record_counter_metric.increment(result.inserted)

    def clean_up(self) -> None:
        """Finish the stream: an ``overwrite`` run with no records still empties the table."""
        self._target.loads.wait()
        if self._needs_truncate():
            self._target.warehouse.truncate(self.layout)
            self._target.overwritten.add(self.stream_name)
        if self._file is not None:
            self._file.close()
            self._file = None
            os.remove(self._path)
        super().clean_up()


def _drop_lines(path: str, lines: set[int]) -> None:
    """Rewrite a staged batch without the records of the given input lines."""
    kept = []
    with open(path, "rb") as handle:
        for raw in handle:
            if msgspec.json.decode(raw).get(LINE_COLUMN) not in lines:
                kept.append(raw)
    with open(path, "wb") as handle:
        handle.writelines(kept)


def sequence_base() -> int:
    """The first ``_sdc_sequence`` of a run: nanoseconds since the epoch at its start."""
    return time.time_ns()
