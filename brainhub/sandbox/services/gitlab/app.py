"""The GitLab REST API v4 emulator (``gitlab.com/api/v4``), on the emulator kit.

What it serves is declared in ``operations.py`` (every family a customer's data lives in:
projects and the group, issues, merge requests, the repository, CI, releases, users,
snippets, wikis, events; most answered from GitLab's documented shapes with the path's ids,
lists paged like the rest, unknown parents GitLab's 404); what it does as GitLab does:

- **Auth**: ``PRIVATE-TOKEN: <token>``, ``Authorization: Bearer <token>`` or the
  ``private_token`` query parameter; anything else is 401 ``{"message": "401
  Unauthorized"}``. ``:id`` is a project's numeric id or its URL-encoded
  ``namespace/path``; an unknown one is 404 ``{"message": "404 Project Not Found"}``.
- **Paging** (:mod:`.paging`): offset ``page``/``per_page`` with ``X-Page``,
  ``X-Next-Page``, ``X-Total``, ``X-Total-Pages`` and ``Link``; keyset paging
  (``pagination=keyset``, ``order_by=id``) on ``/projects`` and ``/users``.
- **Filters**: issues and merge requests ``state``, ``updated_after``/``updated_before``,
  ``created_after``/``created_before``, ``order_by`` (``created_at``, ``updated_at``) and
  ``sort`` (default ``desc``); pipelines ``updated_after``/``updated_before``, ``status``,
  ``ref``, ``order_by`` (``id``, ``status``, ``ref``, ``updated_at``); commits
  ``since``/``until`` on the committed date, newest first; notes ``sort`` and ``order_by``.
  An unreadable date or order is GitLab's 400 ``{"error": "<name> is invalid"}``.
- **Rate limits**: 2,000 requests a minute per token, described by ``RateLimit-Limit``,
  ``RateLimit-Observed``, ``RateLimit-Remaining``, ``RateLimit-Reset`` and
  ``RateLimit-ResetTime``; over it, 429 with the plain-text ``Retry later`` and
  ``Retry-After``.
- **Repository** (:mod:`.repository`): a few files on ``main`` that the tree, file
  (``files/<url-encoded path>?ref=``), raw, blame and blob reads resolve to each other.
- **Writes** (:mod:`.writes`): create and update issues (``state_event`` ``close`` or
  ``reopen``, ``add_labels``/``remove_labels``) and create issue notes; through the change
  journal, so they outlive the process (``brainhub sandbox reset gitlab`` forgets them).
- **Webhooks** (:mod:`.webhooks`): ``POST /projects/:id/hooks`` subscribes a URL (with an
  optional ``token``) to the project's issue, note and merge-request events; writes and
  ``brainhub sandbox mutate gitlab`` deliver them once (GitLab does not retry).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners, KitEmulator
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.gitlab import webhooks
from brainhub.sandbox.services.gitlab.dataset import (
    GROUP,
    GROUP_ID,
    SIZES,
    GitLabDataset,
    Project,
    parse_iso,
)
from brainhub.sandbox.services.gitlab.errors import (
    ERRORS,
    JSON_CONTENT_TYPE,
    RETRY_LATER,
    fail,
    invalid,
)
from brainhub.sandbox.services.gitlab.operations import (
    LISTS_DOCUMENTED_AS_ONE_OBJECT,
    OPERATIONS,
)
from brainhub.sandbox.services.gitlab.paging import Paged, keyset_page, offset_page
from brainhub.sandbox.services.gitlab.repository import RepositoryFile, RepositoryFiles
from brainhub.sandbox.services.gitlab.shapes import GitLabShaper
from brainhub.sandbox.services.gitlab.writes import IssueWriter

Item = dict[str, Any]
_DIGITS = re.compile(r"[0-9]+")
#: The orders GitLab documents for project lists and for issue and merge-request lists.
PROJECT_ORDERS = (
    *("id", "name", "path", "created_at", "updated_at", "last_activity_at", "similarity"),
    *("star_count", "storage_size", "repository_size", "wiki_size", "packages_size"),
)
WORK_ITEM_ORDERS = (
    *("created_at", "updated_at", "title", "merged_at", "label_priority", "milestone_due"),
    *("popularity", "priority", "due_date", "relative_position"),
)
#: ``/api/v4/projects/<namespace%2Fpath>…`` in a raw request URI.
_ENCODED_PROJECT = re.compile(r"^/api/v4/projects/([^/]*%2[Ff][^/]*)", re.IGNORECASE)


class GitLabEmulator(KitEmulator):
    """GitLab's REST API v4 for one group's projects; see the module docstring."""

    service = "gitlab"
    base_path = "/api/v4"
    default_rate_limit = 2000
    rate_limit_window_s = 60.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners(JSON_CONTENT_TYPE, gzip_when_asked=True)
    shape_host = "gitlab.com"
    webhook_rules = webhooks.RULES
    #: GitLab sends each delivery once (a failing hook is disabled, not retried).
    retry_delays_s = ()
    snapshot_keys = {
        "issue": ("project_id", "iid"),
        "merge_request": ("project_id", "iid"),
        "note": ("project_id", "iid", "noteable"),
    }
    shaper_class = GitLabShaper

    # ------------------------------------------------------------------ data

    def load(self) -> None:
        self.data = GitLabDataset(self.seed, SIZES[self.size], self.generation)
        self.writer = IssueWriter(self.data)
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self.writer.replay()

    @property
    def credentials(self) -> dict[str, str]:
        return {"api_token": f"glpat-sandbox{self.seed:06d}xxxxxxxx"}

    def counts(self) -> dict[str, int]:
        return self.data.counts()

    def changes(self, since_generation: int) -> dict[str, int]:
        before = GitLabDataset(self.seed, SIZES[self.size], since_generation)
        now_ids, then_ids = self.data.stream_ids(), before.stream_ids()
        updated = self.generation - since_generation
        return {
            "issues_created": len(now_ids["issues"] - then_ids["issues"]),
            "issues_updated": max(0, updated) * len(self.data.projects),
            **{f"{name}_deleted": len(then_ids[name] - now_ids[name]) for name in then_ids},
        }

    # ------------------------------------------------------------------ pipeline hooks

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Route a project named by its URL-encoded path (``grp%2Fproj``) as its id: the
        server decodes ``%2F`` before routing, so the raw URI is read instead."""
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
        match = _ENCODED_PROJECT.match(raw.partition("?")[0])
        if match:
            project = self.data.project(unquote(match.group(1)))
            name = unquote(match.group(1))
            if project is not None:
                path = environ.get("PATH_INFO", "")
                environ["PATH_INFO"] = path.replace(
                    f"/projects/{name}", f"/projects/{project.id}", 1
                )
        return super().wsgi_app(environ, start_response)

    def authenticate(self, request: Request) -> Response | None:
        token = request.headers.get("PRIVATE-TOKEN") or request.args.get("private_token")
        if token is None:
            scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
            token = bearer if scheme.lower() == "bearer" else None
        if token != self.credentials["api_token"]:
            return ERRORS.response("unauthorized")
        return None

    def credential_key(self, request: Request) -> str:
        return (
            request.headers.get("PRIVATE-TOKEN")
            or request.args.get("private_token")
            or request.headers.get("Authorization", "").partition(" ")[2]
        )

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        if not decision.limit:
            return {}
        reset = decision.reset_epoch_s
        return {
            "RateLimit-Limit": str(decision.limit),
            "RateLimit-Observed": str(decision.limit - decision.remaining),
            "RateLimit-Remaining": str(decision.remaining),
            "RateLimit-Reset": str(reset),
            "RateLimit-ResetTime": format_datetime(datetime.fromtimestamp(reset, UTC), True),
        }

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        return Response(
            RETRY_LATER,
            status=429,
            content_type="text/plain",
            headers={"Retry-After": str(decision.retry_after_whole_s)},
        )

    # ------------------------------------------------------------------ shaped answers

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        """The path's objects by the field names GitLab gives them, and the token's user
        for every user-like object (``id`` alone names a project, group, user or snippet
        by the path, so it is renamed)."""
        context: dict[str, Any] = {k: v for k, v in values.items() if k != "id"}
        owner = _path_owner(request.path)
        if "id" in values and owner is not None:
            context[f"{owner}_id"] = int(values["id"]) if str(values["id"]).isdigit() else None
        if owner == "project" and "id" in values:
            context["project_id"] = self._project(str(values["id"])).id
        for name in ("issue_iid", "merge_request_iid", "user_id", "pipeline_id", "job_id"):
            if str(values.get(name, "")).isdigit():
                context[name] = int(values[name])
        owner_user = self.data.users[0]
        context["user"] = {**owner_user, "email": f"{owner_user['username']}@example.com"}
        return {k: v for k, v in context.items() if v is not None}

    def missing_query_response(self, name: str) -> Response:
        """GitLab's 400 for a required parameter left out: ``{"error": "<name> is missing"}``."""
        invalid(name, "is missing")

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        """The documented answer for objects the path names that exist (GitLab's 404
        otherwise), carrying the id the path asked for; a list is paged like every other
        list (the lists GitLab's description types as one object too)."""
        self._check_path(request.path, values)
        answer = _named_by_path(key, values, super().shaped(request, key, values))
        if key.partition(" ")[2] in LISTS_DOCUMENTED_AS_ONE_OBJECT:
            answer = [answer]
        if isinstance(answer, list):
            return self._page(request, answer)
        return answer

    def _check_path(self, path: str, values: Mapping[str, Any]) -> None:
        """GitLab's 404 unless every object of ``path`` the store models exists."""
        owner = _path_owner(path) if "id" in values else None
        ref = str(values.get("id", ""))
        if owner == "group":
            self._group(ref)
        elif owner == "user":
            self._user(ref)
        if "user_id" in values:
            self._user(str(values["user_id"]))
        if owner != "project":
            return
        project = self._project(ref)
        if "/merge_requests/" in path:
            items, error = project.merge_requests, "merge_request_not_found"
        else:
            items, error = project.issues, "issue_not_found"
        for name in ("issue_iid", "merge_request_iid", "eventable_id"):
            if name in values:
                self._find(items, "iid", str(values[name]), error)
        if "pipeline_id" in values:
            self._pipeline(project, str(values["pipeline_id"]))
        if "sha" in values:
            self._commit(project, str(values["sha"]))
        if "tag_name" in values:
            self._tag(project, str(values["tag_name"]))

    def not_found_response(self, request: Request) -> Response:
        return ERRORS.response("not_found")

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return ERRORS.response("server_error")

    # ------------------------------------------------------------------ helpers

    def _project(self, ref: str) -> Project:
        project = self.data.project(unquote(ref))
        if project is None:
            fail("project_not_found")
        return project

    def _page(self, request: Request, items: Sequence[Any]) -> Response:
        return self._answer(offset_page(request, items))

    def _answer(self, paged: Paged) -> Response:
        return self.json_response(paged.items, headers=paged.headers)

    @staticmethod
    def _date(request: Request, name: str) -> datetime | None:
        raw = request.args.get(name)
        if raw is None or raw == "":
            return None
        moment = parse_iso(raw)
        if moment is None:
            invalid(name)
        return moment

    def _window(
        self, request: Request, items: list[Item], field: str, after: str, before: str
    ) -> list[Item]:
        low, high = self._date(request, after), self._date(request, before)
        return [
            item
            for item in items
            if (low is None or _moment(item[field]) >= low)
            and (high is None or _moment(item[field]) <= high)
        ]

    @staticmethod
    def _ordered(
        request: Request, items: list[Item], orders: Sequence[str], default: str
    ) -> list[Item]:
        """``items`` in the requested order; an order GitLab documents by a measure the
        sandbox does not keep (``similarity``, ``storage_size``, ``popularity``…) keeps
        the default order, as GitLab does when every item measures the same."""
        order_by = request.args.get("order_by", default)
        if order_by not in orders:
            invalid("order_by", "does not have a valid value")
        sort = request.args.get("sort", "desc")
        if sort not in ("asc", "desc"):
            invalid("sort", "does not have a valid value")
        field = order_by if any(order_by in item for item in items) else default
        key: Callable[[Item], Any] = lambda item: (  # noqa: E731
            item.get(field) is None,
            item.get(field) or "",
            item.get("id", 0),
        )
        return sorted(items, key=key, reverse=sort == "desc")

    def _work_items(self, request: Request, items: list[Item]) -> list[Item]:
        state = request.args.get("state", "all")
        if state not in ("opened", "closed", "merged", "locked", "all"):
            invalid("state", "does not have a valid value")
        chosen = [item for item in items if state == "all" or item["state"] == state]
        chosen = self._window(request, chosen, "updated_at", "updated_after", "updated_before")
        chosen = self._window(request, chosen, "created_at", "created_after", "created_before")
        if request.args.get("labels"):
            wanted = set(request.args["labels"].split(","))
            chosen = [item for item in chosen if wanted <= set(item["labels"])]
        if request.args.get("iids[]"):
            raw = request.args.getlist("iids[]")
            if not all(_DIGITS.fullmatch(value) for value in raw):
                invalid("iids[]")
            iids = {int(value) for value in raw}
            chosen = [item for item in chosen if item["iid"] in iids]
        return self._ordered(request, chosen, WORK_ITEM_ORDERS, "created_at")

    @staticmethod
    def _find(items: list[Item], key: str, value: str, error: str) -> Item:
        found = next((item for item in items if str(item[key]) == value), None)
        if found is None:
            fail(error)
        return found

    # ------------------------------------------------------------------ projects, users

    def list_projects(self, request: Request) -> Response:
        projects = [p.json for p in self.data.projects]
        if request.args.get("archived") == "true":
            projects = []
        if request.args.get("search"):
            needle = request.args["search"].lower()
            projects = [p for p in projects if needle in p["name"].lower()]
        if request.args.get("pagination") == "keyset":
            return self._answer(keyset_page(request, projects))
        return self._page(request, self._ordered(request, projects, PROJECT_ORDERS, "created_at"))

    def get_project(self, request: Request, id: str) -> Item:
        return self._project(id).json

    def user_projects(self, request: Request, user_id: str) -> Response:
        if self.data.user(user_id) is None:
            fail("user_not_found")
        return self.list_projects(request)

    def project_users(self, request: Request, id: str) -> Response:
        self._project(id)
        return self._page(request, self.data.users)

    def project_members(self, request: Request, id: str) -> Response:
        return self._page(request, self._project(id).members)

    def project_member(self, request: Request, id: str, user_id: str) -> Item:
        return self._find(self._project(id).members, "id", user_id, "member_not_found")

    def list_users(self, request: Request) -> Response:
        users = list(self.data.users)
        if request.args.get("username"):
            users = [u for u in users if u["username"] == request.args["username"]]
        if request.args.get("pagination") == "keyset":
            return self._answer(keyset_page(request, users))
        return self._page(request, users)

    def get_user(self, request: Request, id: str) -> Item:
        return self._user(id)

    def _user(self, ref: str) -> Item:
        user = self.data.user(ref)
        if user is None:
            fail("user_not_found")
        return user

    def current_user(self, request: Request) -> Item:
        return self.data.users[0]

    # ------------------------------------------------------------------ issues, MRs, notes

    def list_issues(self, request: Request, id: str) -> Response:
        return self._page(request, self._work_items(request, self._project(id).issues))

    def get_issue(self, request: Request, id: str, issue_iid: str) -> Item:
        return self._find(self._project(id).issues, "iid", issue_iid, "issue_not_found")

    def list_merge_requests(self, request: Request, id: str) -> Response:
        return self._page(request, self._work_items(request, self._project(id).merge_requests))

    def get_merge_request(self, request: Request, id: str, merge_request_iid: str) -> Item:
        project = self._project(id)
        return self._find(
            project.merge_requests, "iid", merge_request_iid, "merge_request_not_found"
        )

    def mr_participants(self, request: Request, id: str, merge_request_iid: str) -> Response:
        mr = self.get_merge_request(request, id, merge_request_iid)
        people = {p["id"]: p for p in [mr["author"], *mr["reviewers"]]}
        return self._page(request, list(people.values()))

    def mr_reviewers(self, request: Request, id: str, merge_request_iid: str) -> list[Item]:
        mr = self.get_merge_request(request, id, merge_request_iid)
        return [
            {"user": r, "state": "unreviewed", "created_at": mr["created_at"]}
            for r in mr["reviewers"]
        ]

    def mr_commits(self, request: Request, id: str, merge_request_iid: str) -> Response:
        self.get_merge_request(request, id, merge_request_iid)
        commits = [_without_project(c) for c in self._project(id).commits[-2:]]
        return self._page(request, commits)

    def _notes(self, request: Request, id: str, kind: str, iid: str, error: str) -> list[Item]:
        project = self._project(id)
        items = project.issues if kind == "issues" else project.merge_requests
        self._find(items, "iid", iid, error)
        notes = list(project.notes.get((kind, int(iid)), []))
        return self._ordered(request, notes, ("created_at", "updated_at"), "created_at")

    def list_issue_notes(self, request: Request, id: str, issue_iid: str) -> Response:
        return self._page(request, self._notes(request, id, "issues", issue_iid, "issue_not_found"))

    def get_issue_note(self, request: Request, id: str, issue_iid: str, note_id: str) -> Item:
        notes = self._notes(request, id, "issues", issue_iid, "issue_not_found")
        return self._find(notes, "id", note_id, "not_found")

    def list_mr_notes(self, request: Request, id: str, merge_request_iid: str) -> Response:
        notes = self._notes(
            request, id, "merge_requests", merge_request_iid, "merge_request_not_found"
        )
        return self._page(request, notes)

    def get_mr_note(self, request: Request, id: str, merge_request_iid: str, note_id: str) -> Item:
        notes = self._notes(
            request, id, "merge_requests", merge_request_iid, "merge_request_not_found"
        )
        return self._find(notes, "id", note_id, "not_found")

    # ------------------------------------------------------------------ repository, CI

    def list_commits(self, request: Request, id: str) -> Response:
        commits = self._window(
            request, self._project(id).commits, "committed_date", "since", "until"
        )
        newest_first = sorted(commits, key=lambda c: c["committed_date"], reverse=True)
        if request.args.get("order") not in (None, "default", "topo"):
            invalid("order", "does not have a valid value")
        return self._page(request, [_without_project(c) for c in newest_first])

    def get_commit(self, request: Request, id: str, sha: str) -> Item:
        return self._commit(self._project(id), sha)

    def _commit(self, project: Project, sha: str) -> Item:
        commit = next(
            (c for c in project.commits if c["id"].startswith(sha) and len(sha) >= 7), None
        )
        if commit is None and sha in ("main", "develop", "HEAD"):
            commit = project.commits[-1]
        if commit is None:
            fail("commit_not_found")
        return {
            **_without_project(commit),
            "stats": {"additions": 3, "deletions": 1, "total": 4},
            "status": None,
        }

    def list_branches(self, request: Request, id: str) -> Response:
        branches = self._project(id).branches
        if request.args.get("search"):
            branches = [b for b in branches if request.args["search"] in b["name"]]
        return self._page(request, branches)

    def get_branch(self, request: Request, id: str, branch: str) -> Item:
        return self._find(self._project(id).branches, "name", unquote(branch), "branch_not_found")

    def list_pipelines(self, request: Request, id: str) -> Response:
        pipelines = self._window(
            request, self._project(id).pipelines, "updated_at", "updated_after", "updated_before"
        )
        for name in ("status", "ref", "sha", "source"):
            if request.args.get(name):
                pipelines = [p for p in pipelines if p[name] == request.args[name]]
        ordered = self._ordered(
            request, pipelines, ("id", "status", "ref", "updated_at", "user_id"), "id"
        )
        return self._page(request, [_pipeline_brief(p) for p in ordered])

    def latest_pipeline(self, request: Request, id: str) -> Item:
        pipelines = self._project(id).pipelines
        if not pipelines:
            fail("pipeline_not_found")
        return self._pipeline_detail(pipelines[-1])

    def get_pipeline(self, request: Request, id: str, pipeline_id: str) -> Item:
        return self._pipeline_detail(self._pipeline(self._project(id), pipeline_id))

    def _pipeline(self, project: Project, pipeline_id: str) -> Item:
        return self._find(project.pipelines, "id", pipeline_id, "pipeline_not_found")

    def _pipeline_detail(self, pipeline: Item) -> Item:
        return {
            **pipeline,
            "before_sha": "0" * 40,
            "tag": False,
            "user": self.data.users[0],
            "coverage": None,
        }

    def list_releases(self, request: Request, id: str) -> Response:
        releases = self._ordered(
            request, self._project(id).releases, ("released_at", "created_at"), "released_at"
        )
        return self._page(request, releases)

    def get_release(self, request: Request, id: str, tag_name: str) -> Item:
        return self._find(
            self._project(id).releases, "tag_name", unquote(tag_name), "release_not_found"
        )

    def _tags(self, project: Project) -> list[Item]:
        """Each release's tag (the seeded repositories tag only their releases)."""
        return [
            {
                "name": r["tag_name"],
                "message": r["name"],
                "target": r["commit"]["id"],
                "commit": r["commit"],
                "release": {"tag_name": r["tag_name"], "description": r["description"]},
                "protected": False,
                "created_at": r["created_at"],
            }
            for r in sorted(project.releases, key=lambda r: r["created_at"], reverse=True)
        ]

    def list_tags(self, request: Request, id: str) -> Response:
        return self._page(request, self._tags(self._project(id)))

    def get_tag(self, request: Request, id: str, tag_name: str) -> Item:
        return self._tag(self._project(id), tag_name)

    def _tag(self, project: Project, tag_name: str) -> Item:
        return self._find(self._tags(project), "name", unquote(tag_name), "tag_not_found")

    def list_contributors(self, request: Request, id: str) -> Response:
        by_email: dict[str, Item] = {}
        for commit in self._project(id).commits:
            entry = by_email.setdefault(
                commit["author_email"],
                {
                    "name": commit["author_name"],
                    "email": commit["author_email"],
                    "commits": 0,
                    "additions": 0,
                    "deletions": 0,
                },
            )
            entry["commits"] += 1
        return self._page(request, sorted(by_email.values(), key=lambda c: c["email"]))

    def commit_refs(self, request: Request, id: str, sha: str) -> Response:
        self.get_commit(request, id, sha)
        kind = request.args.get("type", "all")
        if kind not in ("branch", "tag", "all"):
            invalid("type", "does not have a valid value")
        refs = [{"type": "branch", "name": b["name"]} for b in self._project(id).branches]
        return self._page(request, [r for r in refs if kind in ("all", r["type"])])

    def commit_merge_requests(self, request: Request, id: str, sha: str) -> Response:
        commit = self.get_commit(request, id, sha)
        mrs = [m for m in self._project(id).merge_requests if m["sha"] == commit["id"]]
        return self._page(request, mrs)

    def mr_pipelines(self, request: Request, id: str, merge_request_iid: str) -> Response:
        mr = self.get_merge_request(request, id, merge_request_iid)
        pipelines = [p for p in self._project(id).pipelines if p["sha"] == mr["sha"]]
        return self._page(request, [_pipeline_brief(p) for p in reversed(pipelines)])

    def mr_issues(self, request: Request, id: str, merge_request_iid: str) -> Response:
        """Issues a merge request closes or mentions: the seeded ones link none."""
        self.get_merge_request(request, id, merge_request_iid)
        return self._page(request, [])

    def mr_time_stats(self, request: Request, id: str, merge_request_iid: str) -> Item:
        return dict(self.get_merge_request(request, id, merge_request_iid)["time_stats"])

    def user_status(self, request: Request, user_id: str) -> Item:
        self.get_user(request, user_id)
        return {
            "emoji": None,
            "message": None,
            "message_html": "",
            "availability": "not_set",
            "clear_status_at": None,
        }

    def user_starred_projects(self, request: Request, user_id: str) -> Response:
        """Projects the user starred: the seeded users star none."""
        self.get_user(request, user_id)
        return self._page(request, [])

    def user_follows(self, request: Request, id: str) -> Response:
        """Followers and followed users: the seeded users follow nobody."""
        self.get_user(request, id)
        return self._page(request, [])

    # ------------------------------------------------------------------ groups

    def _group(self, ref: str) -> Item:
        if unquote(ref) not in (str(GROUP_ID), GROUP):
            fail("group_not_found")
        return self.data.group()

    def list_groups(self, request: Request) -> Response:
        return self._page(request, [self.data.group()])

    def get_group(self, request: Request, id: str) -> Item:
        return self._group(id)

    def group_subgroups(self, request: Request, id: str) -> Response:
        """Subgroups and descendants: the seeded group has none."""
        self._group(id)
        return self._page(request, [])

    def group_projects(self, request: Request, id: str) -> Response:
        self._group(id)
        return self.list_projects(request)

    def _group_members(self) -> list[Item]:
        """Every project member once, with their highest access level."""
        members: dict[int, Item] = {}
        for project in self.data.projects:
            for member in project.members:
                known = members.get(member["id"])
                if known is None or known["access_level"] < member["access_level"]:
                    members[member["id"]] = member
        return sorted(members.values(), key=lambda m: m["id"])

    def group_members(self, request: Request, id: str) -> Response:
        self._group(id)
        return self._page(request, self._group_members())

    def group_member(self, request: Request, id: str, user_id: str) -> Item:
        self._group(id)
        return self._find(self._group_members(), "id", user_id, "member_not_found")

    def group_users(self, request: Request, id: str) -> Response:
        self._group(id)
        return self._page(request, self.data.users)

    def _every_merge_request(self, request: Request) -> list[Item]:
        every = [mr for project in self.data.projects for mr in project.merge_requests]
        return self._work_items(request, every)

    def group_merge_requests(self, request: Request, id: str) -> Response:
        self._group(id)
        return self._page(request, self._every_merge_request(request))

    def all_merge_requests(self, request: Request) -> Response:
        return self._page(request, self._every_merge_request(request))

    def group_releases(self, request: Request, id: str) -> Response:
        self._group(id)
        releases = [r for project in self.data.projects for r in project.releases]
        return self._page(request, sorted(releases, key=lambda r: r["released_at"], reverse=True))

    def latest_release(self, request: Request, id: str, **_suffix: str) -> Response:
        """GitLab redirects the permalink to the latest release."""
        releases = self._project(id).releases
        if not releases:
            fail("release_not_found")
        latest = max(releases, key=lambda r: r["released_at"])
        target = f"{request.root_url.rstrip('/')}{self.base_path}/projects/{id}/releases/"
        return Response(status=302, headers={"Location": target + quote(latest["tag_name"])})

    # ------------------------------------------------------------------ repository files

    def _files(self, request: Request, id: str) -> RepositoryFiles:
        project = self._project(id)
        ref = request.args.get("ref") or project.json["default_branch"]
        if not any(b["name"] == ref for b in project.branches):
            self.get_commit(request, id, ref)
        return self.data.files(project)

    def repository_tree(self, request: Request, id: str) -> Response:
        files = self._files(request, id)
        path = request.args.get("path", "").strip("/")
        entries = files.tree(path, _boolean(request.args.get("recursive")))
        if entries is None:
            fail("tree_not_found")
        return self._page(request, entries)

    def _file(
        self, request: Request, id: str, file_path: str, ref_required: bool = True
    ) -> RepositoryFile:
        if ref_required and not request.args.get("ref"):
            invalid("ref", "is missing")
        found = self._files(request, id).file(unquote(file_path))
        if found is None:
            fail("file_not_found")
        return found

    def repository_file(self, request: Request, id: str, file_path: str) -> Item:
        project = self._project(id)
        return self._file(request, id, file_path).json(
            request.args["ref"], project.commits[-1]["id"]
        )

    def repository_file_raw(self, request: Request, id: str, file_path: str) -> Response:
        """The file's content (``ref`` defaults to the default branch here)."""
        return _text(self._file(request, id, file_path, ref_required=False).content)

    def repository_blame(self, request: Request, id: str, file_path: str) -> list[Item]:
        found = self._file(request, id, file_path)
        commit = _without_project(self._project(id).commits[0])
        return [{"commit": commit, "lines": found.content.splitlines()}]

    def _blob(self, id: str, sha: str) -> RepositoryFile:
        found = self.data.files(self._project(id)).blob(sha)
        if found is None:
            fail("blob_not_found")
        return found

    def repository_blob(self, request: Request, id: str, sha: str) -> Item:
        blob = self._blob(id, sha)
        return {
            "size": blob.size,
            "encoding": "base64",
            "content": blob.base64,
            "sha": blob.sha,
        }

    def repository_blob_raw(self, request: Request, id: str, sha: str) -> Response:
        return _text(self._blob(id, sha).content)

    def plain_text(self, request: Request, **values: str) -> Response:
        """Job logs, raw diffs and raw snippets: plain text, for objects that exist."""
        self._check_path(request.path, values)
        if "merge_request_iid" in values:
            project = self._project(values["id"])
            commit = project.commits[-1]
            return _text(f"diff --git a/README.md b/README.md\n+{commit['title']}\n")
        if "job_id" in values:
            return _text(f"Running with gitlab-runner\nJob {values['job_id']} succeeded\n")
        return _text(f"print('snippet {values.get('snippet_id', values.get('id'))}')\n")

    def list_labels(self, request: Request, id: str) -> Response:
        return self._page(request, self._project(id).labels)

    def list_milestones(self, request: Request, id: str) -> Response:
        milestones = self._project(id).milestones
        state = request.args.get("state")
        if state is not None and state not in ("active", "closed"):
            invalid("state", "does not have a valid value")
        return self._page(request, [m for m in milestones if state in (None, m["state"])])

    def get_milestone(self, request: Request, id: str, milestone_id: str) -> Item:
        return self._find(self._project(id).milestones, "id", milestone_id, "milestone_not_found")

    # ------------------------------------------------------------------ writes

    def create_issue(self, request: Request, id: str) -> Response:
        project = self._project(id)
        change = self.record_change(lambda: self.writer.create_issue(project, _form(request)))
        return self.json_response(self.writer.issue(project, change.id), status=201)

    def update_issue(self, request: Request, id: str, issue_iid: str) -> Item:
        project = self._project(id)
        self.get_issue(request, id, issue_iid)
        self.record_change(
            lambda: self.writer.update_issue(project, int(issue_iid), _form(request))
        )
        return self.get_issue(request, id, issue_iid)

    def create_issue_note(self, request: Request, id: str, issue_iid: str) -> Response:
        project = self._project(id)
        self.get_issue(request, id, issue_iid)
        change = self.record_change(
            lambda: self.writer.create_note(project, int(issue_iid), _form(request))
        )
        notes = project.notes[("issues", int(issue_iid))]
        return self.json_response(next(n for n in notes if str(n["id"]) == change.id), status=201)

    # ------------------------------------------------------------------ webhooks

    def create_hook(self, request: Request, id: str) -> Response:
        project = self._project(id)
        form = _form(request)
        url = str(form.get("url") or "")
        if not url.startswith(("http://", "https://")):
            invalid(
                "url",
                "is missing" if not url else "is blocked: Only allowed schemes are http, https",
            )
        token = form.get("token")
        subscription = self.webhooks.add(
            url,
            secret=str(token) if token else "",
            events=webhooks.switched_on(form),
            scope={
                "project_id": project.id,
                "name": str(form.get("name") or ""),
                "description": str(form.get("description") or ""),
            },
            subscription_id=str(_next_hook_id(self.webhooks.all())),
        )
        at = _iso_now(self.clock())
        return self.json_response(webhooks.hook_answer(subscription, project.id, at), status=201)

    def delete_hook(self, request: Request, id: str, hook_id: str) -> Response:
        project = self._project(id)
        hooks = [s for s in self.webhooks.all() if s.scope.get("project_id") == project.id]
        if not any(s.id == hook_id for s in hooks) or not self.webhooks.remove(hook_id):
            fail("not_found")
        return Response(status=204)

    def journal_snapshot(self) -> Snapshot:
        """Issues, merge requests and their notes, with the values their writes journal."""
        issues: dict[str, dict[str, Any]] = {}
        merge_requests: dict[str, dict[str, Any]] = {}
        notes: dict[str, dict[str, Any]] = {}
        for project in self.data.projects:
            for items, into in ((project.issues, issues), (project.merge_requests, merge_requests)):
                for item in items:
                    into[str(item["id"])] = {
                        "project_id": project.id,
                        "iid": item["iid"],
                        **{k: item.get(k) for k in ("title", "description", "state", "updated_at")},
                        "labels": list(item.get("labels") or []),
                    }
            for (kind, iid), found in project.notes.items():
                for note in found:
                    notes[str(note["id"])] = {
                        "project_id": project.id,
                        "iid": iid,
                        "noteable": kind,
                        "body": note.get("body"),
                        "updated_at": note.get("updated_at"),
                    }
        return {"issue": issues, "merge_request": merge_requests, "note": notes}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        return webhooks.events_of(change, self.data)

    def address_event(self, event: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
        return webhooks.addressed(event, subscription)


def _next_hook_id(hooks: Sequence[Subscription]) -> int:
    """The id after the highest hook id in use, so two hooks never share one."""
    return 1 + max((int(h.id) for h in hooks if h.id.isdigit()), default=1000)


def _iso_now(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _path_owner(path: str) -> str | None:
    """What ``{id}`` names in a request path: a project, group, user or snippet."""
    parts = path.split("/")
    segment = parts[3] if len(parts) > 4 else ""
    return {"projects": "project", "groups": "group", "users": "user", "snippets": "snippet"}.get(
        segment
    )


def _named_by_path(key: str, values: Mapping[str, Any], answer: Any) -> Any:
    """A shaped object that the path's last parameter names carries that id (or name), so
    ``GET …/snippets/7`` answers snippet 7."""
    last = key.rsplit("/", 1)[-1]
    if not (isinstance(answer, dict) and last.startswith("{")):
        return answer
    name = last.strip("{}")
    field = "id" if name == "id" or name.endswith("_id") else name
    value = str(values[name])
    if field in answer:
        answer[field] = int(value) if isinstance(answer[field], int) and value.isdigit() else value
    return answer


def _boolean(raw: str | None) -> bool:
    """A Boolean parameter as GitLab reads it (``true``, ``True``, ``1``, ``yes``…)."""
    return (raw or "").strip().lower() in ("true", "t", "1", "yes", "on")


def _text(body: str) -> Response:
    return Response(body, content_type="text/plain; charset=utf-8")


def _form(request: Request) -> dict[str, Any]:
    """A write's parameters: a JSON body, a form, or the query string (GitLab reads all)."""
    body = request.get_json(silent=True) if request.is_json else None
    if isinstance(body, dict):
        return {**request.args.to_dict(), **body}
    return {**request.args.to_dict(), **request.form.to_dict()}


def _moment(text: str) -> datetime:
    moment = parse_iso(text)
    assert moment is not None, text
    return moment


def _without_project(commit: Item) -> Item:
    return {k: v for k, v in commit.items() if k != "project_id"}


def _pipeline_brief(pipeline: Item) -> Item:
    keys = (
        "id",
        "iid",
        "project_id",
        "sha",
        "ref",
        "status",
        "source",
        "created_at",
        "updated_at",
        "web_url",
    )
    return {k: pipeline[k] for k in keys}
