"""Real runs for the scheduler: child processes, and the foreground loop with its signals.

A job runs as ``brainhub run --project P -e ENV JOB`` with ``BRAINHUB_TRIGGER=schedule``: the
same path as a run by hand (its run id, the disabled check, settling with the exit code). A
sync runs as ``brainhub sync run NAME`` with the scheduler's own run id, trigger and
integration in its environment; when it ends, the runs recorded under that id are settled
with its exit code, and a sync that recorded nothing gets one run, so every scheduled run
shows in ``brainhub runs``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from brainhub.operate.record.identity import run_id_for
from brainhub.operate.record.store import RunStore, utc_now
from brainhub.operate.scheduler.config import ScheduleEntry
from brainhub.operate.scheduler.core import LOG, Scheduler


def brainhub_command() -> list[str]:
    """How to start this installation's ``brainhub``."""
    beside = Path(sys.executable).with_name("brainhub")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("brainhub")
    if found:
        return [found]
    return [sys.executable, "-c", "from brainhub.cli import main; main()"]


class ProcessChild:
    """A run in a child process of its own session (a terminal's Ctrl-C reaches us only)."""

    def __init__(
        self, command: list[str], cwd: Path, env: dict[str, str], on_end: Callable[[int], None]
    ) -> None:
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, start_new_session=True
        )
        self._on_end = on_end

    def poll(self) -> int | None:
        """The exit code once it ended."""
        return self.process.poll()

    def terminate(self) -> None:
        """SIGTERM: ``brainhub run`` passes it on to Meltano, which stops its plugins."""
        if self.process.poll() is None:
            self.process.terminate()

    def kill(self) -> None:
        """SIGKILL its whole process group."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)

    def finished(self, code: int) -> None:
        """Settle what it recorded (see the module docstring)."""
        self._on_end(code)


class ProcessLauncher:
    """Starts each entry as a ``brainhub`` child process in ``environment``."""

    def __init__(
        self, project_root: Path, environment: str, command: list[str] | None = None
    ) -> None:
        self.project_root = project_root
        self.environment = environment
        self.command = command or brainhub_command()

    def start(self, entry: ScheduleEntry) -> ProcessChild:
        """Start ``entry`` (trigger ``schedule``)."""
        where = ["--project", str(self.project_root), "-e", self.environment]
        env = {**os.environ, "BRAINHUB_TRIGGER": "schedule"}
        if entry.kind == "sync":
            invocation = str(uuid.uuid4())
            env.update(BRAINHUB_RUN_ID=invocation, BRAINHUB_INTEGRATION=entry.integration)
            args = [*self.command, "sync", "run", entry.integration, *where]
            started = utc_now()

            def settle(code: int) -> None:
                self._settle_sync(entry.integration, invocation, started, code)

            return ProcessChild(args, self.project_root, env, settle)
        args = [*self.command, "run", *where, entry.integration]
        return ProcessChild(args, self.project_root, env, lambda code: None)

    def _settle_sync(self, name: str, invocation: str, started: str, code: int) -> None:
        store = RunStore.of_project(self.project_root)
        error = f"brainhub sync run {name} exited with code {code}" if code else None
        try:
            runs = store.runs_of_invocation(invocation)
            if not runs:
                run_id = run_id_for(invocation, None)
                store.begin(
                    run_id,
                    integration=name,
                    trigger="schedule",
                    environment=self.environment,
                    started_at=started,
                    invocation=invocation,
                )
                runs = store.runs_of_invocation(invocation)
            for run in runs:
                store.settle_exit(run.id, code, error=error)
        except Exception as exc:  # the run is over; its record is not worth a crash
            LOG.error("cannot record the end of sync %s in %s: %s", name, store.path, exc)


def serve(scheduler: Scheduler, *, stop_timeout: float = 60.0, poll_s: float = 1.0) -> None:
    """Tick until SIGTERM or SIGINT, then stop cleanly (see :meth:`Scheduler.stop`)."""
    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        LOG.info("scheduler started for %s", scheduler.project_root)
        while not stop.is_set():
            scheduler.tick()
            stop.wait(poll_s)
        name = signal.Signals(received[0]).name if received else "a stop request"
        LOG.info("%s received: no new runs; stopping", name)
        scheduler.stop(stop_timeout)
        LOG.info("scheduler stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def configure_logging() -> None:
    """One line per event on stderr, with the time (systemd's journal and containers keep it)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    for name in ("brainhub.scheduler", "brainhub.alerts"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
