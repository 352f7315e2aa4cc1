"""GitHub objects beyond the list items of :mod:`.render`: the single-object answers
(``private-user``/``public-user``, ``organization-full``, the full ``pull-request`` and
``issue``, a ``commit`` with its stats), repository people (contributors,
collaborators), git refs (branches, tags), the README ``content-file``, languages,
teams and search results. Counts are computed from the seeded store so they agree with
what the lists serve.
"""

from __future__ import annotations

import base64
from typing import Any

from brainhub.sandbox.services.github import render
from brainhub.sandbox.services.github.dataset import (
    ORG_ID,
    ORG_LOGIN,
    Commit,
    GitHubDataset,
    Issue,
    Repository,
    User,
    sha_of,
)
from brainhub.sandbox.services.github.render import API, WEB, node_id
from brainhub.sandbox.services.github.sizes import BASE_S, DAY_S, HISTORY_DAYS, iso

#: The team every member belongs to (the sandbox organization has one).
TEAM_SLUG = "core"
TEAM_ID = 4_200_001
ZERO_REACTIONS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")


def reactions(url: str) -> dict[str, Any]:
    """A ``reaction-rollup`` with no reactions (the sandbox has none)."""
    return {"url": f"{url}/reactions", "total_count": 0, **dict.fromkeys(ZERO_REACTIONS, 0)}


def _joined(person: User) -> int:
    return BASE_S - HISTORY_DAYS * DAY_S - 30 * DAY_S - (person.id % 97) * DAY_S


def user_detail(person: User, data: GitHubDataset, *, private: bool) -> dict[str, Any]:
    """A ``public-user``, or the ``private-user`` ``/user`` answers for the token's owner."""
    detail: dict[str, Any] = {
        **render.user(person),
        "name": person.login.title(),
        "company": f"@{ORG_LOGIN}",
        "blog": "",
        "location": None,
        "email": f"{person.login}@example.com",
        "hireable": None,
        "bio": None,
        "twitter_username": None,
        "public_repos": 0,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "created_at": iso(_joined(person)),
        "updated_at": iso(BASE_S - DAY_S),
    }
    if private:
        detail.update(
            {
                "private_gists": 0,
                "total_private_repos": 0,
                "owned_private_repos": 0,
                "disk_usage": 0,
                "collaborators": 0,
                "two_factor_authentication": True,
                "plan": {
                    "name": "pro",
                    "space": 976562499,
                    "private_repos": 9999,
                    "collaborators": 0,
                },
            }
        )
    return detail


def organization_detail(data: GitHubDataset) -> dict[str, Any]:
    """The sandbox ``organization-full`` (as a member with admin rights sees it)."""
    base = f"{API}/orgs/{ORG_LOGIN}"
    public = sum(1 for r in data.repos if not r.private)
    private = len(data.repos) - public
    return {
        "login": ORG_LOGIN,
        "id": ORG_ID,
        "node_id": node_id("Organization", ORG_ID),
        "url": base,
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events",
        "hooks_url": f"{base}/hooks",
        "issues_url": f"{base}/issues",
        "members_url": f"{base}/members{{/member}}",
        "public_members_url": f"{base}/public_members{{/member}}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{ORG_ID}?v=4",
        "description": "The sandbox organization",
        "name": "Octo Sandbox",
        "company": "Octo Sandbox",
        "blog": "https://octo-sandbox.example.com",
        "location": "Remote",
        "email": f"hello@{ORG_LOGIN}.example.com",
        "twitter_username": None,
        "is_verified": False,
        "has_organization_projects": True,
        "has_repository_projects": True,
        "public_repos": public,
        "public_gists": 0,
        "followers": 0,
        "following": 0,
        "html_url": f"{WEB}/{ORG_LOGIN}",
        "created_at": iso(BASE_S - (HISTORY_DAYS + 10) * DAY_S),
        "updated_at": iso(BASE_S - DAY_S),
        "archived_at": None,
        "type": "Organization",
        "total_private_repos": private,
        "owned_private_repos": private,
        "private_gists": 0,
        "disk_usage": sum(100 + len(r.commits) * 7 for r in data.repos),
        "collaborators": 0,
        "billing_email": None,
        "plan": {
            "name": "team",
            "space": 976562499,
            "private_repos": 999999,
            "filled_seats": len(data.users),
            "seats": len(data.users),
        },
        "default_repository_permission": "read",
        "members_can_create_repositories": True,
        "two_factor_requirement_enabled": True,
        "members_allowed_repository_creation_type": "all",
        "web_commit_signoff_required": False,
    }


