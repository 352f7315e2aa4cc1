"""The integration hub of the Python API: register, sync, follow, read, write.

::

    hub = get_integration_hub()                      # this project, the sandbox by default
    hub.register_integration(IntegrationConfig(name="clickup_integration", ...))
    job_id = await hub.start_sync("clickup_integration",
                                  mappings=[hub.create_data_mapping("id", "external_id", "to_string")])
    status = await hub.wait(job_id)                  # or hub.job_status(job_id) meanwhile
    tasks = hub.records("clickup_integration", "tasks")   # a DuckDB relation

A sync is one ``meltano run`` of the project's own plugins in a subprocess (see
:mod:`brainhub.hub.runs`), never a second engine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from brainhub.environments import load_project, warehouse_of
from brainhub.errors import ConfigError
from brainhub.health.config import resolve_environment
from brainhub.hub.config import (
    ConnectorConfig,
    DataMapping,
    IntegrationConfig,
    IntegrationType,
    SyncDirection,
    check_name,
    service_of,
)
from brainhub.hub.connectors import Connector
from brainhub.hub.jobs import Job, JobTracker
from brainhub.hub.mappings import check_transform, mapping_document, write_mapping_file
from brainhub.hub.runs import (
    MAPPER,
    MAPPING_FILE_VARIABLE,
    child_environment,
    meltano_command,
    plugin_variables,
    stored_secrets,
)
from brainhub.hub.warehouse import READ_TIMEOUT, read_query, read_table
from brainhub.secrets.names import env_var
from brainhub.spec.model import ConnectorSpec
from taps.runtime.registry import load_connector, services

#: Where the hub keeps its mapping files and job logs, under the project.
HUB_DIR = Path("data") / "hub"


class IntegrationHub:
    """Integrations and connectors of one Meltano project (see the module docstring)."""

    def __init__(self, project_root: Path, environment: str | None = None) -> None:
        self.project_root = project_root.resolve()
        project = load_project(self.project_root)
        self.environment = resolve_environment(
            project, environment, self.project_root / "meltano.yml"
        )
        self.project = project
        self._integrations: dict[str, tuple[IntegrationConfig, ConnectorSpec]] = {}
        self._connectors: dict[str, Connector] = {}
        self.tracker = JobTracker(self.project_root / HUB_DIR / "jobs")
        self._schedules: dict[str, asyncio.Task[None]] = {}

    # -- integrations ------------------------------------------------------------------

    def register_integration(self, config: IntegrationConfig) -> IntegrationConfig:
        """Add (or replace) an integration; the error says what is wrong and what is valid."""
        check_name(config.name, "integration")
        if not isinstance(config.type, IntegrationType):
            raise ConfigError(
                f"integration {config.name!r}: type {config.type!r} is not supported; "
                f"valid types: {', '.join(t.name for t in IntegrationType)}"
            )
        if config.environment is not None:
            resolve_environment(self.project, config.environment, self.project_root / "meltano.yml")
        base_urls = {service: load_connector(service).base_url for service in services()}
        service = service_of(config, base_urls)
        spec = load_connector(service)
        for stream in config.streams or ():
            if stream not in spec.streams:
                raise ConfigError(
                    f"integration {config.name!r}: {service} has no stream {stream!r}; "
                    f"streams: {', '.join(spec.streams)}"
                )
        if config.sync_direction == SyncDirection.OUTBOUND and not config.outbound:
            raise ConfigError(
                f"integration {config.name!r}: an outbound sync needs outbound tables "
                f"(outbound={{object type: 'schema.table'}}; object types of {service}: "
                f"{', '.join(spec.writes) or 'none'})"
            )
        for object_type in config.outbound:
            if object_type not in spec.writes:
                raise ConfigError(
                    f"integration {config.name!r}: {service} writes no {object_type!r}; "
                    f"object types: {', '.join(spec.writes) or 'none'}"
                )
        config = dataclasses.replace(config, service=service)
        self._integrations[config.name] = (config, spec)
        return config

    def integrations(self) -> list[IntegrationConfig]:
        """Every registered integration (their secrets hidden from ``repr``)."""
        return [config for config, _ in self._integrations.values()]

    @staticmethod
    def create_data_mapping(
        source: str, target: str, transform: str | None = None, *, stream: str | None = None
    ) -> DataMapping:
        """A field mapping: ``target`` ← ``source`` through ``transform`` (``to_string``…)."""
        check_transform(transform)
        return DataMapping(source, target, transform, stream)

    async def start_sync(
        self,
        name: str,
        mappings: Sequence[DataMapping] | None = None,
        *,
        full_refresh: bool = False,
    ) -> str:
        """Start a run of the integration (``meltano run`` in a subprocess); its job id."""
        job = self.launch_sync(name, list(mappings or ()), full_refresh=full_refresh)
        return job.id

    def launch_sync(
        self, name: str, mappings: Sequence[DataMapping] = (), *, full_refresh: bool = False
    ) -> Job:
        """Start a run of the integration from code that is not async; its job."""
        plan = self.plan_sync(name, mappings, full_refresh=full_refresh)
        if plan.mapping is not None:
            write_mapping_file(Path(plan.variables[MAPPING_FILE_VARIABLE]), plan.mapping)
        stored = stored_secrets(self.project_root, plan.environment)
        return self.tracker.start(
            name,
            plan.environment,
            plan.command,
            cwd=self.project_root,
            env=child_environment(stored, plan.variables),
            secrets=[*stored.values(), *plan.secrets],
            tables=plan.tables,
        )

    def plan_sync(
        self, name: str, mappings: Sequence[DataMapping] = (), *, full_refresh: bool = False
    ) -> SyncPlan:
        """What a sync of the integration runs: the Meltano command line and its variables."""
        config, spec = self._integration(name)
        environment = config.environment or self.environment
        tap, target = f"tap-{spec.service}", f"target-{spec.service}"
        streams = list(config.streams or _selected_streams(self.project, spec))
        variables = plugin_variables(
            tap,
            spec,
            environment,
            secret=config.api_key,
            endpoint=config.endpoint,
            settings=config.settings,
        )
        if config.streams:
            variables[env_var(tap, "_select")] = json.dumps([f"{s}.*" for s in config.streams])
        blocks: list[str] = []
        tables: dict[str, str] = {}
        document = None
        if config.sync_direction != SyncDirection.OUTBOUND:
            blocks += [tap]
            tables = {s: f"raw_{spec.name}.{s}" for s in streams}
            if mappings:
                document = mapping_document(name, spec, streams, mappings)
                path = self.project_root / HUB_DIR / f"{name}.mapping.yaml"
                variables[MAPPING_FILE_VARIABLE] = str(path)
                blocks.append(MAPPER)
                for output in document["outputs"]:
                    tables[output.split(".", 1)[1]] = output
            blocks.append("target-duckdb")
        if config.outbound and config.sync_direction != SyncDirection.INBOUND:
            streams_setting = [
                {"name": object_type, "table": table, "key_properties": ["id"]}
                for object_type, table in config.outbound.items()
            ]
            variables[env_var("tap-warehouse", "streams")] = json.dumps(streams_setting)
            variables |= plugin_variables(
                target,
                spec,
                environment,
                secret=config.api_key,
                endpoint=config.endpoint,
                settings={k: v for k, v in config.settings.items() if k in spec.secret_settings},
            )
            blocks += ["tap-warehouse", target]
        args = ["run", "--state-id-suffix", name]
        if full_refresh:
            args.append("--full-refresh")
        return SyncPlan(
            environment=environment,
            command=meltano_command(environment, *args, "brainhub:repair-runs", *blocks),
            variables=variables,
            tables=tables,
            mapping=document,
            secrets=_secret_values(spec, config.api_key, config.settings),
        )

    def schedule(
        self, name: str, mappings: Sequence[DataMapping] | None = None
    ) -> asyncio.Task[None]:
        """Sync the integration now and then every ``sync_interval`` seconds (a run still
        going is waited for, never doubled), in the running event loop; cancel the task
        to stop."""
        config, _ = self._integration(name)
        if not config.sync_interval or config.sync_interval <= 0:
            raise ConfigError(
                f"integration {name!r}: sync_interval is {config.sync_interval!r}; "
                "give a number of seconds greater than 0 to schedule it"
            )
        interval = float(config.sync_interval)

        async def every_interval() -> None:
            while True:
                job_id = await self.start_sync(name, mappings)
                await self.wait(job_id)
                await asyncio.sleep(interval)

        task = asyncio.get_running_loop().create_task(every_interval(), name=f"schedule {name}")
        self._schedules[name] = task
        return task

    # -- jobs ----------------------------------------------------------------------------

    def job_status(self, job_id: str) -> dict[str, Any]:
        """State (queued, running, succeeded, failed), progress and results of a job."""
        return self.tracker.get(job_id).status()

    async def wait(self, job_id: str, timeout: float | None = None) -> dict[str, Any]:
        """Wait (without blocking the event loop) for a job to end; its status."""
        job = self.tracker.get(job_id)
        await asyncio.to_thread(self.tracker.wait, job_id, timeout)
        return job.status()

    def jobs(self) -> list[dict[str, Any]]:
        """The status of every job this hub started."""
        return [job.status() for job in self.tracker.jobs()]

    # -- reading the warehouse -----------------------------------------------------------

    def warehouse(self, environment: str | None = None) -> Path:
        """The warehouse file of ``environment`` (default: the hub's)."""
        return warehouse_of(self.project_root, environment or self.environment).path

    def records(
        self, source: str, stream: str, *, limit: int | None = None, timeout: float = READ_TIMEOUT
    ) -> duckdb.DuckDBPyRelation:
        """A stream's rows as the integration (or job) ``source`` loaded them: its mapped
        table if its last sync mapped the stream, else ``raw_<service>.<stream>``, from the
        warehouse of its environment. The relation is an in-memory copy; a sync holding the
        warehouse is waited for."""
        environment, table = self._table(source, stream)
        return read_table(self.warehouse(environment), table, limit=limit, timeout=timeout)

    def rows(self, source: str, stream: str, *, limit: int | None = None) -> list[dict[str, Any]]:
        """The same rows as plain dictionaries."""
        relation = self.records(source, stream, limit=limit)
        return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]

    def dataframe(self, source: str, stream: str, *, limit: int | None = None) -> Any:
        """The same rows as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise ConfigError(
                "pandas is not installed: use hub.rows(…) or hub.records(…) instead"
            ) from None
        return self.records(source, stream, limit=limit).df()

    def query(
        self, sql: str, *, environment: str | None = None, timeout: float = READ_TIMEOUT
    ) -> duckdb.DuckDBPyRelation:
        """Any read-only SQL over the warehouse, as an in-memory relation."""
        return read_query(self.warehouse(environment), sql, timeout=timeout)

    def _table(self, source: str, stream: str) -> tuple[str, str]:
        jobs = [j for j in self.tracker.jobs() if source in (j.id, j.integration)]
        for job in reversed(jobs):
            if stream in job.tables:
                return job.environment, job.tables[stream]
        if source in self._integrations:
            config, spec = self._integrations[source]
            return config.environment or self.environment, f"raw_{spec.name}.{stream}"
        raise ConfigError(
            f"no integration or job {source!r}; integrations: "
            f"{', '.join(self._integrations) or 'none'}"
        )

    # -- connectors ----------------------------------------------------------------------

    def register_connector(self, config: ConnectorConfig) -> Connector:
        """A connector that writes records to its service through ``target-<service>``."""
        check_name(config.name, "connector")
        if config.environment is not None:
            resolve_environment(self.project, config.environment, self.project_root / "meltano.yml")
        connector = Connector(self, config, load_connector(str(config.type)))
        self._connectors[config.name] = connector
        return connector

    def connector(self, name: str) -> Connector:
        """A registered connector by name."""
        if name not in self._connectors:
            raise ConfigError(
                f"no connector {name!r}; connectors: {', '.join(self._connectors) or 'none'}"
            )
        return self._connectors[name]

    def _integration(self, name: str) -> tuple[IntegrationConfig, ConnectorSpec]:
        if name not in self._integrations:
            raise ConfigError(
                f"no integration {name!r}; integrations: "
                f"{', '.join(self._integrations) or 'none'} (register_integration first)"
            )
        return self._integrations[name]


def _selected_streams(project: dict[str, Any], spec: ConnectorSpec) -> list[str]:
    """The streams ``tap-<service>`` reads: its ``select`` patterns, else the spec's defaults."""
    for entry in (project.get("plugins") or {}).get("extractors") or []:
        if (
            isinstance(entry, dict)
            and entry.get("name") == f"tap-{spec.service}"
            and entry.get("select")
        ):
            chosen = {str(p).split(".")[0] for p in entry["select"] if not str(p).startswith("!")}
            return [s for s in spec.streams if s in chosen or "*" in chosen]
    return [s.name for s in spec.streams.values() if s.selected_by_default]


