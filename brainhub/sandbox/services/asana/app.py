"""The Asana REST API (1.0) emulator: routes, auth, ``opt_fields``, offset paging, errors, 429.

Written from Asana's OpenAPI document and its pagination, rate-limit and error guides.
Base path ``/api/1.0``.

Reads: ``GET /users/me``, ``/workspaces``, ``/users?workspace=``,
``/workspaces/{gid}/users``, ``/projects?workspace=&archived=``,
``/workspaces/{gid}/projects``, ``/projects/{gid}/sections``, ``/projects/{gid}/tasks``,
``/tasks?project=|section=|assignee=&workspace=`` with ``modified_since`` and
``completed_since``, ``/tasks/{gid}`` (a deleted task: 404 ``task: Unknown object``),
``/tasks/{gid}/stories``.

Behaviour worth knowing:

- Envelope ``{"data": …}``; errors ``{"errors": [{"message", "help"}]}`` (500s carry a
  ``phrase`` instead of help).
- Auth: ``Authorization: Bearer <personal access token>``; anything else → 401
  ``Not Authorized``.
- Objects are compact unless ``opt_fields`` names fields (see :mod:`.fields`).
- Paging: ``limit`` 1 to 100 plus the opaque ``offset`` token from ``next_page``
  (``{"offset", "path", "uri"}``, ``null`` on the last page). ``next_page`` is only present
  when ``limit`` is given; without it everything comes in one answer, or a 400 when that
  would exceed 1,000 objects. A token only works for the listing that issued it.
- ``GET /tasks`` needs exactly one of ``project``, ``section``, or ``assignee`` +
  ``workspace``. ``modified_since`` keeps tasks modified strictly after the time (Asana
  documents "since" without saying whether it is inclusive; strict is what this emulator
  does). A task counts as modified when it is edited or gets a story (a comment).
- Rate limit: 150 requests per minute per token (the free plan); over it → 429 with
  ``Retry-After`` (seconds). Asana sends no rate-limit headers on other answers.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import abort
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.asana.fields import parse_opt_fields, shape
from brainhub.sandbox.services.asana.workspace import (
    SIZES,
    Organization,
    OrganizationBuilder,
    compact,
)

HELP = (
    "For more information on API status codes and how to handle them, "
    "read the docs on errors: https://developers.asana.com/docs/errors"
)
RATE_LIMITED = (
    "You've made too many requests and hit a rate limit. "
    "Please retry after the given amount of time."
)
UNPAGINATED_MAX = 1_000
TASK_SCOPE_ERROR = (
    "Must specify exactly one of project, tag, section, user task list, or assignee + workspace"
)


def error_body(message: str, **extra: str) -> dict[str, Any]:
    """Asana's error envelope with one error."""
    return {"errors": [{"message": message, **(extra or {"help": HELP})}]}


