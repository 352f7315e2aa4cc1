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

from brainhub.hub.config import (
    ConnectorConfig,
    ConnectorType,
    DataMapping,
    IntegrationConfig,
    IntegrationType,
    SyncDirection,
)
from brainhub.hub.connectors import Connector
from brainhub.hub.hub import IntegrationHub, get_integration_hub
from brainhub.hub.jobs import Job, JobTracker

__all__ = [
    "Connector",
    "ConnectorConfig",
    "ConnectorType",
    "DataMapping",
    "IntegrationConfig",
    "IntegrationHub",
    "IntegrationType",
    "Job",
    "JobTracker",
    "SyncDirection",
    "get_integration_hub",
]
