"""Recording one part of a run from inside its plugin, and logging its progress.

A plugin (the tap runtime, target-duckdb, the write targets) builds a :class:`RunRecorder`
with a ``sample`` function that returns its current per-stream totals. A background thread
samples it: at most once a second it writes the totals that changed to the run store, and
every ``BRAINHUB_PROGRESS_SECONDS`` (default 5; 0 turns the lines off) it logs one INFO line
per stream that moved or is waiting (:mod:`brainhub.operate.record.progress`). The plugin
calls :meth:`RunRecorder.finish` at the end, with the exception that ended it if one did.

Recording never fails a run: a store that cannot be written (a read-only disk, a full one, a
lock held too long) is logged once, as a warning, and the run goes on.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from brainhub.errors import SyncInterrupted
from brainhub.operate.record.identity import RunIdentity, current_run
from brainhub.operate.record.progress import ProgressTracker
from brainhub.operate.record.store import PART_COUNTS, RunStore, store_path
from brainhub.redaction import redact
from brainhub.signals import STOP_SIGNALS

LOGGER = logging.getLogger("brainhub.operate")

#: Seconds between two writes of a part's counts to the store, at most.
WRITE_EVERY_S = 1.0
#: Seconds between two signs of life of a part whose counts do not move.
HEARTBEAT_S = 15.0
#: Seconds between two progress lines, unless ``$BRAINHUB_PROGRESS_SECONDS`` says otherwise.
PROGRESS_EVERY_S = 5.0

Sample = Callable[[], Mapping[str, Mapping[str, Any]]]


def progress_interval(environ: Mapping[str, str] | None = None) -> float:
    """Seconds between progress lines (``$BRAINHUB_PROGRESS_SECONDS``; 0: no lines)."""
    value = (os.environ if environ is None else environ).get("BRAINHUB_PROGRESS_SECONDS")
    try:
        return max(0.0, float(value)) if value else PROGRESS_EVERY_S
    except ValueError:
        LOGGER.warning(
            "BRAINHUB_PROGRESS_SECONDS=%r is not a number of seconds; using %s",
            value,
            PROGRESS_EVERY_S,
        )
        return PROGRESS_EVERY_S


class RunRecorder:
    """Records ``part`` (``tap`` or ``target``) of the current run and logs its progress.

    ``identity`` defaults to :func:`~brainhub.operate.record.identity.current_run`; without
    one (a plugin run by hand) nothing is recorded, but progress is still logged.
    """

    def __init__(
        self,
        part: str,
        sample: Sample,
        logger: logging.Logger,
        *,
        identity: RunIdentity | None = None,
        progress_every: float | None = None,
        noun: str = "records",
    ) -> None:
        if part not in PART_COUNTS:
            raise ValueError(f"unknown part {part!r}; valid: {', '.join(PART_COUNTS)}")
        self.part = part
        self.logger = logger
        self._sample = sample
        self.identity = identity if identity is not None else _safe(current_run)
        self.store = RunStore(store_path(self.identity.project_root)) if self.identity else None
        every = progress_interval() if progress_every is None else progress_every
        self.progress = ProgressTracker(noun=noun, every=every)
        self._written: dict[str, tuple[Any, ...]] = {}
        self._complained = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def run_id(self) -> str | None:
        """The id of the run being recorded, or None."""
        return self.identity.run_id if self.identity else None

    def start(self) -> RunRecorder:
        """Record the run's start and start sampling in the background."""
        if self.identity is not None:
            identity = self.identity
            self._store_call(
                lambda store: store.begin(
                    identity.run_id,
                    integration=identity.integration,
                    trigger=identity.trigger,
                    environment=identity.environment,
                    part=self.part,
                    invocation=identity.invocation,
                    expect=("target",) if self.part == "tap" and identity.loader else (),
                )
            )
        self.progress.start(time.monotonic())
        self._thread = threading.Thread(
            target=self._loop, name=f"brainhub-{self.part}-recorder", daemon=True
        )
        self._thread.start()
        return self

    def finish(self, error: BaseException | str | None = None) -> None:
        """Stop sampling, write the final counts and end the part: failed with ``error`` (the
        exception that ended it, with its stack trace, or a message), or ``interrupted`` when
        that exception is a stop signal's (see :func:`stop_signal_of`)."""
        if self._stop.is_set():
            return  # finished already
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self._write(force=True)
        except Exception as exc:  # recording never fails a run
            self._complain(exc)
        if self.identity is None:
            return
        run_id = self.identity.run_id
        message = trace = None
        if isinstance(error, SystemExit) and error.code in (None, 0):
            error = None
        stopped_by = stop_signal_of(error)
        if stopped_by is not None:
            stopped = f"stopped by {signal.Signals(stopped_by).name}"
            self._store_call(
                lambda store: store.finish_part(run_id, self.part, error=stopped, interrupted=True)
            )
            return
        if isinstance(error, str):
            message = redact(error)
        elif error is not None:
            # The process's secrets (a tap's secret settings) never reach the store.
            message = redact(str(error) or type(error).__name__)
            trace = redact("".join(traceback.format_exception(error)))
        self._store_call(
            lambda store: store.finish_part(run_id, self.part, error=message, traceback=trace)
        )

    # -- the background thread -----------------------------------------------------------------

    def _loop(self) -> None:
        quiet_since = time.monotonic()
        while not self._stop.wait(WRITE_EVERY_S):
            try:
                if self._write():
                    quiet_since = time.monotonic()
                elif self.identity is not None and time.monotonic() - quiet_since >= HEARTBEAT_S:
                    self._store_call(
                        functools.partial(RunStore.heartbeat, run_id=self.identity.run_id)
                    )
                    quiet_since = time.monotonic()
            except Exception as exc:  # recording never fails a run
                self._complain(exc)

    def _write(self, *, force: bool = False) -> bool:
        """Log the progress lines due and write the counts that changed; True if it wrote."""
        with self._lock:
            try:
                sample = {name: dict(values) for name, values in self._sample().items()}
            except RuntimeError:  # the plugin changed its counters meanwhile: next tick
                if not force:
                    return False
                sample = {name: dict(values) for name, values in self._sample().items()}
            if not force:  # the end of a run has its summary, not a progress line
                for line in self.progress.lines(sample, time.monotonic()):
                    self.logger.info(line)
            if self.identity is None:
                return False
            columns = PART_COUNTS[self.part]
            changed = {}
            for stream, values in sample.items():
                row = tuple(values.get(c) or 0 for c in columns)
                if self._written.get(stream) != row:
                    changed[stream] = values
                    self._written[stream] = row
            if changed:
                run_id = self.identity.run_id
                if not self._store_call(
                    lambda store: store.write_counts(run_id, self.part, changed)
                ):
                    for stream in changed:  # try again on the next tick
                        self._written.pop(stream, None)
                    return False
                return True
            return False

    def _store_call(self, call: Callable[[RunStore], Any]) -> bool:
        if self.store is None:
            return False
        try:
            call(self.store)
        except Exception as exc:  # recording never fails a run
            self._complain(exc)
            return False
        return True

    def _complain(self, exc: Exception) -> None:
        if self._complained:
            return
        self._complained = True
        where = self.store.path if self.store else "the run store"
        self.logger.warning(
            "cannot record this run in %s (%s: %s); the run goes on without it",
            where,
            type(exc).__name__,
            exc,
        )


def stop_signal_of(error: BaseException | str | None) -> int | None:
    """The signal (SIGINT, SIGTERM) that ``error`` says stopped the run, or None when it is
    a failure: :class:`~brainhub.errors.SyncInterrupted`, ``KeyboardInterrupt`` (SIGINT
    without a handler), or an exit with 130 or 143."""
    if isinstance(error, SyncInterrupted):
        return error.signum
    if isinstance(error, KeyboardInterrupt):
        return int(signal.SIGINT)
    if isinstance(error, SystemExit) and isinstance(error.code, int):
        for signum in STOP_SIGNALS:
            if error.code == 128 + signum:
                return int(signum)
    return None


def _safe(find: Callable[[], RunIdentity | None]) -> RunIdentity | None:
    try:
        return find()
    except Exception as exc:  # recording never fails a run
        LOGGER.warning("cannot tell which run this is (%s); it is not recorded", exc)
        return None