def issue_detail(repo: Repository, item: Issue, users: list[User]) -> dict[str, Any]:
    """An ``issue`` as ``GET …/issues/{number}`` answers it (with ``closed_by``)."""
    data = render.issue(repo, item, users)
    closer = item.user if item.closed_by is None else item.closed_by
    data["closed_by"] = render.user(users[closer]) if item.state == "closed" else None
    return data


def issue_extras(repo: Repository, item: Issue) -> dict[str, Any]:
    """The rollups GitHub adds to every issue: reactions and sub-issue counts, none here."""
    url = f"{API}/repos/{repo.full_name}/issues/{item.number}"
    return {
        "reactions": reactions(url),
        "sub_issues_summary": {"total": 0, "completed": 0, "percent_completed": 0},
        "issue_dependencies_summary": {
            "blocked_by": 0,
            "blocking": 0,
            "total_blocked_by": 0,
            "total_blocking": 0,
        },
        "type": None,
        "parent_issue_url": None,
    }


def pull_commits(repo: Repository, item: Issue) -> list[Commit]:
    """The commits of a pull request: up to three of the repository's, oldest first."""
    if not repo.commits:
        return []
    count = 1 + item.number % 3
    start = (item.number * 7) % len(repo.commits)
    return [repo.commits[(start + k) % len(repo.commits)] for k in range(count)]


def pull_detail(repo: Repository, item: Issue, users: list[User]) -> dict[str, Any]:
    """A full ``pull-request`` (``GET …/pulls/{number}``): merge state and diff counts."""
    data = render.pull_request(repo, item, users)
    merged = item.merged_at is not None
    commits = pull_commits(repo, item)
    additions = sum(3 + len(c.message) for c in commits)
    data.update(
        {
            "merged": merged,
            "mergeable": None if item.state == "closed" else True,
            "rebaseable": None if item.state == "closed" else True,
            "mergeable_state": "unknown" if item.state == "closed" else "clean",
            "merged_by": render.user(users[0]) if merged else None,
            "comments": item.comments,
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": len(commits),
            "additions": additions,
            "deletions": additions // 3,
            "changed_files": len(commits),
        }
    )
    return data


def commit_detail(repo: Repository, item: Commit, users: list[User]) -> dict[str, Any]:
    """A ``commit`` with ``stats`` and ``files`` (``GET …/commits/{ref}``)."""
    data = render.commit(repo, item, users)
    additions = 3 + len(item.message)
    filename = f"src/{item.message.split()[-1]}.txt"
    data["stats"] = {"additions": additions, "deletions": 1, "total": additions + 1}
    data["files"] = [
        {
            "sha": item.sha[::-1],
            "filename": filename,
            "status": "modified",
            "additions": additions,
            "deletions": 1,
            "changes": additions + 1,
            "blob_url": f"{WEB}/{repo.full_name}/blob/{item.sha}/{filename}",
            "raw_url": f"{WEB}/{repo.full_name}/raw/{item.sha}/{filename}",
            "contents_url": f"{API}/repos/{repo.full_name}/contents/{filename}?ref={item.sha}",
            "patch": f"@@ -1 +1 @@\n-old\n+{item.message}",
        }
    ]
    return data


def contributors(repo: Repository, users: list[User]) -> list[dict[str, Any]]:
    """``contributor`` rows: commit authors by number of commits, most first."""
    counts: dict[int, int] = {}
    for commit in repo.commits:
        counts[commit.author] = counts.get(commit.author, 0) + 1
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return [{**render.user(users[i]), "contributions": n} for i, n in ranked]


def collaborator(person: User, index: int) -> dict[str, Any]:
    """A ``collaborator``: the owner (index 0) administers, members write."""
    admin = index == 0
    return {
        **render.user(person),
        "permissions": {
            "pull": True,
            "triage": True,
            "push": True,
            "maintain": admin,
            "admin": admin,
        },
        "role_name": "admin" if admin else "write",
    }


