"""The run store: every pipeline run with its streams' counts, in SQLite (WAL mode).

One file per project, ``data/runs.sqlite`` (``$BRAINHUB_RUN_STORE`` names another), written
by the plugins of a run while it runs and read by ``brainhub runs``, ``brainhub status`` and
the monitoring page at the same time: in WAL mode readers never wait for the writers, unlike
the DuckDB warehouse, which a loading target holds. Runs of every environment share the file;
each run says its environment.

A run has parts, the plugins that record into it (``tap``, ``target``), each ``running``,
``success``, ``failed`` or ``interrupted``; the run is ``failed`` as soon as one part failed,
``interrupted`` as soon as one part was stopped by SIGINT or SIGTERM (and none failed),
``success`` once every part finished well, ``running`` until then (:data:`RUN_STATUSES`). A
wrapper that knows the exit code of the whole run (``brainhub run``, the scheduler) settles
it with :meth:`RunStore.settle_exit`: 0 is a success, 130 and 143 (128 + SIGINT, SIGTERM; or
a child killed by either) an interruption, anything else a failure.

An interrupted run is neither a failure nor a success: it leaves the integration's failure
streak as it was, and what it committed before it stopped stays committed (its plugins write
the last STATE covering it, so the next run resumes from there).

Counts are written as absolute values per stream and part (the tap writes ``read`` and the
HTTP counts, the target ``inserted``/``updated``/``rejected``/``failed``), so a write that is
repeated or lost does no harm: the next one carries the totals.

When a run settles, its integration's failure streak is updated here too, in the same
transaction: see :mod:`brainhub.operate.status` for what the streak means.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from brainhub.errors import BrainhubError

#: Where a project keeps its run store, relative to the project root.
STORE_PATH = Path("data") / "runs.sqlite"
#: The environment variable naming another run store file.
STORE_VARIABLE = "BRAINHUB_RUN_STORE"

#: Per-stream counts, in the order they are shown.
COUNTS = (
    "read",
    "inserted",
    "updated",
    "rejected",
    "failed",
    "requests",
    "retries",
    "throttled",
    "waited",
    "pages",
)
#: Counts each part of a run writes (a part writes only its own, so parts never overwrite).
PART_COUNTS: dict[str, tuple[str, ...]] = {
    "tap": ("read", "requests", "retries", "throttled", "waited", "pages", "expected_pages"),
    "target": ("inserted", "updated", "rejected", "failed"),
}
TRIGGERS = ("manual", "schedule", "webhook", "api")
#: Every status a run can have; all but ``running`` are final.
RUN_STATUSES = ("running", "success", "failed", "interrupted")
#: The statuses of a run that ended.
FINISHED_STATUSES = ("success", "failed", "interrupted")
#: Exit codes of a process stopped by SIGINT or SIGTERM: ``128 + signal``, as shells report
#: them, and ``-signal``, as :mod:`subprocess` reports a child the signal killed.
STOPPED_EXIT_CODES = frozenset(
    {128 + signal.SIGINT, 128 + signal.SIGTERM, -signal.SIGINT, -signal.SIGTERM}
)
#: Seconds without a sign of life after which a running run is taken for dead. A live run's
#: plugins write at least every :data:`~brainhub.operate.record.recorder.HEARTBEAT_S`.
STALE_AFTER_S = 120.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    integration TEXT NOT NULL,
    trigger TEXT NOT NULL,
    environment TEXT,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    error TEXT,
    traceback TEXT,
    parts TEXT NOT NULL DEFAULT '{}',
    settled INTEGER NOT NULL DEFAULT 0,
    invocation TEXT,
    heartbeat_at TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_invocation ON runs (invocation);
CREATE INDEX IF NOT EXISTS runs_by_integration ON runs (integration, started_at);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at);
CREATE TABLE IF NOT EXISTS streams (
    run_id TEXT NOT NULL REFERENCES runs (id),
    stream TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    inserted INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    retries INTEGER NOT NULL DEFAULT 0,
    throttled INTEGER NOT NULL DEFAULT 0,
    waited REAL NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    expected_pages INTEGER,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, stream)
);
CREATE TABLE IF NOT EXISTS integrations (
    name TEXT PRIMARY KEY,
    status TEXT NOT NULL DEFAULT 'active',
    failures INTEGER NOT NULL DEFAULT 0,
    changed_at TEXT
);
"""


class RunStoreError(BrainhubError):
    """The run store file cannot be opened, read or written; the message names it."""


def utc_now() -> str:
    """Now, as the store writes times: ISO 8601 in UTC, to the microsecond."""
    return datetime.now(tz=UTC).isoformat(timespec="microseconds")


