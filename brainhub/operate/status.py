"""Integrations and their status: what the hub runs, whether it should, and how it went.

An integration is a named Meltano job (with the schedules that run it), a ``syncs/*.yaml``
two-way sync (by file name), or an ad-hoc pipeline (``tap-x→target-y``) once it has run. Its
status is one of :data:`STATUSES`:

``active``    runs as scheduled;
``paused``    skipped by the scheduler until ``brainhub resume``;
``error``     set by the run store after ``error_after`` consecutive failed runs (default 3,
              ``$BRAINHUB_ERROR_AFTER``); back to ``active`` after a successful run;
``disabled``  not run at all, not even by hand, until ``brainhub enable``.

A sync whose ``syncs/*.yaml`` cannot be used (not YAML, or not a valid definition) is shown
as :data:`BROKEN` whatever its stored status, with the problem ``brainhub sync plan`` reports
(``syncs/x.yaml:3: not valid YAML: …``): it cannot run until the file is fixed.

::

    from brainhub.operate.status import integration_status, set_status, is_runnable
    for s in integration_status(Path(".")):
        print(s.name, s.status, s.last_run and s.last_run.status, s.next_run)
    set_status(Path("."), "clickup-to-duckdb", "paused")    # recorded in the audit log
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from brainhub.audit import record as audit
from brainhub.environments import load_project
from brainhub.errors import ConfigError
from brainhub.operate.record.store import Run, RunStore
from brainhub.operate.schedule import ScheduleError, next_run

STATUSES = ("active", "paused", "error", "disabled")
#: What an integration whose file cannot be used shows instead of its stored status.
BROKEN = "broken"
#: What each command sets, and the audit action it records.
COMMANDS = {
    "pause": ("paused", "integration.paused"),
    "resume": ("active", "integration.resumed"),
    "disable": ("disabled", "integration.disabled"),
    "enable": ("active", "integration.enabled"),
}


@dataclass(frozen=True)
class Integration:
    """A named integration: ``kind`` is ``job``, ``sync`` or ``pipeline`` (ad hoc);
    ``schedules`` maps each schedule running it to its interval."""

    name: str
    kind: str
    schedules: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    """Why its file cannot be used (``file:line: reason``), or None."""


@dataclass
class IntegrationStatus:
    """An integration's status and recent history (``brainhub status`` prints these)."""

    name: str
    kind: str
    status: str
    """A stored status (:data:`STATUSES`), or :data:`BROKEN` when ``problem`` says why."""
    failures: int
    last_run: Run | None
    next_run: str | None
    freshness: dict[str, str]
    """Stream → when a successful run last loaded it (ISO 8601, UTC)."""
    records_24h: int
    runs_24h: int
    error_rate: float | None
    """Failed share of the runs that ran to an end (``success`` or ``failed``) in the last 24
    hours; interrupted runs count in neither (None without any)."""
    problem: str | None = None
    """Why the integration's file cannot be used (``file:line: reason``), or None."""

    def as_dict(self) -> dict[str, Any]:
        """The status as one JSON-ready object."""
        last = self.last_run
        return {
            "name": self.name,
            "kind": self.kind,
            "status": self.status,
            "consecutive_failures": self.failures,
            "last_run": None
            if last is None
            else {
                "id": last.id,
                "status": last.status,
                "started_at": last.started_at,
                "finished_at": last.finished_at,
                "error": last.error,
            },
            "next_run": self.next_run,
            "freshness": self.freshness,
            "records_24h": self.records_24h,
            "runs_24h": self.runs_24h,
            "error_rate": self.error_rate,
            "problem": self.problem,
        }


def integrations(project_root: Path, store: RunStore | None = None) -> list[Integration]:
    """Every integration of the project: its jobs, its syncs, and ad-hoc pipelines that ran."""
    project = load_project(project_root)
    found: dict[str, Integration] = {}
    for job in project.get("jobs") or []:
        if isinstance(job, dict) and job.get("name"):
            found[str(job["name"])] = Integration(str(job["name"]), "job")
    for schedule in project.get("schedules") or []:
        if not isinstance(schedule, dict):
            continue
        target = str(schedule.get("job") or schedule.get("name"))
        entry = found.setdefault(target, Integration(target, "job"))
        entry.schedules[str(schedule.get("name"))] = str(schedule.get("interval") or "")
    syncs = project_root / "syncs"
    if syncs.is_dir():
        for path in sorted([*syncs.glob("*.yaml"), *syncs.glob("*.yml")]):
            found.setdefault(
                path.stem, Integration(path.stem, "sync", problem=sync_problem(project_root, path))
            )
    store = store or RunStore.of_project(project_root)
    for name in {run.integration for run in store.runs(limit=500)} | set(
        store.integration_states()
    ):
        found.setdefault(name, Integration(name, "pipeline"))
    return sorted(found.values(), key=lambda i: (i.kind != "job", i.kind, i.name))


