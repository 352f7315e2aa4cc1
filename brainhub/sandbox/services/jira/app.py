"""The Jira Cloud REST API emulator (platform ``/rest/api/3`` and agile ``/rest/agile/1.0``).

What it does as Jira Cloud does:

- **Auth**: HTTP basic with the account's email and an API token; anything else gets 401
  with Jira's plain-text body ``Client must be authenticated to access this resource.`` and
  ``X-Seraph-LoginReason: AUTHENTICATED_FAILED`` when credentials were sent but wrong.
- **Issue search** ``GET|POST /rest/api/3/search/jql``: ``jql`` (the subset in :mod:`.jql`;
  unbounded queries are refused), ``fields`` (default: only ``id``), ``maxResults`` (default
  50, at most 100 with fields, 5,000 without), opaque ``nextPageToken`` →
  ``{issues, nextPageToken?, isLast}``; no ``total``.
- **Everything else pages with** ``startAt``/``maxResults`` (silently capped: projects 100,
  boards and sprints 50, users 1,000, comments and worklogs 5,000): ``project/search``,
  ``board`` and ``board/{id}/sprint`` answer ``{startAt, maxResults, total, isLast, values}``;
  ``issue/{id}/comment`` ``{startAt, maxResults, total, comments}``; ``issue/{id}/worklog``
  ``{startAt, maxResults, total, worklogs}``; ``users/search`` a bare array.
- **Errors** are ErrorCollections ``{"errorMessages": […], "errors": {}}``: 404 for a
  missing issue or board, 400 ``The board does not support sprints`` for kanban boards, 400
  for bad JQL.
- **Rate limits**: a burst budget per account (100 requests a minute here); responses carry
  ``X-RateLimit-Limit``, ``X-RateLimit-Remaining``, ``X-RateLimit-Reset`` (ISO) and
  ``X-RateLimit-NearLimit: true`` under 20 % left; over it: 429 with ``Retry-After``
  (seconds) and ``RateLimit-Reason: jira-burst-based``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.jira import jql, render
from brainhub.sandbox.services.jira.dataset import Issue, JiraDataset, Project
from brainhub.sandbox.services.jira.sizes import SIZES

API = "/rest/api/3"
AGILE = "/rest/agile/1.0"
UNAUTHENTICATED = "Client must be authenticated to access this resource."
SEARCH_DEFAULT, SEARCH_MAX_WITH_FIELDS, SEARCH_MAX_IDS = 50, 100, 5000


class JiraEmulator(Emulator):
    """Jira Cloud's REST v3 and agile APIs for one site; see the module docstring."""

    service = "jira"
    base_path = ""
    default_rate_limit = 100
    rate_limit_window_s = 60.0
    routes = (
        Rule(f"{API}/myself", endpoint="myself", methods=["GET"]),
        Rule(f"{API}/project/search", endpoint="search_projects", methods=["GET"]),
        Rule(f"{API}/users/search", endpoint="search_users", methods=["GET"]),
        Rule(f"{API}/search/jql", endpoint="search_issues", methods=["GET", "POST"]),
        Rule(f"{API}/issue/<issue_ref>", endpoint="get_issue", methods=["GET"]),
        Rule(f"{API}/issue/<issue_ref>/comment", endpoint="issue_comments", methods=["GET"]),
        Rule(f"{API}/issue/<issue_ref>/worklog", endpoint="issue_worklogs", methods=["GET"]),
        Rule(f"{AGILE}/board", endpoint="list_boards", methods=["GET"]),
        Rule(f"{AGILE}/board/<int:board_id>/sprint", endpoint="board_sprints", methods=["GET"]),
    )

    # ------------------------------------------------------------------ data

    def load(self) -> None:
        self.data = JiraDataset(self.rng, SIZES[self.size], self.generation)

    @property
    def credentials(self) -> dict[str, str]:
        digest = hashlib.sha256(f"jira-sandbox-{self.seed}".encode()).hexdigest()[:40]
        return {
            "domain": "octo-sandbox.atlassian.net",
            "email": "robot@octo-sandbox.example",
            "api_token": f"ATATT3x{digest}",
        }

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

    def _expected_auth(self) -> str:
        pair = f"{self.credentials['email']}:{self.credentials['api_token']}"
        return "Basic " + base64.b64encode(pair.encode()).decode("ascii")

    def authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization")
        if header == self._expected_auth():
            return None
        response = Response(UNAUTHENTICATED, status=401, content_type="text/plain;charset=UTF-8")
        if header:
            response.headers["X-Seraph-LoginReason"] = "AUTHENTICATED_FAILED"
        return response

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        reset = datetime.fromtimestamp(decision.reset_epoch_s, tz=UTC).strftime("%Y-%m-%dT%H:%MZ")
        headers = {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": reset,
        }
        if decision.limit and decision.remaining < decision.limit * 0.2:
            headers["X-RateLimit-NearLimit"] = "true"
        return headers

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        response = self.error(429, "Rate limit exceeded.")
        response.headers["Retry-After"] = str(decision.retry_after_whole_s)
        response.headers["RateLimit-Reason"] = "jira-burst-based"
        return response

    def not_found_response(self, request: Request) -> Response:
        body = {"message": f"null for uri: {request.url}", "status-code": 404}
        return self.json_response(body, status=404)

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return self.error(status, "Internal server error.")

    def error(self, status: int, *messages: str, **errors: str) -> Response:
        """Jira's ErrorCollection body."""
        return self.json_response(
            {"errorMessages": list(messages), "errors": errors}, status=status
        )

    # ------------------------------------------------------------------ helpers

    def _window(self, request: Request, default: int, cap: int) -> tuple[int, int] | Response:
        """``(startAt, maxResults)`` from the query, capped as Jira caps them."""
        try:
            start = int(request.args.get("startAt", 0))
            size = int(request.args.get("maxResults", default))
        except ValueError:
            return self.error(400, "startAt and maxResults must be whole numbers.")
        return max(start, 0), min(max(size, 0), cap)

    def _page_bean(
        self,
        request: Request,
        items: Sequence[Any],
        shape: Callable[[Any], dict[str, Any]],
        *,
        default: int,
        cap: int,
        key: str = "values",
        with_is_last: bool = True,
    ) -> Response | dict[str, Any]:
        window = self._window(request, default, cap)
        if isinstance(window, Response):
            return window
        start, size = window
        chunk = items[start : start + size]
        body: dict[str, Any] = {"startAt": start, "maxResults": size, "total": len(items)}
        if with_is_last:
            body["isLast"] = start + len(chunk) >= len(items)
        body[key] = [shape(item) for item in chunk]
        return body

    def _issue(self, ref: str) -> tuple[Issue, Project] | None:
        for project in self.data.projects:
            for issue in project.issues:
                if ref in (str(issue.id), issue.key):
                    return issue, project
        return None

    # ------------------------------------------------------------------ endpoints

    def myself(self, request: Request) -> dict[str, Any]:
        return render.user(self.data.users[0], full=True)

    def search_projects(self, request: Request) -> Response | dict[str, Any]:
        projects = sorted(self.data.projects, key=lambda p: p.key)
        page = self._page_bean(request, projects, render.project, default=50, cap=100)
        if isinstance(page, dict):
            base = f"{render.API}/project/search"
            page["self"] = f"{base}?startAt={page['startAt']}&maxResults={page['maxResults']}"
            if not page["isLast"]:
                following = page["startAt"] + page["maxResults"]
                page["nextPage"] = f"{base}?startAt={following}&maxResults={page['maxResults']}"
        return page

    def search_users(self, request: Request) -> Response:
        window = self._window(request, 50, 1000)
        if isinstance(window, Response):
            return window
        start, size = window
        chunk = self.data.users[start : start + size]
        return self.json_response([render.user(u, full=True) for u in chunk])

    def search_issues(self, request: Request) -> Response | dict[str, Any]:
        args = _search_args(request)
        try:
            query = jql.parse(str(args.get("jql") or ""))
        except jql.JqlError as exc:
            return self.error(400, str(exc))
        fields = _field_list(args.get("fields"))
        cap = SEARCH_MAX_WITH_FIELDS if fields and fields != ["id"] else SEARCH_MAX_IDS
        try:
            size = min(max(int(args.get("maxResults") or SEARCH_DEFAULT), 1), cap)
        except (TypeError, ValueError):
            return self.error(400, "maxResults must be a whole number.")
        matched = [
            (issue, project)
            for project in self.data.projects
            for issue in project.issues
            if query.matches(_facts(issue, project))
        ]
        order: dict[str, Callable[[tuple[Issue, Project]], Any]] = {
            "updated": lambda pair: (pair[0].updated, pair[0].id),
            "created": lambda pair: (pair[0].created, pair[0].id),
            "key": lambda pair: (pair[1].key, int(pair[0].key.split("-")[1])),
        }
        matched.sort(key=order[query.order_field], reverse=query.descending)
        start = _read_token(args.get("nextPageToken"), str(args.get("jql")))
        if start is None:
            return self.error(400, "The provided next page token is invalid or expired.")
        chunk = matched[start : start + size]
        body: dict[str, Any] = {
            "issues": [render.issue(i, p, self.data, fields) for i, p in chunk],
        }
        following = start + len(chunk)
        if following < len(matched):
            body["nextPageToken"] = _make_token(following, str(args.get("jql")))
        body["isLast"] = following >= len(matched)
        return body

    def get_issue(self, request: Request, issue_ref: str) -> Response | dict[str, Any]:
        found = self._issue(issue_ref)
        if found is None:
            return self.error(404, "Issue does not exist or you do not have permission to see it.")
        issue, project = found
        return render.issue(issue, project, self.data, _field_list(request.args.get("fields")))

    def issue_comments(self, request: Request, issue_ref: str) -> Response | dict[str, Any]:
        found = self._issue(issue_ref)
        if found is None:
            return self.error(404, "Issue does not exist or you do not have permission to see it.")
        issue, _ = found
        ordered = sorted(issue.comments, key=lambda c: (c.created, c.id))
        if request.args.get("orderBy", "created").lstrip("+-") != "created":
            return self.error(400, "orderBy must be created, -created or +created.")
        if request.args.get("orderBy", "").startswith("-"):
            ordered.reverse()
        return self._page_bean(
            request,
            ordered,
            lambda c: render.comment(issue, c, self.data),
            default=5000,
            cap=5000,
            key="comments",
            with_is_last=False,
        )

    def issue_worklogs(self, request: Request, issue_ref: str) -> Response | dict[str, Any]:
        found = self._issue(issue_ref)
        if found is None:
            return self.error(404, "Issue does not exist or you do not have permission to see it.")
        issue, _ = found
        after = request.args.get("startedAfter", type=int)
        worklogs = [w for w in issue.worklogs if after is None or w.started * 1000 >= after]
        return self._page_bean(
            request,
            worklogs,
            lambda w: render.worklog(issue, w, self.data),
            default=5000,
            cap=5000,
            key="worklogs",
            with_is_last=False,
        )

    def list_boards(self, request: Request) -> Response | dict[str, Any]:
        kind = request.args.get("type")
        boards = [p for p in self.data.projects if kind is None or render.board(p)["type"] == kind]
        return self._page_bean(request, boards, render.board, default=50, cap=50)

    def board_sprints(self, request: Request, board_id: int) -> Response | dict[str, Any]:
        project = next((p for p in self.data.projects if p.board_id == board_id), None)
        if project is None:
            return self.error(404, "Board does not exist or you do not have permission to see it.")
        if not project.scrum:
            return self.error(400, "The board does not support sprints")
        states = {s for s in request.args.get("state", "").split(",") if s}
        sprints = [s for s in project.sprints if not states or s.state in states]
        return self._page_bean(request, sprints, render.sprint, default=50, cap=50)


def _search_args(request: Request) -> dict[str, Any]:
    if request.method == "POST":
        body = request.get_json(silent=True) or {}
        return body if isinstance(body, dict) else {}
    return request.args.to_dict()


def _field_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _facts(issue: Issue, project: Project) -> dict[str, Any]:
    return {
        "project": project.key,
        "updated": issue.updated,
        "created": issue.created,
        "key": issue.key,
    }


def _make_token(offset: int, query: str) -> str:
    tag = hashlib.sha256(query.encode()).hexdigest()[:8]
    return base64.urlsafe_b64encode(f"{offset}:{tag}".encode()).decode().rstrip("=")


def _read_token(token: Any, query: str) -> int | None:
    """The offset a token stands for; ``None`` when it is not one of ours for this query."""
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)).decode()
        offset, tag = text.split(":")
    except (ValueError, UnicodeDecodeError):
        return None
    if tag != hashlib.sha256(query.encode()).hexdigest()[:8]:
        return None
    start = whole_number(offset)
    return start if start is not None and start >= 0 else None
