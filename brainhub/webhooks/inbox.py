"""The durable inbox: every accepted webhook, committed before the vendor gets its 2xx.

One SQLite database per project, ``data/webhooks/inbox.sqlite`` (beside the secret stores
and the audit log under ``data/``), in WAL mode with ``synchronous=FULL`` so a committed
event survives the receiver being killed. Each event is one row::

    id | service | delivery_id | event_type | received_at | body | status | processed_at

``(service, delivery_id)`` is unique: a delivery the inbox already holds is refused
(:meth:`Inbox.accept` returns ``None``), so a replayed or retried delivery never triggers
twice. ``status`` goes ``pending`` → ``processed`` once the event's dispatch succeeded; a
receiver that dies in between finds the event still pending when it starts again
(:meth:`Inbox.pending`), so every event is processed at least once.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

#: Where the inbox lives under a project.
INBOX_FILE = Path("data") / "webhooks" / "inbox.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    received_at REAL NOT NULL,
    body BLOB NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    processed_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    UNIQUE (service, delivery_id)
);
CREATE INDEX IF NOT EXISTS events_pending ON events (status, id);
"""


def inbox_path(project_root: Path) -> Path:
    """The inbox database of the project at ``project_root``."""
    return project_root / INBOX_FILE


@dataclass(frozen=True)
class InboxEvent:
    """One accepted delivery."""

    id: int
    service: str
    delivery_id: str
    event_type: str
    received_at: float
    body: bytes
    status: str
    processed_at: float | None
    attempts: int
    last_error: str | None

    def summary(self) -> dict[str, object]:
        """The event without its body (what ``brainhub webhooks list`` shows)."""
        return {
            "id": self.id,
            "service": self.service,
            "delivery_id": self.delivery_id,
            "event_type": self.event_type,
            "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.received_at)),
            "status": self.status,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "bytes": len(self.body),
        }


_COLUMNS = (
    "id, service, delivery_id, event_type, received_at, body, status, processed_at, "
    "attempts, last_error"
)


class Inbox:
    """The inbox database at ``path`` (created on first use); safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def accept(
        self, service: str, delivery_id: str, event_type: str, body: bytes, now: float
    ) -> int | None:
        """Commit one delivery durably; its id, or ``None`` when the inbox already has it."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO events (service, delivery_id, event_type, received_at, body)"
                " VALUES (?, ?, ?, ?, ?)",
                (service, delivery_id, event_type, now, body),
            )
            return cursor.lastrowid if cursor.rowcount == 1 else None

    def pending(self) -> list[InboxEvent]:
        """Events accepted and not processed yet, oldest first."""
        return self._select("WHERE status = 'pending' ORDER BY id")

    def recent(self, limit: int = 20) -> list[InboxEvent]:
        """The newest ``limit`` events, newest first."""
        return self._select("ORDER BY id DESC LIMIT ?", (limit,))

    def get(self, event_id: int) -> InboxEvent | None:
        """One event by id."""
        found = self._select("WHERE id = ?", (event_id,))
        return found[0] if found else None

    def mark_processed(self, event_ids: list[int], now: float) -> None:
        """Record that these events' dispatch succeeded."""
        with self._lock:
            self._db.executemany(
                "UPDATE events SET status = 'processed', processed_at = ?, "
                "attempts = attempts + 1, last_error = NULL WHERE id = ?",
                [(now, event_id) for event_id in event_ids],
            )

    def mark_failed(self, event_ids: list[int], error: str) -> None:
        """Record a failed dispatch attempt; the events stay pending."""
        with self._lock:
            self._db.executemany(
                "UPDATE events SET attempts = attempts + 1, last_error = ? WHERE id = ?",
                [(error[:500], event_id) for event_id in event_ids],
            )

    def _select(self, clause: str, parameters: tuple[object, ...] = ()) -> list[InboxEvent]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM events {clause}", parameters)  # noqa: S608
            return [InboxEvent(*row) for row in rows.fetchall()]
