"""The GitLab emulator's declared surface against GitLab's own REST description.

- the operation table accounts for exactly the document's GET operations: the in-scope
  families served or left out with their own reason, every other family left out as out
  of scope;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage gitlab`` reports them served, routed to their handlers.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from werkzeug.test import Client

from brainhub.cli import main
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.gitlab import GitLabEmulator
from brainhub.sandbox.services.gitlab.operations import OPERATIONS
from brainhub.sandbox.services.gitlab.operations import SERVED as SERVED_OPS
from tests.support.conformance import declared_operations, documented_gets
from tests.support.gitlab_ids import real_path

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared/apis/gitlab/gitlab-openapi_v2.yaml"
PREFIX = "/api/v4"
pytestmark = pytest.mark.skipif(
    not DOCUMENT.exists(), reason="GitLab's REST description is kept outside the repository"
)

DOCUMENTED, SERVED, LEFT_OUT, IN_SCOPE = 488, 162, 326, 162


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
    assert SERVED >= 0.9 * IN_SCOPE
    served_families = {op.path.split("/")[3] for op in OPERATIONS.served if op.path.count("/") > 2}
    assert served_families >= {
        "merge_requests",
        "repository",
        "pipelines",
        "releases",
        "members",
        "jobs",
        "snippets",
        "wikis",
        "events",
    }
    assert {"/groups", "/groups/{id}", "/snippets", "/events"} <= {op.path for op in SERVED_OPS}
    out = {i.path for i in OPERATIONS.left_out if i.reason.startswith("out of scope")}
    assert "/projects/{id}/variables" in out, "CI secrets stay out"
    assert "/admin/ci/variables" in out
    assert "/projects/{id}/repository/archive" in out, "binary downloads stay out"


def test_every_served_get_answers_for_seeded_objects_and_404s_for_unknown_ones():
    emulator = GitLabEmulator(size="tiny", seed=1, generation=0, rate_limit=1_000_000)
    client, auth = Client(emulator), {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    required = {"/avatar": "email=a@example.com", "/repository/changelog": "version=1.0.0"}
    required |= {"/repository/merge_base": "refs=main", "/repository/compare": "from=a&to=b"}
    failures = []
    for operation in OPERATIONS.served:
        path = real_path(emulator, operation.path)
        query = "ref=main" if "/files/" in path else ""
        query = next((q for end, q in required.items() if path.endswith(end)), query)
        answer = client.get(f"{PREFIX}{path}?{query}", headers=auth)
        if answer.status_code not in (200, 302) or (
            answer.status_code == 302 and not answer.location
        ):
            failures.append(
                f"{operation.key}: {answer.status_code} {answer.get_data(as_text=True)}"
            )
    assert failures == []
    for unknown in (
        "/projects/9999/jobs",
        "/groups/9999/wikis",
        "/projects/101/merge_requests/999/approvals",
    ):
        answer = client.get(f"{PREFIX}{unknown}", headers=auth)
        assert answer.status_code == 404, unknown
        assert answer.get_json()["message"].startswith("404 ")


def test_shaped_lists_page_like_every_other_list_and_carry_the_paths_ids():
    emulator = GitLabEmulator(size="tiny", seed=1, generation=0)
    client, auth = Client(emulator), {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    project = emulator.data.projects[0]
    answer = client.get(f"{PREFIX}/projects/{project.id}/snippets", headers=auth)
    assert answer.headers["X-Total"] == "1"
    (snippet,) = answer.get_json()
    assert snippet["project_id"] == project.id
    assert snippet["author"]["username"] == emulator.data.users[0]["username"]
    one = client.get(f"{PREFIX}/projects/{project.id}/snippets/{snippet['id']}", headers=auth)
    assert one.get_json()["id"] == snippet["id"], "the listed id resolves to itself"
    branch = client.get(f"{PREFIX}/projects/{project.id}/protected_branches/main", headers=auth)
    assert branch.get_json()["name"] == "main"


def test_the_repository_tree_and_files_resolve_to_each_other():
    emulator = GitLabEmulator(size="tiny", seed=1, generation=0)
    client, auth = Client(emulator), {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    base = f"{PREFIX}/projects/{emulator.data.projects[0].id}/repository"
    tree = client.get(f"{base}/tree?recursive=true&per_page=100", headers=auth).get_json()
    blobs = [entry for entry in tree if entry["type"] == "blob"]
    assert {"README.md", "src/app.py"} <= {entry["path"] for entry in blobs}
    for entry in blobs:
        encoded = entry["path"].replace("/", "%2F")
        meta = client.get(f"{base}/files/{encoded}?ref=main", headers=auth).get_json()
        raw = client.get(f"{base}/blobs/{entry['id']}/raw", headers=auth)
        assert meta["blob_id"] == entry["id"]
        assert base64.b64decode(meta["content"]).decode() == raw.get_data(as_text=True)
    assert client.get(f"{base}/tree?path=nowhere", headers=auth).status_code == 404
    assert client.get(f"{base}/files/nowhere.md?ref=main", headers=auth).status_code == 404


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


def test_shaped_answers_take_gitlabs_types_where_its_description_differs():
    emulator = GitLabEmulator(size="tiny", seed=1, generation=0)
    client, auth = Client(emulator), {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    project = emulator.data.projects[0]
    iid = project.merge_requests[0]["iid"]
    changes = client.get(
        f"{PREFIX}/projects/{project.id}/merge_requests/{iid}/changes", headers=auth
    ).get_json()
    assert isinstance(changes["upvotes"], int)
    assert isinstance(changes["draft"], bool)
    assert isinstance(changes["assignees"], list)
    assert isinstance(changes["labels"], list)
    groups = client.get(f"{PREFIX}/projects/{project.id}/invited_groups", headers=auth).get_json()
    assert isinstance(groups[0]["id"], int)
    events = client.get(f"{PREFIX}/projects/{project.id}/events", headers=auth)
    assert isinstance(events.get_json(), list), "documented as one object, answered as a list"
    assert events.headers["X-Total"] == "1"