class AsanaEmulator(Emulator):
    """Asana's REST API with a seeded organization; see the module docstring."""

    service = "asana"
    base_path = "/api/1.0"
    size_names = tuple(SIZES)
    default_rate_limit = 150
    rate_limit_window_s = 60.0
    routes = (
        Rule("/users/me", endpoint="get_me", methods=["GET"]),
        Rule("/workspaces", endpoint="get_workspaces", methods=["GET"]),
        Rule("/users", endpoint="get_users", methods=["GET"]),
        Rule("/workspaces/<gid>/users", endpoint="get_workspace_users", methods=["GET"]),
        Rule("/projects", endpoint="get_projects", methods=["GET"]),
        Rule("/workspaces/<gid>/projects", endpoint="get_workspace_projects", methods=["GET"]),
        Rule("/projects/<gid>/sections", endpoint="get_sections", methods=["GET"]),
        Rule("/projects/<gid>/tasks", endpoint="get_project_tasks", methods=["GET"]),
        Rule("/tasks", endpoint="get_tasks", methods=["GET"]),
        Rule("/tasks/<gid>", endpoint="get_task", methods=["GET"]),
        Rule("/tasks/<gid>/stories", endpoint="get_stories", methods=["GET"]),
    )

    # ------------------------------------------------------------------ framework hooks

    def load(self) -> None:
        builder = OrganizationBuilder(self.seed, SIZES[self.size], self.rng)
        self.org: Organization = builder.build(self.generation)
        rng = random.Random(f"asana:{self.seed}:token")
        secret = "".join(rng.choice(string.hexdigits.lower()[:16]) for _ in range(32))
        self._token = f"2/{self.org.users[0]['gid']}/{rng.randrange(10**15, 10**16)}:{secret}"

    @property
    def credentials(self) -> dict[str, str]:
        return {"access_token": self._token}

    def counts(self) -> dict[str, int]:
        org = self.org
        tasks = [t for ts in org.tasks.values() for t in ts]
        return {
            "workspaces": 1,
            "users": len(org.users),
            "projects": len(org.projects),
            "sections": sum(len(s) for s in org.sections.values()),
            "tasks": len(tasks),
            "stories": sum(len(org.stories[t["gid"]]) for t in tasks),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        before = AsanaEmulator(seed=self.seed, size=self.size, generation=since_generation)
        old = {t["gid"]: t for ts in before.org.tasks.values() for t in ts}
        tasks = [t for ts in self.org.tasks.values() for t in ts]
        gone = set(old) - {t["gid"] for t in tasks}
        users_now = {u["gid"] for u in self.org.users}
        users_then = {u["gid"] for u in before.org.users}
        stories_deleted = sum(len(before.org.stories[gid]) for gid in gone)
        now, then = self.counts(), before.counts()
        return {
            "tasks": sum(1 for t in tasks if old.get(t["gid"]) != t),
            "tasks_deleted": len(gone),
            "stories": now["stories"] - then["stories"] + stories_deleted,
            "stories_deleted": stories_deleted,
            "users": len(users_now - users_then),
            "users_deleted": len(users_then - users_now),
            "projects": sum(
                1 for p, q in zip(self.org.projects, before.org.projects, strict=True) if p != q
            ),
        }

    def authenticate(self, request: Request) -> Response | None:
        if request.headers.get("Authorization", "") != f"Bearer {self.credentials['access_token']}":
            return self.json_response(error_body("Not Authorized"), status=401)
        return None

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        return self.json_response(
            error_body(RATE_LIMITED),
            status=429,
            headers={"Retry-After": str(decision.retry_after_whole_s)},
        )

    def not_found_response(self, request: Request) -> Response:
        return self.json_response(error_body("No matching route for request"), status=404)

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        body = error_body("Server Error", phrase="6 sad squid snuggle softly")
        return self.json_response(body, status=status)

    # ---------------------------------------------------------------------- handlers

    def get_me(self, request: Request) -> dict[str, Any]:
        return {"data": shape(self.org.users[0], parse_opt_fields(request.args.get("opt_fields")))}

    def get_workspaces(self, request: Request) -> dict[str, Any]:
        return self._listing(request, [self.org.workspace])

    def get_users(self, request: Request) -> dict[str, Any]:
        self._workspace(request.args.get("workspace"))
        return self._listing(request, self.org.users)

    def get_workspace_users(self, request: Request, gid: str) -> dict[str, Any]:
        self._workspace(gid)
        return self._listing(request, self.org.users)

    def get_projects(self, request: Request) -> dict[str, Any]:
        self._workspace(request.args.get("workspace"))
        return self._listing(request, self._projects(request))

    def get_workspace_projects(self, request: Request, gid: str) -> dict[str, Any]:
        self._workspace(gid)
        return self._listing(request, self._projects(request))

    def get_sections(self, request: Request, gid: str) -> dict[str, Any]:
        return self._listing(request, self.org.sections[self._project(gid)["gid"]])

    def get_project_tasks(self, request: Request, gid: str) -> dict[str, Any]:
        tasks = self.org.tasks[self._project(gid)["gid"]]
        return self._listing(request, self._completed_since(request, tasks))

    def get_tasks(self, request: Request) -> dict[str, Any]:
        args = request.args
        scopes = [name for name in ("project", "section", "tag") if args.get(name)]
        by_assignee = bool(args.get("assignee") and args.get("workspace"))
        if len(scopes) + by_assignee != 1:
            self._fail(400, TASK_SCOPE_ERROR)
        all_tasks = [t for ts in self.org.tasks.values() for t in ts]
        if "project" in scopes:
            tasks = self.org.tasks[self._project(args["project"])["gid"]]
        elif "section" in scopes:
            gid = self._gid("section", args["section"])
            if not any(s["gid"] == gid for ss in self.org.sections.values() for s in ss):
                self._fail(404, f"section: Unknown object: {gid}")
            tasks = [t for t in all_tasks if t["memberships"][0]["section"]["gid"] == gid]
        elif "tag" in scopes:
            tasks = []
        else:
            self._workspace(args["workspace"])
            who = args["assignee"]
            who = self.org.users[0]["gid"] if who == "me" else who
            tasks = [t for t in all_tasks if (t["assignee"] or {}).get("gid") == who]
        since = self._time_param(request, "modified_since")
        if since is not None:
            tasks = [t for t in tasks if _parse(t["modified_at"]) > since]
        return self._listing(request, self._completed_since(request, tasks))

    def get_task(self, request: Request, gid: str) -> dict[str, Any]:
        task = self.org.task(self._gid("task", gid))
        if task is None:
            self._fail(404, f"task: Unknown object: {gid}")
        assert task is not None
        return {"data": shape(task, parse_opt_fields(request.args.get("opt_fields")))}

    def get_stories(self, request: Request, gid: str) -> dict[str, Any]:
        gid = self._gid("task", gid)
        if self.org.task(gid) is None:
            self._fail(404, f"task: Unknown object: {gid}")
        return self._listing(request, self.org.stories[gid])

    # ---------------------------------------------------------------------- helpers

    def _listing(self, request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
        """``{"data": [...]}`` shaped by ``opt_fields``, one page of it when ``limit`` is set."""
        fields = parse_opt_fields(request.args.get("opt_fields"))
        raw_limit = request.args.get("limit")
        if raw_limit is None:
            if len(items) > UNPAGINATED_MAX:
                self._fail(
                    400,
                    "The result is too large. You should use pagination (may require "
                    "specifying a workspace)!",
                )
            return {"data": [shape(item, fields) for item in items]}
        limit = whole_number(raw_limit)
        if limit is None or not 1 <= limit <= 100:
            self._fail(400, f"limit: Not a valid integer between 1 and 100: {raw_limit}")
        assert limit is not None
        start = self._offset(request)
        page = items[start : start + limit]
        next_page = None
        if start + limit < len(items):
            token = _token(request.path, start + limit)
            query = {k: v for k, v in request.args.items() if k != "offset"}
            query["offset"] = token
            path = request.path[len(self.base_path) :] + "?" + urlencode(query)
            next_page = {
                "offset": token,
                "path": path,
                "uri": request.host_url.rstrip("/") + self.base_path + path,
            }
        return {"data": [shape(item, fields) for item in page], "next_page": next_page}

    def _offset(self, request: Request) -> int:
        token = request.args.get("offset")
        if not token:
            return 0
        try:
            padded = token + "=" * (-len(token) % 4)
            claims = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if claims.get("path") == request.path and isinstance(claims.get("offset"), int):
                return int(claims["offset"])
        except (binascii.Error, ValueError, UnicodeDecodeError, AttributeError):
            pass
        self._fail(400, "offset: Your pagination token is invalid.")
        return 0

    def _projects(self, request: Request) -> list[dict[str, Any]]:
        archived = request.args.get("archived")
        projects = self.org.projects
        if archived in ("true", "false"):
            projects = [p for p in projects if p["archived"] is (archived == "true")]
        return projects

    def _completed_since(
        self, request: Request, tasks: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        raw = request.args.get("completed_since")
        if raw is None:
            return tasks
        if raw == "now":
            return [t for t in tasks if not t["completed"]]
        since = self._time_param(request, "completed_since")
        if since is None:
            return tasks
        return [t for t in tasks if not t["completed"] or _parse(t["completed_at"]) > since]

    def _time_param(self, request: Request, name: str) -> datetime | None:
        raw = request.args.get(name)
        if raw is None or raw == "":
            return None
        try:
            return _parse(raw)
        except ValueError:
            self._fail(400, f"{name}: Not a valid date/time: {raw}")
        return None

    def _workspace(self, gid: str | None) -> None:
        if gid is None:
            self._fail(400, "workspace: Missing input")
        if self._gid("workspace", str(gid)) != self.org.workspace["gid"]:
            self._fail(404, f"workspace: Unknown object: {gid}")

    def _project(self, gid: str) -> dict[str, Any]:
        project = self.org.project(self._gid("project", gid))
        if project is None:
            self._fail(404, f"project: Unknown object: {gid}")
        assert project is not None
        return project

    def _gid(self, kind: str, value: str) -> str:
        if whole_number(value, signed=False) is None:
            self._fail(400, f"{kind}: Not a Long: {value}")
        return value

    def _fail(self, status: int, message: str) -> None:
        abort(self.json_response(error_body(message), status=status))


def _token(path: str, offset: int) -> str:
    claims = json.dumps({"typ": "offset", "path": path, "offset": offset}).encode()
    return base64.urlsafe_b64encode(claims).decode().rstrip("=")


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = ["AsanaEmulator", "compact"]