def _secret_values(spec: ConnectorSpec, secret: str | None, settings: dict[str, Any]) -> list[str]:
    values = [secret] if secret else []
    values += [str(settings[n]) for n in spec.secret_settings if settings.get(n)]
    return values


@dataclass(frozen=True)
class SyncPlan:
    """One sync's Meltano run: its command line, the variables it adds, what it fills."""

    environment: str
    command: list[str]
    #: Variables added to the child's environment (secret values among them).
    variables: dict[str, str] = field(repr=False)
    #: Stream → the warehouse table it fills.
    tables: dict[str, str]
    #: The mapping file's content, when the sync maps fields.
    mapping: dict[str, Any] | None
    secrets: list[str] = field(repr=False)


_hubs: dict[tuple[Path, str | None], IntegrationHub] = {}


def get_integration_hub(
    project: str | Path | None = None, environment: str | None = None
) -> IntegrationHub:
    """The hub of a Meltano project (default: ``$MELTANO_PROJECT_ROOT``, else the nearest
    directory at or above the working directory holding ``meltano.yml``), in ``environment``
    (default: ``$MELTANO_ENVIRONMENT``, else the project's default, ``sandbox``). One hub
    per project and environment in a process."""
    root = Path(project) if project else _find_project()
    key = (root.resolve(), environment)
    if key not in _hubs:
        _hubs[key] = IntegrationHub(root, environment)
    return _hubs[key]


def _find_project() -> Path:
    if os.environ.get("MELTANO_PROJECT_ROOT"):
        return Path(os.environ["MELTANO_PROJECT_ROOT"])
    here = Path.cwd()
    for directory in (here, *here.parents):
        if (directory / "meltano.yml").is_file():
            return directory
    raise ConfigError(
        f"no meltano.yml in {here} or above; pass get_integration_hub(project=…) or set "
        "MELTANO_PROJECT_ROOT"
    )
