"""Aggregates of the run store for the page, in SQL over a read-only connection.

The store (:mod:`brainhub.operate.record.store`) is SQLite in WAL mode, so these reads never
wait for a running sync's writes. A run's records are what its tap read, or what its target
wrote when it read nothing (a write target fed by another process), as in ``brainhub status``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any


def _per_run(runs: str) -> str:
    """Per run of the ``runs`` query (a SELECT of rows of ``runs``): its counts summed over
    its streams. Filtering runs first lets SQLite use their indexes before the join."""
    return f"""
SELECT r.id, r.integration, r.status, r.started_at, r.finished_at, r.error,
       coalesce(sum(s.read), 0) AS read,
       coalesce(sum(s.inserted + s.updated), 0) AS written,
       coalesce(sum(s.failed + s.rejected), 0) AS failed_records,
       coalesce(sum(s.requests), 0) AS requests,
       coalesce(sum(s.throttled), 0) AS throttled,
       coalesce(sum(s.waited), 0) AS waited
FROM ({runs}) r LEFT JOIN streams s ON s.run_id = r.id GROUP BY r.id
"""  # noqa: S608


@contextmanager
def _read(path: Path) -> Iterator[sqlite3.Connection | None]:
    if not path.exists():
        yield None
        return
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        conn.row_factory = sqlite3.Row
        yield conn
    finally:
        conn.close()


def _records(row: sqlite3.Row) -> int:
    return int(row["read"] or row["written"])


def _seconds(started: str, finished: str | None) -> float | None:
    if not finished:
        return None
    return (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()


def sparklines(path: Path, per_integration: int = 20) -> dict[str, list[int]]:
    """Integration → records of its last runs, oldest first."""
    with _read(path) as conn:
        if conn is None:
            return {}
        rows = conn.execute(
            "WITH recent AS (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY "  # noqa: S608
            "integration ORDER BY started_at DESC) AS n FROM runs) WHERE n <= ?) "
            + _per_run("SELECT * FROM runs WHERE id IN (SELECT id FROM recent)")
            + " ORDER BY r.integration, r.started_at",
            (per_integration,),
        ).fetchall()
    lines: dict[str, list[int]] = {}
    for row in rows:
        lines.setdefault(row["integration"], []).append(_records(row))
    return lines


def totals_since(path: Path, since: str) -> dict[str, Any]:
    """Runs (failed, interrupted, running), records and requests of every run started since
    ``since``."""
    empty = {"runs": 0, "failed": 0, "interrupted": 0, "running": 0, "records": 0, "requests": 0}
    with _read(path) as conn:
        if conn is None:
            return empty
        rows = conn.execute(
            _per_run("SELECT * FROM runs WHERE started_at >= ?"), (since,)
        ).fetchall()
    return {
        "runs": len(rows),
        "failed": sum(r["status"] == "failed" for r in rows),
        "interrupted": sum(r["status"] == "interrupted" for r in rows),
        "running": sum(r["status"] == "running" for r in rows),
        "records": sum(_records(r) for r in rows),
        "requests": sum(int(r["requests"]) for r in rows),
    }


def run_series(path: Path, integration: str, limit: int = 50) -> list[dict[str, Any]]:
    """The integration's last runs, oldest first: duration, records, failed records, status."""
    with _read(path) as conn:
        if conn is None:
            return []
        rows = conn.execute(
            _per_run("SELECT * FROM runs WHERE integration = ? ORDER BY started_at DESC LIMIT ?")  # noqa: S608
            + " ORDER BY r.started_at",
            (integration, limit),
        ).fetchall()
    return [
        {
            "id": row["id"],
            "status": row["status"],
            "started_at": row["started_at"],
            "duration_s": _seconds(row["started_at"], row["finished_at"]),
            "records": _records(row),
            "failed_records": int(row["failed_records"]),
            "requests": int(row["requests"]),
        }
        for row in rows
    ]


def stream_table(path: Path, integration: str, limit: int = 50) -> list[dict[str, Any]]:
    """Per stream of the integration's last runs: records of the latest run that had it,
    rejected and failed records summed over those runs."""
    with _read(path) as conn:
        if conn is None:
            return []
        rows = conn.execute(
            "SELECT s.*, r.started_at FROM streams s JOIN (SELECT id, started_at FROM runs "
            "WHERE integration = ? ORDER BY started_at DESC LIMIT ?) r ON r.id = s.run_id "
            "ORDER BY r.started_at DESC",
            (integration, limit),
        ).fetchall()
    streams: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = streams.setdefault(
            row["stream"],
            {
                "stream": row["stream"],
                "records": row["read"] or row["inserted"] + row["updated"],
                "rejected": 0,
                "failed": 0,
            },
        )
        entry["rejected"] += int(row["rejected"])
        entry["failed"] += int(row["failed"])
    return sorted(streams.values(), key=lambda e: str(e["stream"]))


def hourly(path: Path, since: str) -> list[dict[str, Any]]:
    """Per integration and hour (``YYYY-MM-DDTHH``) since ``since``: runs, failed runs, runs
    that ran to an end (``success`` or ``failed``: an interrupted run is neither), requests,
    429s and seconds waited."""
    with _read(path) as conn:
        if conn is None:
            return []
        rows = conn.execute(
            "SELECT integration, substr(started_at, 1, 13) AS hour, count(*) AS runs, "  # noqa: S608
            "sum(status = 'failed') AS failed, sum(status IN ('success', 'failed')) AS finished, "
            "sum(requests) AS requests, sum(throttled) AS throttled, sum(waited) AS waited "
            f"FROM ({_per_run('SELECT * FROM runs WHERE started_at >= ?')}) "
            "GROUP BY integration, hour ORDER BY hour, integration",
            (since,),
        ).fetchall()
    return [dict(row) for row in rows]


def top_errors(path: Path, since: str, limit: int = 10) -> list[dict[str, Any]]:
    """The most frequent first lines of failed runs' errors since ``since``."""
    with _read(path) as conn:
        if conn is None:
            return []
        rows = conn.execute(
            "SELECT CASE WHEN instr(error, char(10)) > 0 THEN substr(error, 1, "
            "instr(error, char(10)) - 1) ELSE error END AS message, count(*) AS runs, "
            "max(started_at) AS last_seen, group_concat(DISTINCT integration) AS integrations, "
            "max(id) AS example_run FROM runs WHERE status = 'failed' AND error IS NOT NULL "
            "AND started_at >= ? GROUP BY message ORDER BY runs DESC, last_seen DESC LIMIT ?",
            (since, limit),
        ).fetchall()
    return [dict(row) for row in rows]
