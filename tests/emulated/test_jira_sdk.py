"""The most-used Python clients of Jira, unchanged but for the server URL, read the
emulated site and get what ``brainhub sandbox counts jira`` says.

- ``jira`` (pycontribs) speaks REST v2: it reads ``serverInfo`` when it connects, then
  searches with ``/search/jql`` tokens (``maxResults=False`` fetches every page), reads
  issues, comments, worklogs and projects, and boards and sprints through the agile API;
- ``atlassian-python-api`` (``Jira`` set to API version 3, and its ``JiraCloud``) speaks
  REST v3: it pages JQL with ``nextPageToken``, reads an issue with ADF rich text and
  lists projects.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from atlassian import Jira, JiraCloud
from click.testing import CliRunner
from jira import JIRA, JIRAError

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.jira import JiraEmulator

SEED, SIZE, GENERATION = 3, "tiny", 1
EVERY_ISSUE = "project IS NOT EMPTY ORDER BY key ASC"


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    emulator = JiraEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)
    with serve(emulator) as running:
        yield emulator, running.root_url


@pytest.fixture(scope="module")
def pycontribs(served) -> Iterator[JIRA]:
    emulator, url = served
    creds = emulator.credentials
    client = JIRA(server=url, basic_auth=(creds["email"], creds["api_token"]))
    yield client
    client.close()


@pytest.fixture(scope="module")
def cloud(served) -> JiraCloud:
    emulator, url = served
    creds = emulator.credentials
    return JiraCloud(url, username=creds["email"], password=creds["api_token"], api_version=3)


@pytest.fixture(scope="module")
def legacy(served) -> Jira:
    emulator, url = served
    creds = emulator.credentials
    return Jira(
        url, username=creds["email"], password=creds["api_token"], cloud=True, api_version=3
    )


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    options = ["--seed", str(SEED), "--size", SIZE, "--generation", str(GENERATION)]
    result = CliRunner().invoke(main, ["sandbox", "counts", "jira", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# ---------------------------------------------------------------- jira (pycontribs), REST v2


def test_the_client_connects_to_a_cloud_site(pycontribs):
    info = pycontribs.server_info()
    assert info["deploymentType"] == "Cloud"
    assert pycontribs.myself()["emailAddress"]


def test_search_issues_pages_through_every_issue(pycontribs, counts):
    everything = pycontribs.search_issues(EVERY_ISSUE, maxResults=False)
    assert len(everything) == counts["issues"]
    assert len({issue.key for issue in everything}) == counts["issues"]
    first_page = pycontribs.search_issues(EVERY_ISSUE, maxResults=4)
    assert [i.key for i in first_page] == [i.key for i in everything[:4]]
    assert first_page.nextPageToken


def test_v2_issues_carry_wiki_markup_and_comments_and_worklogs_add_up(pycontribs, counts):
    everything = pycontribs.search_issues(EVERY_ISSUE, maxResults=False, fields="summary")
    comments = worklogs = 0
    for found in everything:
        comments += len(pycontribs.comments(found.key))
        worklogs += len(pycontribs.worklogs(found.key))
    assert comments == counts["issue_comments"]
    assert worklogs == counts["issue_worklogs"]
    issue = pycontribs.issue(everything[0].key, expand="changelog")
    assert isinstance(issue.fields.description, str)
    assert issue.fields.description.startswith(f"What to do for {issue.key}")
    assert issue.fields.status.name
    assert issue.changelog.total == len(issue.changelog.histories)


def test_projects_boards_and_sprints(pycontribs, counts):
    projects = pycontribs.projects()
    assert len(projects) == counts["projects"]
    assert pycontribs.project(projects[0].key).lead.displayName
    boards = pycontribs.boards(maxResults=False)
    assert len(boards) == counts["boards"]
    sprints = [
        sprint
        for board in boards
        if board.type == "scrum"
        for sprint in pycontribs.sprints(board.id, maxResults=False)
    ]
    assert len(sprints) == counts["sprints"]
    assert {s.state for s in sprints} <= {"closed", "active", "future"}


def test_a_missing_issue_is_a_jira_error_with_jiras_text(pycontribs):
    with pytest.raises(JIRAError) as caught:
        pycontribs.issue("NOPE-1")
    assert caught.value.status_code == 404
    assert "Issue does not exist or you do not have permission to see it." in caught.value.text


# ---------------------------------------------------------------- atlassian-python-api, REST v3


def test_enhanced_jql_pages_every_issue_with_page_tokens(cloud, counts):
    issues = cloud.enhanced_jql_get_list_of_tickets(EVERY_ISSUE, fields="summary,status")
    assert len(issues) == counts["issues"]
    page = cloud.enhanced_jql(EVERY_ISSUE, fields="summary", limit=5)
    assert len(page["issues"]) == 5
    following = cloud.enhanced_jql(
        EVERY_ISSUE, fields="summary", limit=5, nextPageToken=page["nextPageToken"]
    )
    assert following["issues"][0]["key"] == issues[5]["key"]


def test_v3_issue_and_projects(cloud, counts):
    key = cloud.enhanced_jql(EVERY_ISSUE, fields="summary", limit=1)["issues"][0]["key"]
    issue = cloud.get_issue(key)
    assert issue["key"] == key
    assert issue["fields"]["description"]["type"] == "doc"
    assert issue["self"].endswith(f"/rest/api/3/issue/{issue['id']}")
    projects = cloud.get_all_projects()
    assert len(projects) == counts["projects"]


def test_the_compatibility_client_at_api_version_3(legacy, counts):
    first = legacy.jql(EVERY_ISSUE, fields="summary", limit=3)
    keys = legacy.enhanced_jql(EVERY_ISSUE, fields="key", limit=3)["issues"]
    assert [i["key"] for i in first["issues"]] == [i["key"] for i in keys]
    issues, token = list(first["issues"]), first.get("nextPageToken")
    while token:
        page = legacy.enhanced_jql(EVERY_ISSUE, fields="summary", limit=3, nextPageToken=token)
        issues += page["issues"]
        token = page.get("nextPageToken")
    assert len(issues) == counts["issues"]
    issue = legacy.issue(issues[0]["key"])
    assert issue["fields"]["description"]["type"] == "doc"
    assert len(legacy.projects()) == counts["projects"]
