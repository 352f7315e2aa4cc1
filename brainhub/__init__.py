"""brainhub: the integration hub. Its Python API is importable from the top level::

    from brainhub import IntegrationConfig, IntegrationType, SyncDirection, get_integration_hub

The names are loaded on first use (:mod:`brainhub.hub`), so importing any other part of
brainhub does not load the API.
"""

from __future__ import annotations

from typing import Any

#: The names of the Python API (``brainhub.hub``) the top level offers.
API = (
    "Connector",
    "ConnectorConfig",
    "ConnectorType",
    "DataMapping",
    "IntegrationConfig",
    "IntegrationHub",
    "IntegrationType",
    "SyncDirection",
    "get_integration_hub",
)


def __getattr__(name: str) -> Any:
    if name in API:
        from brainhub import hub

        return getattr(hub, name)
    raise AttributeError(f"module 'brainhub' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
