"""The Jira Cloud REST API emulator: platform ``/rest/api/3`` (and ``/rest/api/2``) and
agile ``/rest/agile/1.0``.

Every documented GET operation is declared in :mod:`.operations`: served by a handler
here (or in :mod:`.issues`, :mod:`.catalog` and :mod:`.agile`), answered from its
documented shape (tidied by :mod:`.shaping`), or left out with a reason; ``brainhub
sandbox coverage jira`` lists them. What it does as Jira Cloud does:

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
- **Writes** (:mod:`.write_handlers`, checked by :mod:`.writes`, applied by
  :mod:`.changes`): create, edit, transition and delete issues, create, update and delete
  comments and worklogs, in v3 (ADF) and v2 (text), with Jira's ErrorCollections for bad
  fields. Following the stored state they go to the change journal and outlive the
  process (``brainhub sandbox reset jira`` forgets them); with a pinned ``generation``
  they stay in memory. They count against the rate limit and stamp ``updated`` just
  after the dataset's "now", so the next incremental search picks them up.
- **Rate limits**: a burst budget per account (100 requests a minute here); responses carry
  ``X-RateLimit-Limit``, ``X-RateLimit-Remaining``, ``X-RateLimit-Reset`` (ISO) and
  ``X-RateLimit-NearLimit: true`` under 20 % left; over it: 429 with ``Retry-After``
  (seconds) and ``RateLimit-Reason: jira-burst-based``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.kit.oauth import OAuthProfile
from brainhub.sandbox.kit.webhooks import WebhookEvent
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.jira import errors, fields, jql, render, webhooks
from brainhub.sandbox.services.jira.agile import AgileHandlers
from brainhub.sandbox.services.jira.catalog import CatalogHandlers
from brainhub.sandbox.services.jira.changes import JiraChanges
from brainhub.sandbox.services.jira.core import expand_list, field_list
from brainhub.sandbox.services.jira.core import integer as _integer
from brainhub.sandbox.services.jira.dataset import (
    ISSUE_TYPES,
    PRIORITIES,
    STATUSES,
    Issue,
    JiraDataset,
    Project,
)
from brainhub.sandbox.services.jira.issues import IssueHandlers
from brainhub.sandbox.services.jira.operations import API_V2, OPERATIONS, v3_path
from brainhub.sandbox.services.jira.shaping import linked, pruned, resource_kind
from brainhub.sandbox.services.jira.sizes import SIZES, now_s
from brainhub.sandbox.services.jira.versions import as_v2
from brainhub.sandbox.services.jira.write_handlers import WriteHandlers
from brainhub.sandbox.services.jira.writes import IssueWriter

UNAUTHENTICATED = errors.UNAUTHENTICATED
#: How many searches' results are kept for their following pages.
SEARCHES_KEPT = 32
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


class JiraEmulator(IssueHandlers, WriteHandlers, AgileHandlers, CatalogHandlers):
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
    #: Atlassian's ``POST https://auth.atlassian.com/oauth/token`` (JSON body), served at
    #: the emulator's root.
    oauth = OAuthProfile(
        endpoint="/oauth/token",
        error_status=403,
        type_spelling="Bearer",
        vendor_fields=lambda emulator: {"scope": "read:jira-work write:jira-work offline_access"},
        invalid_grant_description="Unknown or invalid refresh token.",
    )
    webhook_rules = webhooks.RULES
    #: Jira retries a failed delivery up to five times, backing off.
    retry_delays_s = (10.0, 20.0, 40.0, 80.0, 160.0)

    # ------------------------------------------------------------------ webhooks

    def create_webhook(self, request: Request) -> Any:
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise errors.failure(400, "The request body must be a JSON object.")
        url, secret = body.get("url"), body.get("secret")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise errors.failure(400, "url: give the http(s) URL Jira posts events to.")
        if not isinstance(secret, str) or not secret:
            raise errors.failure(400, "secret: give the secret Jira signs deliveries with.")
        events = body.get("events") or ["jira:issue_updated"]
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            raise errors.failure(400, "events: give a list of event names.")
        filters = body.get("filters")
        filters = filters if isinstance(filters, dict) else {}
        scope = {
            "name": str(body.get("name") or ""),
            "jql": str(filters.get("issue-related-events-section", "")),
        }
        subscription = self.webhooks.add(
            url,
            secret=secret,
            events=events,
            scope=scope,
            subscription_id=str(len(self.webhooks.all()) + 1),
        )
        answer = webhooks.webhook_answer(subscription, render.SITE, int(self.clock() * 1000))
        return self.json_response(answer, status=201)

    def delete_webhook(self, request: Request, webhook_id: str) -> Response:
        if not self.webhooks.remove(webhook_id):
            raise errors.failure(404, f"Webhook {webhook_id} does not exist.")
        return Response(status=204)

    snapshot_keys = {"issue": ("key",), "comment": ("issue",)}

    def journal_snapshot(self) -> Snapshot:
        """Issues and their comments, with the values their writes journal."""
        issues: dict[str, dict[str, Any]] = {}
        comments: dict[str, dict[str, Any]] = {}
        for project in self.data.projects:
            for issue in project.issues:
                issues[str(issue.id)] = {
                    "key": issue.key,
                    "project": project.key,
                    **{
                        k: getattr(issue, k)
                        for k in ("summary", "status", "priority", "assignee", "updated")
                    },
                    "labels": list(issue.labels),
                }
                for comment in issue.comments:
                    comments[str(comment.id)] = {"issue": str(issue.id), "updated": comment.updated}
        return {"issue": issues, "comment": comments}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        ref = str(change.data.get("issue", change.id)) if change.object == "comment" else change.id
        found = self.issues_by_ref.get(ref)
        issue = (
            self.issue_body(found[0], found[1], [], frozenset())
            if found is not None
            else {"id": ref, "key": change.data.get("key"), "self": f"{render.API}/issue/{ref}"}
        )
        parts: dict[str, Any] = {}
        if change.object == "comment" and found is not None:
            comment = next((c for c in found[0].comments if str(c.id) == change.id), None)
            parts["comment"] = (
                render.comment(found[0], comment, self.data) if comment else {"id": change.id}
            )
        user = render.user(self.data.users[0])
        made = webhooks.event(change, int(self.clock() * 1000), user, issue, **parts)
        return [made] if made is not None else []

    # ------------------------------------------------------------------ data

    def load(self) -> None:
        self.data = JiraDataset(self.rng, SIZES[self.size], self.generation)
        #: Issues matching a JQL text, in order, for this generation (pages of one search
        #: share them; ``load`` runs again when the generation changes).
        self.search_results: dict[str, list[tuple[Issue, Project]]] = {}
        self.issues_by_ref: dict[str, tuple[Issue, Project]] = {}
        for project in self.data.projects:
            for issue in project.issues:
                self.issues_by_ref[issue.key] = self.issues_by_ref[str(issue.id)] = (
                    issue,
                    project,
                )
        self.writer = IssueWriter(self.data)
        self._replay = JiraChanges(
            self.data, self.issues_by_ref, self.search_results.clear
        ).replay()
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

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
        if header == self._expected_auth() or self.bearer_token_issued(request):
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
        body = pruned(super().shaped(request, f"{method} {v3_path(path)}", values))
        owner = render.user(self.data.users[0], full=True)
        body = linked(body, resource_kind(v3_path(path)), owner)
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
        spec = field_list(args.get("fields"))
        expand = expand_list(args.get("expand"))
        cap = SEARCH_MAX_WITH_FIELDS if spec and spec != ["id"] else SEARCH_MAX_IDS
        size = _integer(args.get("maxResults")) if args.get("maxResults") else SEARCH_DEFAULT
        if size is None:
            raise errors.failure(400, "The value for maxResults must be a number.")
        size = min(max(size, 1), cap)
        matched = self._matching(query, str(args.get("jql")))
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
        spec = field_list(request.args.getlist("fields") or None)
        expand = expand_list(request.args.get("expand"))
        matched = self._matching(query, str(request.args.get("jql")))
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

    def _matching(self, query: jql.Query, text: str) -> list[tuple[Issue, Project]]:
        cached = self.search_results.get(text)
        if cached is not None:
            return cached
        if len(self.search_results) >= SEARCHES_KEPT:
            self.search_results.clear()
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
        self.search_results[text] = matched
        return matched


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
