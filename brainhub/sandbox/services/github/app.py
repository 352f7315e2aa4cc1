"""The GitHub REST API emulator (``api.github.com``), on the emulator kit.

Every GET operation of GitHub's REST description we hold is served (see
``operations.py``); what it does as GitHub does:

- **Auth**: ``Authorization: Bearer <token>`` or ``token <token>``; a wrong token gets
  401 ``{"message": "Bad credentials", …}``, none gets 401 ``Requires authentication``
  (every sandbox repository is treated as private).
- **API versions**: ``X-GitHub-Api-Version`` 2022-11-28 (the default) or 2026-03-10; any
  other gets GitHub's 400 naming the supported ones. ``X-GitHub-Api-Version-Selected``
  echoes the version served.
- **Paging**: bare JSON arrays; ``per_page`` (default 30, at most 100) and 1-based ``page``;
  a ``Link`` header with ``next``/``last`` (and ``prev``/``first`` after page 1), no ``next``
  on the last page (:class:`~brainhub.sandbox.kit.LinkHeaderPages`).
- **Filters**: issues ``state`` (default ``open``), ``since`` (updated at or after, ISO
  8601), ``labels``, ``sort``, ``direction``; issues include pull requests, which carry a
  ``pull_request`` key; pulls ``state``/``sort``/``direction`` but no ``since``; repository
  issue comments ``since``/``sort``/``direction``; commits ``since``/``until`` on the
  commit date, newest first; milestones ``state`` (default ``open``); an unreadable
  ``since`` or ``state`` gets 422 ``Validation Failed``. Search takes ``q`` with the
  common qualifiers (``repo:``, ``org:``, ``is:``, ``state:``, ``label:``, ``author:``…).
- **Rate limits**: 5,000 requests an hour per token; every response carries
  ``x-ratelimit-limit|remaining|used|reset|resource``; an exhausted budget answers
  **403 and 429 in turn** (GitHub documents both) with ``x-ratelimit-remaining: 0`` and the
  ``API rate limit exceeded`` body; clients must wait until ``x-ratelimit-reset``.
- **Conditional requests**: every 200 answer carries a weak ``ETag`` (a hash of the body);
  a request whose ``If-None-Match`` names it gets ``304 Not Modified`` with no body, which
  does not count against the rate limit.
- **HTTP manners**: ``application/json; charset=utf-8``, gzip when asked, ``HEAD`` on every
  route; a trailing slash, an unknown path or an unsupported method is GitHub's 404
  ``{"message": "Not Found", "documentation_url": …, "status": "404"}``.
- **Writes** (:mod:`.writes`, applied by :mod:`.changes`): create and update issues
  (``POST …/issues`` 201, ``PATCH …/issues/{n}``), add, set and remove their labels,
  create, update and delete issue comments (201, 200, 204); GitHub's 422 ``Validation
  Failed`` bodies; 410 ``Issues are disabled for this repo`` for repositories named in
  the ``issues_disabled`` option. Following the stored state they go to the change
  journal and outlive the process (``brainhub sandbox reset github`` forgets them); with
  a pinned ``generation`` they stay in memory. They count against the hourly budget and
  stamp ``updated_at`` just after the dataset's "now", so the next ``since`` read picks
  them up. Creating issues and comments also meets the **secondary rate limit**
  (:mod:`.limits`): more than ``content_limit`` (80) a minute → 403 with GitHub's
  secondary-limit message and ``retry-after``.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from brainhub.errors import EmulatorError
from brainhub.sandbox.kit import HttpManners, KitEmulator
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Draft, Replay
from brainhub.sandbox.kit.surface import DocumentedOperation, load_surface
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.github import details, errors, graph, render, webhooks
from brainhub.sandbox.services.github.changes import GitHubChanges
from brainhub.sandbox.services.github.dataset import (
    ORG_ID,
    ORG_LOGIN,
    Comment,
    GitHubDataset,
    Issue,
    Repository,
    User,
)
from brainhub.sandbox.services.github.errors import (
    BAD_CREDENTIALS,
    ERRORS,
    JSON_CONTENT_TYPE,
    NOT_FOUND,
    RATE_LIMIT_DOCS,
    REQUIRES_AUTHENTICATION,
    SERVER_ERROR,
    fail,
    github_error,
    unsupported_version,
)
from brainhub.sandbox.services.github.limits import CONTENT_PER_MINUTE, ContentLimit
from brainhub.sandbox.services.github.operations import OPERATIONS, PAGES
from brainhub.sandbox.services.github.search import SearchQuery
from brainhub.sandbox.services.github.sizes import BASE_S, SIZES, iso
from brainhub.sandbox.services.github.writes import IssueWriter

#: The API versions served, newest first; the default is the one GitHub defaults to.
API_VERSIONS = ("2026-03-10", "2022-11-28")
API_VERSION = "2022-11-28"
_LINK = "brainhub.github.link"
#: API URLs are rendered with GitHub's host and answered with the emulator's.
API_ROOT = render.API.encode()

#: Documented fields GitHub leaves out of an object in the answers we serve, so the kit
#: must not add them: ``(fields that mark the object, fields left out)``. Issues carry
#: ``pull_request`` only when they are pull requests and ``repository`` only in
#: cross-repository listings; ``closed_by`` only on a single closed issue; rendered
#: bodies (``body_html``/``body_text``) only with the matching media type; a
#: ``simple-user``'s ``name``/``email``/``starred_at`` only in a stargazer listing asked
#: for with the star media type; a repository
#: ``parent``/``source``/``template_repository`` only when it is a fork or made from a
#: template; a branch ``protection`` only when it is protected; release ``reactions``,
#: ``mentions_count`` and ``discussion_url`` only when there are some; a commit's
#: ``files``/``stats`` only when asked for by ref; enterprise-only fields
#: (``business_plus``, ``ldap_dn``, ``enterprise_id``) never for this organization;
#: comment ``pin``/``minimized`` and a repository's ``code_of_conduct`` only when set.
OMITTED: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (
        frozenset({"repository_url", "labels_url", "number"}),
        frozenset(
            {"pull_request", "repository", "closed_by", "pinned_comment"}
            | {"issue_field_values", "text_matches"}
        ),
    ),
    (
        frozenset({"full_name", "forks_url"}),
        frozenset(
            {"parent", "source", "template_repository", "master_branch", "code_of_conduct"}
            | {"code_search_index_status", "anonymous_access_enabled", "text_matches"}
        ),
    ),
    (frozenset({"issue_url", "body"}), frozenset({"minimized", "pin"})),
    (frozenset({"sha", "commit", "parents"}), frozenset({"files", "stats"})),
    (frozenset({"filename", "blob_url"}), frozenset({"previous_filename"})),
    (frozenset({"encoding", "content"}), frozenset({"submodule_git_url", "target"})),
    (frozenset({"login", "two_factor_authentication"}), frozenset({"business_plus", "ldap_dn"})),
    (frozenset({"slug", "privacy"}), frozenset({"enterprise_id", "access_source"})),
    (frozenset({"protected", "commit", "name"}), frozenset({"protection", "protection_url"})),
    (
        frozenset({"tag_name", "assets"}),
        frozenset({"reactions", "mentions_count", "discussion_url"}),
    ),
    (frozenset({"body"}), frozenset({"body_html", "body_text"})),
    (frozenset({"login", "gravatar_id"}), frozenset({"name", "email", "starred_at"})),
)

#: ``/rate_limit`` resources: requests per window and the window in seconds.
RATE_RESOURCES = {
    "core": (5000, 3600),
    "search": (30, 60),
    "code_search": (10, 60),
    "graphql": (5000, 3600),
    "integration_manifest": (5000, 3600),
    "source_import": (100, 60),
    "code_scanning_autofix": (10, 60),
    "dependency_snapshots": (100, 60),
    "dependency_sbom": (100, 3600),
    "actions_runner_registration": (10000, 3600),
    "scim": (15000, 3600),
    "copilot_usage_records": (100, 60),
}


class GitHubEmulator(KitEmulator):
    """GitHub's REST API for one organization; see the module docstring."""

    service = "github"
    base_path = ""
    default_rate_limit = 5000
    rate_limit_window_s = 3600.0
    operations = OPERATIONS
    webhook_rules = webhooks.RULES
    #: GitHub does not retry a failed delivery (it can be redelivered by hand).
    retry_delays_s = ()
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners(JSON_CONTENT_TYPE, gzip_when_asked=True)
    shape_host = "api.github.com"

    def __init__(
        self,
        *,
        content_limit: int = CONTENT_PER_MINUTE,
        issues_disabled: Sequence[str] = (),
        **options: Any,
    ) -> None:
        """``content_limit``: content-creating requests allowed a minute (the secondary
        rate limit); ``issues_disabled``: names of repositories whose issues are off."""
        self.issues_disabled = frozenset(name.lower() for name in issues_disabled)
        super().__init__(**options)
        try:
            self.content_limit = ContentLimit(content_limit, self.clock)
        except ValueError as exc:
            raise EmulatorError(f"github: {exc}") from exc

    # ------------------------------------------------------------------ data

    def load(self) -> None:
        self.data = GitHubDataset(self.rng, SIZES[self.size], self.generation)
        self._throttle_statuses = itertools.cycle((403, 429))
        for repo in self.data.repos:
            repo.has_issues = repo.name.lower() not in self.issues_disabled
        self.writer = IssueWriter(self.data)
        self._replay = GitHubChanges(self.data).replay()
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

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

    # ------------------------------------------------------------------ kit hooks

    @classmethod
    def surface(cls) -> dict[str, DocumentedOperation]:
        """The documented operations, less the fields GitHub leaves out (:data:`OMITTED`)."""
        return _pruned_surface(cls.surface_file) if cls.surface_file else {}

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        context: dict[str, Any] = {
            k: v for k, v in values.items() if k not in ("owner", "repo", "org")
        }
        owner = self.data.users[0]
        context["user"] = {**render.user(owner), "email": f"{owner.login}@example.com"}
        return context

    def check_path_ids(self, values: Mapping[str, Any]) -> None:
        if "org" in values and str(values["org"]).lower() != ORG_LOGIN:
            fail(NOT_FOUND)
        if "owner" in values:
            repo = self._repo_or_404(str(values["owner"]), str(values.get("repo", "")))
            if "pull_number" in values:
                self._pull_or_404(repo, values["pull_number"])

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        """The documented answer, its users and repositories made this organization's:
        every user-like object is the token's owner, every repository the path's."""
        answer = super().shaped(request, key, values)
        if isinstance(answer, Response):
            return answer
        repo = self._repo(str(values["owner"]), str(values["repo"])) if "owner" in values else None
        return _grounded(
            answer,
            render.user(self.data.users[0]),
            render.repository(repo) if repo is not None else None,
        )

    def missing_query_response(self, name: str) -> Response:
        return self.validation_failed("Search", name, code="missing")

    def shape_base_ms(self) -> int:
        return BASE_S * 1000

    # ------------------------------------------------------------------ vendor behaviour

    def authenticate(self, request: Request) -> Response | None:
        if request.path != "/" and request.path.endswith("/"):
            # GitHub's routes have no trailing slash: such a path is not found
            return self.not_found_response(request)
        version = request.headers.get("X-GitHub-Api-Version", API_VERSION)
        if version not in API_VERSIONS:
            return unsupported_version(version, API_VERSIONS)
        header = request.headers.get("Authorization", "")
        if not header:
            return ERRORS.response(REQUIRES_AUTHENTICATION)
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("bearer", "token") or token != self.credentials["api_token"]:
            return ERRORS.response(BAD_CREDENTIALS)
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
        return github_error(status, message, docs=RATE_LIMIT_DOCS)

    def not_found_response(self, request: Request) -> Response:
        return ERRORS.response(NOT_FOUND)

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return ERRORS.response(SERVER_ERROR)

    def error(self, status: int, message: str, **extra: Any) -> Response:
        """GitHub's error body: message, documentation_url and the status as text."""
        return github_error(status, message, **extra)

    def validation_failed(self, resource: str, field: str, code: str = "invalid") -> Response:
        """422 for a parameter GitHub cannot read."""
        problem = {"resource": resource, "field": field, "code": code}
        return github_error(422, "Validation Failed", errors=[problem])

    def dress(self, request: Request, response: Response) -> Response:
        """GitHub's headers on every answer, the page's ``Link``, and the weak ``ETag``
        (304 without a body, uncharged, when ``If-None-Match`` names it)."""
        version = request.headers.get("X-GitHub-Api-Version", API_VERSION)
        response.headers["X-GitHub-Api-Version-Selected"] = (
            version if version in API_VERSIONS else API_VERSION
        )
        response.headers["X-GitHub-Media-Type"] = "github.v3; format=json"
        link = request.environ.get(_LINK)
        if link and response.status_code == 200:
            response.headers["Link"] = link
        conditional = request.method in ("GET", "HEAD")
        if conditional and response.status_code == 200 and response.mimetype == "application/json":
            body = response.get_data()
            # of the body as rendered, so it does not change with the address served on
            etag = f'W/"{hashlib.sha256(body).hexdigest()[:40]}"'
            response.set_data(body.replace(API_ROOT, self._root(request)))
            response.headers["ETag"] = etag
            if _names(request.headers.get("If-None-Match", ""), etag):
                self.rate_limiter.refund(self.credential_key(request))
                headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
                response = Response(status=304, headers=headers)
                response.headers.pop("Content-Type", None)
                return response
        return super().dress(request, response)

    # ------------------------------------------------------------------ helpers

    def _root(self, request: Request) -> bytes:
        """Where this emulator is reached: API URLs in answers point here, as a GitHub
        Enterprise server's point at itself, so clients that follow them stay here."""
        return (request.host_url.rstrip("/") + self.base_path).encode()

    def _repo(self, owner: str, name: str) -> Repository | None:
        if owner.lower() != ORG_LOGIN:
            return None
        return next((r for r in self.data.repos if r.name == name), None)

    def _repo_or_404(self, owner: str, name: str) -> Repository:
        repo = self._repo(owner, name)
        if repo is None:
            fail(NOT_FOUND)
        return repo

    def _issue_or_404(self, repo: Repository, number: Any) -> Issue:
        value = _whole(number)
        found = repo.find_issue(value) if value is not None else None
        if found is None:
            fail(NOT_FOUND)
        return found

    def _issues_repo(self, owner: str, name: str) -> Repository:
        """The repository, if its issues are on: else GitHub's 410."""
        repo = self._repo_or_404(owner, name)
        if not repo.has_issues:
            errors.refuse(errors.issues_disabled())
        return repo

    def _pull_or_404(self, repo: Repository, number: Any) -> Issue:
        issue = self._issue_or_404(repo, number)
        if not issue.is_pull:
            fail(NOT_FOUND)
        return issue

    def _page(
        self, request: Request, items: Sequence[Any], shape: Callable[[Any], Any]
    ) -> list[Any]:
        """One page of a list as GitHub serves it: a bare array; the ``Link`` header is
        added when the answer is dressed."""
        page = PAGES.page(items, request.args)
        link = PAGES.link_header(request.base_url, request.args, page)
        if link:
            request.environ[_LINK] = link
        return [shape(item) for item in page.items]

    def _issue(
        self, repo: Repository, item: Issue, milestones: dict[int, Any] | None = None
    ) -> dict[str, Any]:
        rendered = render.issue(repo, item, self.data.users, milestones)
        return {**rendered, **details.issue_extras(repo, item)}

    def _comment(self, repo: Repository, item: Any) -> dict[str, Any]:
        data = render.comment(repo, item, self.data.users)
        data["reactions"] = details.reactions(data["url"])
        return data

    # ------------------------------------------------------------------ users and orgs

    def rate_limit(self, request: Request) -> dict[str, Any]:
        state = self.rate_limiter.peek(self.credential_key(request))
        resources = {}
        for name, (limit, window) in RATE_RESOURCES.items():
            reset = int(self.clock()) + window
            resources[name] = {
                "limit": limit,
                "remaining": limit,
                "reset": reset,
                "used": 0,
                "resource": name,
            }
        core = {
            "limit": state.limit,
            "remaining": state.remaining,
            "reset": state.reset_epoch_s,
            "used": state.limit - state.remaining,
            "resource": "core",
        }
        resources["core"] = core
        return {"resources": resources, "rate": core}

    def get_authenticated_user(self, request: Request) -> dict[str, Any]:
        owner = self.data.users[0]
        detail = details.user_detail(owner, self.data, private=True)
        detail["total_private_repos"] = detail["owned_private_repos"] = 0
        return detail

    def get_user(self, request: Request, username: str) -> dict[str, Any]:
        if username.lower() == ORG_LOGIN:
            org = details.organization_detail(self.data)
            person = render.user(User(ORG_ID, ORG_LOGIN), kind="Organization")
            keys = ("name", "company", "blog", "location", "email", "twitter_username")
            return {
                **person,
                **{key: org[key] for key in keys},
                "hireable": None,
                "bio": org["description"],
                "public_repos": org["public_repos"],
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": org["created_at"],
                "updated_at": org["updated_at"],
            }
        member = self._member_or_404(username)
        return details.user_detail(member, self.data, private=False)

    def _member_or_404(self, login: str) -> User:
        found = next((u for u in self.data.users if u.login.lower() == login.lower()), None)
        if found is None:
            fail(NOT_FOUND)
        return found

    def get_org(self, request: Request, org: str) -> dict[str, Any]:
        if org.lower() != ORG_LOGIN:
            fail(NOT_FOUND)
        return details.organization_detail(self.data)

    def org_members(self, request: Request, org: str) -> Any:
        if org.lower() != ORG_LOGIN:
            fail(NOT_FOUND)
        role = request.args.get("role", "all")
        if role not in ("all", "admin", "member"):
            return self.validation_failed("Organization", "role")
        members = [
            u
            for i, u in enumerate(self.data.users)
            if role == "all" or (role == "admin") == (i == 0)
        ]
        return self._page(request, members, render.user)

    def org_teams(self, request: Request, org: str) -> list[Any]:
        if org.lower() != ORG_LOGIN:
            fail(NOT_FOUND)
        return self._page(request, [details.team()], lambda team: team)

    def team_members(self, request: Request, org: str, team_slug: str) -> list[Any]:
        if org.lower() != ORG_LOGIN or team_slug != details.TEAM_SLUG:
            fail(NOT_FOUND)
        role = request.args.get("role", "all")
        members = [
            u
            for i, u in enumerate(self.data.users)
            if role == "all" or (role == "maintainer") == (i == 0)
        ]
        return self._page(request, members, render.user)

    # ------------------------------------------------------------------ repositories

    def org_repos(self, request: Request, org: str) -> Any:
        if org.lower() != ORG_LOGIN:
            fail(NOT_FOUND)
        kind = request.args.get("type", "all")
        repos = [r for r in self.data.repos if _repo_kind_matches(r, kind)]
        return self._repo_page(request, repos, "created")

    def user_repos(self, request: Request, username: str) -> Any:
        if username.lower() == ORG_LOGIN:
            # for an organization login this lists its public repositories only
            public = [r for r in self.data.repos if not r.private]
            return self._repo_page(request, public, "full_name")
        self._member_or_404(username)
        return self._repo_page(request, [], "full_name")

    def authenticated_user_repos(self, request: Request) -> Any:
        visibility = request.args.get("visibility", "all")
        if visibility not in ("all", "public", "private"):
            return self.validation_failed("Repository", "visibility")
        repos = [r for r in self.data.repos if _repo_kind_matches(r, visibility)]
        since, before = _since(request), _since(request, "before")
        if since is False or before is False:
            return self.validation_failed("Repository", "since" if since is False else "before")
        repos = [
            r
            for r in repos
            if (since is None or r.updated_at >= since)
            and (before is None or r.updated_at < before)
        ]
        return self._repo_page(request, repos, "full_name")

    def _repo_page(self, request: Request, repos: list[Repository], default_sort: str) -> Any:
        sort = request.args.get("sort", default_sort)
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

    def get_repo(self, request: Request, owner: str, repo: str) -> dict[str, Any]:
        found = self._repo_or_404(owner, repo)
        return {
            **render.repository(found),
            "organization": render.organization(),
            "network_count": 0,
            "subscribers_count": len(self.data.users),
        }

    def stargazers(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        users = self.data.users
        return self._page(request, users[: 1 + found.id % len(users)], render.user)

    def contributors(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        return self._page(request, details.contributors(found, self.data.users), dict)

    def collaborators(self, request: Request, owner: str, repo: str) -> Any:
        self._repo_or_404(owner, repo)
        affiliation = request.args.get("affiliation", "all")
        if affiliation not in ("outside", "direct", "all"):
            return self.validation_failed("Repository", "affiliation")
        people = [] if affiliation == "outside" else list(enumerate(self.data.users))
        return self._page(request, people, lambda pair: details.collaborator(pair[1], pair[0]))

    def assignees(self, request: Request, owner: str, repo: str) -> list[Any]:
        self._repo_or_404(owner, repo)
        return self._page(request, self.data.users, render.user)

    def branches(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        rows = details.branches(found)
        protected = request.args.get("protected")
        if protected in ("true", "false"):
            rows = [row for row in rows if (row[0] == "main") == (protected == "true")]
        return self._page(request, rows, lambda row: details.branch(found, *row))

    def tags(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        rows = [(r.tag_name, self._release_sha(found, r.created_at)) for r in found.releases]
        rows.sort(key=lambda row: row[0], reverse=True)
        return self._page(request, rows, lambda row: details.tag(found, *row))

    @staticmethod
    def _release_sha(repo: Repository, when: int) -> str:
        before = [c for c in repo.commits if c.date <= when]
        return (before[-1] if before else repo.commits[0]).sha if repo.commits else ""

    def repo_events(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        pushes = list(reversed(found.commits))[:300]  # GitHub keeps the latest 300 events
        users = self.data.users
        return self._page(request, pushes, lambda c: details.push_event(found, c, users))

    def languages(self, request: Request, owner: str, repo: str) -> dict[str, int]:
        return details.languages(self._repo_or_404(owner, repo))

    def readme(self, request: Request, owner: str, repo: str) -> dict[str, Any]:
        found = self._repo_or_404(owner, repo)
        ref = request.args.get("ref")
        if ref not in (None, "", "main"):
            fail(NOT_FOUND)
        return details.readme(found)

    # ------------------------------------------------------------------ issues

    def list_issues(self, request: Request, owner: str, repo: str) -> Any:
        found = self._issues_repo(owner, repo)
        state = request.args.get("state", "open")
        since = _since(request)
        if state not in ("open", "closed", "all"):
            return self.validation_failed("Issue", "state")
        if since is False:
            return self.validation_failed("Issue", "since")
        wanted = [x for x in request.args.get("labels", "").split(",") if x]
        issues = [
            i
            for i in found.issues
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
        marks = render.milestones_by_number(found, self.data.users)
        return self._page(request, issues, lambda i: self._issue(found, i, marks))

    def get_issue(self, request: Request, owner: str, repo: str, issue_number: str) -> Any:
        found = self._issues_repo(owner, repo)
        item = self._issue_or_404(found, issue_number)
        detail = details.issue_detail(found, item, self.data.users)
        return {**detail, **details.issue_extras(found, item)}

    def issue_labels(self, request: Request, owner: str, repo: str, issue_number: str) -> Any:
        found = self._repo_or_404(owner, repo)
        item = self._issue_or_404(found, issue_number)
        by_name = {label.name: label for label in found.labels}
        labels = [by_name[name] for name in item.labels]
        return self._page(request, labels, lambda label: render.label(found, label))

    def issue_events(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        users = self.data.users
        marks = render.milestones_by_number(found, users)
        return self._page(
            request,
            details.issue_events(found),
            lambda row: details.issue_event(found, row, users, self._issue(found, row[0], marks)),
        )

    def repo_comments(self, request: Request, owner: str, repo: str) -> Any:
        found = self._repo_or_404(owner, repo)
        since = _since(request)
        if since is False:
            return self.validation_failed("IssueComment", "since")
        comments = [c for c in found.comments if since is None or c.updated_at >= since]
        sort = request.args.get("sort", "created")
        if sort not in ("created", "updated"):
            return self.validation_failed("IssueComment", "sort")
        reverse = request.args.get("direction", "asc") == "desc"
        attribute = f"{sort}_at"
        comments.sort(key=lambda c: (getattr(c, attribute), c.id), reverse=reverse)
        return self._page(request, comments, lambda c: self._comment(found, c))

    def issue_comments(self, request: Request, owner: str, repo: str, issue_number: str) -> Any:
        found = self._repo_or_404(owner, repo)
        number = self._issue_or_404(found, issue_number).number
        since = _since(request)
        if since is False:
            return self.validation_failed("IssueComment", "since")
        comments = [
            c
            for c in found.comments
            if c.issue_number == number and (since is None or c.updated_at >= since)
        ]
        return self._page(request, comments, lambda c: self._comment(found, c))

    def get_comment(self, request: Request, owner: str, repo: str, comment_id: str) -> Any:
        found = self._repo_or_404(owner, repo)
        wanted = _whole(comment_id)
        comment = next((c for c in found.comments if c.id == wanted), None)
        if comment is None:
            fail(NOT_FOUND)
        return self._comment(found, comment)

    def list_labels(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        return self._page(request, found.labels, lambda item: render.label(found, item))

    def list_milestones(self, request: Request, owner: str, repo: str) -> Any:
        found = self._repo_or_404(owner, repo)
        state = request.args.get("state", "open")
        if state not in ("open", "closed", "all"):
            return self.validation_failed("Milestone", "state")
        milestones = [m for m in found.milestones if state in ("all", m.state)]
        reverse = request.args.get("direction", "asc") == "desc"
        milestones.sort(key=lambda m: (m.due_on, m.number), reverse=reverse)
        users = self.data.users
        return self._page(request, milestones, lambda m: render.milestone(found, m, users))

    # ------------------------------------------------------------------ writes

    def create_issue(self, request: Request, owner: str, repo: str) -> Response:
        found = self._issues_repo(owner, repo)
        body = _json_object(request)
        self._content_created(request)
        change = self._write(lambda: self.writer.create_issue(found, body))
        number = str(change.data["number"])
        values = {"owner": owner, "repo": found.name, "issue_number": number}
        return self._written(request, self.dispatch("get_issue", request, values), 201)

    def update_issue(self, request: Request, owner: str, repo: str, issue_number: str) -> Any:
        found = self._issues_repo(owner, repo)
        item = self._issue_or_404(found, issue_number)
        body = _json_object(request)
        self._write(lambda: self.writer.update_issue(found, item, body))
        values = {"owner": owner, "repo": found.name, "issue_number": str(item.number)}
        return self._written(request, self.dispatch("get_issue", request, values), 200)

    def add_labels(self, request: Request, owner: str, repo: str, issue_number: str) -> Any:
        found, item = self._issue_for_write(owner, repo, issue_number)
        body = _json_body(request)
        self._write(lambda: self.writer.add_labels(found, item, body))
        return self._labels_answer(request, found, item)

    def set_labels(self, request: Request, owner: str, repo: str, issue_number: str) -> Any:
        found, item = self._issue_for_write(owner, repo, issue_number)
        body = _json_body(request)
        self._write(lambda: self.writer.set_labels(found, item, body))
        return self._labels_answer(request, found, item)

    def remove_all_labels(
        self, request: Request, owner: str, repo: str, issue_number: str
    ) -> Response:
        found, item = self._issue_for_write(owner, repo, issue_number)
        self._write(lambda: self.writer.remove_all_labels(found, item))
        return Response(status=204)

    def remove_label(
        self, request: Request, owner: str, repo: str, issue_number: str, name: str
    ) -> Any:
        found, item = self._issue_for_write(owner, repo, issue_number)
        self._write(lambda: self.writer.remove_label(found, item, name))
        return self._labels_answer(request, found, item)

    def create_comment(self, request: Request, owner: str, repo: str, issue_number: str) -> Any:
        found, item = self._issue_for_write(owner, repo, issue_number)
        body = _json_object(request)
        self._content_created(request)
        change = self._write(lambda: self.writer.create_comment(found, item, body))
        return self._comment_answer(request, owner, found, change.id, 201)

    def update_comment(self, request: Request, owner: str, repo: str, comment_id: str) -> Any:
        found = self._issues_repo(owner, repo)
        body = _json_object(request)
        comment = self._comment_or_404(found, comment_id)
        self._write(lambda: self.writer.update_comment(found, comment, body))
        return self._comment_answer(request, owner, found, str(comment.id), 200)

    def delete_comment(self, request: Request, owner: str, repo: str, comment_id: str) -> Any:
        found = self._issues_repo(owner, repo)
        comment = self._comment_or_404(found, comment_id)
        self._write(lambda: self.writer.delete_comment(found, comment))
        return Response(status=204)

    # ------------------------------------------------------------------ webhooks

    def create_hook(self, request: Request, owner: str, repo: str) -> Any:
        found = self._repo_or_404(owner, repo)
        body = _json_object(request)
        config = body.get("config")
        url = config.get("url") if isinstance(config, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return self.validation_failed("Hook", "config.url")
        secret = config.get("secret") if isinstance(config, dict) else None
        if not isinstance(secret, str) or not secret:
            return self.validation_failed("Hook", "config.secret")
        events = body.get("events") or ["push"]
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            return self.validation_failed("Hook", "events")
        hook_id = str(10_000_000 + len(self.webhooks.all()) + 1)
        subscription = self.webhooks.add(
            url,
            secret=secret,
            events=[*events, "ping"],
            scope={"repo": found.name},
            subscription_id=hook_id,
        )
        at = iso(int(self.clock()))
        api_url = f"{request.host_url.rstrip('/')}/repos/{ORG_LOGIN}/{found.name}"
        hook = webhooks.hook_answer(subscription, api_url, at)
        self.deliver(
            subscription, webhooks.addressed(webhooks.ping(subscription, hook), subscription)
        )
        return self.json_response(hook, status=201)

    def delete_hook(self, request: Request, owner: str, repo: str, hook_id: str) -> Response:
        self._repo_or_404(owner, repo)
        if not self.webhooks.remove(hook_id):
            fail(NOT_FOUND)
        return Response(status=204)

    snapshot_keys = {"issue": ("repo", "number"), "comment": ("repo", "issue_number")}

    def journal_snapshot(self) -> Snapshot:
        """Issues (not pull requests) and comments, with the values their writes journal."""
        issues: dict[str, dict[str, Any]] = {}
        comments: dict[str, dict[str, Any]] = {}
        for repo in self.data.repos:
            for issue in repo.issues:
                if not issue.is_pull:
                    issues[f"{repo.name}#{issue.number}"] = {
                        "repo": repo.name,
                        "number": issue.number,
                        **{k: getattr(issue, k) for k in ("title", "body", "state", "updated_at")},
                        "labels": list(issue.labels),
                    }
            for comment in repo.comments:
                comments[str(comment.id)] = {
                    "repo": repo.name,
                    "issue_number": comment.issue_number,
                    "body": comment.body,
                    "updated_at": comment.updated_at,
                }
        return {"issue": issues, "comment": comments}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        repo = self.data.repo_named(str(change.data.get("repo", "")))
        if repo is None:
            return []
        number = change.data.get("issue_number", change.data.get("number"))
        issue = repo.find_issue(int(number)) if number is not None else None
        if issue is None:
            return []
        parts: dict[str, Any] = {"issue": self._issue(repo, issue)}
        if change.object == "comment":
            comment = next((c for c in repo.comments if str(c.id) == change.id), None)
            if comment is not None:
                parts["comment"] = self._comment(repo, comment)
            elif change.op == "delete":
                parts["comment"] = {"id": int(change.id)}
        parts["repository"] = render.repository(repo)
        parts["sender"] = render.user(self.data.users[0])
        action = None
        if change.object == "issue" and change.op == "update" and "state" in change.data:
            action = "closed" if change.data["state"] == "closed" else "reopened"
        made = webhooks.event(change, action, **parts)
        return [made] if made is not None else []

    def address_event(self, event: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
        repository = event.body.get("repository") or {}
        if subscription.scope.get("repo") not in (None, repository.get("name")):
            return None  # a hook of another repository
        return webhooks.addressed(event, subscription)

    def _write(self, build: Callable[[], Draft]) -> Any:
        """Record one write (see :meth:`record_change`)."""
        return self.record_change(build)

    def _issue_for_write(self, owner: str, repo: str, number: str) -> tuple[Repository, Issue]:
        found = self._issues_repo(owner, repo)
        return found, self._issue_or_404(found, number)

    @staticmethod
    def _comment_or_404(repo: Repository, comment_id: str) -> Comment:
        wanted = _whole(comment_id)
        comment = next((c for c in repo.comments if c.id == wanted), None)
        if comment is None:
            fail(NOT_FOUND)
        return comment

    def _content_created(self, request: Request) -> None:
        """Count a content-creating request against the secondary rate limit."""
        wait = self.content_limit.admit(self.credential_key(request))
        if wait is not None:
            owner_id = self.data.users[0].id
            refused = errors.secondary_limit(f"C0DE:{owner_id:X}:{int(self.clock()):X}")
            refused.headers["retry-after"] = str(wait)
            errors.refuse(refused)

    def _labels_answer(self, request: Request, repo: Repository, item: Issue) -> Response:
        by_name = {label.name: label for label in repo.labels}
        labels = [render.label(repo, by_name[name]) for name in item.labels]
        return self._written(request, labels, 200)

    def _comment_answer(
        self, request: Request, owner: str, repo: Repository, comment_id: str, status: int
    ) -> Response:
        values = {"owner": owner, "repo": repo.name, "comment_id": comment_id}
        return self._written(request, self.dispatch("get_comment", request, values), status)

    def _written(self, request: Request, answer: Any, status: int) -> Response:
        """A write's answer: JSON with API URLs pointing at this emulator (as ``GET``
        answers do), and ``Location`` naming a created object."""
        if isinstance(answer, Response):
            return answer
        body = json.dumps(answer, separators=(",", ":")).encode()
        response = Response(
            body.replace(API_ROOT, self._root(request)),
            status=status,
            content_type=JSON_CONTENT_TYPE,
        )
        if status == 201 and isinstance(answer, dict) and "url" in answer:
            response.headers["Location"] = str(answer["url"]).replace(
                API_ROOT.decode(), self._root(request).decode()
            )
        return response

    # ------------------------------------------------------------------ pull requests

    def list_pulls(self, request: Request, owner: str, repo: str) -> Any:
        found = self._repo_or_404(owner, repo)
        state = request.args.get("state", "open")
        if state not in ("open", "closed", "all"):
            return self.validation_failed("PullRequest", "state")
        pulls = [i for i in found.issues if i.is_pull and state in ("all", i.state)]
        head = request.args.get("head")
        if head:
            pulls = [i for i in pulls if head.split(":")[-1] == f"topic-{i.number}"]
        if request.args.get("base") not in (None, "", "main"):
            pulls = []
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
        shown = render.repository(found)
        marks = render.milestones_by_number(found, users)
        return self._page(
            request, pulls, lambda i: render.pull_request(found, i, users, shown, marks)
        )

    def get_pull(self, request: Request, owner: str, repo: str, pull_number: str) -> Any:
        found = self._repo_or_404(owner, repo)
        item = self._pull_or_404(found, pull_number)
        return details.pull_detail(found, item, self.data.users)

    def pull_commits(self, request: Request, owner: str, repo: str, pull_number: str) -> Any:
        found = self._repo_or_404(owner, repo)
        item = self._pull_or_404(found, pull_number)
        users = self.data.users
        commits = details.pull_commits(found, item)
        return self._page(request, commits, lambda c: render.commit(found, c, users))

    def pull_reviews(self, request: Request, owner: str, repo: str, pull_number: str) -> Any:
        found = self._repo_or_404(owner, repo)
        item = self._pull_or_404(found, pull_number)
        return self._page(request, details.reviews(found, item, self.data.users), dict)

    # ------------------------------------------------------------------ commits, releases

    def list_commits(self, request: Request, owner: str, repo: str) -> Any:
        found = self._repo_or_404(owner, repo)
        since, until = _since(request), _since(request, "until")
        if since is False or until is False:
            return self.validation_failed("Commit", "since" if since is False else "until")
        commits = [
            c
            for c in reversed(found.commits)
            if (since is None or c.date >= since) and (until is None or c.date <= until)
        ]
        author = request.args.get("author")
        if author:
            logins = [u.login for u in self.data.users]
            commits = [c for c in commits if logins[c.author] == author]
        users = self.data.users
        return self._page(request, commits, lambda c: render.commit(found, c, users))

    def get_commit(self, request: Request, owner: str, repo: str, ref: str) -> Any:
        found = self._repo_or_404(owner, repo)
        heads = dict(details.branches(found))
        tags = {r.tag_name: self._release_sha(found, r.created_at) for r in found.releases}
        sha = heads.get(ref) or tags.get(ref) or ref
        commit = next((c for c in found.commits if len(sha) >= 7 and c.sha.startswith(sha)), None)
        if commit is None:
            return github_error(422, f"No commit found for SHA: {ref}")
        return details.commit_detail(found, commit, self.data.users)

    def list_releases(self, request: Request, owner: str, repo: str) -> list[Any]:
        found = self._repo_or_404(owner, repo)
        releases = sorted(found.releases, key=lambda r: r.created_at, reverse=True)
        users = self.data.users
        return self._page(request, releases, lambda r: render.release(found, r, users))

    def get_release(self, request: Request, owner: str, repo: str, release_id: str) -> Any:
        found = self._repo_or_404(owner, repo)
        wanted = _whole(release_id)
        release = next((r for r in found.releases if r.id == wanted), None)
        if release is None:
            fail(NOT_FOUND)
        return render.release(found, release, self.data.users)

    # ------------------------------------------------------------------ GraphQL

    def graphql(self, request: Request) -> Any:
        """``POST /graphql``: GitHub's GraphQL API over the same store (:mod:`.graph`)."""
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            return github_error(400, "Problems parsing JSON")
        state = self.rate_limiter.peek(self.credential_key(request))
        rate = {
            "limit": state.limit,
            "cost": 1,
            "remaining": state.remaining,
            "used": state.limit - state.remaining,
            "resetAt": iso(int(state.reset_epoch_s)),
        }
        return graph.run(self.data, body, rate)

    # ------------------------------------------------------------------ search

    def search_issues(self, request: Request) -> Any:
        query = SearchQuery.parse(request.args.get("q", ""))
        if query is None:
            return self.validation_failed("Search", "q", code="missing")
        found = [
            (repo, issue)
            for repo in self.data.repos
            if query.wants_repository(repo)
            for issue in repo.issues
            if query.wants_issue(issue, self.data.users)
        ]
        sort = request.args.get("sort")
        keys: dict[str, Callable[[Issue], Any]] = {
            "created": lambda i: i.created_at,
            "updated": lambda i: i.updated_at,
            "comments": lambda i: i.comments,
        }
        if sort in keys:
            reverse = request.args.get("order", "desc") == "desc"
            found.sort(key=lambda pair: keys[sort](pair[1]), reverse=reverse)
        return self._search_page(request, found, lambda pair: {**self._issue(*pair), "score": 1.0})

    def search_repositories(self, request: Request) -> Any:
        query = SearchQuery.parse(request.args.get("q", ""))
        if query is None:
            return self.validation_failed("Search", "q", code="missing")
        repos = [r for r in self.data.repos if query.wants_repository(r, by_text=True)]
        sort = request.args.get("sort")
        keys: dict[str, Callable[[Repository], Any]] = {
            "stars": lambda r: r.id % 97,
            "forks": lambda r: r.id % 5,
            "updated": lambda r: r.updated_at,
            "help-wanted-issues": lambda r: 0,
        }
        if sort in keys:
            reverse = request.args.get("order", "desc") == "desc"
            repos.sort(key=keys[sort], reverse=reverse)
        return self._search_page(request, repos, lambda r: {**render.repository(r), "score": 1.0})

    def _search_page(
        self, request: Request, items: Sequence[Any], shape: Callable[[Any], Any]
    ) -> dict[str, Any]:
        listed = self._page(request, items, shape)
        return {"total_count": len(items), "incomplete_results": False, "items": listed}


@cache
def _pruned_surface(path: Path) -> dict[str, DocumentedOperation]:
    out = {}
    for key, operation in load_surface(path).items():
        shape = _prune(copy.deepcopy(dict(operation.shape)))
        out[key] = DocumentedOperation(
            operation.method, operation.path, operation.operation_id, operation.query, shape
        )
    return out


def _prune(shape: Any) -> Any:
    if not isinstance(shape, dict):
        return shape
    if "o" in shape:
        fields = shape["o"]
        for marker, omitted in OMITTED:
            if marker <= fields.keys():
                for name in omitted:
                    fields.pop(name, None)
        for sub in fields.values():
            _prune(sub)
    if "a" in shape:
        _prune(shape["a"])
    return shape


def _grounded(value: Any, user: dict[str, Any], repository: dict[str, Any] | None) -> Any:
    """``value`` with user-like objects replaced by ``user`` and repository-like ones by
    ``repository`` (their other documented fields kept), and ``total_count`` beside a
    list equal to its length."""
    if isinstance(value, list):
        return [_grounded(item, user, repository) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _grounded(item, user, repository) for key, item in value.items()}
    if {"login", "gravatar_id"} <= out.keys():
        out.update(user)
    elif repository is not None and {"full_name", "forks_url"} <= out.keys():
        out.update(repository)
    listed = [item for item in out.values() if isinstance(item, list)]
    if "total_count" in out and len(listed) == 1:
        out["total_count"] = len(listed[0])  # a wrapped list counts what it holds
    return out


def _names(header: str, etag: str) -> bool:
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def _json_body(request: Request) -> Any:
    """The request's JSON body (``None`` when empty); GitHub's 400 when it is not JSON."""
    raw = request.get_data()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        errors.refuse(errors.problems_parsing_json())


def _json_object(request: Request) -> dict[str, Any]:
    """A JSON object body (an empty body is ``{}``); else GitHub's 400."""
    body = _json_body(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        errors.refuse(errors.problems_parsing_json())
    return body


def _whole(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


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
