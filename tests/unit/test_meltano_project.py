"""meltano.yml agrees with the code: every tap declares exactly its settings, secrets are
sensitive, and every plugin's executable exists in the project environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from taps.runtime.registry import load_connector
from taps.runtime.settings import ENGINE_SETTINGS

REPO = Path(__file__).resolve().parents[2]
PROJECT = yaml.safe_load((REPO / "meltano.yml").read_text(encoding="utf-8"))
#: Plugins of their own (inherited ones, such as the shipped pipelines' tap-github--issues,
#: take their executable and settings from the plugin they inherit from).
EXTRACTORS = {
    p["name"]: p
    for p in PROJECT["plugins"]["extractors"]
    if "inherit_from" not in p and "pip_url" not in p
}
#: Community plugins from PyPI, which `meltano install` puts in virtualenvs of their own.
COMMUNITY = {
    p["name"]: p for plugins in PROJECT["plugins"].values() for p in plugins if "pip_url" in p
}
#: The Singer SDK's own tap settings that Meltano users set (stream maps, flattening, BATCH).
SDK_TAP_SETTINGS = {
    "stream_maps",
    "stream_map_config",
    "flattening_enabled",
    "flattening_max_depth",
    "batch_config",
}
ALLOWED_KEYS = {"name", "kind", "label", "sensitive", "value", "description", "options", "env"}
#: Redis and the queues: small Singer programs of their own (no SDK settings; their STATE
#: names messages to acknowledge), checked in tests/queues.
QUEUE_TAPS = {"tap-redis", "tap-rabbitmq", "tap-sqs", "tap-kafka"}
#: Extractors built from a connector spec (tap-warehouse and tap-files are engines of their own,
#: checked below; tap-postgres-bulk in tests/unit/test_tap_postgres_bulk.py).
SPEC_EXTRACTORS = sorted(
    name
    for name in EXTRACTORS
    if name not in {"tap-warehouse", "tap-files", "tap-postgres-bulk", *QUEUE_TAPS}
)


@pytest.mark.parametrize("name", SPEC_EXTRACTORS)
def test_extractor_declares_its_settings(name: str) -> None:
    spec = load_connector(name.removeprefix("tap-"))
    declared = {s["name"]: s for s in EXTRACTORS[name]["settings"]}
    assert set(declared) == set(spec.settings) | set(ENGINE_SETTINGS) | SDK_TAP_SETTINGS
    for setting_name, setting in spec.settings.items():
        assert bool(declared[setting_name].get("sensitive")) == setting.secret, setting_name
    assert EXTRACTORS[name]["load_schema"] == f"raw_{spec.name}"


#: tap-postgres-bulk hands files to the target, never records: no stream maps, no flattening.
@pytest.mark.parametrize("name", sorted(set(EXTRACTORS) - QUEUE_TAPS - {"tap-postgres-bulk"}))
def test_extractor_declares_the_sdk_settings_it_reads(name: str) -> None:
    """The Singer SDK settings declared in meltano.yml are ones the tap really offers."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / name), "--about", "--format", "json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert set(json.loads(done.stdout)["settings"]["properties"]) >= SDK_TAP_SETTINGS


@pytest.mark.parametrize("name", SPEC_EXTRACTORS)
def test_extractor_lists_its_required_settings(name: str) -> None:
    """Meltano shows the spec's required settings as required (`meltano config … list`)."""
    spec = load_connector(name.removeprefix("tap-"))
    required = [s for s, setting in spec.settings.items() if setting.required]
    groups = EXTRACTORS[name].get("settings_group_validation", [])
    assert [sorted(group) for group in groups] == ([sorted(required)] if required else [])


def test_setting_entries_have_no_stray_keys() -> None:
    for plugins in PROJECT["plugins"].values():
        for plugin in plugins:
            for setting in plugin.get("settings", []):
                assert set(setting) <= ALLOWED_KEYS, (plugin["name"], setting)


def test_every_executable_is_installed() -> None:
    for plugins in PROJECT["plugins"].values():
        own = {plugin["name"] for plugin in plugins if "inherit_from" not in plugin}
        for plugin in plugins:
            if "inherit_from" in plugin:
                assert plugin["inherit_from"] in own, plugin["name"]
                continue
            if plugin["name"] in COMMUNITY:
                continue
            executable = Path(sys.executable).parent / Path(plugin["executable"]).name
            assert executable.exists(), plugin["name"]


def test_community_plugins_are_pinned() -> None:
    """A community plugin names one exact release, so `meltano install` is repeatable."""
    assert COMMUNITY, "no community plugin declared"
    for name, plugin in COMMUNITY.items():
        assert "==" in plugin["pip_url"], name
        assert plugin["executable"] == name, name


ENVIRONMENTS = {e["name"]: e for e in PROJECT["environments"]}
WAREHOUSE_WRITERS = (("loaders", "target-duckdb"), ("utilities", "transform-duckdb"))


