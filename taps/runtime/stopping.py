"""How a tap stops early: on SIGINT or SIGTERM, and when the target stops reading.

**Signals.** The first SIGINT or SIGTERM asks the run to stop (:mod:`brainhub.http.stop`):
every worker waiting for a rate-limit window, a backoff or an open circuit wakes at once, no
new request leaves, and the main thread unwinds with
:class:`~brainhub.errors.SyncInterrupted`. The tap then writes a last STATE holding only
bookmarks of partitions it finished (every record before it is already written, so a
target that commits it loses nothing) and exits 130 (SIGINT) or 143 (SIGTERM), so an
orchestrator records the run as interrupted, not as a success. The same signal a second
time ends the process at once with the same code (:mod:`brainhub.signals`).

**A closed output.** When the target dies its end of the pipe closes and the next write
fails with ``BrokenPipeError``; :func:`output_closed` turns that into
:class:`OutputClosed`, reported as one line that points at the target's own error.
"""

from __future__ import annotations

import copy
import os
import sys
import threading
from typing import Any

from brainhub.http import stop
from brainhub.signals import StopSignals


class OutputClosed(BaseException):
    """The target stopped reading the tap's output (its end of the pipe is closed).

    A BaseException, so that the Singer SDK does not log it as an error of the stream that
    happened to be writing: the error to read is the target's.
    """


def _ask_workers_to_stop(signum: int) -> None:
    # Setting the stop Event takes a lock that the interrupted code may be holding (the
    # handler runs between two of its bytecodes); a short-lived thread sets it instead.
    threading.Thread(target=stop.request_stop, args=(signum,), daemon=True).start()


_signals = StopSignals(_ask_workers_to_stop)


def install_signal_handlers() -> None:
    """Make SIGINT and SIGTERM stop the run (see the module docstring); main thread only."""
    _signals.install()


def signal_received() -> int | None:
    """The signal that asked this run to stop, if any."""
    return _signals.received


def committed_state(state: dict[str, Any]) -> dict[str, Any]:
    """The tap's state without progress markers: only bookmarks of finished partitions.

    Progress markers describe partitions still being read; a run resumed from this state
    reads those partitions again from their last finished bookmark.
    """
    return _without_markers(copy.deepcopy(state))


def _without_markers(value: Any) -> Any:
    if isinstance(value, dict):
        value.pop("progress_markers", None)
        for item in value.values():
            _without_markers(item)
    elif isinstance(value, list):
        for item in value:
            _without_markers(item)
    return value


def output_closed() -> OutputClosed:
    """Silence stdout for good (nothing reads it) and return the error to raise."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return OutputClosed()
