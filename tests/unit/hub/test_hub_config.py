"""The Python API's configuration: integrations, mappings, the variables a run gets."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import yaml

import brainhub
from brainhub.errors import ConfigError
from brainhub.hub import (
    ConnectorConfig,
    ConnectorType,
    IntegrationConfig,
    IntegrationHub,
    SyncDirection,
)
from brainhub.hub.mappings import mapping_document, write_mapping_file
from brainhub.hub.runs import plugin_variables
from taps.runtime.registry import load_connector

REPO = Path(__file__).resolve().parents[3]
SECRET = "pk_hub_config_secret_71f3"


@pytest.fixture
def hub(tmp_path: Path) -> IntegrationHub:
    shutil.copy(REPO / "meltano.yml", tmp_path / "meltano.yml")
    return IntegrationHub(tmp_path, "sandbox")


def test_the_top_level_offers_the_api() -> None:
    assert brainhub.IntegrationConfig is IntegrationConfig
    assert brainhub.get_integration_hub.__module__ == "brainhub.hub.hub"
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = brainhub.Nope  # type: ignore[attr-defined]


def test_the_service_comes_from_the_endpoint_or_the_name(hub: IntegrationHub) -> None:
    by_endpoint = hub.register_integration(
        IntegrationConfig(name="tracker", endpoint="https://api.github.com")
    )
    by_name = hub.register_integration(IntegrationConfig(name="trello_boards"))
    assert (by_endpoint.service, by_name.service) == ("github", "trello")


def test_an_unknown_service_lists_the_valid_ones(hub: IntegrationHub) -> None:
    with pytest.raises(ConfigError, match=r"pass service= one of asana, .*clickup, .*github"):
        hub.register_integration(IntegrationConfig(name="crm", endpoint="https://crm.example"))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (IntegrationConfig(name="Bad Name"), "integration name 'Bad Name' is not valid"),
        (
            IntegrationConfig(name="clickup_x", streams=["taskz"]),
            "clickup has no stream 'taskz'; streams: teams, spaces",
        ),
        (
            IntegrationConfig(name="clickup_x", sync_direction=SyncDirection.OUTBOUND),
            "an outbound sync needs outbound tables",
        ),
        (
            IntegrationConfig(name="slack_x", outbound={"tasks": "s.t"}),
            "slack writes no 'tasks'; object types: messages",
        ),
        (
            IntegrationConfig(name="clickup_x", environment="staging"),
            "no environment 'staging'; valid environments are sandbox, prod",
        ),
    ],
)
def test_a_bad_integration_says_what_is_valid(
    hub: IntegrationHub, config: IntegrationConfig, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        hub.register_integration(config)


def test_secrets_stay_out_of_repr() -> None:
    config = IntegrationConfig(name="clickup_x", api_key=SECRET, settings={"api_token": SECRET})
    connector = ConnectorConfig(name="slack_x", type=ConnectorType.SLACK, access_token=SECRET)
    assert SECRET not in repr(config)
    assert SECRET not in repr(connector)


def test_an_unknown_transform_lists_the_functions(hub: IntegrationHub) -> None:
    with pytest.raises(
        ConfigError, match=r"unknown transform 'to_str'; valid transforms: .*to_string"
    ):
        hub.create_data_mapping("id", "external_id", "to_str")


def test_mappings_become_a_checked_mapping_file(tmp_path: Path) -> None:
    spec = load_connector("clickup")
    mapping = IntegrationHub.create_data_mapping("id", "external_id", "to_string")
    document = mapping_document("clickup_integration", spec, ["tasks", "tags"], [mapping])
    assert list(document["outputs"]) == ["clickup_integration.tasks"]  # tags have no id
    assert document["outputs"]["clickup_integration.tasks"] == {
        "description": "tasks of clickup with the mappings of clickup_integration",
        "from": "raw_clickup.tasks",
        "keep_unmapped": True,
        "fields": {"id": "id", "external_id": {"from": "id", "apply": ["to_string"]}},
    }
    path = write_mapping_file(tmp_path / "m.yaml", document)
    assert yaml.safe_load(path.read_text())["in_flight"] is True


def test_a_mapping_of_a_field_no_stream_has_is_refused() -> None:
    spec = load_connector("clickup")
    mapping = IntegrationHub.create_data_mapping("idd", "external_id")
    with pytest.raises(ConfigError, match="no stream of the sync \\(tasks\\) has the field 'idd'"):
        mapping_document("clickup_integration", spec, ["tasks"], [mapping])


def test_the_sandbox_never_gets_the_prod_key_or_endpoint() -> None:
    spec = load_connector("clickup")
    kwargs = {"secret": SECRET, "endpoint": "https://api.clickup.com/api/v2", "settings": {}}
    assert plugin_variables("tap-clickup", spec, "sandbox", **kwargs) == {}
    assert plugin_variables("tap-clickup", spec, "prod", **kwargs) == {
        "TAP_CLICKUP_API_TOKEN": SECRET,
        "TAP_CLICKUP_BASE_URL": "https://api.clickup.com/api/v2",
    }
    settings = {"include_closed": False, "api_token": SECRET}
    assert plugin_variables(
        "tap-clickup", spec, "sandbox", secret=None, endpoint=None, settings=settings
    ) == {"TAP_CLICKUP_INCLUDE_CLOSED": "false"}


def test_a_mapped_sync_runs_the_mapper_between_tap_and_target(hub: IntegrationHub) -> None:
    hub.register_integration(IntegrationConfig(name="clickup_integration", streams=["tasks"]))
    mapping = hub.create_data_mapping("id", "external_id", "to_string")
    plan = hub.plan_sync("clickup_integration", [mapping])
    assert plan.environment == "sandbox"
    assert plan.command[1:] == [
        "--environment=sandbox",
        "run",
        "--state-id-suffix",
        "clickup_integration",
        "brainhub:repair-runs",
        "tap-clickup",
        "hub-mappings",
        "target-duckdb",
    ]
    assert plan.variables == {
        "TAP_CLICKUP__SELECT": '["tasks.*"]',
        "BRAINHUB_HUB_MAPPING_FILE": str(
            hub.project_root / "data/hub/clickup_integration.mapping.yaml"
        ),
    }
    assert plan.tables == {"tasks": "clickup_integration.tasks"}


def test_a_two_way_prod_sync_reads_then_writes_with_the_key_in_its_environment(
    tmp_path: Path,
) -> None:
    shutil.copy(REPO / "meltano.yml", tmp_path / "meltano.yml")
    hub = IntegrationHub(tmp_path, "prod")
    hub.register_integration(
        IntegrationConfig(
            name="clickup_two_way",
            endpoint="https://api.clickup.com/api/v2",
            api_key=SECRET,
            sync_direction=SyncDirection.BIDIRECTIONAL,
            streams=["lists"],
            outbound={"tasks": "clickup_two_way.outbox_tasks"},
        )
    )
    plan = hub.plan_sync("clickup_two_way")
    assert plan.command[-5:] == [
        "brainhub:repair-runs",
        "tap-clickup",
        "target-duckdb",
        "tap-warehouse",
        "target-clickup",
    ]
    assert plan.variables["TAP_CLICKUP_API_TOKEN"] == SECRET
    assert plan.variables["TARGET_CLICKUP_API_TOKEN"] == SECRET
    assert plan.variables["TARGET_CLICKUP_BASE_URL"] == "https://api.clickup.com/api/v2"
    assert plan.variables["TAP_WAREHOUSE_STREAMS"] == (
        '[{"name": "tasks", "table": "clickup_two_way.outbox_tasks", "key_properties": ["id"]}]'
    )
    assert plan.secrets == [SECRET]
    assert SECRET not in repr(plan)
    assert SECRET not in " ".join(plan.command)


def test_scheduling_needs_an_interval(hub: IntegrationHub) -> None:
    hub.register_integration(IntegrationConfig(name="clickup_integration"))
    with pytest.raises(ConfigError, match="sync_interval is None; give a number of seconds"):
        hub.schedule("clickup_integration")


def test_a_connector_of_a_service_without_that_object_says_what_it_writes(
    hub: IntegrationHub,
) -> None:
    connector = hub.register_connector(ConnectorConfig(name="tasks", type=ConnectorType.CLICKUP))
    with pytest.raises(ConfigError, match="clickup has no messages to send; it writes tasks"):
        asyncio.run(connector.send_message("#general", "Hello"))
    with pytest.raises(ConfigError, match="clickup writes no 'cards'; object types: tasks"):
        asyncio.run(connector.write("cards", [{"name": "x"}]))
