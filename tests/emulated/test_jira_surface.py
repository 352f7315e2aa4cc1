"""The Jira emulator's declared surface against Atlassian's platform and agile documents.

- the operation table accounts for exactly the documents' GET operations, each served or
  left out with a reason, and serves at least 90 % of those in scope (all of them);
- ``surface.json`` is what ``scripts/derive_surface_jira.py`` derives from both documents now;
- ``brainhub sandbox coverage jira`` reports them served and routed to their handlers;
- every served ``/rest/api/3`` operation answers at ``/rest/api/2`` too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.operations import sample_path
from brainhub.sandbox.services.jira import JiraEmulator
from brainhub.sandbox.services.jira.operations import OPERATIONS, V2_OPERATIONS
from tests.support.conformance import declared_operations, documented_gets
from tests.support.jira_reference import ABSENT_REASON, AGILE, PLATFORM, PREFIX, load, present

pytestmark = pytest.mark.skipif(not present(), reason=ABSENT_REASON)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from derive_surface_jira import merged_surface  # noqa: E402


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    return [load(PLATFORM, errata=False), load(AGILE, errata=False)]


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(documents):
    documented = documented_gets(documents[0], PREFIX) | documented_gets(documents[1], PREFIX)
    assert len(documented) == 274 + 36
    assert declared_operations(OPERATIONS) == documented
    assert all(item.reason for item in OPERATIONS.left_out)


def test_the_surface_file_is_derived_from_the_current_documents(documents):
    surface = Path(JiraEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == merged_surface(documents, PREFIX)


def test_coverage_reports_the_served_operations_routed_and_none_missing():
    report = coverage("jira", JiraEmulator)
    assert report.described
    assert report.documented == 310
    assert report.missing == report.unrouted == report.undocumented == []
    assert len(report.served) == 169
    assert len(report.left_out) == 141
    assert report.served["GET /rest/api/3/search/jql"] == "search_issues"
    assert report.served["GET /rest/agile/1.0/board/{boardId}/sprint"] == "board_sprints"
    assert report.served["GET /rest/api/3/dashboard"] == "shaped"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "jira"])
    assert text.exit_code == 0
    assert text.output.startswith(
        "jira: 169 of 310 documented GET operations served, 141 left out, 0 missing"
    )


def test_every_v3_operation_is_routed_at_v2_to_the_same_handler():
    emulator = JiraEmulator(size="tiny")
    adapter = emulator._url_map.bind("localhost")
    served_v3 = [op for op in OPERATIONS.served if op.path.startswith("/rest/api/3/")]
    assert len(V2_OPERATIONS) == len(served_v3) > 100
    for v3, v2 in zip(served_v3, V2_OPERATIONS, strict=True):
        assert v2.path == "/rest/api/2" + v3.path[len("/rest/api/3") :]
        endpoint, _ = adapter.match(sample_path(v2.path, "x"), method="GET")
        assert endpoint == v2.endpoint
