"""One Singer SDK stream class per spec stream: requests, paging, records, incremental state.

The class is made by :func:`stream_class`; everything it knows comes from the spec. Child
streams read their parent's key from the context, which the parent builds as
``{<parent singular>_<field>: value}`` (``{"list_id": "901"}``); that key is also added to
each child record, so tasks carry ``list_id`` and comments ``task_id``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin

import requests
from singer_sdk.helpers._batch import BaseBatchFileEncoding, BatchConfig
from singer_sdk.helpers._state import PROGRESS_MARKER_NOTE, PROGRESS_MARKERS
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.mapper import SameRecordTransform
from singer_sdk.singerlib import RecordMessage
from singer_sdk.singerlib.catalog import REPLICATION_FULL_TABLE
from singer_sdk.streams import RESTStream

from brainhub.connect.auth import renewing_token
from brainhub.errors import FatalAPIError, SettingsError
from brainhub.http import ENDPOINT_HEADER, RequestStats, skip_verdict, stop
from brainhub.spec.jsonpaths import body_value
from brainhub.spec.model import ConnectorSpec, ParentLink, StreamSpec
from brainhub.spec.placeholders import (
    MissingValueError,
    dig,
    format_time,
    parse_time,
    placeholders_in,
    render,
)
from brainhub.spec.schemas import load_stream_schema
from taps.runtime.batches import SchemaParquetBatcher
from taps.runtime.changes import (
    CHANGED_SINCE_KEY,
    ETAGS_KEY,
    REQUESTS_KEY,
    ChangedParents,
    EtagStore,
    request_key,
)
from taps.runtime.conditions import passes
from taps.runtime.ids import id_at, id_before, id_greater, id_number, largest_id
from taps.runtime.links import (
    DELTA_LINK_KEY,
    LinkHosts,
    absolute_from_base,
    relative_to_base,
)
from taps.runtime.paging import PageRequest, new_paginator
from taps.runtime.records import record_extractor, response_json
from taps.runtime.report import request_report
from taps.runtime.sync_tokens import DELETED_MARK, SYNC_TOKEN_KEY, SyncTokenRead
from taps.runtime.timestamps import date_time_paths, normalise

if TYPE_CHECKING:
    from taps.runtime.tap import SpecTap


#: Seconds between STATE messages while a sync runs (plus one at its end).
STATE_INTERVAL_S = 1.0
#: The Singer field that marks a record as deleted at the source, and when.
DELETED_AT = "_sdc_deleted_at"
#: How often the main thread, waiting for a prefetched partition, looks for a stop request.
STOP_POLL_S = 0.2


def singular(stream_name: str) -> str:
    """``lists`` → ``list``, ``time_entries`` → ``time_entry``: the prefix of context keys."""
    if stream_name.endswith("ies"):
        return stream_name[:-3] + "y"
    return stream_name[:-1] if stream_name.endswith("s") else stream_name


def context_key(parent: str, field: str) -> str:
    return f"{singular(parent)}_{field.replace('.', '_')}"


class SpecStream(RESTStream[Any]):
    """A REST stream whose every detail comes from a :class:`StreamSpec`."""

    spec: ClassVar[StreamSpec]
    connector: ClassVar[ConnectorSpec]
    #: Records come from JSON already; only top-level fields the schema lacks are dropped.
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.ROOT_ONLY
    #: Fields of this stream's records that its children need (``{parent.x}``).
    child_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, tap: SpecTap) -> None:
        spec = self.spec
        schema = load_stream_schema(spec.schema_file)
        for link in spec.parents:
            for field in self._parent_fields(link):
                key = context_key(link.stream, field)
                schema["properties"].setdefault(key, {"type": ["string", "null"]})
        if spec.deleted or (spec.sync_token and spec.sync_token.deleted_records):
            schema["properties"].setdefault(
                DELETED_AT, {"type": ["string", "null"], "format": "date-time"}
            )
        super().__init__(tap=tap, name=spec.name, schema=schema, path=spec.path)
        self.tap_runtime = tap
        self.primary_keys = list(spec.primary_key)
        self.replication_key = spec.incremental.cursor if spec.incremental else None
        if not spec.incremental and not spec.sync_token and not spec.delta:
            # Full-table children keep no per-parent state: it would only grow.
            self.state_partitioning_keys = []
        # Incremental children keep a bookmark per parent (per list, per channel): a parent
        # that appears later (a new or unarchived list) is read from start_date, not from
        # another parent's bookmark.
        self._context_states: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}
        self._last_state_write = 0.0
        self.selected_by_default = spec.selected_by_default
        self._date_time_paths = date_time_paths(schema)
        self._extract = record_extractor(spec.records)
        #: ``add_fields`` read from the record itself (``{record.x}``), filled before filters.
        self._record_fields = {
            name: value
            for name, value in spec.add_fields.items()
            if any(scope == "record" for scope, _ in placeholders_in(value))
        }
        self._pending_children: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self._prefetched: dict[tuple[tuple[str, Any], ...], Future[list[dict[str, Any]]]] = {}
        self.http_stats = RequestStats()
        #: Pages read in this run and, for a root stream whose API tells, the whole count.
        self.pages = 0
        self.expected_pages: int | None = None
        self.expected_records: int | None = None
        self._schema_written = False
        self._finalizing = False
        self._session: requests.Session | None = None
        self._pending_version: int | None = None
        self._version_activated = False
        #: Some partition was skipped (a parent record lacked a field the request needs).
        self._partial = False
        #: Requests of this run and of the last one (from the state), once the stream ends.
        self.requests_this_run: int | None = None
        self.requests_last_run: int | None = None
        #: Sync tokens of partitions read to their end, saved once their records are out.
        self._next_tokens: dict[tuple[tuple[str, Any], ...], str] = {}
        self._token_lock = threading.Lock()
        #: Delta links the last pages carried, by partition, kept once its records are out.
        self._new_links: dict[tuple[tuple[str, Any], ...], str] = {}
        #: Some partition read only changes (from its saved delta link): rows it did not
        #: see are not gone, so the run retires nothing.
        self._changes_only = False
        #: Some partition's saved delta link was refused and it was read whole again.
        self._resynced = False

    # ---- what the SDK asks of a REST stream -------------------------------------------------

    @property
    def url_base(self) -> str:
        return self.tap_runtime.connection.url_for(self.spec.host)

    @property
    def http_headers(self) -> dict[str, str]:
        try:
            headers = self.tap_runtime.connection.headers()
        except MissingValueError as missing:
            raise self._unset_setting(missing) from None
        return {"User-Agent": self.user_agent, **headers}

    @property
    def authenticator(self) -> Any:
        return self.tap_runtime.connection.authenticator

    @property
    def requests_session(self) -> requests.Session:
        if self._session is None:
            self._session = self.tap_runtime.session_for(self, self.http_stats)
        return self._session

    def _generate_record_messages(
        self, record: dict[str, Any]
    ) -> Generator[RecordMessage, None, None]:
        # The SDK's path walks every record against its schema and selection mask and copies
        # it; records here come straight from JSON, so when nothing is deselected, mapped or
        # flattened, dropping top-level fields the schema lacks is all that is needed.
        if not self._plain_records:
            yield from super()._generate_record_messages(record)
            return
        if not record.keys() <= self._schema_fields:
            record = {k: v for k, v in record.items() if k in self._schema_fields}
        yield RecordMessage(self.name, record, self._stream_version, datetime.now(tz=UTC))

    @cached_property
    def _plain_records(self) -> bool:
        maps = self.stream_maps
        plain_map = len(maps) == 1 and type(maps[0]) is SameRecordTransform
        flattening = bool(maps and maps[0].flattening_enabled)
        mask = self.mask
        return plain_map and not flattening and all(mask.values())

    @cached_property
    def _schema_fields(self) -> frozenset[str]:
        return frozenset(self.schema.get("properties", {}))

    def get_batches(
        self, batch_config: BatchConfig, context: Any = None
    ) -> Iterable[tuple[BaseBatchFileEncoding, list[str]]]:
        # Parquet files are shaped by the schema: the SDK's batcher infers column types from
        # the values and fails on fields that legitimately hold several types.
        if batch_config.encoding.format != "parquet":
            yield from super().get_batches(batch_config, context)
            return
        batcher = SchemaParquetBatcher(self.tap_name, self.name, batch_config, self.schema)
        records = self._sync_records(context, write_messages=False)
        for manifest in batcher.get_batches(records):
            yield batch_config.encoding, manifest

    # ---- deletes: table versions --------------------------------------------------------------

    @property
    def emit_activate_version_messages(self) -> bool:
        """Whether this stream's records carry a table version, activated when it ends.

        Only for a stream read whole in every run: full-table, under full-table parents
        only (a full-table child of an incremental parent sees only changed parents), and
        not written as BATCH files (which carry no version). The Singer SDK's
        ``emit_activate_version_messages`` setting turns it off.
        """
        if self.config.get("emit_activate_version_messages") is False:
            return False
        if self.config.get("batch_config"):
            return False
        if self.spec.only_changed_parents:
            return False  # unchanged parents are not read again
        if self.spec.sync_token is not None:
            return False  # a resumed read returns only what changed
        return self.replication_method == REPLICATION_FULL_TABLE and self._ancestors_full_table

    @cached_property
    def _ancestors_full_table(self) -> bool:
        streams, pending, seen = self.connector.streams, list(self.spec.parent_names), set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            if streams[name].incremental is not None or streams[name].sync_token is not None:
                return False
            pending.extend(streams[name].parent_names)
        return True

    def _write_activate_version_message(self, full_table_version: int) -> None:
        # The SDK writes ACTIVATE_VERSION when each partition starts; a target then drops
        # every row of older versions before the new ones arrive, and a run that fails
        # halfway loses them. The version is activated once, when the whole stream has
        # been read: see _activate_version.
        self._pending_version = full_table_version

    def _activate_version(self) -> None:
        """Tell the target that rows of earlier versions are gone at the source."""
        if self._version_activated or not (self.selected and self.emit_activate_version_messages):
            return
        if self._partial:
            self.logger.warning(
                "stream %s: not every parent record could be read, so rows missing from "
                "this run are kept (no ACTIVATE_VERSION)",
                self.name,
            )
            return
        if self._unchanged_by_etag():
            return
        if self._changes_only:
            return  # a delta read saw only what changed: absent rows are not gone
        self._version_activated = True
        version = self._pending_version or self._initialized_at // 1000
        self._write_schema_message()  # a stream none of whose parents remain still had one
        super()._write_activate_version_message(version)

    def _unchanged_by_etag(self) -> bool:
        """Whether 304s left rows unsent, so this run must not retire rows it did not see.

        When only part of the stream answered 304 its ETags are forgotten: the next run reads
        it whole and retires what was deleted at the source.
        """
        etags = self._etags
        if etags is None or etags.unchanged == 0:
            return False
        if etags.partly_unchanged:
            etags.current.clear()
            self.logger.info(
                "stream %s: %d requests answered 304 (unchanged) and %d changed; rows deleted "
                "at the source are retired by the next run, which reads the stream whole",
                self.name,
                etags.unchanged,
                etags.changed,
            )
        return True

    def _remember_between_runs(self) -> None:
        """Keep ETags, the parents' change mark and this run's request count in the state."""
        state = self.stream_state
        if self._etags is not None:
            state[ETAGS_KEY] = dict(sorted(self._etags.current.items()))
        if self._changed_parents is not None and self._changed_parents.highest is not None:
            state[CHANGED_SINCE_KEY] = self._changed_parents.highest
        if self._resynced and self._changes_only:
            self._forget_delta_links()
        previous = state.get(REQUESTS_KEY)
        self.requests_last_run = previous if isinstance(previous, int) else None
        self.requests_this_run = self.http_stats.snapshot().requests
        state[REQUESTS_KEY] = self.requests_this_run

    def _forget_delta_links(self) -> None:
        """Drop every partition's delta link, so the next run reads the stream whole.

        One partition was read whole again this run (its link expired) while others read
        only changes, so rows deleted in the meantime cannot be retired now; the next
        whole read ends with ``ACTIVATE_VERSION`` and retires them.
        """
        for partition in [self.stream_state, *self.stream_state.get("partitions", [])]:
            partition.pop(DELTA_LINK_KEY, None)
        self.logger.info(
            "stream %s: a saved delta link had expired; the next run reads the stream whole "
            "and retires rows deleted at the source",
            self.name,
        )

    def finalize_state_progress_markers(self, state: dict[str, Any] | None = None) -> None:
        # The SDK finalizes only children that are themselves selected; a selected grandchild
        # under an unselected parent (tasks under lists) would never get its bookmark.
        if state is None or state == {}:
            for child in self.child_streams:
                if not child.selected and child.has_selected_descendents:
                    child.finalize_state_progress_markers()
            self._activate_version()
            if not self._finalizing:
                self._remember_between_runs()
        self._finalizing = True
        super().finalize_state_progress_markers(state)

    def get_context_state(self, context: Any) -> dict[str, Any]:
        # The SDK finds a partition's state by scanning every partition, once per record;
        # with a thousand lists that scan dominated a sync. Partition dicts are stable, so
        # each is looked up once.
        key = _freeze(context)
        state = self._context_states.get(key)
        if state is None:
            state = self._context_states[key] = super().get_context_state(context)
        return state

    def _write_state_message(self) -> None:
        # The SDK writes the whole tap state after every partition; with per-parent
        # bookmarks that is quadratic. At most one STATE per interval while partitions
        # finish; the SDK's final write at the end of the run always goes out.
        now = time.monotonic()
        if self._finalizing or now - self._last_state_write >= STATE_INTERVAL_S:
            self._last_state_write = now
            super()._write_state_message()

    def _write_schema_message(self) -> None:
        # The SDK writes SCHEMA at every partition's start; for a child stream that is one per
        # parent record (one per task for comments). Once per run is what targets need.
        if not self._schema_written:
            self._schema_written = True
            super()._write_schema_message()

    def log_sync_costs(self) -> None:
        """One summary line per stream at the end of a run (called by the SDK).

        After the last stream's, one line for the whole tap: this run's requests against
        the last run's (:mod:`taps.runtime.report`).
        """
        self.http_stats.log_summary(self.name, self.logger)
        streams = list(self.tap_runtime.streams.values())
        if streams and streams[-1] is self:
            line = request_report(self.tap_runtime.name, streams)
            if line:
                self.tap_runtime.logger.info(line)

    def get_child_context(self, record: dict[str, Any], context: Any) -> dict[str, Any]:
        return {context_key(self.name, field): dig(record, field) for field in self.child_fields}

    def generate_child_contexts(
        self, record: dict[str, Any], context: Any
    ) -> Iterable[dict[str, Any]]:
        child_context = self.get_child_context(record, context)
        concurrent = self.tap_runtime.max_workers > 1
        if not concurrent and not self._children_filter_parents():
            yield child_context
            return
        # Children are fetched on the worker pool from now on, and synced (emitted) in order
        # when the window fills or the root stream ends: see _flush_children. Records of each
        # child partition stay in order. The record is kept for children's parent_filter.
        self._pending_children.append((child_context, record))
        if concurrent:
            for child in self._active_children():
                if child.accepts_parent(record):
                    child.prefetch(child_context)

    def accepts_parent(self, record: dict[str, Any]) -> bool:
        """Whether this (child) stream is read for a parent record.

        Its ``parent_filter`` must pass and, with ``only_changed_parents``, the parent must
        have changed since the last run.
        """
        condition = self.spec.parent_filter
        if condition is not None and not passes(condition, record):
            return False
        changed = self._changed_parents
        return changed is None or changed.changed(record)

    @cached_property
    def _changed_parents(self) -> ChangedParents | None:
        setting = self.spec.only_changed_parents
        if setting is False:
            return None
        if setting is True:
            parent = self.connector.streams[self.spec.parent_names[0]]
            assert parent.incremental is not None  # the loader checks it
            setting = parent.incremental.cursor
        return ChangedParents(setting, self.stream_state.get(CHANGED_SINCE_KEY))

    @cached_property
    def _etags(self) -> EtagStore | None:
        if not self.spec.conditional_requests:
            return None
        return EtagStore(self.stream_state.get(ETAGS_KEY))

    def get_replication_key_signpost(self, context: Any = None) -> Any:
        incremental = self.spec.incremental
        if incremental is None or incremental.by_id:
            return None  # no id stands for "now": the largest id read is the bookmark
        return self._write_cursor(self.tap_runtime.sync_started)

    def compare_start_date(self, value: str, start_date_value: str) -> str:
        incremental = self.spec.incremental
        if incremental is not None and incremental.by_id:
            return self._starting_id(value, start_date_value) or value
        return max(value, self._write_cursor(start_date_value), key=parse_time)

    def _increment_stream_state(
        self, latest_record: dict[str, Any], *, context: Any = None
    ) -> None:
        # The SDK compares bookmarks as they are; ids held as text would compare as text
        # ("99" > "100"). Id bookmarks keep the numerically largest id, as text.
        incremental = self.spec.incremental
        if incremental is None or not incremental.by_id:
            super()._increment_stream_state(latest_record, context=context)
            return
        value = latest_record.get(incremental.cursor)
        if id_number(value) is None:
            return
        state = self.get_context_state(context)
        markers = state.setdefault(
            PROGRESS_MARKERS, {PROGRESS_MARKER_NOTE: "Progress is not resumable if interrupted."}
        )
        if id_greater(value, markers.get("replication_key_value")):
            markers["replication_key"] = incremental.cursor
            markers["replication_key_value"] = str(id_number(value))
            self.state_manager.is_flushed = False

    def get_records(self, context: Any) -> Iterator[dict[str, Any]]:
        future = self._prefetched.pop(_freeze(context), None)
        records = (
            _outcome(future) if future else self._fetch(context, self.starting_cursor(context))
        )
        window = self.tap_runtime.prefetch_window
        stats = self.http_stats
        if self._date_time_paths:
            records = normalise(records, self._date_time_paths)
        for record in records:
            stop.check()
            stats.add_records()
            yield record
            if len(self._pending_children) >= window:
                self._flush_children()
        if self.spec.sync_token is not None:
            with self._token_lock:
                token = self._next_tokens.pop(_freeze(context), None)
            if token is not None:
                self.get_context_state(context)[SYNC_TOKEN_KEY] = token
        link = self._new_links.pop(_freeze(context), None)
        if link is not None:
            # Kept only now that every record the link stands for was written.
            self.get_context_state(context)[DELTA_LINK_KEY] = link
        if not self.spec.parents:
            # A root stream drains every level below it before its sync ends.
            self._flush_children()

    # ---- requests ---------------------------------------------------------------------------

    def prefetch(self, context: dict[str, Any]) -> None:
        """Start fetching one partition on the tap's worker pool (its bookmark is read now)."""
        start = self.starting_cursor(context)
        self._prefetched[_freeze(context)] = self.tap_runtime.pool.submit(
            lambda: list(self._fetch(context, start))
        )

    def prefetched_futures(self) -> list[Future[list[dict[str, Any]]]]:
        """The fetches started on the worker pool and not yet synced."""
        return list(self._prefetched.values())

    def starting_cursor(self, context: Any) -> str | None:
        """The bookmark for this partition, or the start_date setting, in the cursor's format
        (for a sync-token stream: its saved token; for a delta-link stream: the partition's
        saved delta link, if any)."""
        if self.spec.sync_token is not None:
            saved = self.get_context_state(context).get(SYNC_TOKEN_KEY)
            return str(saved) if saved else None
        if self.spec.delta is not None:
            link = self.get_context_state(context).get(DELTA_LINK_KEY)
            return absolute_from_base(link, self.url_base) if isinstance(link, str) else None
        incremental = self.spec.incremental
        if incremental is None:
            return None
        bookmark = self.get_context_state(context).get("replication_key_value")
        start_date = self.config.get("start_date")
        if incremental.by_id:
            return self._starting_id(bookmark, start_date)
        candidates = [v for v in (bookmark, start_date) if v]
        if not candidates:
            return None
        latest = max(candidates, key=parse_time)
        if incremental.lookback and bookmark:
            earlier = parse_time(bookmark) - timedelta(seconds=incremental.lookback)
            latest = max([earlier, *([start_date] if start_date else [])], key=parse_time)
        return self._write_cursor(latest)

    def _starting_id(self, bookmark: Any, start_date: Any) -> str | None:
        """An id cursor's start: the bookmark (less the lookback) or the first id of
        ``start_date`` when ids tell their time, whichever is larger."""
        incremental = self.spec.incremental
        assert incremental is not None
        epoch, shift = incremental.id_epoch_ms, incremental.id_time_shift
        candidates = []
        if bookmark is not None and id_number(bookmark) is None:
            self.logger.warning(
                "stream %s: the bookmark %r is not an id (a whole number); reading from the "
                "start (or start_date) instead",
                self.name,
                bookmark,
            )
        if id_number(bookmark) is not None:
            lookback = incremental.lookback
            earlier = id_before(bookmark, lookback, shift) if lookback and epoch else bookmark
            candidates.append(str(id_number(earlier)))
        if start_date and epoch is not None:
            candidates.append(id_at(start_date, epoch, shift))
        return largest_id(candidates)

    def _fetch(self, context: Any, starting: str | None) -> Iterator[dict[str, Any]]:
        spec = self.spec
        link, parent = self._parent_of(context)
        scopes = {
            "config": self.config,
            "parent": parent,
            "cursor": starting,
            "sync": {"now": self.tap_runtime.sync_started},
        }
        keep = self._keep_filter()
        from_record = self._record_fields
        constant = {k: v for k, v in spec.add_fields.items() if k not in from_record}
        try:
            added = {**(context or {}), **render(constant, scopes)}
            path = render(link.path if link else spec.path, scopes)
            requests_ = [self._request_parts(variant, scopes) for variant in self._variants()]
        except MissingValueError as missing:
            self._skip_partition(missing, link, context)
            return
        if spec.sync_token is not None:
            yield from self._fetch_by_sync_token(context, starting, scopes, path, added, keep)
            return
        newest_first = bool(spec.incremental and spec.incremental.newest_first)
        delta = spec.delta
        for params, body in requests_:
            paginator = new_paginator(spec.paginator)
            page = first = paginator.first_request()
            if delta is not None and starting:
                page = first = PageRequest(url=starting)  # the saved link: changes only
            while True:
                if page.url:
                    self._link_hosts.check(page.url, self.name, _link_kind(page, first, delta))
                if page.url and (delta or not spec.paginator.option("keep_params", False)):
                    # A next-page URL already carries the query it needs.
                    url, page_params = page.url, dict(page.params)
                else:
                    url, page_params = page.url or self.url_base + path, {**params, **page.params}
                page_body = {**(body or {}), **page.body} if page.body else body
                if page_body is None and spec.method == "POST":
                    page_body = {}  # a JSON query with no conditions is still a JSON body
                etags, first_page = self._etags, page is first
                key = request_key(path, page_params) if etags and first_page else None
                etag = etags.etag_for(key) if etags and key else None
                response = self._send(url, page_params, page_body, etag)
                if response is None:
                    break
                if delta is not None and self._resync_asked(response):
                    if not (starting and page is first):
                        raise FatalAPIError(
                            f"{self.connector.name}: stream {self.name}: {url.split('?')[0]} "
                            f"answered HTTP {response.status_code} (resync) to a request "
                            "that carried no saved delta link"
                        )
                    self._log_resync(response, context)
                    self._resynced, starting = True, None
                    paginator = new_paginator(spec.paginator)
                    page = first = paginator.first_request()
                    continue
                if delta is not None and page is first and starting:
                    self._changes_only = True
                if etags and key and response.status_code == 304:
                    etags.not_modified(key)  # nothing changed: no records
                    break
                records = self._extract(response_json(response))
                paginator.observe(records)
                older = False
                for record in records:
                    if from_record:
                        record.update(_record_fields(from_record, record))
                    if not self._is_new(record, starting):
                        older = True
                    elif keep(record):
                        record.update(added)
                        if spec.deleted:
                            record[DELETED_AT] = self._deleted_at(record)
                        yield record
                self._count_page(paginator, response)
                if delta is not None:
                    self._note_delta_link(response, context)
                paginator.advance(response)
                # Newest first: a record older than the bookmark means the rest are too.
                done = paginator.finished or (older and newest_first)
                if etags and key:
                    # An ETag stands for the whole answer only when one page was all of it.
                    etags.modified(key, response.headers.get("ETag") if done else None)
                if done:
                    break
                page = paginator.request_for(paginator.current_value)

    def _fetch_by_sync_token(
        self,
        context: Any,
        saved: str | None,
        scopes: dict[str, Any],
        path: str,
        added: dict[str, Any],
        keep: Any,
    ) -> Iterator[dict[str, Any]]:
        """A partition read by sync token (:mod:`taps.runtime.sync_tokens`); its next token
        is kept for :meth:`get_records` to save once every record was emitted."""
        read = SyncTokenRead(self, scopes, path)
        from_record = self._record_fields
        for record in read.records(saved):
            removed = bool(record.pop(DELETED_MARK, False))
            if from_record:
                record.update(_record_fields(from_record, record))
            if not (removed or keep(record)):
                continue
            record.update(added)
            if removed:
                record[DELETED_AT] = format_time(self.tap_runtime.sync_started, "iso8601")
            elif self.spec.deleted or read.sync.deleted_records:
                record[DELETED_AT] = self._deleted_at(record)
            yield record
        if read.token is not None:
            with self._token_lock:
                self._next_tokens[_freeze(context)] = read.token

    @cached_property
    def _link_hosts(self) -> LinkHosts:
        return LinkHosts(self.connector, self.url_base)

    def _note_delta_link(self, response: requests.Response, context: Any) -> None:
        """Keep the delta link a (last) page carries, to be saved once its records are out."""
        assert self.spec.delta is not None
        link = body_value(response_json(response), self.spec.delta.from_body)
        if isinstance(link, str) and link:
            absolute = urljoin(response.url, link)
            self._link_hosts.check(absolute, self.name, "delta link")
            self._new_links[_freeze(context)] = relative_to_base(absolute, self.url_base)

    def _resync_asked(self, response: requests.Response) -> bool:
        """Whether ``response`` says the saved delta link is no longer valid."""
        resync = self.spec.delta.resync if self.spec.delta else None
        if resync is None or response.status_code not in resync.statuses:
            return False
        if not resync.codes:
            return True
        code = body_value(response_json(response), resync.code_at or "error.code")
        if code in resync.codes:
            return True
        raise FatalAPIError(
            f"{self.connector.name}: stream {self.name}: HTTP {response.status_code} with "
            f"code {code!r}, not one that asks for a resync ({', '.join(resync.codes)})"
        )

    def _log_resync(self, response: requests.Response, context: Any) -> None:
        self.logger.warning(
            "stream %s: the service refused the saved delta link (HTTP %d%s); reading %s "
            "whole again",
            self.name,
            response.status_code,
            _error_code_note(response),
            "the partition " + ", ".join(f"{k}={v!r}" for k, v in sorted(context.items()))
            if context
            else "the stream",
        )

    def _count_page(self, paginator: Any, response: requests.Response) -> None:
        """Count a page; a root stream also notes the total the API announces, if any."""
        self.pages += 1
        if self.spec.parents:
            return  # one partition's total says nothing of the stream's
        records, pages = paginator.expected(response)
        if records is not None:
            self.expected_records = records
        if pages is not None:
            self.expected_pages = pages

    def progress(self) -> dict[str, Any]:
        """This stream's counts so far, for the run store and the progress lines."""
        s = self.http_stats.snapshot()
        return {
            "read": s.records,
            "requests": s.requests,
            "retries": s.retries,
            "throttled": s.throttled,
            "waited": round(s.waited, 3),
            "pages": self.pages,
            "expected_pages": self.expected_pages,
            "expected_records": self.expected_records,
            "waiting": s.waiting,
            "waiting_for": s.waiting_for,
        }

    def _request_parts(
        self, variant: dict[str, Any], scopes: dict[str, Any]
    ) -> tuple[dict[str, Any], Any]:
        """The rendered query params and JSON body of one variant's first request."""
        spec = self.spec
        starting = scopes["cursor"]
        params = {**render(spec.params, scopes), **render(variant, scopes)}
        if spec.incremental and spec.incremental.param and starting:
            params[spec.incremental.param] = self._write_param(starting)
        body = render(spec.body, scopes) if spec.body is not None else None
        if spec.incremental and spec.incremental.body and starting:
            body = {**(body or {}), **render(spec.incremental.body, scopes)}
        return params, body

    def _unset_setting(self, missing: MissingValueError) -> SettingsError:
        setting = (missing.name or "").split(".")[0]
        variable = f"{self.tap_runtime.name.upper().replace('-', '_')}_{setting.upper()}"
        return SettingsError(
            f"stream {self.name!r} needs {missing.placeholder}, which has no value: "
            f"set the {setting!r} setting ({variable} in the environment or .env)"
        )

    def _skip_partition(
        self, missing: MissingValueError, link: ParentLink | None, context: Any
    ) -> None:
        """A parent record lacks a field the request needs: warn and read nothing for it.

        A setting without a value is the user's to fix, so that stops the run instead.
        """
        if missing.scope != "parent" or link is None:
            raise self._unset_setting(missing) from None
        self._partial = True
        self.logger.warning(
            "stream %s: skipped a %s record without %r (%s needs it): %s",
            self.name,
            link.stream,
            missing.name,
            missing.placeholder,
            ", ".join(f"{k}={v!r}" for k, v in sorted((context or {}).items())),
        )

    def _send(
        self, url: str, params: dict[str, Any], body: Any, etag: str | None = None
    ) -> requests.Response | None:
        """One request through the tap's HTTP policy; None when the spec says "nothing here".

        With ``etag`` the request is conditional (``If-None-Match``): 304 if nothing changed.
        """
        response = self.send_raw(url, params, body, etag)
        delta = self.spec.delta
        if delta and delta.resync and response.status_code in delta.resync.statuses:
            return response  # the stream reads the partition whole again
        return None if skip_verdict(response) else response

    def send_raw(
        self, url: str, params: dict[str, Any], body: Any = None, etag: str | None = None
    ) -> requests.Response:
        """One request through the tap's HTTP policy; a skipped answer is returned as it is
        (:func:`~brainhub.http.skip_verdict` tells)."""
        params = {k: _param(v) for k, v in params.items() if v is not None and v != ""}
        headers = {**self.http_headers, ENDPOINT_HEADER: self.spec.path}
        if etag:
            headers["If-None-Match"] = etag
        request = requests.Request(
            self.spec.method,
            url,
            params=params,
            json=body,
            headers=headers,
            auth=self.authenticator,
        )
        session = self.requests_session
        # preparing the request again after a 401 fetches a new OAuth access token
        return renewing_token(
            lambda: session.send(session.prepare_request(request)), self.authenticator
        )

    # ---- helpers ----------------------------------------------------------------------------

    def _flush_children(self) -> None:
        """Sync the pending child partitions in order, then drain the levels below them."""
        pending, self._pending_children = self._pending_children, []
        children = self._active_children()
        for context, record in pending:
            for child in children:
                if child.accepts_parent(record):
                    child.sync(context=dict(context))
        for child in children:
            child._flush_children()

    def _active_children(self) -> list[SpecStream]:
        return [
            c
            for c in self.child_streams
            if isinstance(c, SpecStream) and (c.selected or c.has_selected_descendents)
        ]

    def _children_filter_parents(self) -> bool:
        return any(
            isinstance(child, SpecStream)
            and (child.spec.parent_filter is not None or child.spec.only_changed_parents)
            for child in self.child_streams
        )

    def _parent_of(self, context: Any) -> tuple[ParentLink | None, dict[str, Any]]:
        if not self.spec.parents:
            return None, {}
        context = context or {}
        for link in self.spec.parents:
            fields = self._parent_fields(link)
            keys = {context_key(link.stream, f): f for f in fields}
            if keys and all(k in context for k in keys):
                parent: dict[str, Any] = {}
                for key, field in keys.items():
                    _assign(parent, field, context[key])
                return link, parent
        return self.spec.parents[0], {}

    def _parent_fields(self, link: ParentLink) -> list[str]:
        return self.spec.parent_fields(link)

    def _variants(self) -> list[dict[str, Any]]:
        if not self.spec.variants:
            return [{}]
        chosen = []
        for variant in self.spec.variants:
            enabled = render(variant.when, {"config": self.config}) if variant.when else True
            if enabled in (True, "true", "True", 1):
                chosen.append(variant.params)
        return chosen

    def _keep_filter(self) -> Any:
        spec_filter = self.spec.filter
        if not spec_filter:
            return lambda record: True
        if "exists" in spec_filter:
            present, path = bool(spec_filter["exists"]), spec_filter["field"]
            return lambda record: (dig(record, path) is not None) is present
        allowed = render(spec_filter["in"], {"config": self.config})
        if not allowed:
            return lambda record: True
        wanted = {str(v) for v in allowed}
        field = spec_filter["field"]
        return lambda record: str(dig(record, field)) in wanted

    def _deleted_at(self, record: dict[str, Any]) -> str | None:
        """When the source deleted ``record`` (its cursor, else the sync's start), or None."""
        if not any(passes(condition, record) for condition in self.spec.deleted):
            return None
        incremental = self.spec.incremental
        changed = record.get(incremental.cursor) if incremental else None
        try:
            moment = parse_time(changed) if changed is not None else self.tap_runtime.sync_started
        except (TypeError, ValueError, OverflowError):
            moment = self.tap_runtime.sync_started  # a cursor that is no time: when we saw it
        return format_time(moment, "iso8601")

    def _is_new(self, record: dict[str, Any], starting: str | None) -> bool:
        incremental = self.spec.incremental
        if incremental is None or not starting:
            return True
        if not (incremental.client_filter or incremental.newest_first):
            return True
        value = record.get(incremental.cursor)
        if incremental.by_id:
            return id_number(value) is None or not id_greater(starting, value)
        return value is None or parse_time(value) >= parse_time(starting)

    def _write_cursor(self, value: Any) -> str:
        incremental = self.spec.incremental
        assert incremental is not None
        if incremental.by_id:
            return str(id_number(value))
        return format_time(value, incremental.format)

    def _write_param(self, cursor: str) -> str:
        incremental = self.spec.incremental
        assert incremental is not None
        value = (
            parse_time(cursor).strftime(incremental.param_format)
            if incremental.param_format and not incremental.by_id
            else cursor
        )
        if incremental.param_template:
            return str(render(incremental.param_template, {"cursor": value}))
        return value