def branches(repo: Repository) -> list[tuple[str, str]]:
    """``(name, head sha)`` of ``main`` and the head branch of every open pull request,
    by name as GitHub lists them."""
    rows = [("main", repo.commits[-1].sha if repo.commits else "")]
    rows += [
        (f"topic-{i.number}", i.head_sha) for i in repo.issues if i.is_pull and i.state == "open"
    ]
    return sorted(rows)


def branch(repo: Repository, name: str, sha: str) -> dict[str, Any]:
    """A ``short-branch``; only ``main`` is protected."""
    protected = name == "main"
    data: dict[str, Any] = {
        "name": name,
        "commit": {"sha": sha, "url": f"{API}/repos/{repo.full_name}/commits/{sha}"},
        "protected": protected,
    }
    if protected:
        data["protection"] = {
            "enabled": True,
            "required_status_checks": {
                "enforcement_level": "non_admins",
                "contexts": [],
                "checks": [],
            },
        }
        data["protection_url"] = f"{API}/repos/{repo.full_name}/branches/{name}/protection"
    return data


def tag(repo: Repository, name: str, sha: str) -> dict[str, Any]:
    """A ``tag`` (one per release)."""
    return {
        "name": name,
        "commit": {"sha": sha, "url": f"{API}/repos/{repo.full_name}/commits/{sha}"},
        "zipball_url": f"{API}/repos/{repo.full_name}/zipball/refs/tags/{name}",
        "tarball_url": f"{API}/repos/{repo.full_name}/tarball/refs/tags/{name}",
        "node_id": base64.b64encode(f"MDM6UmVm{repo.id}:{name}".encode()).decode().rstrip("="),
    }


def languages(repo: Repository) -> dict[str, int]:
    """Bytes of code per language: the repository's language and a little Markdown."""
    size = 1000 * (10 + len(repo.commits))
    found = {repo.language: size}
    if repo.language != "Markdown":
        found["Markdown"] = size // 20
    return found


def readme(repo: Repository) -> dict[str, Any]:
    """The ``content-file`` of ``README.md`` (base64, as GitHub sends it)."""
    text = f"# {repo.name}\n\n{repo.description}.\n"
    content = base64.b64encode(text.encode()).decode()
    sha = sha_of(repo.name, "readme")
    url = f"{API}/repos/{repo.full_name}/contents/README.md?ref=main"
    git_url = f"{API}/repos/{repo.full_name}/git/blobs/{sha}"
    html_url = f"{WEB}/{repo.full_name}/blob/main/README.md"
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(text.encode()),
        "name": "README.md",
        "path": "README.md",
        "content": content,
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": f"https://raw.githubusercontent.com/{repo.full_name}/main/README.md",
        "_links": {"self": url, "git": git_url, "html": html_url},
    }


def team() -> dict[str, Any]:
    """The organization's one ``team``, every member in it."""
    url = f"{API}/organizations/{ORG_ID}/team/{TEAM_ID}"
    return {
        "id": TEAM_ID,
        "node_id": node_id("Team", TEAM_ID),
        "url": url,
        "html_url": f"{WEB}/orgs/{ORG_LOGIN}/teams/{TEAM_SLUG}",
        "name": "Core",
        "slug": TEAM_SLUG,
        "description": "Everyone in the sandbox organization",
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "pull",
        "members_url": f"{url}/members{{/member}}",
        "repositories_url": f"{url}/repos",
        "type": "organization",
        "organization_id": ORG_ID,
        "parent": None,
    }


def actor(person: User, kind: str = "users") -> dict[str, Any]:
    """An event ``actor`` (a user or, with ``kind="orgs"``, the organization)."""
    return {
        "id": person.id,
        "login": person.login,
        "display_login": person.login,
        "gravatar_id": "",
        "url": f"{API}/{kind}/{person.login}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{person.id}?",
    }


def push_event(repo: Repository, item: Commit, users: list[User]) -> dict[str, Any]:
    """A ``PushEvent`` of the repository's activity feed: one per commit pushed."""
    return {
        "id": str(int(item.sha[:10], 16)),
        "type": "PushEvent",
        "actor": actor(users[item.author]),
        "repo": {"id": repo.id, "name": repo.full_name, "url": f"{API}/repos/{repo.full_name}"},
        "org": actor(User(ORG_ID, ORG_LOGIN), kind="orgs"),
        "payload": {
            "repository_id": repo.id,
            "push_id": int(item.sha[:12], 16),
            "ref": "refs/heads/main",
            "head": item.sha,
            "before": item.parent or "0" * 40,
        },
        "public": not repo.private,
        "created_at": iso(item.date),
    }


