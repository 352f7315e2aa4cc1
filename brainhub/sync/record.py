"""A sync run in the run store (``brainhub runs``), like a pipeline run.

The run is named ``sync-<name>`` (its Meltano job) unless ``BRAINHUB_INTEGRATION`` says
otherwise, its trigger is ``$BRAINHUB_TRIGGER`` (``webhook`` when the webhook receiver
started it, ``schedule``…; ``manual`` unless set), and under ``brainhub run`` it joins that
invocation (``BRAINHUB_RUN_ID``), which settles it. Counts: records read per side (stream
``<side>.<connector>.<stream>``, the tap's ``read``) and what the run wrote (stream
``sync.<name>``: ``inserted`` for creates, ``updated`` for updates and deletes,
``rejected``). Recording never fails the sync: a store that cannot
be written is one warning line.
"""

from __future__ import annotations

import logging
import os
import signal
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from brainhub.errors import BrainhubError
from brainhub.operate.record.identity import run_id_for
from brainhub.operate.record.store import TRIGGERS, RunStore
from brainhub.sync.definition import SyncDefinition

LOGGER = logging.getLogger("brainhub.sync")


def trigger_from(environ: Mapping[str, str]) -> str:
    """The trigger ``$BRAINHUB_TRIGGER`` names (one of the run store's), else ``manual``."""
    named = (environ.get("BRAINHUB_TRIGGER") or "").strip().lower()
    return named if named in TRIGGERS else "manual"


@dataclass
class SyncRunRecord:
    """The record of one sync run; :meth:`begin` once the run holds its lock, then
    :meth:`finish`."""

    project_root: Path
    definition: SyncDefinition
    environment: str
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    run_id: str = ""
    _store: RunStore | None = None

    def begin(self) -> None:
        invocation = self.environ.get("BRAINHUB_RUN_ID") or str(uuid.uuid4())
        self.run_id = run_id_for(invocation, None)
        integration = self.environ.get("BRAINHUB_INTEGRATION") or f"sync-{self.definition.name}"
        store = RunStore.of_project(self.project_root)
        if self._call(
            lambda: store.begin(
                self.run_id,
                integration=integration,
                trigger=trigger_from(self.environ),
                environment=self.environment,
                part="target",
                invocation=invocation,
            )
        ):
            self._store = store

    def finish(
        self,
        *,
        read: Mapping[str, int] | None = None,
        written: Mapping[str, int] | None = None,
        error: str | None = None,
        stopped_by: int | None = None,
    ) -> None:
        """End the run with its counts (see the module doc), failed with ``error``, or
        ``interrupted`` when the signal ``stopped_by`` (SIGINT, SIGTERM) stopped it."""
        store = self._store
        if store is None:
            return
        streams = self._streams()
        if read:
            reads = {streams[role]: {"read": count} for role, count in read.items()}
            self._call(lambda: store.write_counts(self.run_id, "tap", reads))
        if written:
            writes = {f"sync.{self.definition.name}": dict(written)}
            self._call(lambda: store.write_counts(self.run_id, "target", writes))
        if stopped_by is not None:
            stopped = f"stopped by {signal.Signals(stopped_by).name}"
            self._call(
                lambda: store.finish_part(self.run_id, "target", error=stopped, interrupted=True)
            )
        else:
            self._call(lambda: store.finish_part(self.run_id, "target", error=error))
        self._store = None

    def _streams(self) -> dict[str, str]:
        d = self.definition
        return {
            side.role: f"{side.role}.{side.connector}.{side.object.stream}"
            for side in (d.left, d.right)
        }

    def _call(self, write: Callable[[], object]) -> bool:
        try:
            write()
        except (BrainhubError, OSError) as exc:
            LOGGER.warning("the sync run is not recorded in the run store: %s", exc)
            return False
        return True
