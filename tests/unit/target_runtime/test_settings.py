"""Target settings and entry point: bad input is one line naming what would be valid."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from brainhub.errors import ConfigError, SettingsError
from targets.runtime import cli
from targets.runtime.cli import SPEC_FILE, SPECS_DIR, load_writer_spec, service_for_executable
from targets.runtime.plan import Plan
from targets.runtime.settings import check_modes, config_schema


def test_the_executable_name_picks_the_service() -> None:
    assert service_for_executable("target-clickup") == "clickup"
    with pytest.raises(ConfigError, match="run it as target-<service>"):
        service_for_executable("clickup-writer")


def test_a_connector_without_writes_names_those_with_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every shipped connector declares writes, so a read-only one is made from ClickUp's
    shutil.copytree(SPECS_DIR / "clickup", tmp_path / "clickup")
    shutil.copytree(SPECS_DIR / "clickup", tmp_path / "readonly")
    spec_file = tmp_path / "readonly" / SPEC_FILE
    document = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    del document["writes"]
    spec_file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(cli, "SPECS_DIR", tmp_path)

    with pytest.raises(
        ConfigError,
        match=r"the readonly connector declares no writes \(connectors with writes: clickup\)",
    ):
        load_writer_spec("readonly")
    with pytest.raises(ConfigError, match="no connector named 'nope'"):
        load_writer_spec("nope")


def test_mode_overrides_are_checked_against_the_operations() -> None:
    spec = load_writer_spec("clickup")
    check_modes(spec, {"tasks": "mirror", "comments": "append"})
    with pytest.raises(
        SettingsError,
        match=r"names 'task', which is no object type \(object types: tasks, comments\)",
    ):
        check_modes(spec, {"task": "upsert"})


def test_the_settings_schema_marks_secrets_and_lists_object_types() -> None:
    schema = config_schema(load_writer_spec("clickup"))
    assert schema["properties"]["api_token"]["secret"] is True
    assert schema["required"] == ["api_token"]
    assert schema["properties"]["object_types"]["additionalProperties"]["enum"] == [
        "tasks",
        "comments",
    ]
    assert schema["properties"]["warehouse"]["default"] == "data/warehouse.duckdb"


def test_the_plan_shows_counts_and_changed_fields() -> None:
    plan = Plan()
    plan.create("tasks", {"name": "A"})
    plan.update("tasks", {"name": "A", "priority": 2}, {"name": "A", "priority": 1})
    plan.delete("tasks", "k9")
    plan.unchanged("tasks", 4)

    assert plan.render("target-x").splitlines() == [
        "target-x dry run: nothing was sent",
        "tasks: 1 creates, 1 updates, 1 deletes, 4 unchanged",
        "  create: name 'A'",
        "  update: priority 2 → 1",
        "  delete: source key k9",
    ]


def test_a_taps_reading_options_are_no_target_settings() -> None:
    properties = config_schema(load_writer_spec("clickup"))["properties"]
    assert "api_token" in properties
    assert not {"team_ids", "include_archived", "include_closed", "start_date"} & set(properties)
