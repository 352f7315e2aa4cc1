"""What the page reads from the project itself: which connector each integration runs,
the connectors' declared rate limits, the plugins' setting names and the price table."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

import taps
from brainhub.environments import load_project
from brainhub.errors import ConfigError
from brainhub.spec.loader import load_spec

#: The price table's file in the project, unless ``$BRAINHUB_API_PRICES`` names another.
PRICES_FILE = "api-prices.yaml"
SPECS = Path(taps.__file__).resolve().parent


@dataclass(frozen=True)
class Prices:
    """Cost per 1,000 requests per connector, from the price table (zero when absent)."""

    currency: str
    per_1000: dict[str, float]
    source: str | None
    """The file the prices came from, None when there is none (every price zero)."""

    def cost(self, connector: str, requests: int) -> float:
        """The estimated cost of ``requests`` requests to ``connector``."""
        return requests / 1000 * self.per_1000.get(connector, 0.0)


def load_prices(project_root: Path, path: Path | None = None) -> Prices:
    """The price table: ``currency`` and ``connectors: {name: {per_1000_requests: N}}``.

    Raises ConfigError naming the file and the bad entry.
    """
    named = path or (
        Path(os.environ["BRAINHUB_API_PRICES"])
        if os.environ.get("BRAINHUB_API_PRICES")
        else project_root / PRICES_FILE
    )
    if not named.exists():
        if path is not None:
            raise ConfigError(f"{named}: no such price table")
        return Prices("USD", {}, None)
    try:
        data = yaml.safe_load(named.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{named}{line}: not valid YAML: {problem}") from None
    except OSError as exc:
        raise ConfigError(f"{named}: cannot read the price table: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{named}: expected a mapping with currency and connectors")
    connectors = data.get("connectors") or {}
    if not isinstance(connectors, dict):
        raise ConfigError(
            f"{named}: connectors must be a mapping of connector → {{per_1000_requests: N}}, "
            f"got {type(connectors).__name__}"
        )
    prices: dict[str, float] = {}
    for name, entry in connectors.items():
        value = entry.get("per_1000_requests") if isinstance(entry, dict) else None
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ConfigError(
                f"{named}: connectors.{name}.per_1000_requests must be a number >= 0, got {value!r}"
            )
        prices[str(name)] = float(value)
    return Prices(str(data.get("currency") or "USD"), prices, str(named.name))


@functools.lru_cache(maxsize=1)
def declared_rate_limits() -> dict[str, tuple[int, float]]:
    """Connector → (requests, per seconds) from every spec's ``http.rate_limit`` (read once:
    the specs ship with the package)."""
    limits = {}
    for spec_file in sorted(SPECS.glob("*/spec.yaml")):
        limit = load_spec(spec_file).http.rate_limit
        if limit is not None:
            limits[spec_file.parent.name.replace("_", "-")] = (limit.requests, limit.per)
    return limits


class ProjectView:
    """The parts of ``meltano.yml`` and the connector specs the page needs, read once."""

    def __init__(self, project_root: Path) -> None:
        self.root = project_root

    @cached_property
    def meltano(self) -> dict[str, Any]:
        return load_project(self.root)

    @cached_property
    def plugins(self) -> dict[str, dict[str, Any]]:
        """Every plugin of the project by name (extractors, loaders, mappers, utilities)."""
        found: dict[str, dict[str, Any]] = {}
        for kind, entries in (self.meltano.get("plugins") or {}).items():
            for entry in entries or []:
                if isinstance(entry, dict) and entry.get("name"):
                    found[str(entry["name"])] = {**entry, "kind": kind}
        return found

    @cached_property
    def jobs(self) -> dict[str, list[str]]:
        """Each job's plugin names, in order (a ``plugin:command`` keeps the plugin name)."""
        jobs: dict[str, list[str]] = {}
        for job in self.meltano.get("jobs") or []:
            if not isinstance(job, dict) or not job.get("name"):
                continue
            tasks = job.get("tasks") or []
            words = " ".join(" ".join(t) if isinstance(t, list) else str(t) for t in tasks)
            jobs[str(job["name"])] = [w.split(":", 1)[0] for w in words.split()]
        return jobs

    def base_of(self, plugin: str) -> str:
        """The plugin a plugin inherits from, followed to the end (``tap-github--issues`` →
        ``tap-github``)."""
        seen = {plugin}
        while (
            parent := (self.plugins.get(plugin) or {}).get("inherit_from")
        ) and parent not in seen:
            plugin = str(parent)
            seen.add(plugin)
        return plugin

    def extractors_of(self, integration: str) -> list[str]:
        """The extractors an integration runs: a job's, or the tap of ``tap-x→target-y``."""
        if integration in self.jobs:
            return [w for w in self.jobs[integration] if self._is_extractor(w)]
        head = integration.split("→", 1)[0]
        return [head] if head.startswith("tap-") else []

    def connector_of(self, integration: str) -> str:
        """The connector (service) an integration reads, ``warehouse`` for reverse ETL, or
        the integration's own name when it runs no tap (a two-way sync)."""
        extractors = self.extractors_of(integration)
        if not extractors:
            return integration
        return self.base_of(extractors[0]).removeprefix("tap-")

    def _is_extractor(self, name: str) -> bool:
        entry = self.plugins.get(name)
        return (entry or {}).get("kind") == "extractors" or (
            entry is None and name.startswith("tap-")
        )

    @property
    def rate_limits(self) -> dict[str, tuple[int, float]]:
        """Connector → (requests, per seconds) as its spec's ``http.rate_limit`` declares."""
        return declared_rate_limits()

    def setting_names(self, integration: str) -> dict[str, list[str]]:
        """Plugin → the names of its settings (never their values)."""
        names = self.jobs.get(integration) or [
            p for p in re.split("→", integration) if p in self.plugins
        ]
        result = {}
        for name in names:
            base = self.plugins.get(self.base_of(name)) or {}
            settings = [
                str(s.get("name")) for s in base.get("settings") or [] if isinstance(s, dict)
            ]
            if name in self.plugins:
                result[name] = settings
        return result

    def sync_names(self) -> dict[str, str]:
        """Warehouse schema → the two-way sync (``syncs/<name>.yaml``) that keeps it."""
        folder = self.root / "syncs"
        files = [*folder.rglob("*.yaml"), *folder.rglob("*.yml")] if folder.is_dir() else []
        return {"sync_" + f.stem.replace("-", "_"): f.stem for f in sorted(files)}

    def warehouse_readers(self) -> dict[str, list[tuple[str, dict[str, Any]]]]:
        """Job → the tap-warehouse plugins it runs with their ``streams`` (table or query)."""
        found: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for job, words in self.jobs.items():
            for word in words:
                if self.base_of(word) != "tap-warehouse":
                    continue
                streams = ((self.plugins.get(word) or {}).get("config") or {}).get("streams")
                for stream in streams or []:
                    if isinstance(stream, dict):
                        found.setdefault(job, []).append((word, stream))
        return found
