"""Loads batches on one background thread while the target keeps reading its input.

DuckDB releases the GIL while it parses and writes, so the next batch is staged while the
previous one loads. Order and safety are kept by three rules:

* one worker thread, so batches commit in the order they were submitted;
* after a failure no later batch is loaded, and the error is raised in the reading thread
  at its next :meth:`LoadPipeline.submit` or :meth:`LoadPipeline.wait`;
* :meth:`LoadPipeline.wait` is called before STATE is emitted and before the database is
  used from the reading thread (schema changes, ACTIVATE_VERSION, BATCH files, the end).

At most ``depth`` batches are in flight, which bounds the staged data on disk.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor


class LoadPipeline:
    """A bounded, ordered queue of batch loads run by one worker thread."""

    def __init__(self, depth: int = 2) -> None:
        self.depth = depth
        self._executor: ThreadPoolExecutor | None = None
        self._pending: deque[Future[None]] = deque()
        self._failed = False

    def submit(self, load: Callable[[], None]) -> None:
        """Queue ``load``; blocks while ``depth`` loads are already in flight."""
        while len(self._pending) >= self.depth:
            self._pending.popleft().result()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="duckdb-load")
        self._pending.append(self._executor.submit(self._run, load))

    def wait(self) -> None:
        """Block until every queued load has committed; re-raise the first failure."""
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        """Wait for the queue and stop the worker thread."""
        try:
            self.wait()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None

    def abandon(self) -> None:
        """Stop after the running load without raising (cleanup after an error)."""
        self._failed = True
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self._pending.clear()

    def _run(self, load: Callable[[], None]) -> None:
        if self._failed:
            return
        try:
            load()
        except BaseException:
            self._failed = True
            raise
