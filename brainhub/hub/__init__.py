"""The Python API for notebooks and applications: integrations, mappings, jobs, connectors.

::

    from brainhub import IntegrationConfig, IntegrationType, SyncDirection, get_integration_hub

    hub = get_integration_hub()            # this project, the sandbox environment by default
    hub.register_integration(IntegrationConfig(name="clickup_integration", ...))
    job_id = await hub.start_sync("clickup_integration", mappings=[...])

Everything runs the project's own Meltano plugins in a subprocess (:mod:`~brainhub.hub.hub`,
:mod:`~brainhub.hub.runs`); jobs are followed by :class:`~brainhub.hub.jobs.JobTracker`;
the warehouse is read as in-memory copies (:mod:`~brainhub.hub.warehouse`); connectors
write through ``target-<service>`` (:mod:`~brainhub.hub.connectors`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Public name → the module defining it (loaded on first use: ``brainhub --help`` stays quick).
_EXPORTS = {
    "ConnectorConfig": "brainhub.hub.config",
    "ConnectorType": "brainhub.hub.config",
    "DataMapping": "brainhub.hub.config",
    "IntegrationConfig": "brainhub.hub.config",
    "IntegrationType": "brainhub.hub.config",
    "SyncDirection": "brainhub.hub.config",
    "Connector": "brainhub.hub.connectors",
    "IntegrationHub": "brainhub.hub.hub",
    "SyncPlan": "brainhub.hub.hub",
    "get_integration_hub": "brainhub.hub.hub",
    "Job": "brainhub.hub.jobs",
    "JobTracker": "brainhub.hub.jobs",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'brainhub.hub' has no attribute {name!r}")
