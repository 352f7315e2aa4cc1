"""Every GET operation of GitHub's REST description we hold (46), served, and the extras:
the issue writes (of which only "Remove a label from an issue" is not in that
description) and GraphQL.

Paths are GitHub's documented templates (``surface.json`` holds the derived table; a test
compares this one with the document). Handlers are methods of
:class:`~.app.GitHubEmulator`; lists page with :data:`PAGES` (``page``/``per_page`` and a
``Link`` header). ``SHAPED`` operations answer from the documented response shape, with
this organization's users and repositories, because the seeded store does not model
those objects: webhooks, GitHub Actions workflows, runs and jobs, deployments,
pull-request review comments and commit comments.
"""

from __future__ import annotations

from brainhub.sandbox.kit import SHAPED, LinkHeaderPages, Operation, OperationTable

#: GitHub pages lists 30 items at a time by default, at most 100.
PAGES = LinkHeaderPages(default=30, maximum=100)


def _get(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler)


def _list(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler, paging=PAGES)


def _write(method: str, path: str, handler: str) -> Operation:
    return Operation(method, path, handler, complete=False)


OPERATIONS = OperationTable(
    served=[
        # Users and organizations
        _get("/user", "get_authenticated_user"),
        _list("/user/repos", "authenticated_user_repos"),
        # another user is a ``public-user``: the document's first shape is the private one
        Operation("GET", "/users/{username}", "get_user", complete=False),
        _list("/users/{username}/repos", "user_repos"),
        _get("/orgs/{org}", "get_org"),
        _list("/orgs/{org}/repos", "org_repos"),
        _list("/orgs/{org}/members", "org_members"),
        _list("/orgs/{org}/teams", "org_teams"),
        _list("/orgs/{org}/teams/{team_slug}/members", "team_members"),
        _get("/orgs/{org}/hooks", SHAPED),
        _get("/rate_limit", "rate_limit"),
        # Search
        _list("/search/repositories", "search_repositories"),
        _list("/search/issues", "search_issues"),
        # Repositories
        _get("/repos/{owner}/{repo}", "get_repo"),
        _list("/repos/{owner}/{repo}/stargazers", "stargazers"),
        _list("/repos/{owner}/{repo}/contributors", "contributors"),
        _list("/repos/{owner}/{repo}/collaborators", "collaborators"),
        _list("/repos/{owner}/{repo}/assignees", "assignees"),
        _list("/repos/{owner}/{repo}/branches", "branches"),
        _list("/repos/{owner}/{repo}/tags", "tags"),
        _get("/repos/{owner}/{repo}/languages", "languages"),
        _get("/repos/{owner}/{repo}/readme", "readme"),
        # rendered whole: the documented payload is a oneOf the kit would fill from its
        # first branch (a CreateEvent) whatever the event is
        Operation("GET", "/repos/{owner}/{repo}/events", "repo_events", PAGES, complete=False),
        _get("/repos/{owner}/{repo}/hooks", SHAPED),
        # Issues, comments, labels, milestones
        _list("/repos/{owner}/{repo}/issues", "list_issues"),
        _get("/repos/{owner}/{repo}/issues/{issue_number}", "get_issue"),
        _list("/repos/{owner}/{repo}/issues/comments", "repo_comments"),
        _get("/repos/{owner}/{repo}/issues/comments/{comment_id}", "get_comment"),
        _list("/repos/{owner}/{repo}/issues/{issue_number}/comments", "issue_comments"),
        _list("/repos/{owner}/{repo}/issues/{issue_number}/labels", "issue_labels"),
        # rendered whole: each event carries only the fields of its kind
        Operation(
            "GET", "/repos/{owner}/{repo}/issues/events", "issue_events", PAGES, complete=False
        ),
        _list("/repos/{owner}/{repo}/labels", "list_labels"),
        _list("/repos/{owner}/{repo}/milestones", "list_milestones"),
        # Pull requests
        _list("/repos/{owner}/{repo}/pulls", "list_pulls"),
        _get("/repos/{owner}/{repo}/pulls/{pull_number}", "get_pull"),
        _list("/repos/{owner}/{repo}/pulls/{pull_number}/commits", "pull_commits"),
        _list("/repos/{owner}/{repo}/pulls/{pull_number}/reviews", "pull_reviews"),
        _get("/repos/{owner}/{repo}/pulls/comments", SHAPED),
        # Commits and releases
        _list("/repos/{owner}/{repo}/commits", "list_commits"),
        _get("/repos/{owner}/{repo}/commits/{ref}", "get_commit"),
        _get("/repos/{owner}/{repo}/comments", SHAPED),
        _list("/repos/{owner}/{repo}/releases", "list_releases"),
        # Actions and deployments
        _get("/repos/{owner}/{repo}/actions/workflows", SHAPED),
        _get("/repos/{owner}/{repo}/actions/runs", SHAPED),
        _get("/repos/{owner}/{repo}/actions/runs/{run_id}/jobs", SHAPED),
        _get("/repos/{owner}/{repo}/deployments", SHAPED),
    ],
    extra=[
        # Writes (see writes.py): answers are the documented objects, not completed
        _write("POST", "/repos/{owner}/{repo}/issues", "create_issue"),
        _write("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", "update_issue"),
        _write("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "add_labels"),
        _write("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "set_labels"),
        _write("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "remove_all_labels"),
        # not in the description we hold: GitHub's "Remove a label from an issue"
        # (200 with the labels left; 404 "Label does not exist")
        _write(
            "DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", "remove_label"
        ),
        _write("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "create_comment"),
        _write("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "update_comment"),
        _write("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "delete_comment"),
        # GitHub's GraphQL API over the same store (see graph.py)
        Operation("POST", "/graphql", "graphql", complete=False),
        # not in the description we hold; the release stream's tests read single releases
        _get("/repos/{owner}/{repo}/releases/{release_id}", "get_release"),
    ],
)
