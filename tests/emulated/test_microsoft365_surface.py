"""The Microsoft Graph emulator's declared surface against Graph's own document.

- the operation table accounts for exactly the document's GET operations (users, Teams,
  Outlook, OneDrive families): the read surface in scope is served, the rest left out with
  a reason;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage microsoft365`` reports the figures, routed to their handlers.
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
from brainhub.sandbox.services.microsoft365 import Microsoft365Emulator
from brainhub.sandbox.services.microsoft365.operations import OPERATIONS
from tests.support.conformance import declared_operations, documented_gets
from tests.support.microsoft365_reference import (
    ABSENT_REASON,
    DOCUMENT,
    MAX_DEPTH,
    PREFIX,
    load_document,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

#: What the connector reads (and its delta queries) must come from the seeded tenant.
IN_SCOPE = [
    "/users",
    "/users/delta",
    "/users/{}/mailFolders",
    "/users/{}/mailFolders/{}/messages",
    "/users/{}/mailFolders/{}/messages/delta",
    "/users/{}/calendarView/delta",
    "/users/{}/events",
    "/users/{}/drive",
    "/drives/{}/root/delta",
    "/teams",
    "/teams/{}/channels",
    "/teams/{}/channels/{}/messages",
    "/teams/{}/channels/{}/messages/delta",
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, PREFIX)
    assert len(documented) == 76
    assert declared_operations(OPERATIONS) == documented


def test_every_in_scope_get_is_served_by_a_handler_not_a_shape():
    by_template = {
        "/".join("{}" if part.endswith("}") else part for part in op.path.split("/")): op
        for op in OPERATIONS.served
    }
    for path in IN_SCOPE:
        operation = by_template.get(path)
        assert operation is not None, f"GET {path} is in scope"
        assert not operation.shaped, f"GET {path} answers from the seeded tenant"


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(Microsoft365Emulator.surface_file or "")
    derived = derive_surface(document, PREFIX, patterns=True, max_depth=MAX_DEPTH)
    assert json.loads(surface.read_text(encoding="utf-8")) == derived


def test_coverage_reports_the_served_and_left_out_figures():
    report = coverage("microsoft365", Microsoft365Emulator)
    assert report.described
    assert report.documented == 76
    assert len(report.served) == 71
    assert len(report.left_out) == 5
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /users/{user-id}/mailFolders/{mailFolder-id}/messages/delta"] == (
        "folder_messages_delta"
    )
    text = CliRunner().invoke(main, ["sandbox", "coverage", "microsoft365"])
    assert text.exit_code == 0
    assert text.output.startswith(
        "microsoft365: 71 of 76 documented GET operations served, 5 left out"
    )