def test_sandbox_environment_covers_every_extractor_and_prod_has_no_secrets() -> None:
    sandbox = {p["name"] for p in ENVIRONMENTS["sandbox"]["config"]["plugins"]["extractors"]}
    # an inheriting extractor takes its parent's environment settings unless it sets its own
    assert set(EXTRACTORS) <= sandbox <= {p["name"] for p in PROJECT["plugins"]["extractors"]}
    for plugin in ENVIRONMENTS["prod"]["config"]["plugins"]["extractors"]:
        if plugin["name"] not in SPEC_EXTRACTORS:
            continue
        spec = load_connector(plugin["name"].removeprefix("tap-"))
        assert not set(plugin.get("config", {})) & set(spec.secret_settings)


def test_target_duckdb_declares_its_settings_and_defaults() -> None:
    from targets.duckdb.settings import CONFIG_SCHEMA

    (target,) = (p for p in PROJECT["plugins"]["loaders"] if p["name"] == "target-duckdb")
    declared = {s["name"]: s for s in target["settings"]}
    own = dict(CONFIG_SCHEMA["properties"])
    own.pop("filepath")  # the community target's alias of path, for configs brought along
    assert set(declared) == set(own) | {"process_activate_version_messages"}
    for name, prop in own.items():
        assert declared[name].get("value") == prop.get("default"), name


def test_tap_warehouse_declares_its_settings_and_reads_each_environments_warehouse() -> None:
    from taps.warehouse.settings import CONFIG_SCHEMA

    declared = {s["name"]: s for s in EXTRACTORS["tap-warehouse"]["settings"]}
    own = dict(CONFIG_SCHEMA["properties"])
    assert set(declared) == set(own) | SDK_TAP_SETTINGS
    for name, prop in own.items():
        assert declared[name].get("value") == prop.get("default"), name
    databases = {
        env: next(
            p["config"]["database"]
            for p in ENVIRONMENTS[env]["config"]["plugins"]["extractors"]
            if p["name"] == "tap-warehouse"
        )
        for env in ENVIRONMENTS
    }
    for env in ENVIRONMENTS:
        assert databases[env] == _environment_path(env, "loaders", "target-duckdb")


@pytest.mark.parametrize(
    ("kind", "name", "module"),
    [
        ("extractors", "tap-files", "taps.files.settings"),
        ("loaders", "target-files", "targets.files.settings"),
        ("loaders", "target-ses", "targets.ses.settings"),
    ],
)
def test_files_and_ses_plugins_declare_their_settings_and_mark_secrets(
    kind: str, name: str, module: str
) -> None:
    import importlib

    schema = importlib.import_module(module).CONFIG_SCHEMA["properties"]
    (plugin,) = (p for p in PROJECT["plugins"][kind] if p["name"] == name)
    declared = {s["name"]: s for s in plugin["settings"]}
    sdk = SDK_TAP_SETTINGS if kind == "extractors" else set()
    assert set(declared) == set(schema) | sdk
    for setting, prop in schema.items():
        assert bool(declared[setting].get("sensitive")) == bool(prop.get("secret")), setting
        assert declared[setting].get("value") == prop.get("default"), setting
    for environment in ENVIRONMENTS.values():
        plugins = environment["config"]["plugins"][kind]
        (configured,) = (p for p in plugins if p["name"] == name)
        if environment["name"] == "prod":
            assert not {s for s, p in schema.items() if p.get("secret")} & set(configured["config"])


def _environment_path(environment: str, kind: str, name: str) -> str:
    plugins = ENVIRONMENTS[environment]["config"]["plugins"].get(kind, [])
    (plugin,) = [p for p in plugins if p["name"] == name]
    return str(plugin["config"]["path"])


def test_the_default_environment_is_the_sandbox_and_it_never_writes_prods_warehouse() -> None:
    assert PROJECT["default_environment"] == "sandbox"
    assert set(ENVIRONMENTS) == {"sandbox", "prod"}
    for kind, name in WAREHOUSE_WRITERS:
        paths = {env: _environment_path(env, kind, name) for env in ENVIRONMENTS}
        assert paths["sandbox"].endswith("/data/sandbox.duckdb"), name
        assert paths["prod"].endswith("/data/warehouse.duckdb"), name
        assert len(set(paths.values())) == len(paths), f"{name}: environments share a file"
        base = next(p for p in PROJECT["plugins"][kind] if p["name"] == name)
        assert "path" not in base.get("config", {}), f"{name}: path is per environment only"


def test_target_mysql_declares_its_settings_and_defaults() -> None:
    from targets.mysql.target import TargetMySQL

    (target,) = (p for p in PROJECT["plugins"]["loaders"] if p["name"] == "target-mysql")
    declared = {s["name"]: s for s in target["settings"]}
    own = TargetMySQL.config_jsonschema["properties"]
    assert set(declared) == set(own)
    for name, prop in own.items():
        assert declared[name].get("value") == prop.get("default"), name
        assert bool(declared[name].get("sensitive")) == bool(prop.get("secret")), name
