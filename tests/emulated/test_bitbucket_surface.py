"""The Bitbucket emulator's declared surface against Bitbucket's own document.

- the operation table accounts for exactly the document's GET operations: the read
  surface in scope is served, the rest left out with a reason;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage bitbucket`` reports the figures, routed to their handlers.
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
from brainhub.sandbox.services.bitbucket import BitbucketEmulator
from brainhub.sandbox.services.bitbucket.operations import OPERATIONS, REASONS
from tests.support.bitbucket_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document
from tests.support.conformance import declared_operations, documented_gets

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

R = "/repositories/{workspace}/{repo_slug}"
#: The read surface in scope: workspaces, repositories, branches, commits, pull requests
#: with their activity, comments, commits and diffstat, issues with their comments,
#: pipelines with their steps, users.
IN_SCOPE = [
    "/workspaces",
    "/workspaces/{workspace}",
    "/workspaces/{workspace}/members",
    "/workspaces/{workspace}/members/{member}",
    "/repositories",
    "/repositories/{workspace}",
    R,
    R + "/refs",
    R + "/refs/branches",
    R + "/refs/branches/{name}",
    R + "/commits",
    R + "/commits/{revision}",
    R + "/commit/{commit}",
    R + "/pullrequests",
    R + "/pullrequests/activity",
    R + "/pullrequests/{pull_request_id}",
    R + "/pullrequests/{pull_request_id}/activity",
    R + "/pullrequests/{pull_request_id}/comments",
    R + "/pullrequests/{pull_request_id}/comments/{comment_id}",
    R + "/pullrequests/{pull_request_id}/commits",
    R + "/pullrequests/{pull_request_id}/diffstat",
    R + "/issues",
    R + "/issues/{issue_id}",
    R + "/issues/{issue_id}/comments",
    R + "/issues/{issue_id}/comments/{comment_id}",
    R + "/pipelines",
    R + "/pipelines/{pipeline_uuid}",
    R + "/pipelines/{pipeline_uuid}/steps",
    R + "/pipelines/{pipeline_uuid}/steps/{step_uuid}",
    "/user",
    "/users/{selected_user}",
]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, PREFIX)
    assert len(documented) == 170
    assert declared_operations(OPERATIONS) == documented
    assert all(item.reason in REASONS.values() for item in OPERATIONS.left_out)


def test_every_in_scope_get_is_served_by_a_handler_not_a_shape():
    served = OPERATIONS.by_key()
    for path in IN_SCOPE:
        operation = served.get(f"GET {path}")
        assert operation is not None, f"GET {path} is in scope"
        assert not operation.shaped, f"GET {path} answers from the seeded data"


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(BitbucketEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(document, PREFIX)


def test_coverage_reports_the_served_and_left_out_figures():
    report = coverage("bitbucket", BitbucketEmulator)
    assert report.described
    assert report.documented == 170
    assert len(report.served) == 32
    assert len(report.left_out) == 138
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /repositories/{workspace}/{repo_slug}/pullrequests"] == (
        "list_pull_requests"
    )
    text = CliRunner().invoke(main, ["sandbox", "coverage", "bitbucket"])
    assert text.exit_code == 0
    assert text.output.startswith(
        "bitbucket: 32 of 170 documented GET operations served, 138 left out"
    )
