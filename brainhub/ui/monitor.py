"""What each page shows, as JSON-ready data: one method per page of the monitoring app.

The run store gives the runs (never blocked by a running sync); the warehouse gives rejects,
schema changes, conflicts and the tables for lineage, read briefly and read-only through
:class:`~brainhub.ui.warehouse.WarehouseReader`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from brainhub.environments import warehouse_of
from brainhub.operate.record.store import RunStore
from brainhub.operate.status import integration_status
from brainhub.redaction import scrub_by_place
from brainhub.ui import history, readings
from brainhub.ui.lineage import Lineage, build_lineage
from brainhub.ui.project import ProjectView, load_prices
from brainhub.ui.warehouse import WarehouseReader


class Monitor:
    """The monitoring data of one project and environment."""

    def __init__(
        self, project_root: Path, environment: str | None = None, prices: Path | None = None
    ) -> None:
        self.root = project_root
        self.store = RunStore.of_project(project_root)
        self._view: tuple[int, ProjectView] | None = None
        self.warehouse = WarehouseReader(warehouse_of(project_root, environment).path)
        self.environment = warehouse_of(project_root, environment).environment
        self.prices_path = prices

    @property
    def view(self) -> ProjectView:
        """The project as its ``meltano.yml`` is now (read again when the file changes)."""
        changed = (self.root / "meltano.yml").stat().st_mtime_ns
        if self._view is None or self._view[0] != changed:
            self._view = (changed, ProjectView(self.root))
        return self._view[1]

    # -- overview and integrations ------------------------------------------------------

    def status(self) -> list[dict[str, Any]]:
        """What ``brainhub status --json`` prints, as a list (credentials in errors cut)."""
        found = [entry.as_dict() for entry in integration_status(self.root, store=self.store)]
        for entry in found:
            if entry["last_run"] and entry["last_run"]["error"]:
                entry["last_run"]["error"] = scrub_by_place(entry["last_run"]["error"])
            if entry["problem"]:
                entry["problem"] = scrub_by_place(entry["problem"])
        return found

    def overview(self) -> dict[str, Any]:
        """Every integration with its status, last and next run, freshness and records per
        run; totals of the last 24 hours; open conflicts."""
        since = (datetime.now(tz=UTC) - timedelta(hours=24)).isoformat()
        lines = history.sparklines(self.store.path)
        integrations = []
        for entry in self.status():
            freshness = entry["freshness"]
            entry["oldest_freshness"] = min(freshness.values()) if freshness else None
            entry["records_per_run"] = lines.get(entry["name"], [])
            entry["connector"] = self.view.connector_of(entry["name"])
            integrations.append(entry)
        conflicts = self.conflicts()
        return {
            "environment": self.environment,
            "integrations": integrations,
            "last_24h": history.totals_since(self.store.path, since),
            "open_conflicts": conflicts["open"],
            "conflicts_note": conflicts["note"],
        }

    def integration(self, name: str) -> dict[str, Any] | None:
        """One integration: its status, runs over time, streams and setting names."""
        entry = next((s for s in self.status() if s["name"] == name), None)
        if entry is None:
            return None
        streams = history.stream_table(self.store.path, name)
        for stream in streams:
            stream["fresh_as_of"] = entry["freshness"].get(stream["stream"])
        return {
            **entry,
            "connector": self.view.connector_of(name),
            "runs": history.run_series(self.store.path, name),
            "streams": streams,
            "settings": self.view.setting_names(name),
        }

    def run(self, run_id: str) -> dict[str, Any] | None:
        """One run as ``brainhub runs show --json`` gives it, error and trace scrubbed."""
        run = self.store.run(run_id)
        if run is None:
            return None
        return _scrubbed(run.as_dict())

    def runs(self, integration: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """What ``brainhub runs --json`` prints, as a list (credentials in errors cut)."""
        return [
            _scrubbed(r.as_dict()) for r in self.store.runs(integration=integration, limit=limit)
        ]

    # -- API usage and errors ----------------------------------------------------------

    def usage(self, hours: int = 24) -> dict[str, Any]:
        """Requests per connector per hour against its declared limit, throttling, cost."""
        since = _hours_ago(hours)
        prices = load_prices(self.root, self.prices_path)
        per: dict[str, dict[str, dict[str, float]]] = {}
        for row in history.hourly(self.store.path, since):
            connector = self.view.connector_of(row["integration"])
            slot = per.setdefault(connector, {}).setdefault(
                row["hour"], {"requests": 0, "throttled": 0, "waited": 0.0}
            )
            for key in slot:
                slot[key] += row[key] or 0
        connectors = []
        for name, hours_seen in sorted(per.items()):
            limit = self.view.rate_limits.get(name)
            per_hour = limit[0] * 3600 / limit[1] if limit else None
            requests = int(sum(h["requests"] for h in hours_seen.values()))
            connectors.append(
                {
                    "connector": name,
                    "rate_limit": {"requests": limit[0], "per_seconds": limit[1]}
                    if limit
                    else None,
                    "limit_per_hour": per_hour,
                    "hours": [
                        {
                            "hour": hour,
                            **counts,
                            "share_of_limit": counts["requests"] / per_hour if per_hour else None,
                        }
                        for hour, counts in sorted(hours_seen.items())
                    ],
                    "requests": requests,
                    "throttled": int(sum(h["throttled"] for h in hours_seen.values())),
                    "waited_s": sum(h["waited"] for h in hours_seen.values()),
                    "cost": prices.cost(name, requests),
                }
            )
        return {
            "since": since,
            "currency": prices.currency,
            "prices_from": prices.source,
            "prices_note": None
            if prices.source
            else ("no price table (api-prices.yaml): every cost is zero"),
            "connectors": connectors,
        }

    def errors(self, hours: int = 24) -> dict[str, Any]:
        """Error rate per connector per hour and the most frequent error messages."""
        since = _hours_ago(hours)
        per: dict[str, dict[str, list[int]]] = {}
        for row in history.hourly(self.store.path, since):
            connector = self.view.connector_of(row["integration"])
            slot = per.setdefault(connector, {}).setdefault(row["hour"], [0, 0])
            slot[0] += int(row["failed"] or 0)
            slot[1] += int(row["finished"] or 0)
        top = history.top_errors(self.store.path, since)
        for entry in top:
            entry["message"] = scrub_by_place(entry["message"] or "")
        return {
            "since": since,
            "connectors": [
                {
                    "connector": name,
                    "failed": sum(f for f, _ in hours_seen.values()),
                    "finished": sum(n for _, n in hours_seen.values()),
                    "hours": [
                        {
                            "hour": hour,
                            "failed": f,
                            "finished": n,
                            "error_rate": f / n if n else None,
                        }
                        for hour, (f, n) in sorted(hours_seen.items())
                    ],
                }
                for name, hours_seen in sorted(per.items())
            ],
            "top_errors": top,
        }

    # -- the warehouse -----------------------------------------------------------------

    def quality(self) -> dict[str, Any]:
        """Rejects per table with reasons, freshness per stream, schema changes seen."""
        answer = self.warehouse.read(
            "quality", readings.quality, {"rejects": [], "schema_changes": [], "tables": []}
        )
        freshness = [
            {"integration": s["name"], "stream": stream, "fresh_as_of": when}
            for s in self.status()
            for stream, when in s["freshness"].items()
        ]
        return {**answer.value, "freshness": freshness, "warehouse": answer.as_dict()}

    def conflicts(self) -> dict[str, Any]:
        """Open and recent conflicts of every two-way sync (``sync_<name>.conflicts``)."""
        answer = self.warehouse.read("conflicts", readings.conflicts, [])
        names = self.view.sync_names()
        for sync in answer.value:
            sync["sync"] = names.get(sync["schema"], sync["schema"].removeprefix("sync_"))
        can_resolve = resolve_command_exists()
        return {
            "syncs": answer.value,
            "open": sum(s["open"] for s in answer.value),
            "can_resolve": can_resolve,
            "note": answer.note,
            "resolve_note": None
            if can_resolve
            else ("read-only: this installation has no `brainhub sync resolve` command"),
        }

    def lineage(self) -> tuple[Lineage, dict[str, Any]]:
        """The lineage graph and its JSON (one entry per table)."""
        answer = self.warehouse.read("lineage", readings.stream_tables, ([], []))
        registered, tables = answer.value
        graph = build_lineage(self.view, registered, tables)
        return graph, {
            "tables": graph.tables(),
            "notes": graph.notes,
            "warehouse": answer.as_dict(),
        }


def _scrubbed(run: dict[str, Any]) -> dict[str, Any]:
    """A run's JSON with credentials in its error and stack trace cut (defence in depth: the
    plugins redact what they record, a vendor's error text may still echo one)."""
    for key in ("error", "traceback"):
        if run.get(key):
            run[key] = scrub_by_place(run[key])
    return run


def _hours_ago(hours: int) -> str:
    return (datetime.now(tz=UTC) - timedelta(hours=hours)).isoformat()


def resolve_command_exists() -> bool:
    """Whether this installation's ``brainhub`` has ``sync resolve`` (two-way syncs)."""
    from brainhub.cli import main

    sync = main.commands.get("sync")
    return isinstance(sync, click.Group) and "resolve" in sync.commands


__all__ = ["Monitor", "resolve_command_exists"]
