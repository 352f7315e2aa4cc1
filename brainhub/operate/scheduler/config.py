"""What the scheduler runs: Meltano schedules of ``meltano.yml`` and sync intervals of
``syncs/*.yaml``, reloaded when a file's content changes.

Each file is read on its own and remembered by the SHA-256 of its content. A file that
changed is parsed again; a file that cannot be read or parsed is reported once (per
content) and its last good entries are kept, so one bad edit never stops what was running.

::

    config = ScheduleConfig(Path("."))
    changes, problems = config.refresh()   # lines saying what changed / what is wrong
    for entry in config.entries():
        print(entry.key, entry.integration, entry.interval or f"every {entry.every}s")
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from brainhub.operate.schedule import ScheduleError, next_run
from brainhub.yaml_lines import LineDict, LineList, load_yaml_with_lines

PROJECT_FILE = "meltano.yml"
SYNCS_DIR = "syncs"


@dataclass(frozen=True)
class ScheduleEntry:
    """One thing to run on a clock.

    ``key`` names it in log lines (``schedule clickup-hourly``, ``sync clickup-github``);
    ``integration`` is what runs (a job, or a sync); ``kind`` is ``job`` or ``sync``;
    exactly one of ``interval`` (cron or ``@hourly``…) and ``every`` (seconds) is set.
    """

    key: str
    integration: str
    kind: str
    interval: str | None = None
    every: float | None = None

    def describe(self) -> str:
        """``@hourly`` or ``every 300 s``."""
        return self.interval if self.interval else f"every {self.every:g} s"

    def next_due(self, after: datetime) -> datetime | None:
        """When it is due next after ``after`` (None: never, e.g. ``@once``)."""
        if self.every is not None:
            return after + timedelta(seconds=self.every)
        return next_run(self.interval, after)


class ScheduleFileError(ValueError):
    """A schedule file that cannot be used; the message starts with ``file:line:``."""


def _load(text: str, name: str) -> LineDict:
    try:
        data = load_yaml_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScheduleFileError(f"{name}:{where} not valid YAML: {problem}") from None
    if not isinstance(data, LineDict):
        raise ScheduleFileError(f"{name}:1: expected a mapping at the top level")
    return data


def _schedule_entries(text: str, name: str) -> list[ScheduleEntry]:
    data = _load(text, name)
    schedules = data.get("schedules") or []
    if not isinstance(schedules, LineList):
        raise ScheduleFileError(
            f"{name}:{data.line_of('schedules')}: schedules must be a list of "
            "{name, interval, job}"
        )
    entries = []
    for index, schedule in enumerate(schedules):
        line = schedules.line_of(index)
        if not isinstance(schedule, LineDict) or not schedule.get("name"):
            raise ScheduleFileError(f"{name}:{line}: a schedule needs a name")
        label = schedule["name"]
        interval = schedule.get("interval")
        job = schedule.get("job")
        if not job:
            # a schedule of an extractor/loader pair (Meltano's legacy form) is not a job
            continue
        if interval in (None, "", "@once", "@manual", "@none"):
            continue
        try:
            next_run(str(interval), datetime.fromisoformat("2026-01-01T00:00:00+00:00"))
        except ScheduleError as exc:
            raise ScheduleFileError(
                f"{name}:{schedule.line_of('interval')}: schedule {label!r}: {exc}"
            ) from None
        entries.append(ScheduleEntry(f"schedule {label}", str(job), "job", interval=str(interval)))
    return entries


def _sync_entries(text: str, name: str, stem: str) -> list[ScheduleEntry]:
    data = _load(text, name)
    if "interval" not in data:
        return []  # a sync without an interval is run by hand only
    every: Any = data["interval"]
    if isinstance(every, bool) or not isinstance(every, int | float) or every <= 0:
        raise ScheduleFileError(
            f"{name}:{data.line_of('interval')}: interval {every!r} is not valid "
            "(expected a positive number of seconds, e.g. interval: 300)"
        )
    return [ScheduleEntry(f"sync {stem}", stem, "sync", every=float(every))]


@dataclass
class _Source:
    digest: str
    entries: list[ScheduleEntry]


class ScheduleConfig:
    """The schedules of one project, reloaded by content hash (see the module docstring)."""

    def __init__(self, project_root: Path) -> None:
        self.project_root = project_root
        self._good: dict[str, _Source] = {}
        self._reported: dict[str, str] = {}

    def _files(self) -> list[tuple[str, Path]]:
        files = [(PROJECT_FILE, self.project_root / PROJECT_FILE)]
        syncs = self.project_root / SYNCS_DIR
        if syncs.is_dir():
            for path in sorted([*syncs.glob("*.yaml"), *syncs.glob("*.yml")]):
                files.append((f"{SYNCS_DIR}/{path.name}", path))
        return files

    def refresh(self) -> tuple[list[str], list[str]]:
        """Read every file again; (lines naming what changed, lines naming new problems)."""
        changes: list[str] = []
        problems: list[str] = []
        seen = set()
        for name, path in self._files():
            seen.add(name)
            try:
                raw = path.read_bytes()
            except OSError as exc:
                self._report(name, f"unreadable:{exc}", f"{name}: cannot read it ({exc})", problems)
                continue
            digest = hashlib.sha256(raw).hexdigest()
            old = self._good.get(name)
            if old is not None and old.digest == digest:
                self._reported.pop(name, None)  # back to the good content: a new break is news
                continue
            if self._reported.get(name) == digest:
                continue  # the same broken content: said once already
            try:
                text = raw.decode("utf-8")
                if name == PROJECT_FILE:
                    entries = _schedule_entries(text, name)
                else:
                    entries = _sync_entries(text, name, Path(name).stem)
            except (ScheduleFileError, UnicodeDecodeError) as exc:
                kept = " (keeping its last good schedules)" if old is not None else ""
                self._report(name, digest, f"{exc}{kept}", problems)
                continue
            self._reported.pop(name, None)
            self._good[name] = _Source(digest, entries)
            if old is not None or name != PROJECT_FILE or entries:
                changes.append(_describe_change(name, old.entries if old else None, entries))
        for name in [n for n in self._good if n not in seen]:
            gone = self._good.pop(name)
            changes.append(_describe_change(name, gone.entries, None))
            self._reported.pop(name, None)
        return changes, problems

    def _report(self, name: str, digest: str, line: str, problems: list[str]) -> None:
        if self._reported.get(name) != digest:
            self._reported[name] = digest
            problems.append(line)

    def entries(self) -> list[ScheduleEntry]:
        """Every entry of the last good content of every file."""
        return [entry for source in self._good.values() for entry in source.entries]


def _describe_change(
    name: str, before: list[ScheduleEntry] | None, after: list[ScheduleEntry] | None
) -> str:
    if before is None:
        listed = ", ".join(f"{e.key} ({e.describe()})" for e in after or []) or "nothing to run"
        return f"{name}: loaded: {listed}"
    if after is None:
        return f"{name}: removed; no longer scheduled: " + (
            ", ".join(e.key for e in before) or "nothing"
        )
    old = {e.key: e for e in before}
    new = {e.key: e for e in after}
    parts = [f"{k} added ({new[k].describe()})" for k in new if k not in old]
    parts += [f"{k} removed" for k in old if k not in new]
    parts += [
        f"{k} {old[k].describe()} → {new[k].describe()}"
        for k in new
        if k in old and old[k] != new[k]
    ]
    return f"{name}: changed: " + ("; ".join(parts) or "no schedule changed")
