"""``brainhub sandbox coverage``: computed from the emulator's own routing, kept honest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from werkzeug.routing import Rule

from brainhub.cli import main
from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.kit import KitEmulator, LeftOut, Operation, OperationTable
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.services.clickup import ClickUpEmulator


def test_clickup_serves_or_leaves_out_every_documented_get_operation():
    report = coverage("clickup", ClickUpEmulator)
    assert report.described
    assert report.documented == 51
    assert report.missing == []
    assert report.unrouted == []
    assert report.undocumented == []
    assert len(report.served) + len(report.left_out) == report.documented
    assert len(report.served) == 49
    assert all(reason.strip() for reason in report.left_out.values())
    assert report.served["GET /team/{team_Id}/task"] == "get_team_tasks"


def _surface(tmp_path: Path, paths: list[str]) -> Path:
    rows = [
        {"method": "GET", "path": p, "operation_id": p, "query": [], "shape": {"o": {}}}
        for p in paths
    ]
    target = tmp_path / "surface.json"
    target.write_text(json.dumps({"prefix": "", "operations": rows}), encoding="utf-8")
    return target


def test_a_route_claimed_served_but_not_routed_and_an_undeclared_operation_are_reported(
    tmp_path,
):
    surface = _surface(tmp_path, ["/pets", "/pets/{id}", "/owners", "/shops", "/vets"])

    class PetsEmulator(KitEmulator):
        service = "pets"
        base_path = "/v1"
        surface_file = surface
        operations = OperationTable(
            served=[
                Operation("GET", "/pets", "list_pets"),
                Operation("GET", "/pets/{pet_id}", "get_pet"),  # no such method
                Operation("GET", "/toys", "list_pets"),  # not in the document
                Operation("GET", "/vets", "shaped"),
            ],
            left_out=[LeftOut("GET", "/shops", "sold separately")],
        )

        def list_pets(self, request: Any) -> list[Any]:
            return []

    report = coverage("pets", PetsEmulator)
    assert report.served == {"GET /pets": "list_pets", "GET /vets": "shaped"}
    assert report.unrouted == ["GET /pets/{id}"]
    assert report.missing == ["GET /owners"]
    assert report.left_out == {"GET /shops": "sold separately"}
    assert report.undocumented == ["GET /toys"]
    assert "claimed served but not routed (1):" in report.text()


def test_the_command_prints_a_summary_and_json():
    runner = CliRunner()
    text = runner.invoke(main, ["sandbox", "coverage", "clickup"])
    assert text.exit_code == 0
    first = text.output.splitlines()[0]
    assert first == "clickup: 49 of 51 documented GET operations served, 2 left out, 0 missing"
    assert "GET /team/{team_id}/guest/{guest_id}: Enterprise plan only" in text.output
    as_json = runner.invoke(main, ["sandbox", "coverage", "clickup", "--json"])
    report = json.loads(as_json.output)
    assert report["documented"] == 51
    assert len(report["served"]) == 49
    assert report["missing"] == report["unrouted"] == []


class _NotOnTheKit(Emulator):
    service = "pets"
    base_path = "/v1"
    routes = (Rule("/pets/<pet_id>", endpoint="get_pet", methods=["GET"]),)


def test_services_not_on_the_kit_say_so_and_list_their_routes():
    report = coverage("pets", _NotOnTheKit)
    assert not report.described
    assert report.text().startswith("pets: not yet described")
    assert report.routes == ["GET /v1/pets/<pet_id>"]
    refused = CliRunner().invoke(main, ["sandbox", "coverage", "nope"])
    assert refused.exit_code != 0
    assert "valid services are" in refused.output
