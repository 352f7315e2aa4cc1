"""How every brainhub process answers SIGINT and SIGTERM: one policy, shared by taps and
targets (each decides what its first signal does).

The first signal calls the process's ``on_first(signum)``. The same signal a second time is
a user insisting: the process ends at once with ``128 + signum``. A different second signal
is ignored, because it is the orchestrator's own follow-up (Meltano sends SIGTERM to its
plugins after a terminal's Ctrl-C has already sent them SIGINT).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

#: The signals that stop a run.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignals:
    """SIGINT/SIGTERM handlers with the policy of the module docstring."""

    def __init__(self, on_first: Callable[[int], None]) -> None:
        self.received: int | None = None
        """The signal that asked this process to stop, if any."""
        self._on_first = on_first

    def install(self) -> None:
        """Handle the stop signals (Python allows it from the main thread only)."""
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None:
            if signum == self.received:
                os._exit(128 + signum)
            return
        self.received = signum
        self._on_first(signum)
