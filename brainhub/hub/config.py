"""What an application registers with the hub: integrations, their mappings, connectors.

An *integration* syncs one service with the warehouse through the project's Meltano plugins
(``tap-<service>``, ``target-duckdb``, ``mapper-duckdb``, ``tap-warehouse``,
``target-<service>``); a *connector* writes single records to a service through its target.
Secrets given here (``api_key``, ``access_token``) are never shown by ``repr`` and reach a
run only through its environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from brainhub.errors import ConfigError

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class IntegrationType(StrEnum):
    """What an integration talks to. ``API``: a REST service with a connector spec."""

    API = "api"


class SyncDirection(StrEnum):
    """Which way records flow between the service and the warehouse.

    ``INBOUND``: service → warehouse. ``OUTBOUND``: the integration's ``outbound`` tables →
    service. ``BIDIRECTIONAL``: inbound, then outbound when ``outbound`` names tables.
    """

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    BIDIRECTIONAL = "bidirectional"


class ConnectorType(StrEnum):
    """The services a connector writes to (each through ``target-<service>``)."""

    ASANA = "asana"
    CLICKUP = "clickup"
    GITHUB = "github"
    JIRA = "jira"
    NOTION = "notion"
    SLACK = "slack"
    TRELLO = "trello"


@dataclass(frozen=True)
class DataMapping:
    """One field of a mapped stream: ``target`` ← ``source`` through ``transform`` (a
    function of the mapping language, e.g. ``to_string``, ``uppercase``, ``trim``)."""

    source: str
    target: str
    transform: str | None = None
    #: Only this stream (default: every stream of the sync that has the source field).
    stream: str | None = None


@dataclass(frozen=True)
class IntegrationConfig:
    """One integration: a service, how it syncs, and (for prod) where and with what key.

    In the ``sandbox`` environment the service's emulator answers with its own credentials:
    ``endpoint`` and ``api_key`` are used only in other environments (``prod``).
    """

    name: str
    type: IntegrationType = IntegrationType.API
    endpoint: str | None = None
    api_key: str | None = field(default=None, repr=False)
    sync_direction: SyncDirection = SyncDirection.INBOUND
    #: Seconds between runs of :meth:`IntegrationHub.schedule`.
    sync_interval: float | None = None
    #: The connector (``clickup``); default: found from ``endpoint``, else from ``name``.
    service: str | None = None
    #: Streams to read (default: the ones the tap selects).
    streams: tuple[str, ...] | list[str] | None = None
    #: Object type → warehouse table written to the service by the outbound half
    #: (``{"tasks": "clickup_integration.outbox_tasks"}``, keyed by its ``id`` column).
    outbound: dict[str, str] = field(default_factory=dict)
    #: More settings of the service's plugins, by setting name (secret ones stay in memory).
    settings: dict[str, Any] = field(default_factory=dict, repr=False)
    #: The Meltano environment (default: the hub's).
    environment: str | None = None


@dataclass(frozen=True)
class ConnectorConfig:
    """A connector: the service it writes to and the token (used outside the sandbox)."""

    name: str
    type: ConnectorType
    access_token: str | None = field(default=None, repr=False)
    endpoint: str | None = None
    settings: dict[str, Any] = field(default_factory=dict, repr=False)
    environment: str | None = None


def check_name(name: str, what: str) -> str:
    """A name usable as a schema and state id; the error says what is valid."""
    if not isinstance(name, str) or not NAME.match(name):
        raise ConfigError(
            f"{what} name {name!r} is not valid: use lower-case letters, digits and _, "
            "starting with a letter (e.g. clickup_integration)"
        )
    return name


def service_of(config: IntegrationConfig, base_urls: dict[str, str]) -> str:
    """The service an integration syncs: ``service``, else the one whose API host is the
    endpoint's, else the first word of its name; the error lists the services."""
    known = sorted(base_urls)
    if config.service is not None:
        if config.service not in base_urls:
            raise ConfigError(
                f"integration {config.name!r}: unknown service {config.service!r}; "
                f"valid services: {', '.join(known)}"
            )
        return config.service
    if config.endpoint:
        host = urlsplit(config.endpoint).hostname or ""
        for service, base_url in base_urls.items():
            if "{" not in base_url and urlsplit(base_url).hostname == host:
                return service
    first = config.name.split("_")[0]
    if first in base_urls:
        return first
    raise ConfigError(
        f"integration {config.name!r}: cannot tell its service from the endpoint "
        f"{config.endpoint!r} or the name; pass service= one of {', '.join(known)}"
    )
