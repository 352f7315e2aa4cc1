"""GitHub REST response objects, shaped like the schemas of GitHub's OpenAPI description
(``simple-user``, ``repository``, ``issue``, ``pull-request-simple``, ``issue-comment``,
``commit``, ``release``, ``label``, ``milestone``).

URLs are rendered with ``https://api.github.com`` and ``https://github.com``; the emulator
answers API URLs with its own address (as a GitHub Enterprise server does), so clients
that follow them stay on the emulator.
"""

from __future__ import annotations

import base64
from typing import Any

from brainhub.sandbox.services.github.dataset import (
    ORG_ID,
    ORG_LOGIN,
    Comment,
    Commit,
    Issue,
    Label,
    Milestone,
    Release,
    Repository,
    User,
)
from brainhub.sandbox.services.github.sizes import iso

API = "https://api.github.com"
WEB = "https://github.com"


def node_id(kind: str, number: int) -> str:
    """A GraphQL node id like GitHub's legacy ones (base64 of ``0N:Kind<id>``)."""
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode().rstrip("=")


def user(person: User, kind: str = "User") -> dict[str, Any]:
    """A ``simple-user``."""
    login = person.login
    base = f"{API}/users/{login}"
    return {
        "login": login,
        "id": person.id,
        "node_id": node_id(kind, person.id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{person.id}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"{WEB}/{login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": kind,
        "user_view_type": "public",
        "site_admin": False,
    }


def organization() -> dict[str, Any]:
    """The sandbox organization as a repository owner."""
    return user(User(ORG_ID, ORG_LOGIN), kind="Organization")


_REPO_URLS = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def repository(repo: Repository) -> dict[str, Any]:
    """A ``repository`` (a superset of the ``minimal-repository`` the list endpoints use)."""
    url = f"{API}/repos/{repo.full_name}"
    open_issues = sum(1 for i in repo.issues if i.state == "open")
    data: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": organization(),
        "html_url": f"{WEB}/{repo.full_name}",
        "description": repo.description,
        "fork": False,
        "url": url,
        **{key: url + suffix for key, suffix in _REPO_URLS.items()},
        "git_url": f"git://github.com/{repo.full_name}.git",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "clone_url": f"{WEB}/{repo.full_name}.git",
        "svn_url": f"{WEB}/{repo.full_name}",
        "mirror_url": None,
        "homepage": None,
        "language": repo.language,
        "size": 100 + len(repo.commits) * 7,
        "stargazers_count": repo.id % 97,
        "watchers_count": repo.id % 97,
        "forks_count": repo.id % 5,
        "open_issues_count": open_issues,
        "forks": repo.id % 5,
        "open_issues": open_issues,
        "watchers": repo.id % 97,
        "default_branch": "main",
        "topics": ["sandbox"],
        "has_issues": repo.has_issues,
        "has_projects": True,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "is_template": False,
        "visibility": "private" if repo.private else "public",
        "license": None,
        "allow_forking": True,
        "web_commit_signoff_required": False,
        "pushed_at": iso(repo.pushed_at),
        "created_at": iso(repo.created_at),
        "updated_at": iso(repo.updated_at),
        "custom_properties": {},
        "permissions": {
            "admin": True,
            "maintain": True,
            "push": True,
            "triage": True,
            "pull": True,
        },
    }
    return data


def label(repo: Repository, item: Label) -> dict[str, Any]:
    """A ``label``."""
    return {
        "id": item.id,
        "node_id": node_id("Label", item.id),
        "url": f"{API}/repos/{repo.full_name}/labels/{item.name.replace(' ', '%20')}",
        "name": item.name,
        "color": item.color,
        "default": item.default,
        "description": item.description,
    }


def milestone(repo: Repository, item: Milestone, users: list[User]) -> dict[str, Any]:
    """A ``milestone`` with its open and closed issue counts."""
    issues = [i for i in repo.issues if i.milestone == item.number]
    return {
        "url": f"{API}/repos/{repo.full_name}/milestones/{item.number}",
        "html_url": f"{WEB}/{repo.full_name}/milestone/{item.number}",
        "labels_url": f"{API}/repos/{repo.full_name}/milestones/{item.number}/labels",
        "id": item.id,
        "node_id": node_id("Milestone", item.id),
        "number": item.number,
        "state": item.state,
        "title": item.title,
        "description": item.description,
        "creator": user(users[item.creator]),
        "open_issues": sum(1 for i in issues if i.state == "open"),
        "closed_issues": sum(1 for i in issues if i.state == "closed"),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "closed_at": iso(item.closed_at) if item.closed_at else None,
        "due_on": iso(item.due_on),
    }


