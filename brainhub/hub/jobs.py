"""Jobs of the Python API: Meltano runs in a subprocess, their status, progress and log.

:class:`JobTracker` is the one place that starts and follows them, so that a store of runs
can later answer the same questions. A job runs ``meltano --environment=<env> run …`` (or
``invoke``) from the project directory with its secrets in the child's environment only;
every line it prints is scrubbed of those secrets before it reaches the job's log
(``data/hub/jobs/<job id>.log``). Progress is read from the Singer SDK's metric lines
(``record_count`` per stream) and target-duckdb's ``rows loaded`` lines as they arrive.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from brainhub.operate.record.store import STOPPED_EXIT_CODES
from brainhub.redaction import SecretScrubber

#: A metric line as Meltano relays it: ``… [info     ] tap-clickup  METRIC: {…}``.
_METRIC = re.compile(r"\]\s+(?P<plugin>\S+)\s+METRIC: (?P<data>\{.*\})\s*$")
_LOADED = re.compile(r"Stream '(?P<stream>[^']+)': (?P<rows>\d+) rows loaded")
#: What the log shows of a failure: the last lines that say error or failed.
_ERROR = re.compile(r"\b(error|failed|Error)\b")


@dataclass
class Job:
    """One run: what it runs, where it stands, what it did."""

    id: str
    integration: str
    environment: str
    command: list[str]
    log: Path
    state: str = "queued"  # queued → running → succeeded | failed | interrupted
    started_at: str | None = None
    finished_at: str | None = None
    exit_code: int | None = None
    #: Records read so far, per stream: the tap's record_count metric (for a write, the
    #: records the target took).
    records_read: dict[str, int] = field(default_factory=dict)
    #: Rows loaded into the warehouse, per table (target-duckdb's summary lines).
    rows_loaded: dict[str, int] = field(default_factory=dict)
    #: Tables the job fills, by stream.
    tables: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        """True once the run has ended (either way)."""
        return self._done.is_set()

    def status(self) -> dict[str, Any]:
        """Status, progress and results as plain data."""
        return {
            "id": self.id,
            "integration": self.integration,
            "environment": self.environment,
            "state": self.state,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "exit_code": self.exit_code,
            "records_read": dict(self.records_read),
            "rows_loaded": dict(self.rows_loaded),
            "tables": dict(self.tables),
            "error": self.error,
            "log": str(self.log),
        }


class JobTracker:
    """Starts jobs and keeps track of them (in this process; the log files stay)."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(
        self,
        integration: str,
        environment: str,
        command: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        secrets: Sequence[str] = (),
        stdin: str | None = None,
        tables: Mapping[str, str] | None = None,
    ) -> Job:
        """Start ``command`` in ``cwd`` with ``env``; ``secrets`` never reach the log."""
        job_id = f"{integration}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        job = Job(
            job_id,
            integration,
            environment,
            list(command),
            self.log_dir / f"{job_id}.log",
            tables=dict(tables or {}),
        )
        with self._lock:
            self._jobs[job_id] = job
        scrubber = SecretScrubber(secrets)
        job.started_at = _now()
        job.state = "running"
        child = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            umask=0o077,
        )
        if stdin is not None:
            threading.Thread(target=_feed, args=(child.stdin, stdin), daemon=True).start()
        threading.Thread(
            target=self._follow, args=(job, child, scrubber), name=f"job {job_id}", daemon=True
        ).start()
        return job

    def get(self, job_id: str) -> Job:
        """The job of that id; a KeyError lists the known ones."""
        with self._lock:
            if job_id not in self._jobs:
                known = ", ".join(self._jobs) or "none"
                raise KeyError(f"no job {job_id!r} (jobs of this hub: {known})")
            return self._jobs[job_id]

    def jobs(self) -> list[Job]:
        """Every job this tracker started, oldest first."""
        with self._lock:
            return list(self._jobs.values())

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """Block until the job ends (or ``timeout`` seconds pass); the job."""
        job = self.get(job_id)
        job._done.wait(timeout)
        return job

    def _follow(self, job: Job, child: subprocess.Popen[str], scrubber: SecretScrubber) -> None:
        errors: list[str] = []
        assert child.stdout is not None
        with job.log.open("w", encoding="utf-8") as log:
            os.chmod(job.log, 0o600)
            for raw in child.stdout:
                line = scrubber.scrub(raw.rstrip("\n")) if scrubber else raw.rstrip("\n")
                log.write(line + "\n")
                log.flush()
                _progress(job, line)
                if _ERROR.search(line) and "METRIC" not in line:
                    errors.append(line)
        child.stdout.close()
        job.exit_code = child.wait()
        job.finished_at = _now()
        if job.exit_code == 0:
            job.state = "succeeded"
        elif job.exit_code in STOPPED_EXIT_CODES:
            job.state = "interrupted"  # stopped by SIGINT or SIGTERM, as the run store says
        else:
            job.state = "failed"
        if job.exit_code != 0:
            job.error = _error_line(errors) or f"exited {job.exit_code}; see {job.log}"
        job._done.set()


def _feed(sink: IO[str] | None, text: str) -> None:
    if sink is None:
        return
    try:
        sink.write(text)
        sink.close()
    except BrokenPipeError:
        pass


def _progress(job: Job, line: str) -> None:
    metric = _METRIC.search(line)
    if metric:
        # the tap's counts (a mapper counts its outputs again); "meltano" relays an invoke's
        if not metric["plugin"].startswith("tap-") and metric["plugin"] != "meltano":
            return
        try:
            data = json.loads(metric["data"])
        except ValueError:
            return
        stream = (data.get("tags") or {}).get("stream")
        if data.get("metric") == "record_count" and stream:
            job.records_read[stream] = job.records_read.get(stream, 0) + int(data.get("value", 0))
        return
    loaded = _LOADED.search(line)
    if loaded:
        table = _table_of(job, loaded["stream"])
        job.rows_loaded[table] = job.rows_loaded.get(table, 0) + int(loaded["rows"])


def _table_of(job: Job, stream: str) -> str:
    """``stg-tasks`` (a mapped output) → ``stg.tasks``; a tap's stream → the job's table."""
    if "-" in stream:
        return stream.replace("-", ".", 1)
    return job.tables.get(stream, stream)


def _error_line(errors: list[str]) -> str | None:
    """The most telling error line: the first one a plugin printed, without the timestamp."""
    for line in errors:
        text = re.sub(r"^\S+Z \[\w+\s*\] ", "", line).strip()
        if text and "meltano" not in text.split()[0]:
            return text
    return errors[0].strip() if errors else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
