"""The Trello emulator's declared surface against Trello's own document.

- the operation table accounts for exactly the document's GET operations: 101 served,
  the rest left out with a reason;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage trello`` reports them served, routed to their handlers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.trello import TrelloEmulator
from brainhub.sandbox.services.trello.operations import OPERATIONS
from tests.support.conformance import declared_operations, documented_gets
from tests.support.trello_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

DOCUMENTED, SERVED, LEFT_OUT = 125, 101, 24


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, PREFIX)
    assert len(documented) == DOCUMENTED
    assert declared_operations(OPERATIONS) == documented
    assert len(OPERATIONS.served) == SERVED
    assert all(item.reason for item in OPERATIONS.left_out)


def test_only_administration_is_left_out():
    left = {item.path.split("/")[1] for item in OPERATIONS.left_out}
    assert left == {
        "applications",
        "enterprises",
        "members",
        "organizations",
        "plugins",
        "tokens",
        "webhooks",
    }
    kept_out_of_data = {
        item.path
        for item in OPERATIONS.left_out
        if item.path.split("/")[1] in ("members", "organizations", "plugins")
    }
    assert kept_out_of_data == {
        "/members/{id}/tokens",
        "/organizations/{id}/exports",
        "/organizations/{id}/newBillableGuests/{idBoard}",
        "/plugins/{id}/compliance/memberPrivacy",
    }


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(TrelloEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(document, PREFIX)


def test_coverage_reports_every_documented_get_served_or_left_out_and_routed():
    report = coverage("trello", TrelloEmulator)
    assert report.described
    assert report.documented == DOCUMENTED
    assert len(report.served) == SERVED
    assert len(report.left_out) == LEFT_OUT
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /boards/{boardId}/actions"] == "board_actions"
    assert report.served["GET /cards/{id}/{field}"] == "card_field"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "trello"])
    assert text.exit_code == 0
    assert text.output.startswith(
        f"trello: {SERVED} of {DOCUMENTED} documented GET operations served, {LEFT_OUT} left out"
    )