#: Issue event kinds, in the order they happen to one issue (their id offsets).
EVENT_KINDS = ("labeled", "milestoned", "assigned", "closed", "merged")


def issue_events(repo: Repository) -> list[tuple[Issue, str, int, str]]:
    """``(issue, event, when, detail)`` of every issue event the store implies: labels,
    milestones and assignees set when an issue was opened, closes and merges; newest
    first, as GitHub lists them."""
    rows: list[tuple[Issue, str, int, str]] = []
    for item in repo.issues:
        rows += [(item, "labeled", item.created_at, name) for name in item.labels]
        if item.milestone:
            rows.append((item, "milestoned", item.created_at, str(item.milestone)))
        if item.assignee is not None:
            rows.append((item, "assigned", item.created_at, str(item.assignee)))
        if item.closed_at is not None:
            rows.append((item, "closed", item.closed_at, ""))
        if item.merged_at is not None:
            rows.append((item, "merged", item.merged_at, ""))
    rows.sort(key=lambda row: (row[2], _event_id(row)), reverse=True)
    return rows


def _event_id(row: tuple[Issue, str, int, str]) -> int:
    """A stable id: the issue's, the kind, and for labels the label's place in the issue."""
    item, kind, _when, detail = row
    label = item.labels.index(detail) if kind == "labeled" else 0
    return 2_000_000_000 + item.id * 10_000 + EVENT_KINDS.index(kind) * 100 + label


def issue_event(
    repo: Repository,
    row: tuple[Issue, str, int, str],
    users: list[User],
    issue_json: dict[str, Any],
) -> dict[str, Any]:
    """An ``issue-event`` for ``row`` of :func:`issue_events` (``issue_json``: the issue)."""
    item, kind, when, detail = row
    number = _event_id(row)
    author = render.user(users[item.user])
    merged = kind == "merged"
    event: dict[str, Any] = {
        "id": number,
        "node_id": node_id("IssueEvent", number),
        "url": f"{API}/repos/{repo.full_name}/issues/events/{number}",
        "actor": render.user(users[0]) if merged else author,
        "event": kind,
        "commit_id": item.head_sha if merged else None,
        "commit_url": f"{API}/repos/{repo.full_name}/commits/{item.head_sha}" if merged else None,
        "created_at": iso(when),
        "performed_via_github_app": None,
        "issue": issue_json,
    }
    if kind == "labeled":
        label = next(x for x in repo.labels if x.name == detail)
        event["label"] = {"name": label.name, "color": label.color}
    elif kind == "milestoned":
        event["milestone"] = {"title": repo.milestones[int(detail) - 1].title}
    elif kind == "assigned":
        event["assignee"] = render.user(users[int(detail)])
        event["assigner"] = author
    return event


def reviews(repo: Repository, item: Issue, users: list[User]) -> list[dict[str, Any]]:
    """The ``pull-request-review``s of a pull request: another member approved a merged
    one before it was merged, asked for changes on one closed unmerged, and commented on
    an open one an hour after it was opened."""
    reviewer = (item.user + 1) % len(users)
    if item.merged_at is not None:
        state, when, body = "APPROVED", item.merged_at - 600, "Looks good to me."
    elif item.state == "closed":
        state, when = "CHANGES_REQUESTED", (item.closed_at or item.updated_at) - 600
        body = "This needs another approach."
    else:
        state, when, body = "COMMENTED", item.created_at + 3600, "A first look: see inline."
    number = 3_000_000_000 + item.pull_id
    pull_url = f"{API}/repos/{repo.full_name}/pulls/{item.number}"
    html = f"{WEB}/{repo.full_name}/pull/{item.number}#pullrequestreview-{number}"
    return [
        {
            "id": number,
            "node_id": node_id("PullRequestReview", number),
            "user": render.user(users[reviewer]),
            "body": body,
            "state": state,
            "html_url": html,
            "pull_request_url": pull_url,
            "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
            "submitted_at": iso(max(when, item.created_at + 60)),
            "commit_id": item.head_sha,
            "author_association": "OWNER" if reviewer == 0 else "MEMBER",
        }
    ]