def _record_fields(fields: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """``add_fields`` read from the record; one the record cannot fill is null, not ``""``."""
    added = {}
    for name, template in fields.items():
        try:
            added[name] = render(template, {"record": record})
        except MissingValueError:
            added[name] = None
    return added


def _link_kind(page: PageRequest, first: PageRequest, delta: Any) -> str:
    return "saved delta link" if delta is not None and page is first else "next-page link"


def _error_code_note(response: requests.Response) -> str:
    body = response_json(response)
    code = body_value(body, "error.code") if isinstance(body, dict) else None
    return f", {code}" if isinstance(code, str) else ""


def _outcome(future: Future[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """A prefetched partition's records; a stop request ends the wait for them at once."""
    while True:
        try:
            return future.result(timeout=STOP_POLL_S)
        except TimeoutError:
            stop.check()


def _freeze(context: Any) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((context or {}).items()))


def _assign(target: dict[str, Any], dotted: str, value: Any) -> None:
    *heads, last = dotted.split(".")
    for head in heads:
        target = target.setdefault(head, {})
    target[last] = value


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def stream_class(connector: ConnectorSpec, spec: StreamSpec) -> type[SpecStream]:
    """A new stream class for one spec stream."""
    children = [s for s in connector.streams.values() if spec.name in s.parent_names]
    fields = sorted(
        {
            field
            for child in children
            for link in child.parents
            if link.stream == spec.name
            for field in child.parent_fields(link)
        }
    )
    name = "".join(part.title() for part in f"{connector.name}_{spec.name}".split("_")) + "Stream"
    return type(
        name,
        (SpecStream,),
        {
            "spec": spec,
            "connector": connector,
            "child_fields": tuple(fields),
            "__module__": __name__,
        },
    )
