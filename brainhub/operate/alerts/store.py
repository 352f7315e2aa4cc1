"""Alerts as incidents, in the run store's file (table ``alerts``).

An incident is one (rule, integration) whose condition holds: it is opened once when the
condition starts to hold and closed when it no longer does. A partial unique index allows
one open incident per rule and integration, so two checkers at once (the scheduler and a
cron ``brainhub alerts check``) cannot open it twice: only the one whose insert went in
notifies. ``notified`` and ``recovery_notified`` list the channels that took the notice, so a
channel that failed is tried again by the next check, and one that took it never again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from brainhub.operate.record.store import RunStoreError, utc_now

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL,
    condition TEXT NOT NULL,
    integration TEXT NOT NULL,
    message TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    notified TEXT NOT NULL DEFAULT '[]',
    recovery_notified TEXT NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_one_open ON alerts (rule, integration)
    WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS alerts_by_opening ON alerts (opened_at);
"""


@dataclass
class Alert:
    """One incident: ``closed_at`` is None while the condition holds."""

    id: int
    rule: str
    condition: str
    integration: str
    message: str
    opened_at: str
    closed_at: str | None
    notified: list[str]
    recovery_notified: list[str]

    @property
    def is_open(self) -> bool:
        """True while the condition holds."""
        return self.closed_at is None

    def as_dict(self) -> dict[str, Any]:
        """One JSON-ready object (``brainhub alerts --json``)."""
        return {**asdict(self), "open": self.is_open}


class AlertStore:
    """The ``alerts`` table of the run store file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise RunStoreError(f"{self.path}: cannot open the run store ({exc})") from None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            yield conn
        except sqlite3.Error as exc:
            raise RunStoreError(f"{self.path}: the alerts cannot be used ({exc})") from None
        finally:
            conn.close()

    def open_alert(self, rule: str, condition: str, integration: str, message: str) -> Alert | None:
        """Open an incident; None when one is open already (nothing to notify)."""
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO alerts (rule, condition, integration, message, opened_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (rule, condition, integration, message, utc_now()),
            )
            if cursor.rowcount != 1:
                return None
            row = conn.execute("SELECT * FROM alerts WHERE id = ?", (cursor.lastrowid,)).fetchone()
            return _alert(row)

    def close_alert(self, rule: str, integration: str) -> Alert | None:
        """Close the open incident of ``rule`` and ``integration``; None when none was open."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT id FROM alerts WHERE rule = ? AND integration = ? AND closed_at IS NULL",
                (rule, integration),
            ).fetchone()
            if row is None:
                return None
            cursor = conn.execute(
                "UPDATE alerts SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                (utc_now(), row["id"]),
            )
            if cursor.rowcount != 1:
                return None
            return _alert(
                conn.execute("SELECT * FROM alerts WHERE id = ?", (row["id"],)).fetchone()
            )

    def mark_notified(self, alert_id: int, channel: str, *, recovery: bool = False) -> None:
        """Record that ``channel`` took the incident's notice (or its recovery notice)."""
        column = "recovery_notified" if recovery else "notified"
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute(
                f"SELECT {column} FROM alerts WHERE id = ?",  # noqa: S608 - fixed names
                (alert_id,),
            ).fetchone()
            done = json.loads(row[column]) if row else []
            if channel not in done:
                done.append(channel)
            conn.execute(
                f"UPDATE alerts SET {column} = ? WHERE id = ?",  # noqa: S608
                (json.dumps(done), alert_id),
            )
            conn.execute("COMMIT")

    def open_alerts(self) -> list[Alert]:
        """Every open incident, oldest first."""
        return self._select("WHERE closed_at IS NULL ORDER BY opened_at, id")

    def alerts(self, *, since: str | None = None, limit: int = 50) -> list[Alert]:
        """Open incidents and those closed since ``since`` (every one without it), newest
        first."""
        if not self.path.exists():
            return []
        where = "WHERE closed_at IS NULL OR closed_at >= ?" if since else ""
        return self._select(
            f"{where} ORDER BY opened_at DESC, id DESC LIMIT {int(limit)}",
            (since,) if since else (),
        )

    def _select(self, tail: str, args: tuple[Any, ...] = ()) -> list[Alert]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT * FROM alerts {tail}", args).fetchall()  # noqa: S608
        return [_alert(row) for row in rows]


def _alert(row: sqlite3.Row) -> Alert:
    return Alert(
        id=row["id"],
        rule=row["rule"],
        condition=row["condition"],
        integration=row["integration"],
        message=row["message"],
        opened_at=row["opened_at"],
        closed_at=row["closed_at"],
        notified=json.loads(row["notified"]),
        recovery_notified=json.loads(row["recovery_notified"]),
    )
