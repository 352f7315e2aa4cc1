"""Where a sync reads and writes in an environment: the warehouse and each side's settings.

The tap and target settings come from ``meltano.yml`` exactly as Meltano would merge them
for the environment (the plugin's ``config``, then the environment's), so a sync in the
``sandbox`` environment talks to the emulators (``sandbox://…``) and writes the sandbox's
warehouse, and one in ``prod`` the vendors' APIs and ``data/warehouse.duckdb``. Secrets
are never in ``meltano.yml``: the processes read them from the environment (``TAP_GITHUB_API_TOKEN``…),
as under Meltano. Tests give ``overrides`` (a served emulator's URL and credentials).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from brainhub.environments import ROOT_VARIABLES, environments, load_project, warehouse_of


@dataclass(frozen=True)
class Connections:
    """An environment's warehouse and the tap/target settings of each connector."""

    project: Path
    environment: str
    warehouse: Path
    #: connector → settings given on top of meltano.yml's (tests: a served emulator).
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Read secrets from the process environment too (``--config ENV``); off in tests.
    parse_env: bool = True

    def tap_settings(self, connector: str) -> dict[str, Any]:
        return {
            **self._plugin(f"tap-{connector}", "extractors"),
            **self.overrides.get(connector, {}),
        }

    def target_settings(self, connector: str) -> dict[str, Any]:
        return {
            **self._plugin(f"target-{connector}", "loaders"),
            **self.overrides.get(connector, {}),
        }

    def _plugin(self, name: str, kind: str) -> dict[str, Any]:
        project = _project(self.project)
        merged: dict[str, Any] = {}
        for plugin in (project.get("plugins") or {}).get(kind) or []:
            if isinstance(plugin, dict) and plugin.get("name") == name:
                merged.update(plugin.get("config") or {})
        for env in environments(project):
            if env.get("name") != self.environment:
                continue
            for plugin in ((env.get("config") or {}).get("plugins") or {}).get(kind) or []:
                if isinstance(plugin, dict) and plugin.get("name") == name:
                    merged.update(plugin.get("config") or {})
        return {key: _expand(value, self.project) for key, value in merged.items()}


@cache
def _project(root: Path) -> dict[str, Any]:
    """``meltano.yml``, parsed once per process (a sync reads it for every side)."""
    return load_project(root)


def _expand(value: Any, root: Path) -> Any:
    if isinstance(value, str):
        for variable in ROOT_VARIABLES:
            value = value.replace(variable, str(root))
    return value


def connections_for(
    project: Path,
    environment: str | None,
    overrides: dict[str, dict[str, Any]] | None = None,
    *,
    parse_env: bool = True,
) -> Connections:
    """The connections of ``environment`` (default: ``$MELTANO_ENVIRONMENT``, else the
    project's default)."""
    warehouse = warehouse_of(project, environment)
    path = warehouse.path if warehouse.path.is_absolute() else project / warehouse.path
    return Connections(project, warehouse.environment, path, dict(overrides or {}), parse_env)
