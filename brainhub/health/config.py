"""A connector's settings as a Meltano run of one environment would get them.

In order, later wins: the extractor's ``value`` defaults and ``config`` in ``meltano.yml``,
the environment's ``config`` for it (``sandbox://…`` base URLs in the ``sandbox``
environment), ``TAP_<SERVICE>_<SETTING>`` variables of this process, and the environment's
credential store (``brainhub secrets``). ``$MELTANO_PROJECT_ROOT`` and other ``$VARIABLES``
in ``meltano.yml`` values are expanded as Meltano expands them.
"""

from __future__ import annotations

import os
from pathlib import Path
from string import Template
from typing import Any

from brainhub.environments import environments, load_project
from brainhub.errors import ConfigError
from brainhub.http import OVERRIDE_SETTINGS
from brainhub.secrets.names import env_var
from brainhub.secrets.store import store_path
from brainhub.spec.model import ENGINE_SETTINGS, ConnectorSpec


def resolve_environment(project: dict[str, Any], name: str | None, where: Path) -> str:
    """``name``, else ``$MELTANO_ENVIRONMENT``, else the default; the error lists valid ones."""
    chosen = name or os.environ.get("MELTANO_ENVIRONMENT") or project.get("default_environment")
    known = [str(e.get("name")) for e in environments(project)]
    if chosen not in known:
        raise ConfigError(
            f"{where}: no environment {chosen!r}; valid environments are "
            f"{', '.join(known) or '(none)'}"
        )
    return str(chosen)


def setting_names(spec: ConnectorSpec) -> list[str]:
    """Every setting a tap of ``spec`` reads: the spec's, the engine's, the HTTP overrides."""
    return [*spec.settings, *ENGINE_SETTINGS, *(o.name for o in OVERRIDE_SETTINGS)]


def connector_config(
    project_root: Path, environment: str, spec: ConnectorSpec, *, use_store: bool = True
) -> dict[str, Any]:
    """The settings ``tap-<service>`` would run with in ``environment`` (module docstring)."""
    project = load_project(project_root)
    plugin = f"tap-{spec.service}"
    config: dict[str, Any] = {}
    for entry in (project.get("plugins") or {}).get("extractors") or []:
        if isinstance(entry, dict) and entry.get("name") == plugin:
            for setting in entry.get("settings") or []:
                if isinstance(setting, dict) and "value" in setting:
                    config[str(setting["name"])] = setting["value"]
            config.update(entry.get("config") or {})
    for env in environments(project):
        if env.get("name") != environment:
            continue
        extractors = ((env.get("config") or {}).get("plugins") or {}).get("extractors") or []
        for entry in extractors:
            if isinstance(entry, dict) and entry.get("name") == plugin:
                config.update(entry.get("config") or {})
    variables = {**os.environ, "MELTANO_PROJECT_ROOT": str(project_root.resolve())}
    config = {name: _expand(value, variables) for name, value in config.items()}
    stored = _stored_secrets(project_root, environment) if use_store else {}
    for name in setting_names(spec):
        variable = env_var(plugin, name)
        for source in (os.environ, stored):
            if source.get(variable):
                config[name] = source[variable]
    return config


def _expand(value: Any, variables: dict[str, str]) -> Any:
    if isinstance(value, str) and "$" in value:
        return Template(value).safe_substitute(variables)
    return value


def _stored_secrets(project_root: Path, environment: str) -> dict[str, str]:
    if not store_path(project_root, environment).exists():
        return {}
    from brainhub.secrets.cli import open_store

    return {
        name: secret.value for name, secret in open_store(project_root, environment).read().items()
    }


def services_named(project: dict[str, Any], names: list[str], known: list[str]) -> list[str]:
    """The services that names stand for: a service (``clickup``), a plugin (``tap-clickup``,
    ``target-clickup--github-issues``), or a job of ``meltano.yml`` (every plugin of its
    tasks). No names: every service. The error lists what is valid."""
    if not names:
        return list(known)
    jobs = {
        str(job.get("name")): job.get("tasks") or []
        for job in project.get("jobs") or []
        if isinstance(job, dict)
    }
    found: list[str] = []
    for name in names:
        if name in jobs:
            services = [
                s for task in _words(jobs[name]) if (s := _service_of(task, known, project))
            ]
            if not services:
                raise ConfigError(f"job {name!r} uses no connector of {', '.join(known)}")
        else:
            service = _service_of(name, known, project)
            if service is None:
                raise ConfigError(
                    f"no connector, plugin or job named {name!r}; connectors: "
                    f"{', '.join(known)}; jobs: {', '.join(sorted(jobs)) or '(none)'}"
                )
            services = [service]
        found += [s for s in services if s not in found]
    return found


def _words(tasks: Any) -> list[str]:
    words: list[str] = []
    for task in tasks if isinstance(tasks, list) else [tasks]:
        words += _words(task) if isinstance(task, list) else str(task).split()
    return words


def _service_of(name: str, known: list[str], project: dict[str, Any]) -> str | None:
    """``clickup``, ``tap-clickup``, ``target-slack``, ``target-clickup--github-issues``
    (through ``inherit_from``) → the service; anything else → None."""
    seen: set[str] = set()
    while name not in seen:
        seen.add(name)
        plugin = name.split(":")[0]
        bare = plugin.split("--")[0]
        for prefix in ("tap-", "target-"):
            bare = bare.removeprefix(prefix)
        if bare in known:
            return bare
        parent = _inherited(project, plugin)
        if parent is None:
            return None
        name = parent
    return None


def _inherited(project: dict[str, Any], plugin: str) -> str | None:
    for entries in (project.get("plugins") or {}).values():
        for entry in entries or []:
            if (
                isinstance(entry, dict)
                and entry.get("name") == plugin
                and entry.get("inherit_from")
            ):
                return str(entry["inherit_from"])
    return None
