"""The GitLab emulator's declared surface against GitLab's own REST description.

- the operation table accounts for exactly the document's GET operations: the in-scope
  families served or left out with their own reason, every other family left out as out
  of scope;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage gitlab`` reports them served, routed to their handlers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.gitlab import GitLabEmulator
from brainhub.sandbox.services.gitlab.operations import OPERATIONS
from tests.support.conformance import declared_operations, documented_gets

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared/apis/gitlab/gitlab-openapi_v2.yaml"
PREFIX = "/api/v4"
pytestmark = pytest.mark.skipif(
    not DOCUMENT.exists(), reason="GitLab's REST description is kept outside the repository"
)

DOCUMENTED, SERVED, LEFT_OUT, IN_SCOPE = 488, 38, 450, 102


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    # the document also names one path of the retired v3 API (``/api/v3/user``)
    v4 = {**document, "paths": {k: v for k, v in document["paths"].items() if k.startswith(PREFIX)}}
    documented = documented_gets(v4, PREFIX)
    assert len(documented) == DOCUMENTED
    assert declared_operations(OPERATIONS) == documented
    assert len(OPERATIONS.served) == SERVED
    assert all(item.reason for item in OPERATIONS.left_out)
    assert not any("not modelled" in item.reason for item in OPERATIONS.left_out)


def test_in_scope_operations_left_out_say_why_and_the_figure_is_honest():
    in_scope = [i for i in OPERATIONS.left_out if not i.reason.startswith("out of scope")]
    assert SERVED + len(in_scope) == IN_SCOPE
    served_families = {op.path.split("/")[3] for op in OPERATIONS.served if op.path.count("/") > 2}
    assert served_families >= {"merge_requests", "repository", "pipelines", "releases", "members"}
    out = {i.path for i in OPERATIONS.left_out if i.reason.startswith("out of scope")}
    assert "/projects/{id}/variables" in out, "CI secrets stay out"
    assert "/admin/ci/variables" in out


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(GitLabEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(document, PREFIX)


def test_coverage_reports_every_documented_get_served_or_left_out_and_routed():
    report = coverage("gitlab", GitLabEmulator)
    assert report.described
    assert report.documented == DOCUMENTED
    assert len(report.served) == SERVED
    assert len(report.left_out) == LEFT_OUT
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /projects/{id}/merge_requests"] == "list_merge_requests"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "gitlab"])
    assert text.exit_code == 0
    assert text.output.startswith(
        f"gitlab: {SERVED} of {DOCUMENTED} documented GET operations served, {LEFT_OUT} left out"
    )
