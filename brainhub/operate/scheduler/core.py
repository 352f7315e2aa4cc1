"""The scheduler's core: which entries are due, what may start, what is running.

Nothing here reads the real clock or starts a real process unless told to: the clock and the
launcher are given, so a test drives :meth:`Scheduler.tick` with the times it chooses and
children it controls.

Rules it keeps:

* an entry is due at its next time (cron/``@hourly``: the next matching minute after it was
  loaded or last fired; ``every``: that many seconds after); a scheduler that was away fires
  once, not once per missed slot;
* one run of an integration at a time: when it is due while its last run still goes on
  (started here, or elsewhere: by hand, by another scheduler), that turn is **skipped** with
  a log line (not queued);
* a ``paused`` or ``disabled`` integration is skipped with a log line; ``error`` runs;
* configuration is reloaded on every tick by content hash (see :mod:`.config`);
* when a run ends, ``after_run(integration)`` is called (alerts are evaluated there).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from brainhub.errors import BrainhubError
from brainhub.operate.record.store import STOPPED_EXIT_CODES, RunStore
from brainhub.operate.scheduler.config import ScheduleConfig, ScheduleEntry
from brainhub.operate.status import status_of

LOG = logging.getLogger("brainhub.scheduler")


def running_in_store(project_root: Path, name: str) -> str | None:
    """A run of ``name`` the run store holds as ``running`` (started by hand, by another
    scheduler…), described; None when there is none. Runs silent for two minutes, whose
    processes are gone, are failed first so they do not block the integration for ever."""
    store = RunStore.of_project(project_root)
    if not store.exists():
        return None
    store.fail_stale()
    for run in store.runs(integration=name, limit=10):
        if run.status == "running":
            return f"run {run.id[:8]}, {run.trigger}, started {run.started_at[:19]} UTC"
    return None


class Child(Protocol):
    """A started run: a process, or a test's stand-in for one."""

    def poll(self) -> int | None:
        """The exit code once it ended, else None."""

    def terminate(self) -> None:
        """Ask it to stop (SIGTERM)."""

    def kill(self) -> None:
        """Stop it now (SIGKILL)."""

    def finished(self, code: int) -> None:
        """Called once after it ended, with its exit code."""


class Launcher(Protocol):
    """Starts the run of one entry."""

    def start(self, entry: ScheduleEntry) -> Child:
        """Start ``entry``'s integration (trigger ``schedule``)."""


def utc_clock() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(tz=UTC)


@dataclass
class Running:
    """A run the scheduler started and has not seen end yet."""

    entry: ScheduleEntry
    child: Child
    started_at: datetime


