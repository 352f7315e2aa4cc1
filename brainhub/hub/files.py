"""Running an integration file (``brainhub integration run``) through the hub.

``kind: sync`` registers the integration and runs :meth:`IntegrationHub.start_sync` with its
mappings; ``kind: job`` runs the project's Meltano job; ``kind: two-way`` runs
``brainhub sync run <sync>`` on ``syncs/<sync>.yaml``. Each is one job of the hub's tracker.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from brainhub.errors import ConfigError
from brainhub.hub.config import IntegrationConfig, SyncDirection
from brainhub.hub.hub import IntegrationHub
from brainhub.hub.integration_file import IntegrationFile, load_integration_file
from brainhub.hub.runs import child_environment, meltano_command, stored_secrets
from brainhub.operate.status import sync_problem
from taps.runtime.registry import load_connector


def check_references(hub: IntegrationHub, loaded: IntegrationFile) -> None:
    """What the schema cannot know: the project's jobs, its sync definitions, mappings."""
    data = loaded.data
    if data["kind"] == "job":
        jobs = [str(j.get("name")) for j in hub.project.get("jobs") or [] if isinstance(j, dict)]
        if data["job"] not in jobs:
            raise ConfigError(
                f"{loaded.where('job')}no job {data['job']!r} in meltano.yml "
                f"(valid: {', '.join(jobs)})"
            )
        return
    if data["kind"] == "two-way":
        syncs = sorted(p.stem for p in (hub.project_root / "syncs").glob("*.yaml"))
        if data["sync"] not in syncs:
            raise ConfigError(
                f"{loaded.where('sync')}no syncs/{data['sync']}.yaml in the project "
                f"(valid: {', '.join(syncs) or 'none yet'})"
            )
        problem = sync_problem(
            hub.project_root, hub.project_root / "syncs" / f"{data['sync']}.yaml"
        )
        if problem:
            raise ConfigError(f"{loaded.where('sync')}the sync cannot be used: {problem}")
        return
    for index, mapping in enumerate(data.get("mappings") or []):
        try:
            hub.create_data_mapping(mapping["source"], mapping["target"], mapping.get("transform"))
        except ConfigError as exc:
            raise ConfigError(f"{loaded.where('mappings', index, 'transform')}{exc}") from None
    spec_streams = list(load_connector(data["service"]).streams)
    for index, stream in enumerate(data.get("streams") or []):
        if stream not in spec_streams:
            raise ConfigError(
                f"{loaded.where('streams', index)}{data['service']} has no stream {stream!r} "
                f"(valid: {', '.join(spec_streams)})"
            )
    hub.register_integration(_integration(data))


def start_integration(hub: IntegrationHub, loaded: IntegrationFile) -> str:
    """Start the run an integration file describes; its job id."""
    check_references(hub, loaded)
    data = loaded.data
    environment = data.get("environment") or hub.environment
    if data["kind"] == "sync":
        mappings = [
            hub.create_data_mapping(
                m["source"], m["target"], m.get("transform"), stream=m.get("stream")
            )
            for m in data.get("mappings") or []
        ]
        return hub.launch_sync(data["name"], mappings).id
    if data["kind"] == "job":
        command = meltano_command(environment, "run", data["job"])
    else:
        brainhub = str(Path(sys.executable).parent / "brainhub")
        command = [brainhub, "sync", "run", data["sync"], "--environment", environment]
    stored = stored_secrets(hub.project_root, environment)
    job = hub.tracker.start(
        data["name"],
        environment,
        command,
        cwd=hub.project_root,
        env=child_environment(stored),
        secrets=list(stored.values()),
    )
    return job.id


def run_integration(hub: IntegrationHub, path: Path) -> dict[str, Any]:
    """Load, check and run an integration file to its end; the job's status."""
    job_id = start_integration(hub, load_integration_file(path))
    return hub.tracker.wait(job_id).status()


def _integration(data: dict[str, Any]) -> IntegrationConfig:
    return IntegrationConfig(
        name=data["name"],
        service=data["service"],
        sync_direction=SyncDirection(data.get("direction", "inbound")),
        sync_interval=data.get("sync_interval"),
        streams=data.get("streams"),
        outbound=data.get("outbound") or {},
        environment=data.get("environment"),
    )
