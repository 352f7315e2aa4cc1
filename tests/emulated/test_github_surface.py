"""The GitHub emulator's declared surface against GitHub's own REST description.

- the operation table accounts for exactly the document's 46 GET operations, all served;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage github`` reports them served, routed to their handlers;
- the families the tap reads beyond the document stay served.
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
from brainhub.sandbox.services.github import GitHubEmulator
from brainhub.sandbox.services.github.operations import OPERATIONS
from tests.support.conformance import declared_operations, documented_gets
from tests.support.github_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, PREFIX)
    assert len(documented) == 46
    assert declared_operations(OPERATIONS) == documented
    assert list(OPERATIONS.left_out) == []


def test_the_single_release_the_tap_tests_read_is_served_besides():
    assert "GET /repos/{owner}/{repo}/releases/{release_id}" in OPERATIONS.by_key()


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(GitHubEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(document, PREFIX)


def test_coverage_reports_every_documented_get_served_and_routed():
    report = coverage("github", GitHubEmulator)
    assert report.described
    assert report.documented == 46
    assert len(report.served) == 46
    assert report.left_out == {}
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /repos/{owner}/{repo}/issues"] == "list_issues"
    assert report.served["GET /repos/{owner}/{repo}/actions/runs"] == "shaped"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "github"])
    assert text.exit_code == 0
    assert text.output.startswith("github: 46 of 46 documented GET operations served, 0 left out")