def _association(index: int) -> str:
    return "OWNER" if index == 0 else "MEMBER"


def _state_reason(item: Issue) -> str | None:
    """``completed`` for a closed issue unless a write gave another reason; ``reopened``
    for one a write opened again."""
    if item.state == "closed":
        return item.state_reason or "completed"
    return item.state_reason if item.state_reason == "reopened" else None


def issue(
    repo: Repository,
    item: Issue,
    users: list[User],
    milestones: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An ``issue``; pull requests carry a ``pull_request`` object, as GitHub sends them
    (``milestones``: the repository's milestones rendered by number, when the caller
    renders many issues)."""
    url = f"{API}/repos/{repo.full_name}/issues/{item.number}"
    labels = {entry.name: entry for entry in repo.labels}
    marker = repo.milestones[item.milestone - 1] if item.milestone else None
    data: dict[str, Any] = {
        "url": url,
        "repository_url": f"{API}/repos/{repo.full_name}",
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{WEB}/{repo.full_name}/{'pull' if item.is_pull else 'issues'}/{item.number}",
        "id": item.id,
        "node_id": node_id("Issue", item.id),
        "number": item.number,
        "title": item.title,
        "user": user(users[item.user]),
        "labels": [label(repo, labels[name]) for name in item.labels],
        "state": item.state,
        "state_reason": _state_reason(item),
        "locked": False,
        "assignee": user(users[item.assignee]) if item.assignee is not None else None,
        "assignees": [user(users[index]) for index in item.assignee_indices],
        "milestone": _milestone_of(repo, marker, users, milestones) if marker else None,
        "comments": item.comments,
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "closed_at": iso(item.closed_at) if item.closed_at else None,
        "author_association": _association(item.user),
        "active_lock_reason": None,
        "body": item.body,
        "timeline_url": f"{url}/timeline",
        "performed_via_github_app": None,
    }
    data["draft"] = False  # GitHub sends it on plain issues too (its webhooks show it)
    if item.is_pull:
        pull_url = f"{API}/repos/{repo.full_name}/pulls/{item.number}"
        web = f"{WEB}/{repo.full_name}/pull/{item.number}"
        data["pull_request"] = {
            "url": pull_url,
            "html_url": web,
            "diff_url": f"{web}.diff",
            "patch_url": f"{web}.patch",
            "merged_at": iso(item.merged_at) if item.merged_at else None,
        }
    return data


def _milestone_of(
    repo: Repository,
    marker: Milestone,
    users: list[User],
    rendered: dict[int, dict[str, Any]] | None,
) -> dict[str, Any]:
    if rendered is not None and marker.number in rendered:
        return rendered[marker.number]
    return milestone(repo, marker, users)


def milestones_by_number(repo: Repository, users: list[User]) -> dict[int, dict[str, Any]]:
    """Every milestone of ``repo`` rendered, by number (for rendering many issues)."""
    return {m.number: milestone(repo, m, users) for m in repo.milestones}


def pull_request(
    repo: Repository,
    item: Issue,
    users: list[User],
    rendered_repo: dict[str, Any] | None = None,
    milestones: dict[int, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A ``pull-request-simple``, as the pulls list endpoint returns it
    (``rendered_repo``: ``repository(repo)`` when the caller has it already)."""
    repo_json = rendered_repo if rendered_repo is not None else repository(repo)
    url = f"{API}/repos/{repo.full_name}/pulls/{item.number}"
    issue_url = f"{API}/repos/{repo.full_name}/issues/{item.number}"
    web = f"{WEB}/{repo.full_name}/pull/{item.number}"
    statuses = f"{API}/repos/{repo.full_name}/statuses/{item.head_sha}"
    full = issue(repo, item, users, milestones)
    author = user(users[item.user])
    base_sha = repo.commits[-1].sha if repo.commits else item.head_sha
    branch = f"topic-{item.number}"

    def ref(name: str, sha: str) -> dict[str, Any]:
        return {
            "label": f"{ORG_LOGIN}:{name}",
            "ref": name,
            "sha": sha,
            "user": organization(),
            "repo": repo_json,
        }

    return {
        "url": url,
        "id": item.pull_id,
        "node_id": node_id("PullRequest", item.pull_id),
        "html_url": web,
        "diff_url": f"{web}.diff",
        "patch_url": f"{web}.patch",
        "issue_url": issue_url,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{API}/repos/{repo.full_name}/pulls/comments{{/number}}",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": statuses,
        "number": item.number,
        "state": item.state,
        "locked": False,
        "title": item.title,
        "user": author,
        "body": item.body,
        "labels": full["labels"],
        "milestone": full["milestone"],
        "active_lock_reason": None,
        "created_at": full["created_at"],
        "updated_at": full["updated_at"],
        "closed_at": full["closed_at"],
        "merged_at": iso(item.merged_at) if item.merged_at else None,
        "merge_commit_sha": item.head_sha if item.merged_at else None,
        "assignee": full["assignee"],
        "assignees": full["assignees"],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": ref(branch, item.head_sha),
        "base": ref("main", base_sha),
        "_links": {
            "self": {"href": url},
            "html": {"href": web},
            "issue": {"href": issue_url},
            "comments": {"href": f"{issue_url}/comments"},
            "review_comments": {"href": f"{url}/comments"},
            "review_comment": {"href": f"{API}/repos/{repo.full_name}/pulls/comments{{/number}}"},
            "commits": {"href": f"{url}/commits"},
            "statuses": {"href": statuses},
        },
        "author_association": _association(item.user),
        "auto_merge": None,
        "draft": False,
    }


def comment(repo: Repository, item: Comment, users: list[User]) -> dict[str, Any]:
    """An ``issue-comment``."""
    return {
        "id": item.id,
        "node_id": node_id("IssueComment", item.id),
        "url": f"{API}/repos/{repo.full_name}/issues/comments/{item.id}",
        "html_url": f"{WEB}/{repo.full_name}/issues/{item.issue_number}#issuecomment-{item.id}",
        "body": item.body,
        "user": user(users[item.user]),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
        "issue_url": f"{API}/repos/{repo.full_name}/issues/{item.issue_number}",
        "author_association": _association(item.user),
        "performed_via_github_app": None,
    }


def commit(repo: Repository, item: Commit, users: list[User]) -> dict[str, Any]:
    """A ``commit`` as the commits list returns it (no ``stats`` or ``files``)."""
    url = f"{API}/repos/{repo.full_name}/commits/{item.sha}"
    person = users[item.author]
    signature = {"name": person.login.title(), "email": f"{person.login}@example.com"}
    stamp = {**signature, "date": iso(item.date)}
    parents = (
        [
            {
                "sha": item.parent,
                "url": f"{API}/repos/{repo.full_name}/commits/{item.parent}",
                "html_url": f"{WEB}/{repo.full_name}/commit/{item.parent}",
            }
        ]
        if item.parent
        else []
    )
    return {
        "sha": item.sha,
        "node_id": node_id("Commit", int(item.sha[:8], 16)),
        "commit": {
            "author": stamp,
            "committer": stamp,
            "message": item.message,
            "tree": {
                "sha": item.sha[::-1],
                "url": f"{API}/repos/{repo.full_name}/git/trees/{item.sha[::-1]}",
            },
            "url": f"{API}/repos/{repo.full_name}/git/commits/{item.sha}",
            "comment_count": 0,
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        },
        "url": url,
        "html_url": f"{WEB}/{repo.full_name}/commit/{item.sha}",
        "comments_url": f"{url}/comments",
        "author": user(person),
        "committer": user(person),
        "parents": parents,
    }


def release(repo: Repository, item: Release, users: list[User]) -> dict[str, Any]:
    """A ``release`` (no assets)."""
    url = f"{API}/repos/{repo.full_name}/releases/{item.id}"
    return {
        "url": url,
        "assets_url": f"{url}/assets",
        "upload_url": f"https://uploads.github.com/repos/{repo.full_name}/releases/{item.id}/assets{{?name,label}}",
        "html_url": f"{WEB}/{repo.full_name}/releases/tag/{item.tag_name}",
        "id": item.id,
        "author": user(users[item.author]),
        "node_id": node_id("Release", item.id),
        "tag_name": item.tag_name,
        "target_commitish": "main",
        "name": item.name,
        "draft": False,
        "prerelease": item.prerelease,
        "created_at": iso(item.created_at),
        "published_at": iso(item.created_at + 300),
        "updated_at": iso(item.created_at + 300),
        "immutable": False,
        "assets": [],
        "tarball_url": f"{API}/repos/{repo.full_name}/tarball/{item.tag_name}",
        "zipball_url": f"{API}/repos/{repo.full_name}/zipball/{item.tag_name}",
        "body": item.body,
    }
