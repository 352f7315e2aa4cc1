"""Every spec-built target (a console script running the target runtime) is declared in
meltano.yml with the settings its config schema has (secrets sensitive, defaults equal),
writes its id map into each environment's own warehouse and never holds a secret there;
the sandbox one talks to the emulator."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from targets.runtime.cli import load_writer_spec
from targets.runtime.settings import config_schema

REPO = Path(__file__).parents[2]
PROJECT = yaml.safe_load((REPO / "meltano.yml").read_text())
ENVIRONMENTS = {env["name"]: env for env in PROJECT["environments"]}
SCRIPTS = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
SERVICES = sorted(
    name.removeprefix("target-")
    for name, entry in SCRIPTS.items()
    if entry == "targets.runtime.cli:main"
)


def test_every_spec_built_target_is_checked() -> None:
    assert {"clickup", "github", "jira", "slack", "asana", "notion", "trello"} <= set(SERVICES)


def _loader(plugins: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (plugin,) = [p for p in plugins if p["name"] == name]
    return plugin


def _own_settings(service: str) -> dict[str, Any]:
    properties: dict[str, Any] = config_schema(load_writer_spec(service))["properties"]
    return properties


@pytest.mark.parametrize("service", SERVICES)
def test_the_target_declares_its_settings_with_their_defaults(service: str) -> None:
    target = _loader(PROJECT["plugins"]["loaders"], f"target-{service}")
    declared = {s["name"]: s for s in target["settings"]}
    schema = config_schema(load_writer_spec(service))
    own = schema["properties"]

    assert target["executable"] == f".venv/bin/target-{service}"
    assert set(declared) <= set(own) | {"stream_maps"}
    for name in ("base_url", "warehouse", "schema", "dry_run", "object_types", "modes"):
        assert declared[name].get("value") == own[name].get("default"), name
    for name in schema["required"]:
        assert name in declared, name
    for name, prop in own.items():
        if prop.get("secret"):
            assert declared[name]["sensitive"] is True, name
    assert any(prop.get("secret") for prop in own.values())


@pytest.mark.parametrize("service", SERVICES)
def test_each_environment_writes_to_its_own_warehouse_and_sandbox_to_the_emulator(
    service: str,
) -> None:
    for env, environment in ENVIRONMENTS.items():
        loaders = environment["config"]["plugins"]["loaders"]
        plugin = _loader(loaders, f"target-{service}")
        warehouse = _loader(loaders, "target-duckdb")["config"]["path"]
        assert plugin["config"]["warehouse"] == warehouse, env
        secrets = {n for n, p in _own_settings(service).items() if p.get("secret")}
        assert not set(plugin["config"]) & secrets, env
    sandbox = _loader(ENVIRONMENTS["sandbox"]["config"]["plugins"]["loaders"], f"target-{service}")
    assert sandbox["config"]["base_url"].startswith(f"sandbox://{service}")
