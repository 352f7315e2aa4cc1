"""GitHub's GraphQL API on the emulator, asked with plain ``requests`` as a script would:
the same objects as the REST side (totals equal ``brainhub sandbox counts github``),
cursor paging with ``first``/``after``, ids shared with REST through ``node(id)``, and
GitHub's error shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.github import GitHubEmulator

SEED, SIZE, GENERATION = 2, "tiny", 1
ORG = "octo-sandbox"

REPOSITORY = """
query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    nameWithOwner
    issues(first: 1) { totalCount }
    pullRequests(first: 1) { totalCount }
    labels(first: 1) { totalCount }
    milestones(first: 1) { totalCount }
  }
}
"""

ISSUE_PAGE = """
query($name: String!, $after: String) {
  repository(owner: "octo-sandbox", name: $name) {
    issues(first: 4, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id number title state comments(first: 1) { totalCount } }
    }
  }
}
"""


@pytest.fixture(scope="module")
def emulator() -> GitHubEmulator:
    return GitHubEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)


@pytest.fixture(scope="module")
def post(emulator: GitHubEmulator) -> Iterator[Any]:
    headers = {"Authorization": f"bearer {emulator.credentials['api_token']}"}
    with serve(emulator) as served, requests.Session() as http:

        def call(query: str, **variables: Any) -> dict[str, Any]:
            url = served.root_url.rstrip("/") + "/graphql"
            response = http.post(
                url, json={"query": query, "variables": variables}, headers=headers
            )
            assert response.status_code == 200, response.text
            assert response.headers["Content-Type"] == "application/json; charset=utf-8"
            return response.json()

        call.rest = lambda path: http.get(served.root_url.rstrip("/") + path, headers=headers)
        yield call


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    args = ["sandbox", "counts", "github", "--seed", str(SEED), "--size", SIZE]
    result = CliRunner().invoke(main, [*args, "--generation", str(GENERATION)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_totals_equal_the_counts_command(post, counts):
    org = post(
        '{ organization(login: "octo-sandbox") { repositories(first: 100) { '
        "totalCount nodes { name } } } }"
    )["data"]["organization"]["repositories"]
    assert org["totalCount"] == counts["repositories"]
    totals = {"issues": 0, "pullRequests": 0, "labels": 0, "milestones": 0}
    for node in org["nodes"]:
        repo = post(REPOSITORY, owner=ORG, name=node["name"])["data"]["repository"]
        for name in totals:
            totals[name] += repo[name]["totalCount"]
    assert totals == {
        "issues": counts["issues"],
        "pullRequests": counts["pull_requests"],
        "labels": counts["labels"],
        "milestones": counts["milestones"],
    }


def test_cursor_paging_reads_every_issue_once_as_rest_lists_them(post):
    numbers: list[int] = []
    after = None
    while True:
        page = post(ISSUE_PAGE, name="api", after=after)["data"]["repository"]["issues"]
        numbers += [node["number"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(numbers) == len(set(numbers)) == page["totalCount"]
    rest = post.rest(f"/repos/{ORG}/api/issues?state=all&per_page=100").json()
    assert sorted(numbers) == sorted(i["number"] for i in rest if "pull_request" not in i)


def test_ids_are_the_rest_node_ids_and_resolve_through_node(post, emulator):
    issue = post.rest(f"/repos/{ORG}/api/issues/1").json()
    found = post(
        "query($id: ID!) { node(id: $id) { __typename id ... on Issue { number title } } }",
        id=issue["node_id"],
    )["data"]["node"]
    assert found == {
        "__typename": "Issue",
        "id": issue["node_id"],
        "number": 1,
        "title": issue["title"],
    }
    viewer = post("{ viewer { login databaseId } }")["data"]["viewer"]
    me = post.rest("/user").json()
    assert viewer == {"login": me["login"], "databaseId": me["id"]}
    assert me["id"] == emulator.data.users[0].id


def test_githubs_error_shapes(post):
    missing = post('{ repository(owner: "octo-sandbox", name: "nope") { id } }')
    assert missing["data"] == {"repository": None}
    assert missing["errors"][0]["type"] == "NOT_FOUND"
    assert missing["errors"][0]["path"] == ["repository"]
    assert missing["errors"][0]["message"] == (
        "Could not resolve to a Repository with the name 'octo-sandbox/nope'."
    )
    unknown = post("{ viewer { nope } }")
    assert "data" not in unknown
    assert unknown["errors"][0]["message"] == "Field 'nope' doesn't exist on type 'User'"
    assert unknown["errors"][0]["extensions"]["code"] == "undefinedField"
    broken = post("{ viewer { login ")
    assert broken["errors"][0]["message"].startswith("Parse error")
    assert broken["errors"][0]["locations"] == [{"line": 1, "column": 18}]
    unbounded = post('{ repository(owner: "octo-sandbox", name: "api") { issues { totalCount } } }')
    assert unbounded["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    too_many = post(
        '{ repository(owner: "octo-sandbox", name: "api") { issues(first: 101) { totalCount } } }'
    )
    assert too_many["errors"][0]["message"] == (
        "Requesting 101 records on the `issues` connection exceeds the `first` limit of 100 "
        "records."
    )
    bad_cursor = post(ISSUE_PAGE, name="api", after="not-a-cursor")
    assert bad_cursor["errors"][0]["type"] == "INVALID_CURSOR_ARGUMENTS"
