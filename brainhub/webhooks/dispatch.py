"""What an accepted webhook triggers, debounced per target.

Targets of a service, in this order of precedence:

1. ``webhooks.yaml`` at the project root, when it names the service, maps it to Meltano
   jobs run instead of syncs::

       clickup:
         jobs: [clickup-to-warehouse]     # each runs as ``brainhub run <job>``

2. otherwise every two-way sync definition ``syncs/<name>.yaml`` whose ``left.connector``
   or ``right.connector`` is the service; each runs as ``brainhub sync run <name> --wait``
   (a run already under way may have read before the change: this one runs after it).

Only those keys are read. The :class:`Dispatcher` collects events per target and runs the
target once ``debounce_s`` after the first event of a burst, so ten edits in a second cost
one sync. The action is a callable (the default, :class:`CommandRunner`, runs the command
with this Python in a subprocess, in the project, in the receiver's environment, with
``BRAINHUB_TRIGGER=webhook`` so the run store records what started it); when it fails the events stay pending and are tried again after
``retry_s``. An event is marked processed once every target it triggered has run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from brainhub.errors import ConfigError
from brainhub.webhooks.inbox import Inbox, InboxEvent
from brainhub.yaml_lines import load_yaml, yaml_error_line

#: The project file mapping services to Meltano jobs (optional).
WEBHOOKS_FILE = "webhooks.yaml"
#: The folder of two-way sync definitions.
SYNCS_DIR = "syncs"
DEFAULT_DEBOUNCE_S = 1.0
DEFAULT_RETRY_S = 30.0


@dataclass(frozen=True)
class Target:
    """Something a webhook triggers: a sync (``kind="sync"``) or a Meltano job."""

    kind: str
    name: str

    def command(self) -> list[str]:
        """The ``brainhub`` command that runs the target, with this Python."""
        # a sync already running may have read before the event's change: wait and run after
        verb = ["sync", "run", self.name, "--wait"] if self.kind == "sync" else ["run", self.name]
        return [sys.executable, "-c", "from brainhub.cli import main; main()", *verb]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


Action = Callable[[Target], None]


#: The trigger the run store records for what a webhook started.
TRIGGER = "webhook"


@dataclass(frozen=True)
class CommandRunner:
    """The default action: run a target's command in ``project_root`` (its working folder
    and ``MELTANO_PROJECT_ROOT``), in ``environment`` (``MELTANO_ENVIRONMENT``, when given),
    with ``BRAINHUB_TRIGGER=webhook``; the rest of the receiver's environment (the
    connectors' settings and secrets) is inherited. A non-zero exit raises."""

    project_root: Path
    environment: str | None = None

    def env(self) -> dict[str, str]:
        """The child's environment variables."""
        env = {
            **os.environ,
            "MELTANO_PROJECT_ROOT": str(self.project_root),
            "BRAINHUB_TRIGGER": TRIGGER,
        }
        if self.environment:
            env["MELTANO_ENVIRONMENT"] = self.environment
        return env

    def __call__(self, target: Target) -> None:
        done = subprocess.run(
            target.command(),
            capture_output=True,
            text=True,
            check=False,
            cwd=self.project_root,
            env=self.env(),
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise RuntimeError(f"exited with {done.returncode}: {last}")


def _load_yaml(path: Path) -> Any:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line, problem = yaml_error_line(exc)
        where = f"{path}:{line}" if line is not None else str(path)
        raise ConfigError(f"{where}: not valid YAML: {problem}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc.reason}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def targets_of(project_root: Path, service: str) -> list[Target]:
    """The targets a webhook from ``service`` triggers (see the module doc)."""
    mapping = project_root / WEBHOOKS_FILE
    if mapping.exists():
        document = _load_yaml(mapping) or {}
        if not isinstance(document, dict):
            raise ConfigError(f"{mapping}: must map a service to {{jobs: [job, ...]}}")
        entry = document.get(service)
        if entry is not None:
            jobs = entry.get("jobs") if isinstance(entry, dict) else None
            if not isinstance(jobs, list) or not all(isinstance(j, str) for j in jobs):
                raise ConfigError(
                    f"{mapping}: {service}.jobs must be a list of Meltano job names, got {jobs!r}"
                )
            return [Target("job", job) for job in jobs]
    found = []
    for path in sorted((project_root / SYNCS_DIR).glob("*.yaml")):
        document = _load_yaml(path)
        if not isinstance(document, dict):
            continue
        sides = [document.get("left"), document.get("right")]
        if any(isinstance(side, dict) and side.get("connector") == service for side in sides):
            found.append(Target("sync", path.stem))
    return found


@dataclass
class _Burst:
    due: float
    event_ids: set[int] = field(default_factory=set)


class Dispatcher:
    """Debounces inbox events into target runs; drive it with :meth:`run_due` (tests) or
    :meth:`start` (a background thread)."""

    def __init__(
        self,
        inbox: Inbox,
        resolve: Callable[[str], list[Target]],
        action: Action,
        *,
        debounce_s: float = DEFAULT_DEBOUNCE_S,
        retry_s: float = DEFAULT_RETRY_S,
        clock: Callable[[], float] = time.monotonic,
        log: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.inbox = inbox
        self.resolve = resolve
        self.action = action
        self.debounce_s = debounce_s
        self.retry_s = retry_s
        self.clock = clock
        self.log = log
        self._bursts: dict[Target, _Burst] = {}
        self._waiting: dict[int, set[Target]] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, event: InboxEvent) -> None:
        """Schedule the targets of one accepted event (again, if it is already waiting)."""
        now = self.clock()
        try:
            targets = self.resolve(event.service)
        except ConfigError as exc:
            self.inbox.mark_failed([event.id], str(exc))
            self.log(f"event {event.id}: {exc}")
            return
        if not targets:
            self.inbox.mark_processed([event.id], time.time())
            return
        with self._lock:
            if event.id in self._waiting:
                return
            self._waiting[event.id] = set(targets)
            for target in targets:
                burst = self._bursts.setdefault(target, _Burst(now + self.debounce_s))
                burst.event_ids.add(event.id)
        self._wake.set()

    def submit_pending(self) -> int:
        """Schedule every event the inbox still holds unprocessed (on start); their count."""
        pending = self.inbox.pending()
        for event in pending:
            self.submit(event)
        return len(pending)

    def next_due(self) -> float | None:
        """When the next target is due (clock time), or ``None`` when nothing waits."""
        with self._lock:
            return min((b.due for b in self._bursts.values()), default=None)

    def run_due(self, now: float | None = None) -> list[Target]:
        """Run every target due at ``now``; returns those run (successfully or not)."""
        now = self.clock() if now is None else now
        with self._lock:
            due = [(t, b) for t, b in self._bursts.items() if b.due <= now]
            for target, _burst in due:
                del self._bursts[target]
        for target, burst in due:
            try:
                self.action(target)
            except Exception as exc:
                self.log(f"{target}: {exc}")
                self.inbox.mark_failed(sorted(burst.event_ids), f"{target}: {exc}")
                with self._lock:
                    again = self._bursts.setdefault(target, _Burst(now + self.retry_s))
                    again.event_ids |= burst.event_ids
                continue
            self._finished(target, burst.event_ids)
        return [target for target, _burst in due]

    def _finished(self, target: Target, event_ids: set[int]) -> None:
        done = []
        with self._lock:
            for event_id in event_ids:
                remaining = self._waiting.get(event_id)
                if remaining is None:
                    continue
                remaining.discard(target)
                if not remaining:
                    del self._waiting[event_id]
                    done.append(event_id)
        if done:
            self.inbox.mark_processed(sorted(done), time.time())

    # ------------------------------------------------------------------ background

    def start(self) -> None:
        """Run due targets from a background thread until :meth:`stop`."""
        self._thread = threading.Thread(target=self._loop, name="webhook-dispatch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread (a running action finishes first)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            due = self.next_due()
            wait = None if due is None else max(0.0, due - self.clock())
            if wait is None or wait > 0:
                self._wake.wait(wait)
                self._wake.clear()
                continue
            self.run_due()
