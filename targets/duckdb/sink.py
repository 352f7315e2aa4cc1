"""One stream's sink: stages raw RECORD lines in a file and loads them batch by batch."""

from __future__ import annotations

import datetime
import os
import time
import typing as t
from bisect import bisect_left
from itertools import accumulate, compress, repeat
from operator import attrgetter, is_not

import duckdb
import msgspec
from singer_sdk.helpers._batch import BaseBatchFileEncoding
from singer_sdk.sinks import BatchSink

from targets.duckdb.errors import InputError, InvalidRecordError, LoadError, MissingKeyError
from targets.duckdb.layout import TableLayout
from targets.duckdb.loader import aside_name
from targets.duckdb.locate import find_bad_records
from targets.duckdb.naming import sanitize
from targets.duckdb.reading import Source, rows_per_batch
from targets.duckdb.settings import DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS
from targets.duckdb.staging import StagedBatch
from targets.duckdb.validate import RecordValidator, Violation, check_jsonl_file

if t.TYPE_CHECKING:
    from targets.duckdb.target import TargetDuckDB

_encode = msgspec.json.Encoder(decimal_format="number").encode
_TYPE, _STREAM, _RECORD = attrgetter("type"), attrgetter("stream"), attrgetter("record")


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
        self.batch_size_bytes = int(config.get("batch_size_bytes") or DEFAULT_BATCH_BYTES)
        schema_name, self.table_name = target.table_for(stream_name)
        """The stream's table; an ``overwrite`` run loads into :func:`aside_name` of it."""
        self.overwrite = self.load_method == "overwrite"
        self.layout = TableLayout.from_schema(
            schema_name=schema_name,
            table_name=aside_name(self.table_name) if self.overwrite else self.table_name,
            json_schema=self.original_schema,
            key_properties=list(key_properties or []),
            add_metadata=bool(config.get("add_record_metadata", True)),
            column_names=lambda props, reserved: target.columns_for(
                schema_name, self.table_name, props, reserved
            ),
        )
        validate = bool(config.get("validate_records", True))
        self.validator = RecordValidator(
            self.original_schema, self.key_properties, validate=validate
        )
        self._upsert = self.load_method == "upsert" and bool(self.key_properties)
        self._composite_key = len(self.key_properties) > 1
        self._path_prefix = os.path.join(
            target.staging_dir, f"{sanitize(stream_name)[:64]}-{id(self)}"
        )
        self._batches = 0
        self._batch = self._new_batch()
        self._max_rows = rows_per_batch(self.layout, self.batch_size_rows or DEFAULT_BATCH_ROWS)
        self.table_types: dict = {}
        name = msgspec.json.encode(stream_name)
        self.run_prefixes: tuple[bytes, ...] = (
            (
                b'{"type":"RECORD","stream":' + name + b",",
                b'{"type": "RECORD", "stream": ' + name + b", ",
            )
            if self.validator.decode_messages is not None
            else ()
        )
        """How this stream's RECORD lines start when taps write them as usual (see
        :meth:`stage_run`)."""

    def get_validator(self) -> None:
        """Records are validated by :class:`RecordValidator`, not the SDK's validator."""
        return

    # -- lifecycle ------------------------------------------------------------------------

    def setup(self) -> None:
        """Create or evolve the stream's table (after earlier batches have committed).

        The first sink of an ``overwrite`` stream creates the table it loads into afresh,
        beside the real one; the target swaps it in at the end of a successful run.
        """
        self._target.loads.wait()
        warehouse = self._target.warehouse
        if self.overwrite and self.stream_name not in self._target.overwrites:
            self.table_types = warehouse.create_aside(self.layout)
            self._target.overwrites[self.stream_name] = (self.layout.schema_name, self.table_name)
        else:
            self.table_types = warehouse.ensure_table(self.layout)

    @property
    def current_size(self) -> int:
        """Records in the batch being staged, rejected ones included."""
        return len(self._batch) + len(self._batch.rejects)

    @property
    def is_full(self) -> bool:
        """True once the batch reaches ``batch_size_rows`` or ``batch_size_bytes``."""
        return self.current_size >= self._max_rows or self._batch.bytes >= self.batch_size_bytes

    @property
    def max_size(self) -> int:
        """Rows per batch: ``batch_size_rows``, 250,000 by default."""
        return self._max_rows

    # -- staging --------------------------------------------------------------------------

    def stage(self, line: bytes, raw_record: bytes | msgspec.Raw, number: int) -> bool:
        """Stage one RECORD message line (as received); return whether the batch is full.

        A record whose key is already in the batch (upsert) first sends the batch on its
        way, so that a batch never holds one key twice and the last record wins.
        """
        validator = self.validator
        try:
            decoded = validator.decode(raw_record)
        except msgspec.ValidationError:
            decoded = None
        key = None if decoded is None else validator.key_of(decoded)
        if key is None or (self._composite_key and None in key):
            found = validator.inspect(raw_record)
            assert isinstance(found, Violation)
            self._invalid(found, number, line)
            return self.is_full
        batch = self._batch
        if self._upsert and key in batch.seen:
            self._target.drain_one(self)
            batch = self._batch
        batch.write(line, number, key, deleted=validator.deleted_of(decoded) is not None)
        return len(batch) >= self._max_rows or batch.bytes >= self.batch_size_bytes

    def stage_if_mine(self, line: bytes, number: int) -> bool | None:
        """Stage ``line`` if it is a valid RECORD of this stream (one decode); return whether
        the batch is full, or ``None`` if the line must take the general path."""
        validator = self.validator
        try:
            message = validator.decode_message(line)
        except msgspec.DecodeError:  # not a valid record of this stream, or not a record
            return None
        if message.type != "RECORD" or message.stream != self.stream_name:
            return None
        record = message.record
        key = validator.key_of(record)
        if key is None or (self._composite_key and None in key):
            return None
        batch = self._batch
        if self._upsert and key in batch.seen:
            self._target.drain_one(self)
            batch = self._batch
        batch.write(line, number, key, deleted=validator.deleted_of(record) is not None)
        return len(batch) >= self._max_rows or batch.bytes >= self.batch_size_bytes

    def stage_run(self, lines: list[bytes], first: int) -> int:
        """Stage the leading lines of a run of RECORD lines (input lines ``first``,
        ``first + 1``…) with one decode, as many as fit in the batch; return how many.

        All or nothing: if one of them is not UTF-8, not a valid record of this stream,
        lacks its key or, in an upsert, repeats a key of the batch, none is staged (0) and
        the caller takes them line by line, which rejects, reports or drains exactly as for
        any line.
        """
        decode = self.validator.decode_messages
        if decode is None:
            return 0
        batch = self._batch
        count = min(len(lines), max(1, self._max_rows - self.current_size))
        room = self.batch_size_bytes - batch.bytes
        sizes = list(accumulate(map(len, lines[:count])))
        if sizes[-1] > room:  # the line that reaches batch_size_bytes is the batch's last
            count = bisect_left(sizes, room) + 1
        run = lines[:count]
        data = b"".join(run)
        try:
            if not data.isascii():
                data.decode()  # text that is not UTF-8 is reported line by line
            messages = decode(data)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            return 0
        if (
            len(messages) != count
            or set(map(_TYPE, messages)) != {"RECORD"}
            or set(map(_STREAM, messages)) != {self.stream_name}
        ):
            return 0
        validator = self.validator
        records = list(map(_RECORD, messages))
        keys = list(map(validator.key_of, records))
        if self._composite_key:
            if any(None in key for key in keys):
                return 0
        elif None in keys:
            return 0
        if self._upsert:
            fresh = set(keys)
            if len(fresh) != count or not batch.seen.isdisjoint(fresh):
                return 0
        marks = map(is_not, map(validator.deleted_of, records), repeat(None))
        batch.write_run(data, first, keys, list(compress(keys, marks)))
        return count

    def stage_message(self, message: dict, number: int) -> bool:
        """Stage a RECORD message given as a dict (after stream maps)."""
        return self.stage(_encode(message), _encode(message.get("record")), number)

    def _new_batch(self) -> StagedBatch:
        self._batches += 1
        return StagedBatch(f"{self._path_prefix}-{self._batches}.jsonl")

    def _invalid(self, violation: Violation, number: int, line: bytes) -> None:
        if not self.reject_invalid:
            error = MissingKeyError if violation.missing_key else InvalidRecordError
            raise error(violation.reason, line=number, stream=self.stream_name)
        reject = (self.stream_name, number, violation.reason, line.decode().rstrip())
        self._batch.rejects.append(reject)
        self._target.rejected[self.stream_name] += 1

    # -- loading --------------------------------------------------------------------------

    def process_batch(self, context: dict) -> None:
        """Send the staged batch to the background loader (one transaction)."""
        batch, self._batch = self._batch, self._new_batch()
        batch.close()
        self.tally_record_read(len(batch) + len(batch.rejects))
        warehouse = self._target.warehouse
        if not len(batch):
            if batch.rejects:
                rejects = list(batch.rejects)
                self._target.loads.submit(
                    lambda: warehouse.write_rejects_committed(self.layout.schema_name, rejects)
                )
            batch.discard()
            return
        self._target.loads.submit(lambda: self._load_and_discard(batch))

    def _load_and_discard(self, batch: StagedBatch) -> None:
        try:
            self._load(batch)
        finally:
            batch.discard()

    def _source(self, batch: StagedBatch) -> Source:
        return Source(
            files=[batch.path],
            format="messages",
            received_at=batch.received_at,
            sequence_base=batch.sequence_base,
            lines=batch.line_range,
            keys=batch.keys if self.key_properties else None,
            deleted=batch.deleted,
        )

    def _load(self, batch: StagedBatch) -> None:
        warehouse = self._target.warehouse
        for _attempt in range(2):
            source = self._source(batch)
            try:
                result = warehouse.load(
                    self.layout,
                    self.table_types,
                    source,
                    method=self.load_method,
                    hard_delete=self.hard_delete,
                    rejects=batch.rejects,
                )
            except (duckdb.Error, InvalidRecordError) as exc:
                bad = find_bad_records(warehouse.conn, batch.path, batch.lines, self.validator)
                if bad and bad[0].malformed:
                    raise InputError(bad[0].reason, line=bad[0].line) from None
                if not bad and isinstance(exc, InvalidRecordError):
                    exc.stream = self.stream_name
                    raise exc from None
                if not bad:
                    reason = str(exc).splitlines()[0]
                    raise LoadError(
                        f"DuckDB could not load the batch of lines {source.lines}: {reason}",
                        stream=self.stream_name,
                    ) from None
                if not self.reject_invalid:
                    error = MissingKeyError if bad[0].missing_key else InvalidRecordError
                    raise error(bad[0].reason, line=bad[0].line, stream=self.stream_name) from None
                batch.rejects.extend((self.stream_name, b.line, b.reason, b.message) for b in bad)
                self._target.rejected[self.stream_name] += len(bad)
                batch.drop_rows({b.row for b in bad})
                continue
            self._target.count_load(self.stream_name, result.inserted, result.deleted)
            self.record_counter_metric.increment(result.inserted)
            return
        raise LoadError(
            "DuckDB refused the batch again after rejecting its bad records",
            stream=self.stream_name,
        )

    def activate_version(self, new_version: int) -> None:
        """Retire rows of versions older than ``new_version``: deleted with ``hard_delete``,
        else marked with ``_sdc_deleted_at`` (after every batch so far has committed)."""
        self._target.loads.wait()
        count = self._target.warehouse.activate_version(
            self.layout, new_version, hard_delete=self.hard_delete
        )
        action = "deleted" if self.hard_delete else "marked deleted (_sdc_deleted_at)"
        self.logger.info(
            "Stream '%s': version %s activated, %d rows of older versions %s",
            self.stream_name,
            new_version,
            count,
            action,
        )

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
            if fmt == "jsonl":
                check_jsonl_file(path, self.validator)
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
            )
        except duckdb.Error as exc:
            reason = str(exc).splitlines()[0]
            raise LoadError(f"DuckDB could not load BATCH files: {reason}") from None
        self._target.count_load(self.stream_name, result.inserted, result.deleted)
        self.record_counter_metric.increment(result.inserted)

    def discard_staged(self) -> None:
        """Close and delete the batch being staged (the run is over, or failed)."""
        self._batch.discard()

    def clean_up(self) -> None:
        """At the end of a run: retire rows of versions older than the one the stream
        activated, if it did; discard what is left of the staging file."""
        version = self._target.activated_versions.pop(self.stream_name, None)
        if version is not None:
            self.activate_version(version)
        self.discard_staged()
        super().clean_up()


def sequence_base() -> int:
    """The first ``_sdc_sequence`` of a run: nanoseconds since the epoch at its start."""
    return time.time_ns()
