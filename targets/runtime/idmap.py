"""The id map and the rejects, in the warehouse: ``<schema>._id_map``, ``<schema>._write_rejects``.

``_id_map`` has one row per (source stream, source key): the service's id of the object the
record stands for (``remote_id``), the hash and fields last written (``body_hash``,
``written``), the values kept from the create's answer (``kept``, an operation's
``keep``) and when. A row whose ``remote_id`` is NULL is an *intent*: a create was about
to be sent and its answer never recorded (the process was killed in between); the writer
looks the object up before creating it again.

The warehouse is held open in short leases: a connection (opened waiting for the lock, see
:mod:`brainhub.warehouse_lock`) serves the changes of at most ``HOLD_S`` seconds, is closed
after ``HOLD_S`` without a change, and after a full lease the next change pauses
``PAUSE_S`` before opening again — so that a ``target-duckdb`` load gets in between. Each
change commits on its own (DuckDB's write-ahead log keeps it through a kill).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from brainhub.sql import quote_identifier
from brainhub.warehouse_lock import connect_waiting

LOGGER = logging.getLogger("brainhub.target")
#: Longest a connection serves changes, and longest it stays open without one (seconds).
HOLD_S = 1.0
#: Pause after a full lease before the warehouse is opened again (seconds).
PAUSE_S = 0.05


@dataclass(frozen=True)
class MapEntry:
    """One row of the id map."""

    remote_id: str | None
    body_hash: str | None
    written: dict[str, Any]
    #: Values kept from the create's answer (an operation's ``keep``).
    kept: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reject:
    """A record the service refused (or that could not be sent)."""

    stream: str
    source_key: str
    object_type: str
    call: str
    status: int | None
    error: str


class IdMap:
    """The id map and rejects tables of one schema in one DuckDB file."""

    def __init__(self, path: str, schema: str, *, lock_timeout: float) -> None:
        self.path = path
        self.schema = schema
        self.lock_timeout = lock_timeout
        self._created = False
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._opened_at = 0.0
        self._lock = threading.Lock()
        self._idle_timer: threading.Timer | None = None

    @property
    def map_table(self) -> str:
        return f"{quote_identifier(self.schema)}._id_map"

    @property
    def rejects_table(self) -> str:
        return f"{quote_identifier(self.schema)}._write_rejects"

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            if self._connection is not None and time.monotonic() - self._opened_at > HOLD_S:
                self._close()
                time.sleep(PAUSE_S)  # the lease is up: let a waiting loader in
            if self._connection is None:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self._connection = connect_waiting(
                    self.path, timeout=self.lock_timeout, on_wait=LOGGER.info
                )
                self._opened_at = time.monotonic()
            try:
                if not self._created:
                    self._create(self._connection)
                yield self._connection
            except BaseException:
                self._close()
                raise
            self._idle_timer = threading.Timer(HOLD_S, self.release)
            self._idle_timer.daemon = True
            self._idle_timer.start()

    def release(self) -> None:
        """Close the warehouse now (the next change opens it again)."""
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _create(self, connection: duckdb.DuckDBPyConnection) -> None:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(self.schema)}")
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {self.map_table} (stream VARCHAR NOT NULL, "
            "source_key VARCHAR NOT NULL, object_type VARCHAR, remote_id VARCHAR, "
            "body_hash VARCHAR, written VARCHAR, intent_at TIMESTAMPTZ, written_at TIMESTAMPTZ, "
            "PRIMARY KEY (stream, source_key))"
        )
        connection.execute(f"ALTER TABLE {self.map_table} ADD COLUMN IF NOT EXISTS kept VARCHAR")
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {self.rejects_table} (stream VARCHAR, source_key "
            "VARCHAR, object_type VARCHAR, call VARCHAR, status INTEGER, error VARCHAR, "
            "rejected_at TIMESTAMPTZ DEFAULT now())"
        )
        self._created = True

    def load(self, stream: str) -> dict[str, MapEntry]:
        """Every row of ``stream``, by source key (nothing if the warehouse has none yet)."""
        if not Path(self.path).exists():
            return {}
        with self._open() as connection:
            rows = connection.execute(
                f"SELECT source_key, remote_id, body_hash, written, kept FROM {self.map_table} "  # noqa: S608 - quoted names
                "WHERE stream = ?",
                [stream],
            ).fetchall()
        return {
            key: MapEntry(rid, h, json.loads(w) if w else {}, json.loads(k) if k else {})
            for key, rid, h, w, k in rows
        }

    def remote_id(self, stream: str, key: str) -> str | None:
        """The service's id of the object written for ``key`` of ``stream``, if any."""
        if not Path(self.path).exists():
            return None
        with self._open() as connection:
            row = connection.execute(
                f"SELECT remote_id FROM {self.map_table} WHERE stream = ? AND source_key = ?",  # noqa: S608 - quoted names
                [stream, key],
            ).fetchone()
        return None if row is None else row[0]

    def intend(
        self, stream: str, key: str, object_type: str, kept: dict[str, Any] | None = None
    ) -> None:
        """Record that a create for this record is about to be sent (``kept``: values the
        create must send again if it is retried, such as its idempotency key)."""
        with self._open() as connection:
            connection.execute(
                f"INSERT INTO {self.map_table} (stream, source_key, object_type, kept, "  # noqa: S608 - quoted names
                "intent_at) VALUES (?, ?, ?, ?, now()) ON CONFLICT DO UPDATE SET "
                "intent_at = now(), kept = excluded.kept",
                [stream, key, object_type, json.dumps(kept or {})],
            )

    def written(
        self,
        stream: str,
        key: str,
        object_type: str,
        remote_id: str,
        body_hash: str | None,
        written: dict[str, Any],
        kept: dict[str, Any] | None = None,
    ) -> None:
        """Record the object's id and what was written to it (``body_hash`` None: retry)."""
        with self._open() as connection:
            connection.execute(
                f"INSERT INTO {self.map_table} (stream, source_key, object_type, remote_id, "  # noqa: S608 - quoted names
                "body_hash, written, kept, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, now()) "
                "ON CONFLICT DO UPDATE SET remote_id = excluded.remote_id, "
                "body_hash = excluded.body_hash, written = excluded.written, "
                "kept = excluded.kept, written_at = excluded.written_at, intent_at = NULL",
                [
                    stream,
                    key,
                    object_type,
                    remote_id,
                    body_hash,
                    json.dumps(written, default=str),
                    json.dumps(kept or {}, default=str),
                ],
            )

    def forget(self, stream: str, key: str) -> None:
        """Drop the row of a deleted object, or an intent whose create was refused."""
        with self._open() as connection:
            connection.execute(
                f"DELETE FROM {self.map_table} WHERE stream = ? AND source_key = ?",  # noqa: S608
                [stream, key],
            )

    def reject(self, reject: Reject) -> None:
        """Append a refused record to the rejects table."""
        with self._open() as connection:
            connection.execute(
                f"INSERT INTO {self.rejects_table} (stream, source_key, object_type, call, "  # noqa: S608 - quoted names
                "status, error) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    reject.stream,
                    reject.source_key,
                    reject.object_type,
                    reject.call,
                    reject.status,
                    reject.error,
                ],
            )
