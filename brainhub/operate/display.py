"""What ``brainhub run`` shows while Meltano runs, and the summary after.

Under a terminal: one progress bar per stream (``rich``), fed from the run store twice a
second, with Meltano's warnings and errors printed above the bars; its whole log goes to
``data/logs/run-<id>.log``. Otherwise (a pipe, a CI log): Meltano's output line by line as
it comes, the plugins' own ``progress:`` lines included. Both end with one summary table per
pipeline run, read from the run store.
"""

from __future__ import annotations

import os
import re
import threading
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from brainhub.operate.cli import summary_table
from brainhub.operate.record.store import Run, RunStore

#: Seconds between two reads of the run store while the display is live.
REFRESH_S = 0.5
#: Meltano's lines worth showing above the bars (its structured log levels, tracebacks).
NOTABLE = re.compile(r"\[(warning|error|critical)|Traceback|Error:", re.IGNORECASE)


class RunDisplay:
    """The live display of one ``brainhub run`` invocation (a context manager).

    ``live``: bars (a terminal) or plain lines. :meth:`on_line` takes Meltano's output.
    """

    def __init__(
        self,
        store: RunStore,
        invocation: str,
        *,
        live: bool,
        log_path: Path | None = None,
        console: Console | None = None,
    ) -> None:
        self.store = store
        self.invocation = invocation
        self.live = live
        self.console = console or Console(stderr=True)
        self.log_path = log_path if live else None
        self._log: IO[str] | None = None
        self._tail: deque[str] = deque(maxlen=40)
        self._progress: Progress | None = None
        self._tasks: dict[tuple[str, str], TaskID] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> RunDisplay:
        if not self.live:
            return self
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            self._log = os.fdopen(fd, "w", encoding="utf-8")
        self._progress = Progress(
            TextColumn("{task.fields[integration]}", style="dim"),
            TextColumn("{task.fields[stream]:<20}"),
            BarColumn(bar_width=30),
            TextColumn("{task.fields[read]:>9,} read  {task.fields[loaded]:>9,} loaded"),
            TextColumn("{task.fields[note]}", style="yellow"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._progress.start()
        self._thread = threading.Thread(target=self._loop, name="brainhub-run-display", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._progress is not None:
            self._refresh()
            self._progress.stop()
        if self._log is not None:
            self._log.close()

    def on_line(self, line: str, sink: IO[str]) -> None:
        """One scrubbed line of Meltano's output."""
        self._tail.append(line.rstrip("\n"))
        if not self.live:
            sink.write(line)
            sink.flush()
            return
        if self._log is not None:
            self._log.write(line)
            self._log.flush()
        if NOTABLE.search(line) and self._progress is not None:
            self._progress.console.print(line.rstrip("\n"), markup=False, highlight=False)

    def last_error_line(self) -> str | None:
        """The last line of Meltano's output that reads as an error, for a run that failed
        before a plugin could record why."""
        for line in reversed(self._tail):
            if re.search(r"error|failed|exception", line, re.IGNORECASE):
                return line.strip()
        return self._tail[-1].strip() if self._tail else None

    def runs(self) -> list[Run]:
        """The pipeline runs of this invocation, as the store has them now."""
        try:
            return self.store.runs_of_invocation(self.invocation)
        except Exception:  # a store that cannot be read shows nothing
            return []

    def _loop(self) -> None:
        while not self._stop.wait(REFRESH_S):
            self._refresh()

    def _refresh(self) -> None:
        progress = self._progress
        if progress is None:
            return
        with self._lock:
            for run in self.runs():
                for stream, counts in run.streams.items():
                    key = (run.id, stream)
                    fields: dict[str, Any] = {
                        "integration": run.integration,
                        "stream": stream,
                        "read": counts.read,
                        "loaded": counts.inserted + counts.updated,
                        "note": f"waited {counts.waited:.0f}s" if counts.waited >= 1 else "",
                    }
                    total = counts.expected_pages
                    done = counts.pages if total else counts.read
                    if run.status != "running":
                        total, done = 1, 1
                    if key not in self._tasks:
                        self._tasks[key] = progress.add_task(stream, total=total, **fields)
                    progress.update(self._tasks[key], completed=done, total=total, **fields)


def summary_lines(runs: list[Run]) -> list[str]:
    """The end-of-run summary: per pipeline run, its status and a table of its streams."""
    if not runs:
        return ["no pipeline run was recorded (did Meltano start its plugins?)"]
    lines: list[str] = []
    for run in runs:
        lines += [
            "",
            f"{run.integration}: {run.status} (run {run.id[:8]}, {run.environment or '-'}, "
            f"{run.trigger})",
            *summary_table(run),
        ]
        if run.error:
            lines.append(f"error: {run.error.splitlines()[0]}")
            lines.append(f"  details: brainhub runs show {run.id[:8]}")
    return lines