#: Failed runs in a row after which an active integration is put in ``error``.
ERROR_AFTER = 3


def error_after_setting() -> int:
    """``$BRAINHUB_ERROR_AFTER`` when it is a whole number of at least 1, else 3."""
    value = (os.environ.get("BRAINHUB_ERROR_AFTER") or "").strip()
    return int(value) if value.isdigit() and int(value) >= 1 else ERROR_AFTER


def store_path(project_root: Path) -> Path:
    """The run store of the project at ``project_root`` (``$BRAINHUB_RUN_STORE`` wins)."""
    named = os.environ.get(STORE_VARIABLE)
    return Path(named) if named else project_root / STORE_PATH


@dataclass
class StreamCounts:
    """What one run did to one stream.

    ``read``: records the tap emitted; ``inserted``/``updated``: rows the target wrote new or
    replaced; ``rejected``: records the target set aside as invalid; ``failed``: records a
    write target could not write; ``requests`` (every attempt), ``retries``, ``throttled``
    (429 and the like), ``waited`` (seconds of backoff and rate limiting), ``pages`` and, when
    the API tells, ``expected_pages``.
    """

    read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    failed: int = 0
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    waited: float = 0.0
    pages: int = 0
    expected_pages: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready mapping."""
        return asdict(self)


@dataclass
class Run:
    """One pipeline run as the store holds it."""

    id: str
    integration: str
    trigger: str
    environment: str | None
    status: str
    started_at: str
    finished_at: str | None = None
    error: str | None = None
    traceback: str | None = None
    parts: dict[str, str] = field(default_factory=dict)
    streams: dict[str, StreamCounts] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The run as one JSON-ready object (``brainhub runs --json`` prints these)."""
        data = asdict(self)
        data["streams"] = {name: counts.as_dict() for name, counts in self.streams.items()}
        return data

    def total(self, count: str) -> float:
        """One count summed over the run's streams."""
        return sum(getattr(s, count) for s in self.streams.values())


def run_status(parts: Mapping[str, str]) -> str:
    """The status of a run whose parts are in the given states (see the module docstring)."""
    states = set(parts.values())
    if "failed" in states:
        return "failed"
    if "interrupted" in states:  # the same signal stops the other parts
        return "interrupted"
    if states and states <= {"success"}:
        return "success"
    return "running"


