"""Which environment variables hold secrets: the settings plugins mark secret, as Meltano names them.

Meltano reads a plugin setting from ``<PLUGIN NAME>_<SETTING NAME>`` (and from
``<NAMESPACE>_<SETTING NAME>``), upper-cased with every other character turned into ``_``:
``tap-clickup``'s ``api_token`` is ``TAP_CLICKUP_API_TOKEN``; a setting's ``env:`` names one
more. A setting is secret when ``meltano.yml`` marks it ``sensitive: true`` or a connector
spec (``taps/<service>/spec.yaml``, run as ``tap-<service>``) marks it ``secret: true``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from brainhub.environments import load_project
from brainhub.yaml_lines import load_yaml

PLUGIN_TYPES = (
    "extractors",
    "loaders",
    "utilities",
    "mappers",
    "transformers",
    "orchestrators",
    "transforms",
    "files",
)


def env_var(*parts: str) -> str:
    """Meltano's environment variable for a plugin (or namespace) and a setting name."""
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", part).upper() for part in parts if part)


def secret_variables(project_root: Path) -> dict[str, str]:
    """Every environment variable that holds a secret setting → ``plugin's setting``."""
    found: dict[str, str] = {}
    project = load_project(project_root)
    for plugin_type in PLUGIN_TYPES:
        for plugin in (project.get("plugins") or {}).get(plugin_type) or []:
            if isinstance(plugin, dict):
                found.update(_plugin_secrets(plugin))
    for spec_file in sorted(project_root.glob("taps/*/spec.yaml")):
        found.update(_spec_secrets(spec_file))
    return found


def _plugin_secrets(plugin: dict[str, Any]) -> dict[str, str]:
    name, namespace = str(plugin.get("name", "")), str(plugin.get("namespace") or "")
    found = {}
    for setting in plugin.get("settings") or []:
        if not (isinstance(setting, dict) and setting.get("sensitive") is True):
            continue
        setting_name = str(setting.get("name", ""))
        label = f"{name}'s {setting_name}"
        for variable in (
            env_var(name, setting_name),
            env_var(namespace, setting_name) if namespace else "",
            str(setting.get("env") or ""),
        ):
            if variable:
                found[variable] = label
    return found


def _spec_secrets(spec_file: Path) -> dict[str, str]:
    try:
        spec = load_yaml(spec_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}  # the spec loader reports broken specs; here they only add no names
    if not isinstance(spec, dict) or not isinstance(spec.get("settings"), dict):
        return {}
    plugin = f"tap-{str(spec.get('name') or spec_file.parent.name).replace('_', '-')}"
    return {
        env_var(plugin, setting): f"{plugin}'s {setting}"
        for setting, declared in spec["settings"].items()
        if isinstance(declared, dict) and declared.get("secret") is True
    }
