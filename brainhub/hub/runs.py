"""The Meltano command lines and child environments of the hub's jobs.

Secrets reach the child only as environment variables (Meltano reads every setting from
``<PLUGIN>_<SETTING>``); the environment's credential store is added as ``brainhub run``
adds it. In the ``sandbox`` environment the emulators' own credentials are used, so a key
given for prod is never sent there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from brainhub.secrets.injection import meltano_executable
from brainhub.secrets.names import env_var
from brainhub.secrets.store import store_path
from brainhub.spec.model import ConnectorSpec

SANDBOX = "sandbox"
#: The mapping of meltano.yml's mapper-duckdb that reads its file from this variable.
MAPPER = "hub-mappings"
MAPPING_FILE_VARIABLE = "BRAINHUB_HUB_MAPPING_FILE"


def meltano_command(environment: str, *args: str) -> list[str]:
    """``meltano --environment=<environment> <args>`` with the project's own meltano."""
    return [meltano_executable(), f"--environment={environment}", *args]


def stored_secrets(project_root: Path, environment: str) -> dict[str, str]:
    """The environment's credential store, as variables (empty if it has none)."""
    if not store_path(project_root, environment).exists():
        return {}
    from brainhub.secrets.cli import open_store

    return {name: s.value for name, s in open_store(project_root, environment).read().items()}


def plugin_variables(
    plugin: str,
    spec: ConnectorSpec,
    environment: str,
    *,
    secret: str | None,
    endpoint: str | None,
    settings: Mapping[str, Any],
) -> dict[str, str]:
    """The variables that give ``plugin`` (``tap-clickup``, ``target-slack``) its settings.

    Outside the sandbox: ``secret`` for the spec's first secret setting and ``endpoint`` as
    its ``base_url``. Secret ``settings`` are left out in the sandbox too.
    """
    values: dict[str, Any] = {}
    sandbox = environment == SANDBOX
    for name, value in settings.items():
        if not (sandbox and name in spec.secret_settings):
            values[name] = value
    if not sandbox:
        if endpoint:
            values.setdefault("base_url", endpoint)
        if secret is not None and spec.secret_settings:
            values.setdefault(spec.secret_settings[0], secret)
    return {
        env_var(plugin, name): value if isinstance(value, str) else json.dumps(value)
        for name, value in values.items()
        if value is not None
    }


def child_environment(*parts: Mapping[str, str]) -> dict[str, str]:
    """This process's environment with ``parts`` added, later ones winning.

    The plugins log their SDK METRIC lines (the job tracker counts records from them as they
    arrive; the console hides them otherwise) and record their run with trigger ``api``.
    """
    merged = {**os.environ, "BRAINHUB_LOG_METRICS": "true", "BRAINHUB_TRIGGER": "api"}
    for part in parts:
        merged.update(part)
    return merged
