"""PyGithub, unchanged but for ``base_url``, reads the emulated organization and gets
what ``brainhub sandbox counts github`` says: repositories of the organization, issues
and pull requests (paged with the ``Link`` header, ``state=all``), issue comments,
labels, milestones, commits and releases; and single objects by id."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from github import Auth, Github, GithubException, UnknownObjectException

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.github import GitHubEmulator

SEED, SIZE, GENERATION = 3, "demo", 1
ORG = "octo-sandbox"


@pytest.fixture(scope="module")
def emulator() -> GitHubEmulator:
    return GitHubEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)


@pytest.fixture(scope="module")
def gh(emulator: GitHubEmulator) -> Iterator[Github]:
    with serve(emulator) as served:
        client = Github(
            auth=Auth.Token(emulator.credentials["api_token"]),
            base_url=served.root_url.rstrip("/"),
            per_page=100,
            retry=None,
            seconds_between_requests=None,
        )
        yield client
        client.close()


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    args = ["sandbox", "counts", "github", "--seed", str(SEED), "--size", SIZE]
    result = CliRunner().invoke(main, [*args, "--generation", str(GENERATION)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_sdk_lists_what_the_counts_command_says(gh: Github, counts: dict[str, int]):
    org = gh.get_organization(ORG)
    repos = list(org.get_repos())
    assert len(repos) == counts["repositories"] == org.get_repos().totalCount
    issues = pulls = comments = labels = milestones = commits = releases = 0
    for repo in repos:
        listed = list(repo.get_issues(state="all"))
        issues += sum(1 for i in listed if i.pull_request is None)
        pulls += len(list(repo.get_pulls(state="all")))
        comments += len(list(repo.get_issues_comments()))
        labels += len(list(repo.get_labels()))
        milestones += len(list(repo.get_milestones(state="all")))
        commits += repo.get_commits().totalCount
        releases += len(list(repo.get_releases()))
    assert issues == counts["issues"]
    assert pulls == counts["pull_requests"]
    assert comments == counts["issue_comments"]
    assert labels == counts["labels"]
    assert milestones == counts["milestones"]
    assert commits == counts["commits"]
    assert releases == counts["releases"]


def test_paging_follows_the_link_header_page_by_page(gh: Github, emulator: GitHubEmulator):
    small = Github(
        auth=Auth.Token(emulator.credentials["api_token"]),
        base_url=gh.requester.base_url,
        per_page=7,
        seconds_between_requests=None,
    )
    repo = small.get_repo(f"{ORG}/api")
    issues = repo.get_issues(state="all")
    numbers = [i.number for i in issues]
    expected = sum(1 for i in emulator.data.repos[0].issues)
    assert len(numbers) == len(set(numbers)) == expected
    assert numbers == sorted(numbers, reverse=True), "newest first, as GitHub lists them"
    small.close()


def test_single_objects_resolve_and_agree_with_the_lists(gh: Github, emulator: GitHubEmulator):
    repo = gh.get_repo(f"{ORG}/api")
    assert repo.full_name == f"{ORG}/api"
    assert repo.organization.login == ORG
    pull = repo.get_pulls(state="all")[0]
    same = repo.get_pull(pull.number)
    assert (same.id, same.title, same.merged) == (pull.id, pull.title, pull.merged_at is not None)
    assert same.commits == len(list(same.get_commits()))
    review = next(iter(same.get_reviews()))
    assert review.user.login != same.user.login, "reviewed by another member"
    assert review.state == ("APPROVED" if same.merged else review.state)
    assert review.submitted_at >= same.created_at
    issue = repo.get_issue(1)
    assert issue.comments == len(list(issue.get_comments()))
    assert [label.name for label in issue.labels] == [label.name for label in issue.get_labels()]
    me = gh.get_user()
    assert me.login == emulator.data.users[0].login
    assert gh.get_user(emulator.data.users[1].login).id == emulator.data.users[1].id
    assert {m.login for m in gh.get_organization(ORG).get_members()} == {
        u.login for u in emulator.data.users
    }
    commit = repo.get_commit(repo.get_commits()[0].sha)
    assert commit.stats.total == commit.stats.additions + commit.stats.deletions
    assert "main" in {b.name for b in repo.get_branches()}
    assert repo.get_languages()
    assert repo.get_readme().decoded_content.startswith(b"# api")


def test_search_finds_the_organizations_issues(gh: Github, counts: dict[str, int]):
    found = gh.search_issues("is:issue", org=ORG)
    assert found.totalCount == counts["issues"]
    assert all(item.pull_request is None for item in found[:5])


def test_unknown_objects_are_the_sdks_not_found(gh: Github):
    with pytest.raises(UnknownObjectException):
        gh.get_repo(f"{ORG}/no-such-repository")
    with pytest.raises(GithubException) as caught:
        gh.get_repo(f"{ORG}/api").get_issue(99_999)
    assert caught.value.status == 404
