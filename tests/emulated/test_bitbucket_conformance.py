"""Property-based conformance with Bitbucket Cloud's own document (schemathesis).

For every GET operation the emulator serves, schemathesis generates requests from the
document (Swagger 2.0); path values are real ones of the seeded data. Each answer must
have a documented status, the documented content type and a body valid against the
documented schema, and never a 5xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox.server import serve
from brainhub.sandbox.services.bitbucket import BitbucketEmulator
from tests.support.bitbucket_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

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
    }


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    with serve(EMULATOR) as running:
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


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
        case.call_and_validate(base_url=served.root_url + "/2.0", session=session, checks=CHECKS)