class RunStore:
    """The run store file; every method opens, uses and closes its own connection.

    ``error_after``: consecutive failed runs after which an active integration is put in
    ``error`` (``$BRAINHUB_ERROR_AFTER``, default 3).
    """

    def __init__(self, path: Path, *, error_after: int | None = None) -> None:
        self.path = path
        if error_after is None:
            error_after = error_after_setting()
        self.error_after = max(1, error_after)
        self._ready = False

    @classmethod
    def of_project(cls, project_root: Path, **options: Any) -> RunStore:
        """The store of the project at ``project_root`` (see :func:`store_path`)."""
        return cls(store_path(project_root), **options)

    def exists(self) -> bool:
        """True once something has been recorded."""
        return self.path.exists()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise RunStoreError(f"{self.path}: cannot open the run store ({exc})") from None
        try:
            conn.row_factory = sqlite3.Row
            if not self._ready:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
                self._ready = True
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn
        except sqlite3.Error as exc:
            raise RunStoreError(
                f"{self.path}: the run store cannot be used ({exc}); if it is damaged, move it "
                "aside and the next run starts a new one"
            ) from None
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------

    def begin(
        self,
        run_id: str,
        *,
        integration: str,
        trigger: str,
        environment: str | None,
        part: str | None = None,
        started_at: str | None = None,
        invocation: str | None = None,
        expect: Sequence[str] = (),
    ) -> None:
        """Record that ``run_id`` started (again for each part: the first one creates it).

        ``invocation`` groups the runs of one ``meltano run`` (a job may run several pipelines);
        ``expect`` names parts that will come (the tap expects its target), so the run is not
        a success before they finish.
        """
        now = started_at or utc_now()
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO runs (id, integration, trigger, environment, status, "
                "started_at, invocation) VALUES (?, ?, ?, ?, 'running', ?, ?)",
                (run_id, integration, trigger, environment, now, invocation),
            )
            if part is not None:
                self._set_part(conn, run_id, part, "running", expect=expect)

    def write_counts(
        self, run_id: str, part: str, counts: Mapping[str, Mapping[str, float | None]]
    ) -> None:
        """Store ``part``'s current totals per stream (only the counts that part owns)."""
        columns = PART_COUNTS[part]
        now = utc_now()
        sets = ", ".join(f"{c} = excluded.{c}" for c in columns)
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        with self._transaction() as conn:
            conn.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (now, run_id))
            conn.executemany(
                f"INSERT INTO streams (run_id, stream, {names}, updated_at) "  # noqa: S608
                f"VALUES (?, ?, {marks}, ?) ON CONFLICT (run_id, stream) DO UPDATE SET "
                f"{sets}, updated_at = excluded.updated_at",
                [
                    (run_id, stream, *(values.get(c, 0) for c in columns), now)
                    for stream, values in counts.items()
                ],
            )

    def heartbeat(self, run_id: str) -> None:
        """Say the run's plugins are alive (their count writes say it too)."""
        with self._transaction() as conn:
            conn.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (utc_now(), run_id))

    def fail_stale(self, *, silent_for: float = STALE_AFTER_S) -> list[Run]:
        """Fail every running run that gave no sign of life for ``silent_for`` seconds
        (its plugins were killed); the runs it failed."""
        if not self.exists():
            return []
        cutoff = (datetime.now(tz=UTC) - timedelta(seconds=silent_for)).isoformat()
        with self._connect() as conn:
            stale = [
                (row["id"], row["last"])
                for row in conn.execute(
                    "SELECT id, coalesce(heartbeat_at, started_at) AS last FROM runs "
                    "WHERE status = 'running' AND coalesce(heartbeat_at, started_at) < ?",
                    (cutoff,),
                )
            ]
        failed = []
        for run_id, last in stale:
            when = datetime.fromisoformat(last).strftime("%Y-%m-%d %H:%M:%S")
            self.settle(
                run_id,
                failed=True,
                error=f"no sign of life since {when} UTC: its process was gone "
                "(marked failed by brainhub runs repair)",
            )
            run = self.run(run_id)
            if run is not None:
                failed.append(run)
        return failed

    def finish_part(
        self,
        run_id: str,
        part: str,
        *,
        error: str | None = None,
        traceback: str | None = None,
        interrupted: bool = False,
    ) -> str:
        """Record that ``part`` ended: stopped by a signal when ``interrupted`` (``error``
        then says which), else failed when ``error`` is given; the run's new status."""
        state = "interrupted" if interrupted else "failed" if error else "success"
        with self._transaction() as conn:
            parts = self._set_part(conn, run_id, part, state)
            status = run_status(parts)
            if error:
                conn.execute(
                    "UPDATE runs SET error = coalesce(error, ?), traceback = coalesce(traceback, ?) "
                    "WHERE id = ?",
                    (error, traceback, run_id),
                )
            if status != "running":
                self._settle(conn, run_id, status)
            return status

    def settle_exit(self, run_id: str, code: int, *, error: str | None = None) -> str:
        """End a run with the exit code of the process that ran it (see the module
        docstring); ``error`` is kept when the code is a failure. The run's final status."""
        if code in STOPPED_EXIT_CODES:
            name = signal.Signals(abs(code) - 128 if code > 0 else -code).name
            return self.settle(
                run_id, failed=False, interrupted=True, error=f"stopped by {name} (exit {code})"
            )
        return self.settle(run_id, failed=code != 0, error=error if code else None)

    def settle(
        self,
        run_id: str,
        *,
        failed: bool,
        error: str | None = None,
        interrupted: bool = False,
    ) -> str:
        """End a run from outside its plugins (the exit code of ``meltano run``).

        A failed exit fails the run whatever its parts say; a good exit makes a running run a
        success. An ``interrupted`` one (stopped by a signal) keeps what its parts say when
        they finished (a failure, or a success of a pipeline that ended before the signal)
        and makes it ``interrupted`` otherwise. Returns the run's final status (``failed``
        when the run is unknown and failed).
        """
        with self._transaction() as conn:
            row = conn.execute("SELECT parts FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                return "failed" if failed else "interrupted" if interrupted else "success"
            status = "failed" if failed else run_status(json.loads(row["parts"]))
            if status == "running":
                status = "interrupted" if interrupted else "success"
            if error and status in ("failed", "interrupted"):
                conn.execute(
                    "UPDATE runs SET error = coalesce(error, ?) WHERE id = ?", (error, run_id)
                )
            self._settle(conn, run_id, status)
            return status

    def _set_part(
        self,
        conn: sqlite3.Connection,
        run_id: str,
        part: str,
        state: str,
        expect: Sequence[str] = (),
    ) -> dict[str, str]:
        row = conn.execute("SELECT parts FROM runs WHERE id = ?", (run_id,)).fetchone()
        parts: dict[str, str] = json.loads(row["parts"]) if row else {}
        if parts.get(part) != "failed":
            parts[part] = state
        for other in expect:
            parts.setdefault(other, "running")
        conn.execute("UPDATE runs SET parts = ? WHERE id = ?", (json.dumps(parts), run_id))
        return parts

    def _settle(self, conn: sqlite3.Connection, run_id: str, status: str) -> None:
        """Set the final status; the first time only, move the integration's failure streak
        (an interrupted run leaves it as it was)."""
        row = conn.execute(
            "SELECT integration, settled, status FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
        if row is None:
            return
        if row["settled"]:
            if status == "failed" and row["status"] != "failed":  # a late failure still counts
                conn.execute("UPDATE runs SET status = 'failed' WHERE id = ?", (run_id,))
                self._count_outcome(conn, row["integration"], failed=True)
            return
        conn.execute(
            "UPDATE runs SET status = ?, finished_at = ?, settled = 1 WHERE id = ?",
            (status, utc_now(), run_id),
        )
        if status != "interrupted":
            self._count_outcome(conn, row["integration"], failed=status == "failed")

    def _count_outcome(self, conn: sqlite3.Connection, name: str, *, failed: bool) -> None:
        conn.execute("INSERT OR IGNORE INTO integrations (name) VALUES (?)", (name,))
        row = conn.execute(
            "SELECT status, failures FROM integrations WHERE name = ?", (name,)
        ).fetchone()
        status, failures = row["status"], row["failures"]
        if failed:
            failures += 1
            if status == "active" and failures >= self.error_after:
                status = "error"
        else:
            failures = 0
            if status == "error":
                status = "active"
        changed = status != row["status"]
        conn.execute(
            "UPDATE integrations SET status = ?, failures = ?, "
            "changed_at = CASE WHEN ? THEN ? ELSE changed_at END WHERE name = ?",
            (status, failures, changed, utc_now(), name),
        )

    def set_integration_status(self, name: str, status: str) -> tuple[str, str]:
        """Set an integration's status by hand; returns (before, after).

        ``active`` also clears the failure streak (``brainhub resume``/``enable``).
        """
        with self._transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO integrations (name) VALUES (?)", (name,))
            before = conn.execute(
                "SELECT status FROM integrations WHERE name = ?", (name,)
            ).fetchone()["status"]
            failures_sql = ", failures = 0" if status == "active" else ""
            conn.execute(
                f"UPDATE integrations SET status = ?, changed_at = ?{failures_sql} "  # noqa: S608
                "WHERE name = ?",
                (status, utc_now(), name),
            )
            return str(before), status

    # -- reading ---------------------------------------------------------------------------

    def runs(
        self,
        *,
        integration: str | None = None,
        environment: str | None = None,
        since: str | None = None,
        limit: int | None = 20,
    ) -> list[Run]:
        """Runs, newest first, optionally of one integration/environment or since a time."""
        if not self.exists():
            return []
        where, args = [], []
        for column, value in (("integration", integration), ("environment", environment)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            where.append("started_at >= ?")
            args.append(since)
        sql = "SELECT * FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at DESC, rowid DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._connect() as conn:
            rows = conn.execute(sql, args).fetchall()
            return [self._run(conn, row) for row in rows]

    def runs_of_invocation(self, invocation: str) -> list[Run]:
        """The runs one ``meltano run`` started (``BRAINHUB_RUN_ID``), oldest first."""
        if not self.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM runs WHERE invocation = ? ORDER BY started_at, rowid", (invocation,)
            ).fetchall()
            return [self._run(conn, row) for row in rows]

    def run(self, run_id: str) -> Run | None:
        """One run by its id, or by a unique prefix of it; None when there is none."""
        if not self.exists():
            return None
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                rows = conn.execute(
                    "SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                    (run_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
                ).fetchall()
                row = rows[0] if len(rows) == 1 else None
            return self._run(conn, row) if row is not None else None

    def integration_states(self) -> dict[str, tuple[str, int]]:
        """``{integration: (status, consecutive failures)}`` of every integration recorded."""
        if not self.exists():
            return {}
        with self._connect() as conn:
            rows = conn.execute("SELECT name, status, failures FROM integrations").fetchall()
        return {row["name"]: (row["status"], row["failures"]) for row in rows}

    @staticmethod
    def _run(conn: sqlite3.Connection, row: sqlite3.Row) -> Run:
        streams = {
            s["stream"]: StreamCounts(**{name: s[name] for name in (*COUNTS, "expected_pages")})
            for s in conn.execute(
                "SELECT * FROM streams WHERE run_id = ? ORDER BY stream", (row["id"],)
            )
        }
        return Run(
            id=row["id"],
            integration=row["integration"],
            trigger=row["trigger"],
            environment=row["environment"],
            status=row["status"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            error=row["error"],
            traceback=row["traceback"],
            parts=json.loads(row["parts"]),
            streams=streams,
        )
