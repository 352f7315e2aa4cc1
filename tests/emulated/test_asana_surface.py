"""The Asana emulator's declared surface against Asana's own document.

- the operation table accounts for exactly the document's GET operations, all served;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage asana`` reports them served, routed to their handlers.
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
from brainhub.sandbox.services.asana import AsanaEmulator
from brainhub.sandbox.services.asana.operations import OPERATIONS
from tests.support.asana_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document
from tests.support.conformance import declared_operations, documented_gets

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, PREFIX)
    assert len(documented) == 34
    assert declared_operations(OPERATIONS) == documented
    assert list(OPERATIONS.left_out) == []


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(AsanaEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(document, PREFIX)


def test_coverage_reports_every_documented_get_served_and_routed():
    report = coverage("asana", AsanaEmulator)
    assert report.described
    assert report.documented == 34
    assert len(report.served) == 34
    assert report.left_out == {}
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /workspaces/{workspace_gid}/tasks/search"] == "search_tasks"
    assert report.served["GET /events"] == "get_events"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "asana"])
    assert text.exit_code == 0
    assert text.output.startswith("asana: 34 of 34 documented GET operations served, 0 left out")
