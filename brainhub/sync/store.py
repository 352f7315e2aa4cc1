"""The sync's state in the warehouse, schema ``sync_<name>``.

| table | one row per | holds |
|---|---|---|
| `links` | linked pair | left id, right id, which side it was copied from (`origin`), the hash of each side's mapped values when last agreed (`left_hash`, `right_hash`), `retired_at` once either side was deleted or left the scope |
| `agreed` | pair and field | the last agreed value on each side (canonical text and JSON as written) |
| `conflicts` | conflict | both values and the agreed ones before, the policy, and once resolved the choice |
| `runs` | run | when, what the plan held and what was written |
| `_tap_state`, `_seen` | side | the tap's bookmark; the ids the last whole read returned |
| `_id_map`, `_write_rejects` | write | the target runtime's id map (intents before creates) and refused writes |

Each change commits on its own, so a killed run leaves only acknowledged writes recorded.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from brainhub.sql import quote_identifier
from brainhub.warehouse_lock import connect_waiting

LOGGER = logging.getLogger("brainhub.sync")

DDL = """
CREATE TABLE IF NOT EXISTS {s}.links (
    left_id VARCHAR NOT NULL, right_id VARCHAR NOT NULL, origin VARCHAR,
    left_hash VARCHAR, right_hash VARCHAR, linked_at TIMESTAMP, synced_at TIMESTAMP,
    retired_at TIMESTAMP, retired_why VARCHAR);
CREATE TABLE IF NOT EXISTS {s}.agreed (
    left_id VARCHAR NOT NULL, field VARCHAR NOT NULL, left_value VARCHAR, right_value VARCHAR,
    left_json VARCHAR, right_json VARCHAR, agreed_at TIMESTAMP, PRIMARY KEY (left_id, field));
CREATE TABLE IF NOT EXISTS {s}.conflicts (
    conflict_id VARCHAR PRIMARY KEY, left_id VARCHAR, right_id VARCHAR, field VARCHAR,
    policy VARCHAR, agreed_left VARCHAR, agreed_right VARCHAR, left_value VARCHAR,
    right_value VARCHAR, left_updated TIMESTAMP, right_updated TIMESTAMP,
    detected_at TIMESTAMP, resolution VARCHAR, resolved_value VARCHAR, resolved_at TIMESTAMP,
    applied_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS {s}.runs (
    started_at TIMESTAMP, finished_at TIMESTAMP, environment VARCHAR, creates INTEGER,
    updates INTEGER, deletes INTEGER, conflicts INTEGER, writes INTEGER, rejected INTEGER,
    status VARCHAR);
CREATE TABLE IF NOT EXISTS {s}._tap_state (side VARCHAR PRIMARY KEY, state VARCHAR, saved_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS {s}._seen (side VARCHAR, id VARCHAR);
"""


class SyncStore:
    """Opens the warehouse for the sync's state, briefly, as the target runtime does."""

    def __init__(self, path: Path, schema: str, lock_timeout: float = 300.0) -> None:
        self.path = path
        self.schema = schema
        self.quoted = quote_identifier(schema)
        self.lock_timeout = lock_timeout
        # Both sides refresh on threads of one process, whose connections share one DuckDB
        # instance: two at once creating the schema is a catalog write-write conflict.
        self._in_use = threading.RLock()

    @contextmanager
    def open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection with the schema's tables created; closed after the block. One
        thread of this process at a time."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._in_use:
            connection = connect_waiting(
                str(self.path), timeout=self.lock_timeout, on_wait=LOGGER.info
            )
            try:
                connection.execute(f"CREATE SCHEMA IF NOT EXISTS {self.quoted}")
                connection.execute(DDL.format(s=self.quoted))
                yield connection
            finally:
                connection.close()

    def table(self, name: str) -> str:
        return f"{self.quoted}.{quote_identifier(name)}"

    # ---- the taps' bookmarks and whole reads ----------------------------------------------

    def tap_state(self, side: str) -> dict[str, Any] | None:
        with self.open() as con:
            row = con.execute(
                f"SELECT state FROM {self.table('_tap_state')} WHERE side = ?", [side]
            ).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def save_tap_state(self, side: str, state: dict[str, Any]) -> None:
        with self.open() as con:
            con.execute(
                f"INSERT OR REPLACE INTO {self.table('_tap_state')} VALUES (?, ?, now())",
                [side, json.dumps(state)],
            )

    def save_seen(self, side: str, ids: list[str]) -> None:
        """The ids a whole read returned (replacing the last read's), and that it happened."""
        with self.open() as con:
            con.execute("BEGIN")
            con.execute(f"DELETE FROM {self.table('_seen')} WHERE side = ?", [side])
            if ids:
                con.executemany(
                    f"INSERT INTO {self.table('_seen')} VALUES (?, ?)",
                    [(side, value) for value in sorted(set(ids))],
                )
            con.execute(
                f"INSERT OR REPLACE INTO {self.table('_tap_state')} VALUES (?, ?, now())",
                [f"{side}:whole-read", json.dumps({"records": len(set(ids))})],
            )
            con.execute("COMMIT")
