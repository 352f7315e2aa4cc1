"""Connectors of the Python API: single records written through ``target-<service>``.

A write is ``meltano --environment=<env> invoke target-<service>`` fed one SCHEMA and the
records on its standard input, with ``modes: {<object type>: append}`` (every record is a
new object: a message posted twice is two messages). The target does the rest as in any
pipeline: the spec's calls, rate limit and retries, rejects, the sandbox's emulator.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from brainhub.errors import ConfigError
from brainhub.hub.config import ConnectorConfig
from brainhub.hub.runs import child_environment, meltano_command, plugin_variables, stored_secrets
from brainhub.secrets.names import env_var
from brainhub.spec.model import ConnectorSpec

if TYPE_CHECKING:
    from brainhub.hub.hub import IntegrationHub


class Connector:
    """Writes records of the spec's object types to one service (see the module docstring)."""

    def __init__(self, hub: IntegrationHub, config: ConnectorConfig, spec: ConnectorSpec) -> None:
        if not spec.writes:
            raise ConfigError(f"connector {config.name!r}: {spec.name} declares no writes")
        self.hub = hub
        self.config = config
        self.spec = spec

    def __repr__(self) -> str:
        return f"Connector(name={self.config.name!r}, service={self.spec.name!r})"

    async def write(self, object_type: str, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Write ``records`` as new objects of ``object_type``; the job's final status.

        Raises:
            ConfigError: the service has no such object type, or the write failed (the
                target's one line).
        """
        if object_type not in self.spec.writes:
            raise ConfigError(
                f"{self.spec.name} writes no {object_type!r}; object types: "
                f"{', '.join(self.spec.writes)}"
            )
        job_id = self._start(object_type, records)
        status = await self.hub.wait(job_id)
        if status["state"] != "succeeded":
            raise ConfigError(
                f"connector {self.config.name!r}: writing {object_type} failed: {status['error']}"
            )
        return status

    async def send_message(self, channel: str, text: str) -> dict[str, Any]:
        """Post ``text`` to ``channel`` (``#general`` or a channel id); Slack connectors."""
        if "messages" not in self.spec.writes:
            raise ConfigError(
                f"connector {self.config.name!r}: {self.spec.name} has no messages to send; "
                f"it writes {', '.join(self.spec.writes)} (use write())"
            )
        return await self.write("messages", [{"channel": channel, "text": text}])

    def _start(self, object_type: str, records: Sequence[Mapping[str, Any]]) -> str:
        environment = self.config.environment or self.hub.environment
        target = f"target-{self.spec.name}"
        properties: dict[str, Any] = {name: {} for record in records for name in record}
        lines = [
            {
                "type": "SCHEMA",
                "stream": object_type,
                "schema": {"type": "object", "properties": properties},
                "key_properties": [],
            },
            *({"type": "RECORD", "stream": object_type, "record": dict(r)} for r in records),
        ]
        variables = plugin_variables(
            target,
            self.spec,
            environment,
            secret=self.config.access_token,
            endpoint=self.config.endpoint,
            settings=self.config.settings,
        )
        variables[env_var(target, "modes")] = json.dumps({object_type: "append"})
        stored = stored_secrets(self.hub.project_root, environment)
        secrets = [*stored.values()]
        if self.config.access_token:
            secrets.append(self.config.access_token)
        job = self.hub.tracker.start(
            self.config.name,
            environment,
            meltano_command(environment, "invoke", target),
            cwd=self.hub.project_root,
            env=child_environment(stored, variables),
            secrets=secrets,
            stdin="".join(json.dumps(line) + "\n" for line in lines),
        )
        return job.id
