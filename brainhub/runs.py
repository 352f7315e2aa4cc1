"""Meltano runs whose process is gone: find them and mark them failed, so the next run starts.

Meltano 4 records every ``meltano run`` pipeline as a row of the ``runs`` table in its
system database (``.meltano/meltano.db`` by default) and, while the run is alive, refreshes
the row's ``last_heartbeat_at`` every second. A run killed with SIGKILL (by the OOM
killer, a container stop, a machine going down) leaves its row in state ``RUNNING``. Meltano
takes such a row for a live run until its heartbeat is five minutes old, and meanwhile
refuses every new run of the same pipeline unless ``--force`` is given (which would also
overrun a run that *is* alive). Meltano records no process id.

A live run's heartbeat moves every second. :func:`repair_runs` reads the heartbeat of every
``RUNNING`` row, watches it for :data:`WATCH_S` seconds (no wait when there is none), and
marks failed the rows whose heartbeat did not move: their process is gone. It does so exactly as Meltano itself does
after five minutes, through Meltano's own model (``Job.fail``), and leaves every other row
alone: a run that is alive elsewhere still blocks a second one, as it should. Comparing a
heartbeat with itself rather than with this machine's clock also holds when the system
database is shared by machines whose clocks differ.

``brainhub runs repair`` runs it; the project's jobs start with the ``brainhub:repair-runs``
task, so ``meltano run clickup-to-duckdb`` (and ``make demo``) recover by themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

#: Seconds a running row's heartbeat is watched (a live run moves it every second).
WATCH_S = 3.0


@dataclass(frozen=True)
class RepairedRun:
    """A run marked failed: its pipeline (state id), run id and last heartbeat."""

    pipeline: str
    run_id: str
    started_at: datetime
    last_heartbeat_at: datetime

    def describe(self) -> str:
        """One line for the user."""
        started = f"{self.started_at:%Y-%m-%d %H:%M:%S}"
        return (
            f"marked run {self.run_id} of {self.pipeline!r} (started {started} UTC, last "
            f"heartbeat {self.last_heartbeat_at:%H:%M:%S} UTC) as failed: its process is gone"
        )


def repair_runs(
    project_root: Path,
    *,
    watch: float = WATCH_S,
    sleep: Callable[[float], None] = time.sleep,
) -> list[RepairedRun]:
    """Mark failed every running run of the project whose heartbeat stopped (see above).

    Returns the runs it marked (none when the project has no system database yet).
    """
    from meltano.core.db import project_engine
    from meltano.core.project import Project

    project = Project(project_root)
    if not _database_exists(project.settings.get("database_uri")):
        return []
    _, session_maker = project_engine(project)
    with session_maker() as session:
        before = _running_heartbeats(session)
        session.rollback()  # hold no lock while watching: the live runs write heartbeats
        if not before:
            return []
        sleep(watch)
        after = _running_heartbeats(session)
        repaired = [
            _fail(session, job_id, beat)
            for job_id, beat in before.items()
            if after.get(job_id) == beat
        ]
        session.commit()
    return repaired


def _running_heartbeats(session: Any) -> dict[int, datetime]:
    """``{row id: last heartbeat}`` of every running row that has a heartbeat."""
    from meltano.core.job import Job, State

    running = session.query(Job).filter(Job.state == State.RUNNING)
    return {job.id: job.last_heartbeat_at for job in running if job.last_heartbeat_at}


def _fail(session: Any, job_id: int, heartbeat: datetime) -> RepairedRun:
    from meltano.core.job import Job

    job = session.get(Job, job_id)
    job.fail(
        error=f"No heartbeat since {heartbeat:%Y-%m-%d %H:%M:%S} UTC: the process was gone "
        "(marked failed by brainhub runs repair)."
    )
    return RepairedRun(job.job_name, str(job.run_id), job.started_at, heartbeat)


def _database_exists(uri: str | None) -> bool:
    """False for a SQLite file that does not exist yet (no run ever recorded)."""
    if not uri:
        return False
    parsed = urlparse(uri)
    return parsed.scheme != "sqlite" or Path(parsed.path).exists()
