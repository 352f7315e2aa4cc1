"""The spec-built targets other than target-clickup: each is declared in meltano.yml with
the settings its config schema has (secrets sensitive, defaults equal) and writes its id
map into each environment's own warehouse; the sandbox one talks to the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from targets.runtime.cli import load_writer_spec
from targets.runtime.settings import config_schema

PROJECT = yaml.safe_load((Path(__file__).parents[2] / "meltano.yml").read_text())
ENVIRONMENTS = {env["name"]: env for env in PROJECT["environments"]}
SERVICES = ("github", "jira")


def _loader(plugins: list[dict[str, Any]], name: str) -> dict[str, Any]:
    (plugin,) = [p for p in plugins if p["name"] == name]
    return plugin


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


@pytest.mark.parametrize("service", SERVICES)
def test_each_environment_writes_to_its_own_warehouse_and_sandbox_to_the_emulator(
    service: str,
) -> None:
    for env, environment in ENVIRONMENTS.items():
        loaders = environment["config"]["plugins"]["loaders"]
        plugin = _loader(loaders, f"target-{service}")
        warehouse = _loader(loaders, "target-duckdb")["config"]["path"]
        assert plugin["config"]["warehouse"] == warehouse, env
        assert "api_token" not in plugin["config"], env
    sandbox = _loader(ENVIRONMENTS["sandbox"]["config"]["plugins"]["loaders"], f"target-{service}")
    assert sandbox["config"]["base_url"].startswith(f"sandbox://{service}")
