"""Property-based conformance with Bitbucket Cloud's own document (schemathesis).

For every GET operation the emulator serves, schemathesis generates requests from the
document (Swagger 2.0); path values are real ones of the seeded data. Each answer must
have a documented status, the documented content type and a body valid against the
documented schema, and never a 5xx.
"""

from __future__ import annotations

from typing import Any

import pytest
from schemathesis.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance

from brainhub.sandbox.services.bitbucket import BitbucketEmulator
from tests.support.bitbucket_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

#: Operations answering raw text (Bitbucket's ``text/plain``), which the document writes
#: under its global ``application/json``.
RAW_TEXT = {
    "/repositories/{workspace}/{repo_slug}/diff/{spec}",
    "/repositories/{workspace}/{repo_slug}/patch/{spec}",
    "/snippets/{workspace}/{encoded_id}/{node_id}/files/{path}",
    "/snippets/{workspace}/{encoded_id}/{revision}/diff",
    "/snippets/{workspace}/{encoded_id}/{revision}/patch",
}
#: The document's task definitions cannot be met: a branch of their ``allOf`` forbids
#: additional properties its base (``task``) defines, so no answer (Bitbucket's own
#: included) validates; an issue's watch documents a body for its bodiless 204.
#: Their status and content type are still checked.
UNSATISFIABLE = {
    "/repositories/{workspace}/{repo_slug}/issues/{issue_id}/watch",
    "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/tasks",
    "/repositories/{workspace}/{repo_slug}/pullrequests/{pull_request_id}/tasks/{task_id}",
}
EMULATOR = BitbucketEmulator(size="tiny", generation=1, rate_limit=1_000_000)
schema = (
    served_schema("bitbucket", BitbucketEmulator, load_document(), PREFIX, EXAMPLES_PER_OPERATION)
    if DOCUMENT.exists()
    else None
)


def real_path_values() -> dict[str, Any]:
    """A real value for every path parameter of a served operation."""
    repo = next(r for r in EMULATOR.data.repositories.values() if r.record["has_issues"])
    pull = next(p for p in repo.pull_requests if repo.pr_comments.get(p["id"]))
    issue = next(i for i in repo.issues if repo.issue_comments.get(i["id"]))
    pipeline = repo.pipelines[0]
    return {
        "workspace": repo.workspace,
        "repo_slug": repo.slug,
        "pull_request_id": pull["id"],
        "issue_id": issue["id"],
        "comment_id": 1,
        "commit": repo.commits[0]["hash"],
        "revision": repo.commits[-1]["hash"],
        "spec": f"{repo.commits[-1]['hash']}..{repo.commits[0]['hash']}",
        "name": "main",
        "pipeline_uuid": pipeline["uuid"],
        "step_uuid": "{5" + pipeline["uuid"][2:],
        "selected_user": EMULATOR.data.users[0]["uuid"],
        "member": EMULATOR.data.members[repo.workspace][0]["uuid"],
        "revspec": f"{repo.commits[-1]['hash']}..{repo.commits[0]['hash']}",
        "project_key": repo.record["project"]["key"],
        "log_uuid": "{5" + pipeline["uuid"][2:],
        # a directory: its answer is the documented page of entries (a file's is raw text)
        "path": "src",
        "username": repo.workspace,
    }


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        real = real_path_values()
        case.path_parameters = {
            name: real.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
        # BBQL is tested on its own (an invalid one answers 400, which the document omits)
        case.query = {k: v for k, v in (case.query or {}).items() if k not in ("q", "sort")}
        case.headers = {
            **(case.headers or {}),
            "Authorization": f"Bearer {EMULATOR.credentials['access_token']}",
        }
        # paging bounds are tested on their own (a page below 1 answers 400, undocumented)
        case.query = {
            k: v
            for k, v in case.query.items()
            if k not in ("page", "pagelen") or (isinstance(v, int) and v > 0)
        }
        # the document declares JSON for every answer; raw files, diffs and patches are text
        text = case.operation.path in RAW_TEXT
        checks = [c for c in CHECKS if c is not content_type_conformance] if text else CHECKS
        if case.operation.path in UNSATISFIABLE:
            checks = [c for c in checks if c is not response_schema_conformance]
        case.call_and_validate(base_url=served.root_url + "/2.0", session=session, checks=checks)
