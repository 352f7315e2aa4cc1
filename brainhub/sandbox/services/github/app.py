"""The GitHub REST API emulator (``api.github.com``, API version 2022-11-28).

What it does as GitHub does:

- **Auth**: ``Authorization: Bearer <token>`` or ``token <token>``; a wrong token gets
  401 ``{"message": "Bad credentials", …}``, none gets 401 ``Requires authentication``
  (every sandbox repository is treated as private).
- **Paging**: bare JSON arrays; ``per_page`` (default 30, at most 100) and 1-based ``page``;
  a ``Link`` header with ``next``/``last`` (and ``prev``/``first`` after page 1), no ``next``
  on the last page.
- **Filters**: issues ``state`` (default ``open``), ``since`` (updated at or after, ISO
  8601), ``labels``, ``sort``, ``direction``; issues include pull requests, which carry a
  ``pull_request`` key; pulls ``state``/``sort``/``direction`` but no ``since``; repository
  issue comments ``since``/``sort``/``direction``; commits ``since``/``until`` on the
  commit date, newest first; milestones ``state`` (default ``open``); an unreadable
  ``since`` or ``state`` gets 422 ``Validation Failed``.
- **Rate limits**: 5,000 requests an hour per token; every response carries
  ``x-ratelimit-limit|remaining|used|reset|resource``; an exhausted budget answers
  **403 and 429 in turn** (GitHub documents both) with ``x-ratelimit-remaining: 0`` and the
  ``API rate limit exceeded`` body; clients must wait until ``x-ratelimit-reset``.
- **Conditional requests**: every list page and repository carries an ``ETag`` (weak, a
  hash of the body); a request whose ``If-None-Match`` names it gets ``304 Not Modified``
  with no body, which does not count against the rate limit.
- **Errors**: ``{"message": "Not Found", "documentation_url": …, "status": "404"}``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.github import render
from brainhub.sandbox.services.github.dataset import ORG_LOGIN, GitHubDataset, Repository
from brainhub.sandbox.services.github.sizes import SIZES, iso

DOCS = "https://docs.github.com/rest"
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
API_VERSION = "2022-11-28"


class GitHubEmulator(Emulator):
    """GitHub's REST API for one organization; see the module docstring."""

    service = "github"
    base_path = ""
    default_rate_limit = 5000
    rate_limit_window_s = 3600.0
    routes = (
        Rule("/rate_limit", endpoint="rate_limit", methods=["GET"]),
        Rule("/orgs/<org>/repos", endpoint="org_repos", methods=["GET"]),
        Rule("/users/<username>/repos", endpoint="user_repos", methods=["GET"]),
        Rule("/repos/<owner>/<name>", endpoint="get_repo", methods=["GET"]),
        Rule("/repos/<owner>/<name>/issues", endpoint="list_issues", methods=["GET"]),
        Rule("/repos/<owner>/<name>/issues/comments", endpoint="repo_comments", methods=["GET"]),
        Rule(
            "/repos/<owner>/<name>/issues/comments/<int:comment_id>",
            endpoint="get_comment",
            methods=["GET"],
        ),
        Rule(
            "/repos/<owner>/<name>/issues/<int:number>/comments",
            endpoint="issue_comments",
            methods=["GET"],
        ),
        Rule("/repos/<owner>/<name>/pulls", endpoint="list_pulls", methods=["GET"]),
        Rule("/repos/<owner>/<name>/commits", endpoint="list_commits", methods=["GET"]),
        Rule("/repos/<owner>/<name>/releases", endpoint="list_releases", methods=["GET"]),
        Rule(
            "/repos/<owner>/<name>/releases/<int:release_id>",
            endpoint="get_release",
            methods=["GET"],
        ),
        Rule("/repos/<owner>/<name>/labels", endpoint="list_labels", methods=["GET"]),
        Rule("/repos/<owner>/<name>/milestones", endpoint="list_milestones", methods=["GET"]),
    )

    # ------------------------------------------------------------------ data

    def load(self) -> None:
        self.data = GitHubDataset(self.rng, SIZES[self.size], self.generation)
        self._throttle_statuses = itertools.cycle((403, 429))

    @property
    def credentials(self) -> dict[str, str]:
        token = f"ghp_sandbox{self.seed:06d}" + "x" * 21
        return {"api_token": token, "owner": ORG_LOGIN}

    def counts(self) -> dict[str, int]:
        return self.data.counts()

    def changes(self, since_generation: int) -> dict[str, int]:
        total: dict[str, int] = {}
        for step, counts in self.data.changes_by_generation.items():
            if step > since_generation:
                for key, value in counts.items():
                    total[key] = total.get(key, 0) + value
        return total

    # ------------------------------------------------------------------ vendor behaviour

    def authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return self.error(401, "Requires authentication")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or token != self.credentials["api_token"]:
            return self.error(401, "Bad credentials")
        return None

    def credential_key(self, request: Request) -> str:
        return request.headers.get("Authorization", "").partition(" ")[2]

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(decision.limit),
            "x-ratelimit-remaining": str(decision.remaining),
            "x-ratelimit-used": str(decision.limit - decision.remaining),
            "x-ratelimit-reset": str(decision.reset_epoch_s),
            "x-ratelimit-resource": "core",
        }

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        status = next(self._throttle_statuses)
        owner_id = self.data.users[0].id
        message = (
            f"API rate limit exceeded for user ID {owner_id}. If you reach out to GitHub "
            "Support for help, please include the request ID "
            f"C0DE:{owner_id:X}:{decision.reset_epoch_s:X} and timestamp "
            f"{iso(int(self.clock()))}."
        )
        return self.error(status, message, docs=RATE_LIMIT_DOCS)

    def not_found_response(self, request: Request) -> Response:
        return self.error(404, "Not Found")

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return self.error(status, "Server Error")

    def error(self, status: int, message: str, docs: str = DOCS, **extra: Any) -> Response:
        """GitHub's error body: message, documentation_url and the status as text."""
        body = {"message": message, **extra, "documentation_url": docs, "status": str(status)}
        return self.json_response(body, status=status, headers=self._vendor_headers())

    def validation_failed(self, resource: str, field: str) -> Response:
        """422 for a parameter GitHub cannot read."""
        problem = {"resource": resource, "field": field, "code": "invalid"}
        return self.error(422, "Validation Failed", errors=[problem])

    @staticmethod
    def _vendor_headers() -> dict[str, str]:
        return {
            "X-GitHub-Api-Version-Selected": API_VERSION,
            "X-GitHub-Media-Type": "github.v3; format=json",
        }

    # ------------------------------------------------------------------ helpers

    def _repo(self, owner: str, name: str) -> Repository | None:
        if owner.lower() != ORG_LOGIN:
            return None
        return next((r for r in self.data.repos if r.name == name), None)

    def _page(
        self, request: Request, items: Sequence[Any], shape: Callable[[Any], dict[str, Any]]
    ) -> Response:
        """One page of a list as GitHub serves it: a bare array and a ``Link`` header."""
        per_page = _int(request.args.get("per_page"), DEFAULT_PER_PAGE)
        per_page = min(max(per_page, 1), MAX_PER_PAGE)
        page = max(_int(request.args.get("page"), 1), 1)
        last = max(1, math.ceil(len(items) / per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = self._vendor_headers()
        links = []

        def link(number: int, rel: str) -> str:
            query = {**request.args.to_dict(), "page": str(number)}
            return f'<{request.base_url}?{urlencode(query)}>; rel="{rel}"'

        if page > 1:
            links.append(link(min(page - 1, last), "prev"))
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links.append(link(1, "first"))
        if links:
            headers["Link"] = ", ".join(links)
        return self._conditional(request, [shape(item) for item in chunk], headers)

    def _conditional(self, request: Request, body: Any, headers: dict[str, str]) -> Response:
        """200 with an ``ETag``, or 304 (uncharged) when ``If-None-Match`` names that ETag."""
        data = json.dumps(body, separators=(",", ":"))
        etag = f'W/"{hashlib.sha256(data.encode()).hexdigest()[:40]}"'
        headers = {**headers, "ETag": etag}
        wanted = {
            t.strip().removeprefix("W/")
            for t in request.headers.get("If-None-Match", "").split(",")
        }
        if etag.removeprefix("W/") in wanted:
            self.rate_limiter.refund(self.credential_key(request))
            return Response(status=304, headers=headers)
        return self.json_response(data.encode(), headers=headers)

    # ------------------------------------------------------------------ endpoints

    def rate_limit(self, request: Request) -> dict[str, Any]:
        state = self.rate_limiter.peek(self.credential_key(request))
        core = {
            "limit": state.limit,
            "remaining": state.remaining,
            "reset": state.reset_epoch_s,
            "used": state.limit - state.remaining,
            "resource": "core",
        }
        return {"resources": {"core": core}, "rate": core}

    def org_repos(self, request: Request, org: str) -> Response:
        if org.lower() != ORG_LOGIN:
            return self.error(404, "Not Found")
        kind = request.args.get("type", "all")
        repos = [r for r in self.data.repos if _repo_kind_matches(r, kind)]
        return self._repo_page(request, repos)

    def user_repos(self, request: Request, username: str) -> Response:
        logins = {u.login for u in self.data.users}
        if username.lower() == ORG_LOGIN:
            # for an organization login this lists its public repositories only
            return self._repo_page(request, [r for r in self.data.repos if not r.private])
        if username in logins:
            return self._repo_page(request, [])
        return self.error(404, "Not Found")

    def _repo_page(self, request: Request, repos: list[Repository]) -> Response:
        sort = request.args.get("sort", "created")
        keys: dict[str, Callable[[Repository], Any]] = {
            "created": lambda r: r.created_at,
            "updated": lambda r: r.updated_at,
            "pushed": lambda r: r.pushed_at,
            "full_name": lambda r: r.full_name,
        }
        if sort not in keys:
            return self.validation_failed("Repository", "sort")
        default = "asc" if sort == "full_name" else "desc"
        reverse = request.args.get("direction", default) == "desc"
        ordered = sorted(repos, key=keys[sort], reverse=reverse)
        return self._page(request, ordered, render.repository)

    def get_repo(self, request: Request, owner: str, name: str) -> Response | dict[str, Any]:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        return self._conditional(request, render.repository(repo), self._vendor_headers())

    def list_issues(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        state = request.args.get("state", "open")
        since = _since(request)
        if state not in ("open", "closed", "all"):
            return self.validation_failed("Issue", "state")
        if since is False:
            return self.validation_failed("Issue", "since")
        wanted = [x for x in request.args.get("labels", "").split(",") if x]
        issues = [
            i
            for i in repo.issues
            if (state == "all" or i.state == state)
            and (since is None or i.updated_at >= since)
            and all(label in i.labels for label in wanted)
        ]
        sort = request.args.get("sort", "created")
        keys = {"created": "created_at", "updated": "updated_at", "comments": "comments"}
        if sort not in keys:
            return self.validation_failed("Issue", "sort")
        reverse = request.args.get("direction", "desc") == "desc"
        issues.sort(key=lambda i: (getattr(i, keys[sort]), i.number), reverse=reverse)
        users = self.data.users
        return self._page(request, issues, lambda i: render.issue(repo, i, users))

    def list_pulls(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        state = request.args.get("state", "open")
        if state not in ("open", "closed", "all"):
            return self.validation_failed("PullRequest", "state")
        pulls = [i for i in repo.issues if i.is_pull and state in ("all", i.state)]
        sort = request.args.get("sort", "created")
        keys = {
            "created": lambda i: i.created_at,
            "updated": lambda i: i.updated_at,
            "popularity": lambda i: i.comments,
            "long-running": lambda i: -i.created_at,
        }
        if sort not in keys:
            return self.validation_failed("PullRequest", "sort")
        default = "desc" if sort == "created" else "asc"
        reverse = request.args.get("direction", default) == "desc"
        pulls.sort(key=lambda i: (keys[sort](i), i.number), reverse=reverse)
        users = self.data.users
        return self._page(request, pulls, lambda i: render.pull_request(repo, i, users))

    def repo_comments(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        since = _since(request)
        if since is False:
            return self.validation_failed("IssueComment", "since")
        comments = [c for c in repo.comments if since is None or c.updated_at >= since]
        sort = request.args.get("sort", "created")
        if sort not in ("created", "updated"):
            return self.validation_failed("IssueComment", "sort")
        reverse = request.args.get("direction", "asc") == "desc"
        attribute = f"{sort}_at"
        comments.sort(key=lambda c: (getattr(c, attribute), c.id), reverse=reverse)
        users = self.data.users
        return self._page(request, comments, lambda c: render.comment(repo, c, users))

    def issue_comments(self, request: Request, owner: str, name: str, number: int) -> Response:
        repo = self._repo(owner, name)
        if repo is None or not 0 < number <= len(repo.issues):
            return self.error(404, "Not Found")
        since = _since(request)
        if since is False:
            return self.validation_failed("IssueComment", "since")
        comments = [
            c
            for c in repo.comments
            if c.issue_number == number and (since is None or c.updated_at >= since)
        ]
        users = self.data.users
        return self._page(request, comments, lambda c: render.comment(repo, c, users))

    def list_commits(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        since, until = _since(request), _since(request, "until")
        if since is False or until is False:
            return self.validation_failed("Commit", "since" if since is False else "until")
        commits = [
            c
            for c in reversed(repo.commits)
            if (since is None or c.date >= since) and (until is None or c.date <= until)
        ]
        users = self.data.users
        return self._page(request, commits, lambda c: render.commit(repo, c, users))

    def list_releases(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        releases = sorted(repo.releases, key=lambda r: r.created_at, reverse=True)
        users = self.data.users
        return self._page(request, releases, lambda r: render.release(repo, r, users))

    def get_release(self, request: Request, owner: str, name: str, release_id: int) -> Any:
        repo = self._repo(owner, name)
        found = next((r for r in repo.releases if r.id == release_id), None) if repo else None
        if repo is None or found is None:
            return self.error(404, "Not Found")
        return render.release(repo, found, self.data.users)

    def get_comment(self, request: Request, owner: str, name: str, comment_id: int) -> Any:
        repo = self._repo(owner, name)
        found = next((c for c in repo.comments if c.id == comment_id), None) if repo else None
        if repo is None or found is None:
            return self.error(404, "Not Found")
        return render.comment(repo, found, self.data.users)

    def list_labels(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        return self._page(request, repo.labels, lambda item: render.label(repo, item))

    def list_milestones(self, request: Request, owner: str, name: str) -> Response:
        repo = self._repo(owner, name)
        if repo is None:
            return self.error(404, "Not Found")
        state = request.args.get("state", "open")
        if state not in ("open", "closed", "all"):
            return self.validation_failed("Milestone", "state")
        milestones = [m for m in repo.milestones if state in ("all", m.state)]
        reverse = request.args.get("direction", "asc") == "desc"
        milestones.sort(key=lambda m: (m.due_on, m.number), reverse=reverse)
        users = self.data.users
        return self._page(request, milestones, lambda m: render.milestone(repo, m, users))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _since(request: Request, name: str = "since") -> int | bool | None:
    """Epoch seconds of an ISO 8601 parameter; ``None`` when absent, ``False`` if unreadable."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    return int(moment.timestamp())


def _repo_kind_matches(repo: Repository, kind: str) -> bool:
    if kind == "public":
        return not repo.private
    if kind == "private":
        return repo.private
    return kind != "forks"