class Scheduler:
    """Fires the project's schedules; see the module docstring.

    ``clock`` returns the current time (UTC); ``status`` tells an integration's status
    (default: the run store's); ``running_elsewhere`` tells when a run of an integration that
    this scheduler did not start is going on (default: a ``running`` run in the run store,
    after runs silent for two minutes were failed); ``after_run`` is called with each
    integration whose run ended.
    """

    def __init__(
        self,
        project_root: Path,
        launcher: Launcher,
        *,
        clock: Callable[[], datetime] = utc_clock,
        status: Callable[[str], str] | None = None,
        after_run: Callable[[str], None] | None = None,
        running_elsewhere: Callable[[str], str | None] | None = None,
    ) -> None:
        self.project_root = project_root
        self.launcher = launcher
        self.clock = clock
        self.config = ScheduleConfig(project_root)
        self.running: dict[str, Running] = {}
        self._status = status or (lambda name: status_of(project_root, name))
        self._after_run = after_run
        self._elsewhere = running_elsewhere or (lambda name: running_in_store(project_root, name))
        self._due: dict[str, tuple[ScheduleEntry, datetime | None]] = {}
        self._stopping = False

    # -- one step ---------------------------------------------------------------------------

    def tick(self) -> None:
        """Reap ended runs, reload changed files, start what is due."""
        now = self.clock()
        self.reap()
        self.reload(now)
        if self._stopping:
            return
        for key, (entry, due) in sorted(self._due.items()):
            if due is None or due > now:
                continue
            self._due[key] = (entry, entry.next_due(now))
            self._fire(entry, now)

    def reload(self, now: datetime) -> None:
        """Read the configuration again; new or changed entries get a new next time."""
        changes, problems = self.config.refresh()
        for line in changes:
            LOG.info("configuration %s", line)
        for line in problems:
            LOG.error("configuration %s", line)
        current = {entry.key: entry for entry in self.config.entries()}
        for key in [k for k in self._due if k not in current]:
            del self._due[key]
        for key, entry in current.items():
            known = self._due.get(key)
            if known is None or known[0] != entry:
                self._due[key] = (entry, entry.next_due(now))

    def next_due(self) -> datetime | None:
        """The earliest time an entry is due."""
        times = [due for _, due in self._due.values() if due is not None]
        return min(times) if times else None

    def _fire(self, entry: ScheduleEntry, now: datetime) -> None:
        name = entry.integration
        running = self.running.get(name)
        if running is not None:
            LOG.warning(
                "%s: skipped %s: its run started %s UTC is still going (one run at a time; "
                "the next turn is %s)",
                entry.key,
                name,
                running.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                self._when(entry),
            )
            return
        try:
            elsewhere = self._elsewhere(name)
        except BrainhubError as exc:
            LOG.warning("%s: %s; cannot tell whether %s runs elsewhere", entry.key, exc, name)
            elsewhere = None
        if elsewhere is not None:
            LOG.warning(
                "%s: skipped %s: a run it did not start is going on (%s; one run at a time)",
                entry.key,
                name,
                elsewhere,
            )
            return
        try:
            status = self._status(name)
        except BrainhubError as exc:
            LOG.warning("%s: %s; running %s as if active", entry.key, exc, name)
            status = "active"
        if status in ("paused", "disabled"):
            verb = "resume" if status == "paused" else "enable"
            LOG.info(
                "%s: skipped %s: it is %s (`brainhub %s %s` lets it run)",
                entry.key,
                name,
                status,
                verb,
                name,
            )
            return
        try:
            child = self.launcher.start(entry)
        except OSError as exc:
            LOG.error("%s: cannot start %s: %s", entry.key, name, exc)
            return
        self.running[name] = Running(entry, child, now)
        LOG.info("%s: started %s (trigger schedule)", entry.key, name)

    def _when(self, entry: ScheduleEntry) -> str:
        due = self._due.get(entry.key, (entry, None))[1]
        return due.strftime("%Y-%m-%d %H:%M:%S UTC") if due else "never"

    def reap(self) -> list[str]:
        """Collect the runs that ended; their integrations."""
        ended = []
        for name, running in list(self.running.items()):
            code = running.child.poll()
            if code is None:
                continue
            del self.running[name]
            running.child.finished(code)
            if code == 0:
                result = "succeeded"
            elif code in STOPPED_EXIT_CODES:
                result = f"interrupted (exit code {code})"
            else:
                result = f"failed (exit code {code})"
            (LOG.info if code == 0 else LOG.warning)("%s: %s %s", running.entry.key, name, result)
            ended.append(name)
            if self._after_run is not None:
                try:
                    self._after_run(name)
                except Exception as exc:  # an alert that cannot be sent must not stop schedules
                    LOG.error("alerts after %s: %s", name, exc)
        return ended

    # -- stopping ---------------------------------------------------------------------------

    def stop(self, timeout: float = 60.0, *, poll_s: float = 0.1) -> None:
        """Start nothing more; SIGTERM every running child and wait up to ``timeout`` seconds
        for them (real time), then kill those still there."""
        self._stopping = True
        if not self.running:
            return
        LOG.info(
            "stopping: asking %d running run(s) to stop: %s",
            len(self.running),
            ", ".join(sorted(self.running)),
        )
        for running in self.running.values():
            running.child.terminate()
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            self.reap()
            if self.running:
                time.sleep(poll_s)
        for name, running in list(self.running.items()):
            LOG.error("stopping: %s did not stop within %g s; killed", name, timeout)
            running.child.kill()
        deadline = time.monotonic() + 5
        while self.running and time.monotonic() < deadline:
            self.reap()
            if self.running:
                time.sleep(poll_s)

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stopping
