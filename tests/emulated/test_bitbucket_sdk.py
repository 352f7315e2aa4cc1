"""atlassian-python-api's Bitbucket Cloud client, unchanged but for the server URL, reads
the emulated workspaces and gets what ``brainhub sandbox counts bitbucket`` says; and the
emulator's answers carry every key of Bitbucket's recorded responses.

The client lists workspaces through ``/user/workspaces`` (the replacement of the deprecated
``/workspaces``), then follows each object's ``links`` (repositories of a workspace,
pull requests, comments, diffstat), so links must lead back to the emulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from atlassian.bitbucket import Cloud
from requests.exceptions import HTTPError
from werkzeug.test import Client

from brainhub.sandbox.server import serve
from brainhub.sandbox.services.bitbucket import BitbucketEmulator
from brainhub.sandbox.services.bitbucket.emulator import USERNAME
from tests.support.bitbucket_reference import ABSENT_REASON, FIXTURES, load_fixture

SEED, SIZE, GENERATION = 2, "tiny", 1


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[BitbucketEmulator, str]]:
    emulator = BitbucketEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)
    with serve(emulator) as running:
        yield emulator, running.root_url


@pytest.fixture(scope="module")
def cloud(served: tuple[BitbucketEmulator, str]) -> Cloud:
    emulator, url = served
    return Cloud(url=url, username=USERNAME, password=emulator.app_password)


def test_the_client_reads_every_repository_and_its_objects(served, cloud: Cloud) -> None:
    emulator, _ = served
    counts = emulator.counts()
    workspaces = list(cloud.workspaces.each())
    assert len(workspaces) == counts["workspaces"]
    seen = dict.fromkeys(("repositories", "commits", "issues", "pipelines", "pulls"), 0)
    for workspace in workspaces:
        for repo in workspace.repositories.each():
            seen["repositories"] += 1
            seen["commits"] += len(list(repo.commits.each()))
            seen["pipelines"] += len(list(repo.pipelines.each()))
            seen["pulls"] += len(list(repo.pullrequests.each()))
            if repo.data["has_issues"]:
                seen["issues"] += len(list(repo.issues.each()))
    assert seen["repositories"] == counts["repositories"]
    assert seen["commits"] == counts["commits"]
    assert seen["issues"] == counts["issues"]
    assert seen["pipelines"] == counts["pipelines"]
    open_pulls = sum(
        1
        for repo in emulator.data.repositories.values()
        for pull in repo.pull_requests
        if pull["state"] == "OPEN"
    )
    assert seen["pulls"] == open_pulls, "without a state the client gets the open ones"


def test_the_client_reads_a_pull_request_its_comments_and_diffstat_and_comments(
    served, cloud: Cloud
) -> None:
    emulator, _ = served
    workspace = next(iter(cloud.workspaces.each()))
    repo = workspace.repositories.get("service-1")
    stored = emulator.data.repository(workspace.slug, "service-1")
    assert stored is not None
    pull = repo.pullrequests.get(1)
    assert pull.title == stored.pull_requests[0]["title"]
    before = [c.data["content"]["raw"] for c in pull.comments()]
    assert before == [c["content"]["raw"] for c in stored.pr_comments.get(1, [])]
    assert [d.data["type"] for d in pull.diffstat()], "diffstat follows the 302"
    posted = pull.comment("Reviewed in the sandbox")
    assert posted["content"]["raw"] == "Reviewed in the sandbox"
    after = [c.data["content"]["raw"] for c in repo.pullrequests.get(1).comments()]
    assert after == [*before, "Reviewed in the sandbox"]


def test_a_token_client_is_let_in_and_a_wrong_password_is_not(served) -> None:
    emulator, url = served
    token = Cloud(url=url, token=emulator.credentials["access_token"])
    assert [w.slug for w in token.workspaces.each()] == [
        w["slug"] for w in emulator.data.workspaces
    ]
    wrong = Cloud(url=url, username=USERNAME, password="not-the-app-password")
    with pytest.raises(HTTPError, match="Access token expired or invalid"):
        list(wrong.workspaces.each())


R = "/2.0/repositories/sandbox-team-1/service-1"
#: Each recorded response and the emulator request that answers the same question.
RECORDED = {
    "GET_workspaces.200.json": "/2.0/workspaces?pagelen=1",
    "GET_repositories-workspace.200.json": "/2.0/repositories/sandbox-team-1",
    "GET_repositories-pullrequests.200.json": R + "/pullrequests?state=OPEN&state=MERGED",
    "GET_repositories-pullrequest.200.json": R + "/pullrequests/1",
    "GET_repositories-pipelines.200.json": R + "/pipelines?sort=-created_on&page=1",
}


@pytest.mark.skipif(not FIXTURES.exists(), reason=ABSENT_REASON)
@pytest.mark.parametrize("fixture", sorted(RECORDED))
def test_answers_carry_every_key_of_the_recorded_response(fixture: str) -> None:
    emulator = BitbucketEmulator(seed=SEED, size="demo", generation=0)
    headers = {"Authorization": f"Bearer {emulator.credentials['access_token']}"}
    ours = Client(emulator).get(RECORDED[fixture], headers=headers).get_json()
    recorded = load_fixture(fixture)
    assert _keys(recorded) <= set(ours), "page envelope"
    assert sorted(_keys(_first(recorded)) - set(_first(ours))) == []


def _first(body: dict[str, Any]) -> dict[str, Any]:
    return body["values"][0] if "values" in body else body


def _keys(body: dict[str, Any]) -> set[str]:
    """Keys with a value: the emulator leaves an unset field out, as the document's
    schemas (none of them nullable) describe it, where the recording shows ``null``."""
    return {key for key, value in body.items() if value is not None}
