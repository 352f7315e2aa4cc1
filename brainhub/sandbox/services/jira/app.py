"""The Jira Cloud REST API emulator: platform ``/rest/api/3`` (and ``/rest/api/2``) and
agile ``/rest/agile/1.0``.

Every documented GET operation is declared in :mod:`.operations`: served by a handler
here (or in :mod:`.catalog` and :mod:`.agile`), answered from its documented shape, or
left out with a reason; ``brainhub sandbox coverage jira`` lists them. What it does as
Jira Cloud does:

- **Auth**: HTTP basic with the account's email and an API token; anything else gets 401
  with Jira's plain-text body ``Client must be authenticated to access this resource.`` and
  ``X-Seraph-LoginReason: AUTHENTICATED_FAILED`` when credentials were sent but wrong.
- **Versions**: every ``/rest/api/3`` resource is also at ``/rest/api/2``, where rich text
  (descriptions, comment bodies, worklog comments) is wiki markup instead of ADF.
- **Issue search** ``GET|POST /rest/api/{2,3}/search/jql``: ``jql`` (the subset in
  :mod:`.jql`; unbounded queries are refused), ``fields`` (default: only ``id``),
  ``expand``, ``maxResults`` (default 50, at most 100 with fields, 5,000 without), opaque
  ``nextPageToken`` → ``{issues, nextPageToken?, isLast}``; no ``total``. The older
  ``GET /search`` pages with ``startAt`` and reports ``total`` (default fields
  ``*navigable``).
- **Issues**: ``fields=`` takes ``*all`` (the default for one issue), ``*navigable``,
  names and ``-name``; ``expand=`` takes ``renderedFields``, ``names``, ``schema``,
  ``transitions``, ``operations``, ``editmeta``, ``changelog``, ``versionedRepresentations``.
- **Everything else pages with** ``startAt``/``maxResults``: ``startAt`` below 0 counts
  as 0, ``maxResults`` is brought inside ``1..cap`` (projects 100, boards and sprints 50,
  users 1,000, comments and worklogs 5,000); a value that is not a number is a 400.
- **Errors** are ErrorCollections ``{"errorMessages": […], "errors": {}}`` (see
  :mod:`.errors`); unknown paths Jersey's ``{"message": "null for uri: …"}``.
- **HTTP**: ``application/json;charset=UTF-8``, gzip when asked, ``HEAD`` on every ``GET``.
- **Rate limits**: a burst budget per account (100 requests a minute here); responses carry
  ``X-RateLimit-Limit``, ``X-RateLimit-Remaining``, ``X-RateLimit-Reset`` (ISO) and
  ``X-RateLimit-NearLimit: true`` under 20 % left; over it: 429 with ``Retry-After``
  (seconds) and ``RateLimit-Reason: jira-burst-based``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.jira import errors, fields, jql, render
from brainhub.sandbox.services.jira.agile import AgileHandlers
from brainhub.sandbox.services.jira.catalog import CatalogHandlers
from brainhub.sandbox.services.jira.core import integer as _integer
from brainhub.sandbox.services.jira.dataset import (
    ISSUE_TYPES,
    PRIORITIES,
    STATUSES,
    Issue,
    JiraDataset,
    Project,
)
from brainhub.sandbox.services.jira.operations import API_V2, OPERATIONS, v3_path
from brainhub.sandbox.services.jira.sizes import SIZES, now_s
from brainhub.sandbox.services.jira.versions import as_v2

UNAUTHENTICATED = errors.UNAUTHENTICATED
SEARCH_DEFAULT, SEARCH_MAX_WITH_FIELDS, SEARCH_MAX_IDS = 50, 100, 5000
#: Path ids Jira numbers: any other value names nothing (404).
NUMERIC_IDS = (
    "id",
    "dashboardId",
    "itemId",
    "filterId",
    "linkId",
    "issueLinkTypeId",
    "permissionId",
    "quickFilterId",
    "statusId",
)
#: Objects nested deeper than this are left out of shaped answers (see ``_pruned``).
SHAPED_DEPTH = 5
EXPANDS = frozenset(
    (
        "renderedFields",
        "names",
        "schema",
        "transitions",
        "operations",
        "editmeta",
        "changelog",
        "versionedRepresentations",
    )
)


class JiraEmulator(AgileHandlers, CatalogHandlers):
    """Jira Cloud's REST v2/v3 and agile APIs for one site; see the module docstring."""

    service = "jira"
    base_path = ""
    size_names = tuple(SIZES)
    default_rate_limit = 100
    rate_limit_window_s = 60.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners(json_content_type=errors.JSON_CONTENT_TYPE, gzip_when_asked=True)
    shape_host = "octo-sandbox.atlassian.net"

    # ------------------------------------------------------------------ data

    def load(self) -> None:
        self.data = JiraDataset(self.rng, SIZES[self.size], self.generation)
        self.issues_by_ref: dict[str, tuple[Issue, Project]] = {}
        for project in self.data.projects:
            for issue in project.issues:
                self.issues_by_ref[issue.key] = self.issues_by_ref[str(issue.id)] = (
                    issue,
                    project,
                )

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
        return errors.unauthenticated(bool(header))

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
        response = errors.ERRORS.response("RATE_LIMITED")
        response.headers["Retry-After"] = str(decision.retry_after_whole_s)
        response.headers["RateLimit-Reason"] = "jira-burst-based"
        return response

    def not_found_response(self, request: Request) -> Response:
        return errors.route_not_found(request)

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return errors.collection(status, "Internal server error.")

    # ------------------------------------------------------------------ kit hooks

    def dispatch(self, endpoint: str, request: Request, values: Mapping[str, Any]) -> Any:
        result = super().dispatch(endpoint, request, values)
        if request.path.startswith(API_V2 + "/") and not isinstance(result, Response):
            return as_v2(result)
        return result

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        method, _, path = key.partition(" ")
        for name in NUMERIC_IDS:
            value = str(values.get(name, "0"))
            if value.isascii() and value.isdigit():
                continue
            if "/filter/" in path and "/permission" not in path:  # unknown filters: 400
                raise errors.named("FILTER_NOT_AVAILABLE")
            raise errors.failure(404, f"The object with id '{value}' does not exist.")
        body = _pruned(super().shaped(request, f"{method} {v3_path(path)}", values))
        owner = render.user(self.data.users[0], full=True)
        body = _linked(body, _resource(v3_path(path)), owner)
        if isinstance(body, dict):
            body = self._as_page(request, body)
        return body

    def _as_page(self, request: Request, body: dict[str, Any]) -> dict[str, Any]:
        """A shaped ``PageBean`` made consistent: the window asked for, the one shaped
        item on the first page, ``total`` counting it, no next page; ``self`` the
        request's own URL on the site."""
        if "self" in body:
            query = request.query_string.decode("ascii", "replace")
            body["self"] = render.SITE + quote(request.path) + (f"?{query}" if query else "")
        if not isinstance(body.get("values"), list) or "startAt" not in body:
            return body
        start, size = self.window(request, 50, 100)
        items = body["values"][:size]
        body.update(
            startAt=start,
            maxResults=size,
            total=len(items),
            isLast=True,
            values=items if start == 0 else [],
        )
        body.pop("nextPage", None)
        return body

    def shape_base_ms(self) -> int:
        return now_s(self.generation) * 1000

    def missing_query_response(self, name: str) -> Response:
        return self.error(400, f"The '{name}' query parameter is required.")

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        owner = render.user(self.data.users[0], full=True)
        named = next(
            (values[n] for n in ("projectIdOrKey", "projectId", "projectKeyOrId") if n in values),
            None,
        )
        project = self.find_project(named) if named is not None else self.data.projects[0]
        context: dict[str, Any] = {
            "accountId": owner["accountId"],
            "projectId": project.id,
            "projectKey": project.key,
            "project": project.key,
            "boardId": project.board_id,
            "baseUrl": render.SITE,
        }
        for name, value in values.items():
            context[name] = value
        return context

    def check_path_ids(self, values: Mapping[str, Any]) -> None:
        for name in ("issueIdOrKey",):
            if name in values:
                self.find_issue(values[name])
        for name in ("projectIdOrKey", "projectId", "projectKeyOrId"):
            if name in values:
                self.find_project(values[name])
        if "boardId" in values:
            self.find_board(values["boardId"])
        if "sprintId" in values:
            self.find_sprint(values["sprintId"])

    # ------------------------------------------------------------------ search

    def search_issues(self, request: Request) -> dict[str, Any]:
        args = _search_args(request)
        query = _parse_jql(args.get("jql"))
        spec = _field_list(args.get("fields"))
        expand = _expand(args.get("expand"))
        cap = SEARCH_MAX_WITH_FIELDS if spec and spec != ["id"] else SEARCH_MAX_IDS
        size = _integer(args.get("maxResults")) if args.get("maxResults") else SEARCH_DEFAULT
        if size is None:
            raise errors.failure(400, "The value for maxResults must be a number.")
        size = min(max(size, 1), cap)
        matched = self._matching(query)
        start = _read_token(args.get("nextPageToken"), str(args.get("jql")))
        if start is None:
            raise errors.named("BAD_PAGE_TOKEN")
        chunk = matched[start : start + size]
        only_ids = not spec or spec == ["id"]
        body: dict[str, Any] = {
            "issues": [
                self.issue_body(i, p, [], expand, ())
                if only_ids
                else self.issue_body(i, p, spec, expand, fields.NAVIGABLE)
                for i, p in chunk
            ],
        }
        following = start + len(chunk)
        if following < len(matched):
            body["nextPageToken"] = _make_token(following, str(args.get("jql")))
        body["isLast"] = following >= len(matched)
        self._search_descriptions(body, spec, expand, fields.NAVIGABLE)
        return body

    def search_issues_paged(self, request: Request) -> dict[str, Any]:
        query = _parse_jql(request.args.get("jql"))
        spec = _field_list(request.args.getlist("fields") or None)
        expand = _expand(request.args.get("expand"))
        matched = self._matching(query)
        start, size = self.window(request, SEARCH_DEFAULT, SEARCH_MAX_WITH_FIELDS)
        chunk = matched[start : start + size]
        body: dict[str, Any] = {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(matched),
            "issues": [self.issue_body(i, p, spec, expand, fields.NAVIGABLE) for i, p in chunk],
        }
        self._search_descriptions(body, spec, expand, fields.NAVIGABLE)
        return body

    def _search_descriptions(
        self, body: dict[str, Any], spec: list[str], expand: frozenset[str], default: Any
    ) -> None:
        """Searches give ``names`` and ``schema`` once, beside the issues."""
        chosen = fields.select(spec, default) if spec else []
        if "names" in expand:
            body["names"] = {name: fields.BY_ID[name].name for name in chosen}
        if "schema" in expand:
            body["schema"] = {name: fields.BY_ID[name].schema() for name in chosen}
        for issue in body["issues"]:
            issue.pop("names", None)
            issue.pop("schema", None)

    def _matching(self, query: jql.Query) -> list[tuple[Issue, Project]]:
        matched = [
            (issue, project)
            for project in self.data.projects
            for issue in project.issues
            if query.matches(_facts(issue, project, self.data.users))
        ]
        order: dict[str, Callable[[tuple[Issue, Project]], Any]] = {
            "updated": lambda pair: (pair[0].updated, pair[0].id),
            "created": lambda pair: (pair[0].created, pair[0].id),
            "key": lambda pair: (pair[1].key, int(pair[0].key.split("-")[1])),
        }
        matched.sort(key=order[query.order_field], reverse=query.descending)
        return matched

    def get_issue(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, project = self.find_issue(issueIdOrKey)
        spec = _field_list(request.args.getlist("fields") or None)
        return self.issue_body(issue, project, spec, _expand(request.args.get("expand")))

    def issue_changelog(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        histories = render.changelog(issue, self.data)
        page = self.page_bean(request, histories, lambda h: h, default=100, cap=100)
        page["self"] = f"{render.API}/issue/{issue.key}/changelog"
        return page

    def issue_editmeta(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        return render.editmeta(issue)

    def issue_transitions(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        wanted = request.args.get("transitionId")
        found = [t for t in render.transitions(issue) if wanted in (None, "", t["id"])]
        return {"expand": "transitions", "transitions": found}

    def issue_comments(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        ordered = sorted(issue.comments, key=lambda c: (c.created, c.id))
        order = request.args.get("orderBy", "created")
        if order.lstrip("+-") != "created":
            raise errors.failure(400, "orderBy must be created, -created or +created.")
        if order.startswith("-"):
            ordered.reverse()
        return self.page_bean(
            request,
            ordered,
            lambda c: render.comment(issue, c, self.data),
            default=5000,
            cap=5000,
            key="comments",
            with_is_last=False,
        )

    def issue_comment(self, request: Request, issueIdOrKey: str, id: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        for comment in issue.comments:
            if str(comment.id) == id:
                return render.comment(issue, comment, self.data)
        return self.error(404, "Can not find a comment for the id: " + id + ".")

    def issue_worklogs(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        after = _integer(request.args.get("startedAfter") or "0") or 0
        before = _integer(request.args.get("startedBefore") or "0") or 0
        worklogs = [
            w
            for w in issue.worklogs
            if w.started * 1000 >= after and (not before or w.started * 1000 < before)
        ]
        return self.page_bean(
            request,
            worklogs,
            lambda w: render.worklog(issue, w, self.data),
            default=5000,
            cap=5000,
            key="worklogs",
            with_is_last=False,
        )

    def issue_worklog(self, request: Request, issueIdOrKey: str, id: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        for worklog in issue.worklogs:
            if str(worklog.id) == id:
                return render.worklog(issue, worklog, self.data)
        return self.error(404, "Cannot find worklog with id: " + id + ".")

    def worklogs_updated(self, request: Request) -> dict[str, Any]:
        since = max(_integer(request.args.get("since") or "0") or 0, 0)
        changed = sorted(
            (w.updated * 1000, w.id)
            for issue in self.data.issues()
            for w in issue.worklogs
            if w.updated * 1000 >= since
        )[:1000]
        until = changed[-1][0] if changed else since
        return {
            "values": [{"worklogId": i, "updatedTime": t, "properties": []} for t, i in changed],
            "since": since,
            "until": until,
            "self": f"{render.API}/worklog/updated?since={since}",
            "lastPage": True,
        }

    def worklogs_deleted(self, request: Request) -> dict[str, Any]:
        since = max(_integer(request.args.get("since") or "0") or 0, 0)
        return {
            "values": [],
            "since": since,
            "until": since,
            "self": f"{render.API}/worklog/deleted?since={since}",
            "lastPage": True,
        }

    def issue_watchers(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        people = render.watchers(issue)
        return {
            "self": f"{render.API}/issue/{issue.key}/watchers",
            "isWatching": 0 in people,
            "watchCount": len(people),
            "watchers": [render.user(self.data.users[p]) for p in people],
        }

    def issue_votes(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        return {
            "self": f"{render.API}/issue/{issue.key}/votes",
            "votes": 0,
            "hasVoted": False,
            "voters": [],
        }

    def issue_remote_links(self, request: Request, issueIdOrKey: str) -> list[Any]:  # noqa: N803
        self.find_issue(issueIdOrKey)
        return []

    def issue_remote_link(self, request: Request, issueIdOrKey: str, linkId: str) -> Response:  # noqa: N803
        self.find_issue(issueIdOrKey)
        return self.error(404, f"No remote link with id '{linkId}' exists on this issue.")

    def issue_property_keys(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        self.find_issue(issueIdOrKey)
        return {"keys": []}

    def issue_property(self, request: Request, issueIdOrKey: str, propertyKey: str) -> Any:  # noqa: N803
        self.find_issue(issueIdOrKey)
        raise errors.property_not_found(propertyKey)

    def comment_property_keys(self, request: Request, commentId: str) -> dict[str, Any]:  # noqa: N803
        self._comment(commentId)
        return {"keys": []}

    def comment_property(self, request: Request, commentId: str, propertyKey: str) -> Any:  # noqa: N803
        self._comment(commentId)
        raise errors.property_not_found(propertyKey)

    def worklog_property_keys(
        self,
        request: Request,
        issueIdOrKey: str,  # noqa: N803
        worklogId: str,  # noqa: N803
    ) -> dict[str, Any]:
        self._worklog(issueIdOrKey, worklogId)
        return {"keys": []}

    def worklog_property(
        self,
        request: Request,
        issueIdOrKey: str,  # noqa: N803
        worklogId: str,  # noqa: N803
        propertyKey: str,  # noqa: N803
    ) -> Any:
        self._worklog(issueIdOrKey, worklogId)
        raise errors.property_not_found(propertyKey)

    def _comment(self, comment_id: str) -> None:
        for issue in self.data.issues():
            if any(str(c.id) == comment_id for c in issue.comments):
                return
        raise errors.failure(404, "Can not find a comment for the id: " + comment_id + ".")

    def _worklog(self, issue_ref: str, worklog_id: str) -> None:
        issue, _ = self.find_issue(issue_ref)
        if not any(str(w.id) == worklog_id for w in issue.worklogs):
            raise errors.failure(404, "Cannot find worklog with id: " + worklog_id + ".")


def _pruned(value: Any, depth: int = 0) -> Any:
    """A shaped answer without the objects nested deeper than :data:`SHAPED_DEPTH`: the
    surface stops describing objects there (a project's component's lead's application
    roles…), and real answers leave such optional detail out."""
    if isinstance(value, dict):
        return {
            key: _pruned(item, depth + 1)
            for key, item in value.items()
            if depth < SHAPED_DEPTH or not isinstance(item, dict | list)
        }
    if isinstance(value, list):
        return [_pruned(item, depth) for item in value]
    return value


#: Path segments that name a way of listing, not the kind of object listed.
_LISTINGS = frozenset(
    ("search", "my", "favourite", "recent", "picker", "bulk", "member", "accessible", "query")
)


def _resource(template: str) -> str:
    """The kind of object an operation answers with, from its path: ``component`` for
    ``/project/{key}/components``, ``filter`` for ``/filter/search``."""
    segments = [s for s in template.split("/")[4:] if s and not s.startswith("{")]
    kind = next((s for s in reversed(segments) if s not in _LISTINGS), "item")
    return kind[:-1] if kind.endswith("s") and kind != "status" else kind


def _linked(value: Any, kind: str, owner: dict[str, Any]) -> Any:
    """A shaped answer whose objects' ``self`` links point at where the object lives:
    ``<site>/rest/api/3/<kind>/<id>``, the kind being the field that holds it; users
    (objects with an ``accountId``, the caller's as shaped) are the caller, as
    ``/myself`` describes them."""
    if isinstance(value, list):
        return [_linked(item, kind, owner) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        inner = key[:-1] if key.endswith("s") and key != "status" else key
        out[key] = _linked(item, kind if key in ("values", "items") else inner, owner)
    if out.get("accountId") == owner["accountId"]:
        # the fields the caller's user has, and none it lacks (deprecated key and name)
        return {key: owner[key] for key in out if key in owner}
    if isinstance(out.get("self"), str) and "id" in out:
        out["self"] = f"{render.API}/{kind}/{out['id']}"
    return out


def _parse_jql(text: Any) -> jql.Query:
    try:
        return jql.parse(str(text or ""))
    except jql.JqlError as exc:
        raise errors.failure(400, str(exc)) from None


def _search_args(request: Request) -> dict[str, Any]:
    if request.method == "POST":
        body = request.get_json(silent=True) or {}
        return body if isinstance(body, dict) else {}
    args: dict[str, Any] = request.args.to_dict()
    if len(request.args.getlist("fields")) > 1:
        args["fields"] = request.args.getlist("fields")
    return args


def _field_list(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = [part for item in items for part in str(item).split(",")]
    return [name.strip() for name in names if name.strip()]


def _expand(value: Any) -> frozenset[str]:
    items = value if isinstance(value, list) else str(value or "").split(",")
    return frozenset(str(item).strip() for item in items) & EXPANDS


def _facts(issue: Issue, project: Project, users: list[Any]) -> dict[str, Any]:
    status_id, status_name, category = STATUSES[issue.status]
    type_id, type_name = ISSUE_TYPES[issue.issue_type]
    priority_id, priority_name = PRIORITIES[issue.priority]

    def person(index: int | None) -> set[str]:
        if index is None:
            return set()
        return {users[index].account_id.lower(), users[index].display_name.lower()}

    return {
        "project": project.key,
        "updated": issue.updated,
        "created": issue.created,
        "key": issue.key,
        "key_values": {issue.key.lower(), str(issue.id)},
        "status": {status_id, status_name.lower()},
        "statusCategory": {
            category,
            render.CATEGORY_NAMES[category].lower(),
            str(render.CATEGORY_IDS[category]),
        },
        "issuetype": {type_id, type_name.lower()},
        "priority": {priority_id, priority_name.lower()},
        "labels": {label.lower() for label in issue.labels},
        "assignee": person(issue.assignee),
        "reporter": person(issue.reporter),
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