def integration_status(
    project_root: Path, *, store: RunStore | None = None, now: datetime | None = None
) -> list[IntegrationStatus]:
    """The status of every integration (see the module docstring), as of ``now``."""
    store = store or RunStore.of_project(project_root)
    now = now or datetime.now(tz=UTC)
    since = (now - timedelta(hours=24)).isoformat()
    states = store.integration_states()
    result = []
    for integration in integrations(project_root, store):
        status, failures = states.get(integration.name, ("active", 0))
        recent = store.runs(integration=integration.name, limit=50)
        today = [r for r in recent if r.started_at >= since]
        finished = [r for r in today if r.status in ("success", "failed")]
        result.append(
            IntegrationStatus(
                name=integration.name,
                kind=integration.kind,
                status=BROKEN if integration.problem else status,
                failures=failures,
                last_run=recent[0] if recent else None,
                next_run=_next_run(integration, status, now),
                freshness=_freshness(recent),
                records_24h=sum(_records(r) for r in today),
                runs_24h=len(today),
                error_rate=(
                    sum(r.status == "failed" for r in finished) / len(finished)
                    if finished
                    else None
                ),
                problem=integration.problem,
            )
        )
    return result


def sync_problem(project_root: Path, path: Path) -> str | None:
    """What ``brainhub sync plan`` would say is wrong with the sync file ``path``, or None."""
    from brainhub.sync.definition import load_definition

    try:
        load_definition(path, display=path.relative_to(project_root).as_posix())
    except ConfigError as exc:
        return str(exc)
    return None


def status_of(project_root: Path, name: str, store: RunStore | None = None) -> str:
    """One integration's status (``active`` when nothing was ever recorded for it)."""
    store = store or RunStore.of_project(project_root)
    return store.integration_states().get(name, ("active", 0))[0]


def is_runnable(project_root: Path, name: str, *, scheduled: bool = False) -> bool:
    """Whether ``name`` may run now: never when disabled, and not on a schedule when paused."""
    status = status_of(project_root, name)
    return status != "disabled" and not (scheduled and status == "paused")


def set_status(
    project_root: Path, name: str, command: str, store: RunStore | None = None
) -> tuple[str, str]:
    """Apply ``pause``, ``resume``, ``disable`` or ``enable`` to the integration ``name``,
    recorded in the audit log; returns (status before, status after).

    ``name`` must be an integration of the project (see :func:`integrations`).
    """
    if command not in COMMANDS:
        raise ConfigError(f"unknown command {command!r}; valid: {', '.join(COMMANDS)}")
    store = store or RunStore.of_project(project_root)
    known = [i.name for i in integrations(project_root, store)]
    if name not in known:
        raise ConfigError(
            f"no integration {name!r}; the project's integrations are: "
            f"{', '.join(known) or '(none)'}"
        )
    status, action = COMMANDS[command]
    current = status_of(project_root, name, store)
    audit(action, name, before=current, after=status, project_root=project_root)
    return store.set_integration_status(name, status)


def _next_run(integration: Integration, status: str, now: datetime) -> str | None:
    if status in ("paused", "disabled"):
        return None
    times = []
    for schedule, interval in integration.schedules.items():
        try:
            when = next_run(interval, now)
        except ScheduleError as exc:
            raise ConfigError(f"meltano.yml: schedule {schedule!r}: {exc}") from None
        if when is not None:
            times.append(when)
    return min(times).isoformat() if times else None


def _freshness(runs: list[Run]) -> dict[str, str]:
    fresh: dict[str, str] = {}
    for run in runs:  # newest first: the first success that loaded a stream wins
        if run.status != "success" or run.finished_at is None:
            continue
        for stream in run.streams:
            fresh.setdefault(stream, run.finished_at)
    return dict(sorted(fresh.items()))


def _records(run: Run) -> int:
    read = int(run.total("read"))
    return read or int(run.total("inserted") + run.total("updated"))
