"""The Bitbucket emulator's declared surface against Bitbucket's own document.

- the operation table accounts for exactly the document's GET operations: the read
  surface in scope is served, the rest left out with a reason;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage bitbucket`` reports the figures, routed to their handlers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from werkzeug.test import Client

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
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(
        document, PREFIX, omit_deep=True
    )


def test_coverage_reports_the_served_and_left_out_figures():
    report = coverage("bitbucket", BitbucketEmulator)
    assert report.described
    assert report.documented == 170
    assert len(report.served) == 91
    assert len(report.left_out) == 79
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /repositories/{workspace}/{repo_slug}/pullrequests"] == (
        "list_pull_requests"
    )
    text = CliRunner().invoke(main, ["sandbox", "coverage", "bitbucket"])
    assert text.exit_code == 0
    assert text.output.startswith(
        "bitbucket: 91 of 170 documented GET operations served, 79 left out"
    )


EMULATOR = BitbucketEmulator(size="tiny", generation=1, rate_limit=1_000_000)
AUTH = {"Authorization": f"Bearer {EMULATOR.credentials['access_token']}"}
_PARAMETER = re.compile(r"\{([^{}/]+)\}")


def seeded_values() -> dict[str, str]:
    """A value of the seeded data for every path parameter of a served operation (objects
    the store does not keep — tags, snippets, deployments — take any name)."""
    repo = next(r for r in EMULATOR.data.repositories.values() if r.record["has_issues"])
    pipeline = repo.pipelines[0]
    newest, oldest = repo.commits[-1]["hash"], repo.commits[0]["hash"]
    step = "{5" + pipeline["uuid"][2:]
    return {
        "workspace": repo.workspace,
        "repo_slug": repo.slug,
        "pull_request_id": str(repo.pull_requests[0]["id"]),
        "issue_id": str(repo.issues[0]["id"]),
        "commit": newest,
        "revision": newest,
        "spec": f"{newest[:12]}..{oldest[:12]}",
        "revspec": f"{newest[:12]}..{oldest[:12]}",
        "name": "main",
        "pipeline_uuid": pipeline["uuid"],
        "step_uuid": step,
        "log_uuid": step,
        "selected_user": EMULATOR.data.users[0]["uuid"],
        "member": EMULATOR.data.members[repo.workspace][0]["uuid"],
        "project_key": repo.record["project"]["key"],
        "path": "README.md",
        "comment_id": "1",
        "username": repo.workspace,
    }


def _url(template: str, values: dict[str, str]) -> str:
    return "/2.0" + _PARAMETER.sub(lambda m: values.get(m.group(1), "item1"), template)


@pytest.mark.parametrize("operation", OPERATIONS.served, ids=lambda op: op.path)
def test_every_served_get_answers_for_seeded_objects(operation):
    url = _url(operation.path, seeded_values())
    if operation.path.endswith("/search/code"):
        url += "?search_query=main"
    answer = Client(EMULATOR).get(url, headers=AUTH)
    assert answer.status_code in (200, 204, 302), answer.get_data(as_text=True)
    if answer.status_code == 200 and answer.mimetype == "application/json":
        body = answer.get_json()
        assert isinstance(body, dict)
        assert body.get("type") != "error"


#: Path values naming nothing the store keeps, each answered 404 where it appears.
UNKNOWN = {
    "workspace": "no-such-workspace",
    "repo_slug": "no-such-repo",
    "pull_request_id": "999999",
    "issue_id": "999999",
    "commit": "0000000deadbeef",
    "pipeline_uuid": "{00000000-0000-0000-0000-000000000000}",
    "selected_user": "{00000000-0000-0000-0000-000000000000}",
    "project_key": "NOPE",
    "spec": "0000000deadbeef..0000000feedbee",
    "revspec": "0000000deadbeef..0000000feedbee",
    "step_uuid": "{00000000-0000-0000-0000-000000000001}",
    "log_uuid": "{00000000-0000-0000-0000-000000000002}",
    "username": "no-such-team",
}

UNKNOWN_CASES = [
    pytest.param(operation, name, id=f"{operation.path} {name}")
    for operation in OPERATIONS.served
    for name in _PARAMETER.findall(operation.path)
    if name in UNKNOWN
]


@pytest.mark.parametrize(("operation", "name"), UNKNOWN_CASES)
def test_unknown_ids_answer_bitbuckets_404(operation, name):
    values = {**seeded_values(), name: UNKNOWN[name]}
    answer = Client(EMULATOR).get(_url(operation.path, values) + "?search_query=x", headers=AUTH)
    assert answer.status_code == 404, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["type"] == "error"
    assert body["error"]["message"]


def test_files_diffs_and_patches_are_text_of_the_seeded_repository():
    values = seeded_values()
    client = Client(EMULATOR)
    base = f"/2.0/repositories/{values['workspace']}/{values['repo_slug']}"
    readme = client.get(f"{base}/src/main/README.md", headers=AUTH)
    assert readme.mimetype == "text/plain"
    assert readme.get_data(as_text=True).startswith(f"# {values['repo_slug']}")
    nested = client.get(f"{base}/src/main/src/{values['repo_slug']}/module_0.py", headers=AUTH)
    assert nested.get_data(as_text=True).startswith("def main()")  # a path spans segments
    listing = client.get(f"{base}/src/{values['commit']}/src", headers=AUTH).get_json()
    assert [v["path"] for v in listing["values"]] == [f"src/{values['repo_slug']}"]
    diffstat = client.get(f"{base}/diffstat/{values['spec']}", headers=AUTH).get_json()
    diff = client.get(f"{base}/diff/{values['spec']}", headers=AUTH)
    assert diff.mimetype == "text/plain"
    changed = [v["new"]["path"] for v in diffstat["values"]]
    assert [
        line[len("+++ b/") :]
        for line in diff.get_data(as_text=True).splitlines()
        if line.startswith("+++ b/")
    ] == changed
    patch = client.get(f"{base}/patch/{values['spec']}", headers=AUTH).get_data(as_text=True)
    assert patch.startswith("From ")
    assert "Subject: [PATCH]" in patch
    moved = client.get(f"{base}/pullrequests/{values['pull_request_id']}/diff", headers=AUTH)
    assert moved.status_code == 302
    assert "/diff/" in moved.headers["Location"]


def test_shaped_neighbours_carry_their_type_and_the_paths_ids():
    values = seeded_values()
    client = Client(EMULATOR)
    base = f"/2.0/repositories/{values['workspace']}/{values['repo_slug']}"
    milestone = client.get(f"{base}/milestones/7", headers=AUTH).get_json()
    assert (milestone["type"], milestone["id"]) == ("milestone", 7)
    tags = client.get(f"{base}/refs/tags", headers=AUTH).get_json()
    assert tags["values"][0]["target"]["type"] == "commit"
    assert tags["values"][0]["target"]["hash"] == values["commit"]
    project = client.get(
        f"/2.0/workspaces/{values['workspace']}/projects/{values['project_key']}", headers=AUTH
    ).get_json()
    assert project["key"] == values["project_key"]
    assert project["type"] == "project"


def test_code_search_finds_the_lines_of_the_seeded_files():
    values = seeded_values()
    answer = (
        Client(EMULATOR)
        .get(
            f"/2.0/workspaces/{values['workspace']}/search/code?search_query=MAKE TEST",
            headers=AUTH,
        )
        .get_json()
    )
    paths = {v["file"]["path"] for v in answer["values"]}
    assert paths == {"bitbucket-pipelines.yml"}
    (match,) = answer["values"][0]["content_matches"][0]["lines"]
    assert [s["text"] for s in match["segments"] if s["match"]] == ["make test"]
    missing = Client(EMULATOR).get(
        f"/2.0/workspaces/{values['workspace']}/search/code", headers=AUTH
    )
    assert missing.status_code == 400
