"""The Notion emulator's declared surface against Notion's own document.

- the operation table accounts for exactly the document's GET operations, all served;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage notion`` reports them served, routed to their handlers.
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
from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.sandbox.services.notion.operations import OPERATIONS
from tests.support.conformance import declared_operations, documented_gets
from tests.support.notion_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, PREFIX)
    declared = declared_operations(OPERATIONS)
    assert len(documented) == 12
    assert declared == documented
    assert list(OPERATIONS.left_out) == []


def test_the_post_reads_the_tap_and_the_sdk_use_are_served_besides():
    assert set(OPERATIONS.by_key()) >= {
        "POST /search",
        "POST /databases/{database_id}/query",
        "POST /data_sources/{data_source_id}/query",
    }


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(NotionEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(document, PREFIX)


def test_coverage_reports_every_documented_get_served_and_routed():
    report = coverage("notion", NotionEmulator)
    assert report.described
    assert report.documented == 12
    assert len(report.served) == 12
    assert report.left_out == {}
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /comments"] == "list_comments"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "notion"])
    assert text.exit_code == 0
    assert text.output.startswith("notion: 12 of 12 documented GET operations served, 0 left out")
