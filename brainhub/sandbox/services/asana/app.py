"""The Asana REST API (1.0) emulator: routes, auth, ``opt_fields``, offset paging, errors, 429.

Written from Asana's OpenAPI document and its pagination, rate-limit and error guides.
Base path ``/api/1.0``. Every documented GET operation is declared in :mod:`.operations`
and served from the seeded organization (:mod:`.workspace`, :mod:`.catalog`);
``brainhub sandbox coverage asana`` lists them.

Behaviour worth knowing:

- Envelope ``{"data": …}``; errors ``{"errors": [{"message", "help"}]}`` (500s carry a
  ``phrase`` instead of help), named in :mod:`.errors`.
- Auth: ``Authorization: Bearer <personal access token>``; anything else → 401
  ``Not Authorized``.
- Listings answer compact records, single reads full ones, unless ``opt_fields`` names
  fields (see :mod:`.representation`); ``opt_pretty`` indents the JSON.
- Paging: ``limit`` 1 to 100 plus the opaque ``offset`` token from ``next_page``
  (``{"offset", "path", "uri"}``, ``null`` on the last page). ``next_page`` is only present
  when ``limit`` is given; without it everything comes in one answer, or a 400 when that
  would exceed 1,000 objects. A token only works for the listing that issued it.
- ``GET /tasks`` needs exactly one of ``project``, ``section``, ``tag``, or ``assignee`` +
  ``workspace``. ``modified_since`` keeps tasks modified strictly after the time (Asana
  documents "since" without saying whether it is inclusive; strict is what this emulator
  does). A task counts as modified when it is edited or gets a story (a comment).
- ``GET /events?resource=`` without a ``sync`` token (or with a bad one) answers 412 with
  a fresh token; with one, the events on the resource since the token was issued.
- HTTP: JSON as ``application/json; charset=UTF-8``, gzip when asked, ``HEAD`` on every
  ``GET``; ``Asana-Enable`` / ``Asana-Disable`` (deprecation opt-ins) are accepted.
- Rate limit: 150 requests per minute per token (the free plan); over it → 429 with
  ``Retry-After`` (seconds). Asana sends no rate-limit headers on other answers.
- Writes (:mod:`.writes`, applied by :mod:`.changes`): ``POST /tasks``,
  ``PUT``/``DELETE /tasks/{gid}``, ``POST /tasks/{gid}/stories``, bodies as
  ``{"data": {…}}``. Following the stored state they go to the change journal in the
  sandbox state directory and outlive the process (the next emulator replays them,
  ``brainhub sandbox reset asana`` forgets them); with a pinned ``generation`` they stay
  in memory. They count against the rate limit like reads and stamp ``modified_at``.
  ``POST /batch`` runs up to 10 actions and answers each on its own (:mod:`.batch`).
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import string
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners, KitEmulator
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.kit.oauth import OAuthProfile
from brainhub.sandbox.kit.shapes import Shaper
from brainhub.sandbox.kit.surface import normalised
from brainhub.sandbox.kit.webhooks import WebhookEvent
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.asana import errors, webhooks
from brainhub.sandbox.services.asana.batch import run_batch
from brainhub.sandbox.services.asana.catalog import furnish
from brainhub.sandbox.services.asana.changes import AsanaChanges
from brainhub.sandbox.services.asana.fields import parse_opt_fields
from brainhub.sandbox.services.asana.operations import OPERATIONS
from brainhub.sandbox.services.asana.representation import Representer, item_shape
from brainhub.sandbox.services.asana.search import search
from brainhub.sandbox.services.asana.workspace import (
    BASE,
    SIZES,
    Organization,
    OrganizationBuilder,
    compact,
)
from brainhub.sandbox.services.asana.writes import TaskWriter, request_data

HELP = errors.HELP
RATE_LIMITED = errors.ERRORS["RATE_LIMITED"][1]
UNPAGINATED_MAX = 1_000
TASK_SCOPE_ERROR = errors.ERRORS["TASK_SCOPE"][1]
#: Events one sync token answers at most (then ``has_more``).
EVENTS_PER_SYNC = 100
#: Where ``dispatch`` notes, in the WSGI environ, which operation a request was routed to.
ENDPOINT_KEY = "brainhub.asana.endpoint"


class AsanaEmulator(KitEmulator):
    """Asana's REST API with a seeded organization; see the module docstring."""

    service = "asana"
    base_path = "/api/1.0"
    size_names = tuple(SIZES)
    default_rate_limit = 150
    rate_limit_window_s = 60.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners(json_content_type=errors.JSON_CONTENT_TYPE, gzip_when_asked=True)
    shape_host = "app.asana.com"
    #: ``POST https://app.asana.com/-/oauth_token`` (a form body).
    oauth = OAuthProfile(
        endpoint="/-/oauth_token",
        prefix="2/",
        vendor_fields=lambda emulator: {"data": emulator.oauth_user()},
        invalid_grant_description="The `refresh_token` is invalid or has been revoked.",
    )
    webhook_rules = webhooks.RULES
    retry_delays_s = webhooks.RETRY_DELAYS_S

    def create_webhook(self, request: Request) -> Any:
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            body = None
        data = body.get("data") if isinstance(body, dict) else None
        resource = data.get("resource") if isinstance(data, dict) else None
        target = data.get("target") if isinstance(data, dict) else None
        if not isinstance(resource, str) or not resource:
            return self.json_response({"errors": [{"message": "resource: Missing input"}]}, 400)
        if not isinstance(target, str) or not target.startswith(("http://", "https://")):
            return self.json_response({"errors": [{"message": "target: Missing input"}]}, 400)
        secret = webhooks.handshake(target)
        if secret is None:
            return self.json_response({"errors": [{"message": webhooks.HANDSHAKE_FAILED}]}, 400)
        subscription = self.webhooks.add(target, secret=secret, scope={"resource": resource})
        at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(self.clock()))
        answer = webhooks.webhook_answer(
            subscription.id, {"gid": resource, "resource_type": "project"}, target, at
        )
        return self.json_response(answer, status=201)

    def delete_webhook(self, request: Request, webhook_gid: str) -> Any:
        if not self.webhooks.remove(webhook_gid):
            return self.json_response(
                {"errors": [{"message": "webhook: Not a recognized ID"}]}, 404
            )
        return {"data": {}}

    def journal_snapshot(self) -> Snapshot:
        """Tasks (the fields their writes set) and their stories."""
        fields = ("name", "completed", "due_on", "notes", "modified_at")
        tasks = {t["gid"]: {k: t.get(k) for k in fields} for t in self.org.all_tasks()}
        stories = {
            str(story["gid"]): {"task": gid}
            for gid in tasks
            for story in self.org.stories.get(gid, [])
        }
        return {"task": tasks, "story": stories}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        at = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(self.clock()))
        return webhooks.events(change, str(self.org.users[0]["gid"]), at)

    # ------------------------------------------------------------------ framework hooks

    def load(self) -> None:
        builder = OrganizationBuilder(self.seed, SIZES[self.size], self.rng)
        self.org: Organization = builder.build(self.generation)
        furnish(self.org, self.seed)
        rng = random.Random(f"asana:{self.seed}:token")
        secret = "".join(rng.choice(string.hexdigits.lower()[:16]) for _ in range(32))
        self._token = f"2/{self.org.users[0]['gid']}/{rng.randrange(10**15, 10**16)}:{secret}"
        context = {"workspace": compact(self.org.workspace), "user": self.org.users[0]}
        shaper = Shaper(self.shape_base_ms(), self.shape_host)
        self.representer = Representer(self.surface(), shaper, context, self.org.records)
        self.writer = TaskWriter(self.org, self.seed, self.now(), self.clock)
        self._replay = AsanaChanges(self.org, self.writer, self.representer.forget).replay()
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

    def shape_base_ms(self) -> int:
        return int(self.now().timestamp() * 1000)

    def now(self) -> datetime:
        """The dataset's "now": the end of the generation's day (generation 0: BASE)."""
        return BASE + timedelta(days=self.generation)

    @property
    def credentials(self) -> dict[str, str]:
        return {"access_token": self._token}

    def oauth_user(self) -> dict[str, str]:
        """The ``data`` Asana's token answer carries: the user who authorized the app."""
        me = self.org.users[0]
        return {"id": me["gid"], "gid": me["gid"], "name": me["name"], "email": me["email"]}

    def counts(self) -> dict[str, int]:
        org = self.org
        tasks = org.all_tasks()
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
        old = {t["gid"]: t for t in before.org.all_tasks()}
        tasks = self.org.all_tasks()
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
        static = f"Bearer {self.credentials['access_token']}"
        if request.headers.get("Authorization", "") != static and not self.bearer_token_issued(
            request
        ):
            return errors.response("NOT_AUTHORIZED")
        return None

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        headers = {"Retry-After": str(decision.retry_after_whole_s)}
        return errors.response("RATE_LIMITED", headers=headers)

    def not_found_response(self, request: Request) -> Response:
        return errors.response("NO_ROUTE")

    def server_error_response(self, status: int) -> Response:
        if status >= 502:
            return super().server_error_response(status)
        return errors.response("SERVER_ERROR")

    def dispatch(self, endpoint: str, request: Request, values: Mapping[str, Any]) -> Any:
        request.environ[ENDPOINT_KEY] = endpoint
        result = super().dispatch(endpoint, request, values)
        if isinstance(result, Response) or not _pretty(request):
            return result
        return Response(json.dumps(result, indent=2), content_type="application/json")

    # ------------------------------------------------------------ workspaces, users, teams

    def get_workspaces(self, request: Request) -> dict[str, Any]:
        return self._listing(request, [self.org.workspace])

    def get_workspace(self, request: Request, workspace_gid: str) -> dict[str, Any]:
        self._workspace(workspace_gid)
        return self._single(request, self.org.workspace)

    def get_users(self, request: Request) -> dict[str, Any]:
        team = request.args.get("team")
        if team is not None:
            self._team(team)
        else:
            self._workspace(request.args.get("workspace"))
        return self._listing(request, self.org.users)

    def get_workspace_users(self, request: Request, workspace_gid: str) -> dict[str, Any]:
        self._workspace(workspace_gid)
        return self._listing(request, self.org.users)

    def get_workspace_teams(self, request: Request, workspace_gid: str) -> dict[str, Any]:
        self._workspace(workspace_gid)
        return self._listing(request, [self.org.team])

    def get_user(self, request: Request, user_gid: str) -> dict[str, Any]:
        if "workspace" in request.args:
            self._workspace(request.args["workspace"])
        if user_gid == "me":
            return self._single(request, self.org.users[0])
        gid = self._gid("user", user_gid)
        user = next((u for u in self.org.users if u["gid"] == gid), None)
        if user is None:
            errors.fail("UNKNOWN_OBJECT", parameter="user", value=user_gid)
        return self._single(request, user)

    def get_team(self, request: Request, team_gid: str) -> dict[str, Any]:
        return self._single(request, self._team(team_gid))

    def get_team_users(self, request: Request, team_gid: str) -> dict[str, Any]:
        self._team(team_gid)
        return self._listing(request, self.org.users)

    # ---------------------------------------------------------------- projects, sections

    def get_projects(self, request: Request) -> dict[str, Any]:
        team = request.args.get("team")
        if team is not None:
            self._team(team)
        else:
            self._workspace(request.args.get("workspace"))
        return self._listing(request, self._projects(request))

    def get_workspace_projects(self, request: Request, workspace_gid: str) -> dict[str, Any]:
        self._workspace(workspace_gid)
        return self._listing(request, self._projects(request))

    def get_team_projects(self, request: Request, team_gid: str) -> dict[str, Any]:
        self._team(team_gid)
        return self._listing(request, self._projects(request))

    def get_project(self, request: Request, project_gid: str) -> dict[str, Any]:
        return self._single(request, self._project(project_gid))

    def get_sections(self, request: Request, project_gid: str) -> dict[str, Any]:
        return self._listing(request, self.org.sections[self._project(project_gid)["gid"]])

    def get_section(self, request: Request, section_gid: str) -> dict[str, Any]:
        return self._single(request, self._section(section_gid))

    # ---------------------------------------------------------------------------- tasks

    def get_project_tasks(self, request: Request, project_gid: str) -> dict[str, Any]:
        tasks = self.org.tasks[self._project(project_gid)["gid"]]
        return self._listing(request, self._completed_since(request, tasks))

    def get_section_tasks(self, request: Request, section_gid: str) -> dict[str, Any]:
        tasks = self._section_tasks(self._section(section_gid)["gid"])
        return self._listing(request, self._completed_since(request, tasks))

    def get_tag_tasks(self, request: Request, tag_gid: str) -> dict[str, Any]:
        return self._listing(request, self._tag_tasks(self._tag(tag_gid)["gid"]))

    def get_tasks(self, request: Request) -> dict[str, Any]:
        args = request.args
        scopes = [name for name in ("project", "section", "tag") if args.get(name)]
        by_assignee = bool(args.get("assignee") and args.get("workspace"))
        if len(scopes) + by_assignee != 1:
            errors.fail("TASK_SCOPE")
        if "project" in scopes:
            tasks = self.org.tasks[self._project(args["project"])["gid"]]
        elif "section" in scopes:
            tasks = self._section_tasks(self._section(args["section"], "section")["gid"])
        elif "tag" in scopes:
            tasks = self._tag_tasks(self._tag(args["tag"], "tag")["gid"])
        else:
            self._workspace(args["workspace"])
            who = args["assignee"]
            who = self.org.users[0]["gid"] if who == "me" else who
            tasks = [t for t in self.org.all_tasks() if (t["assignee"] or {}).get("gid") == who]
        since = self._time_param(request, "modified_since")
        if since is not None:
            tasks = [t for t in tasks if _parse(t["modified_at"]) > since]
        return self._listing(request, self._completed_since(request, tasks))

    def get_task(self, request: Request, task_gid: str) -> dict[str, Any]:
        return self._single(request, self._task(task_gid))

    def get_subtasks(self, request: Request, task_gid: str) -> dict[str, Any]:
        task = self._task(task_gid)
        return self._listing(request, self.org.subtasks.get(task["gid"], []))

    def search_tasks(self, request: Request, workspace_gid: str) -> dict[str, Any]:
        self._workspace(workspace_gid)
        tasks = [*self.org.all_tasks(), *(s for ss in self.org.subtasks.values() for s in ss)]
        found = search(tasks, request.args, self._related)
        return self._records(request, found)

    # ------------------------------------------------------------ stories, time tracking

    def get_stories(self, request: Request, task_gid: str) -> dict[str, Any]:
        task = self._task(task_gid)
        return self._listing(request, self.org.stories.get(task["gid"], []))

    def get_story(self, request: Request, story_gid: str) -> dict[str, Any]:
        gid = self._gid("story", story_gid)
        story = next((s for ss in self.org.stories.values() for s in ss if s["gid"] == gid), None)
        if story is None:
            errors.fail("UNKNOWN_OBJECT", parameter="story", value=story_gid)
        return self._single(request, story)

    def get_time_tracking_entries(self, request: Request, task_gid: str) -> dict[str, Any]:
        task = self._task(task_gid)
        return self._listing(request, self.org.time_entries.get(task["gid"], []))

    # ------------------------------------------------------------ tags, custom fields

    def get_tags(self, request: Request) -> dict[str, Any]:
        if "workspace" in request.args:
            self._workspace(request.args["workspace"])
        return self._listing(request, self.org.tags)

    def get_workspace_tags(self, request: Request, workspace_gid: str) -> dict[str, Any]:
        self._workspace(workspace_gid)
        return self._listing(request, self.org.tags)

    def get_custom_fields(self, request: Request, workspace_gid: str) -> dict[str, Any]:
        self._workspace(workspace_gid)
        return self._listing(request, self.org.custom_fields)

    def get_custom_field(self, request: Request, custom_field_gid: str) -> dict[str, Any]:
        gid = self._gid("custom_field", custom_field_gid)
        field = next((f for f in self.org.custom_fields if f["gid"] == gid), None)
        if field is None:
            errors.fail("UNKNOWN_OBJECT", parameter="custom_field", value=custom_field_gid)
        return self._single(request, field)

    def get_custom_field_settings(self, request: Request, project_gid: str) -> dict[str, Any]:
        project = self._project(project_gid)
        return self._listing(request, self.org.custom_field_settings[project["gid"]])

    # ------------------------------------------------------------ goals, webhooks, events

    def get_goals(self, request: Request) -> dict[str, Any]:
        args = request.args
        goals = self.org.goals
        if "workspace" in args:
            self._workspace(args["workspace"])
        if "team" in args:
            team = self._team(args["team"])
            goals = [g for g in goals if (g["team"] or {}).get("gid") == team["gid"]]
        if "project" in args:
            self._project(args["project"])
            goals = []  # no goal is supported by a project's work in the seeded organization
        if "task" in args:
            self._task(args["task"], "task")
            goals = []
        if "portfolio" in args:
            self._gid("portfolio", args["portfolio"])
            errors.fail("UNKNOWN_OBJECT", parameter="portfolio", value=args["portfolio"])
        level = args.get("is_workspace_level")
        if level in ("true", "false"):
            goals = [g for g in goals if g["is_workspace_level"] is (level == "true")]
        periods = [p for raw in args.getlist("time_periods") for p in raw.split(",") if p]
        if periods:
            goals = [g for g in goals if g["time_period"]["gid"] in periods]
        return self._listing(request, goals)

    def get_goal(self, request: Request, goal_gid: str) -> dict[str, Any]:
        gid = self._gid("goal", goal_gid)
        goal = next((g for g in self.org.goals if g["gid"] == gid), None)
        if goal is None:
            errors.fail("UNKNOWN_OBJECT", parameter="goal", value=goal_gid)
        return self._single(request, goal)

    def get_webhooks(self, request: Request) -> dict[str, Any]:
        self._workspace(request.args.get("workspace"))
        hooks = self.org.webhooks
        resource = request.args.get("resource")
        if resource:
            gid = self._gid("resource", resource)
            hooks = [h for h in hooks if h["resource"]["gid"] == gid]
        return self._listing(request, hooks)

    def get_webhook(self, request: Request, webhook_gid: str) -> dict[str, Any]:
        gid = self._gid("webhook", webhook_gid)
        hook = next((h for h in self.org.webhooks if h["gid"] == gid), None)
        if hook is None:
            errors.fail("UNKNOWN_OBJECT", parameter="webhook", value=webhook_gid)
        return self._single(request, hook)

    def get_events(self, request: Request) -> Any:
        raw = request.args.get("resource")
        if not raw:
            errors.fail("MISSING_INPUT", parameter="resource")
        gid = self._gid("resource", raw)
        project = self.org.project(gid)
        task = None if project is not None else self.org.task(gid)
        if project is None and task is None:
            errors.fail("UNKNOWN_OBJECT", parameter="resource", value=raw)
        since = _sync_time(request.args.get("sync"), gid)
        if since is None:
            fresh = sync_token(gid, self.now())
            return errors.response("SYNC_INVALID", extra={"sync": fresh})
        tasks = self.org.tasks[gid] if project is not None else [task]
        events = _events(self.org, [t for t in tasks if t is not None], since)
        page, more = events[:EVENTS_PER_SYNC], len(events) > EVENTS_PER_SYNC
        until = _parse(page[-1]["created_at"]) if more else self.now()
        fields = parse_opt_fields(request.args.get("opt_fields"))
        shape = item_shape(self.surface()["GET /events"])
        data = [self.representer.represent(e, shape, fields) for e in page]
        return {"data": data, "sync": sync_token(gid, until), "has_more": more}

    # ---------------------------------------------------------------------- writes

    def create_task(self, request: Request) -> Response:
        data = request_data(request.get_json(silent=True, force=True))
        change = self.record_change(lambda: self.writer.create_task(data))
        return self._written(request, "GET /tasks/{}", self._task(change.id), status=201)

    def update_task(self, request: Request, task_gid: str) -> Response:
        task = self._task(task_gid)
        data = request_data(request.get_json(silent=True, force=True))
        self.record_change(lambda: self.writer.update_task(task, data))
        return self._written(request, "GET /tasks/{}", self._task(task["gid"]), status=200)

    def delete_task(self, request: Request, task_gid: str) -> dict[str, Any]:
        task = self._task(task_gid)
        self.record_change(lambda: self.writer.delete_task(task))
        return {"data": {}}

    def create_story(self, request: Request, task_gid: str) -> Response:
        task = self._task(task_gid)
        data = request_data(request.get_json(silent=True, force=True))
        change = self.record_change(lambda: self.writer.comment(task, data))
        story = next(s for s in self.org.stories[task["gid"]] if s["gid"] == change.id)
        return self._written(request, "GET /stories/{}", story, status=201)

    def batch(self, request: Request) -> dict[str, Any]:
        return run_batch(self, request)

    def _written(
        self, request: Request, read: str, record: dict[str, Any], status: int
    ) -> Response:
        """A written record as its single read answers it (``opt_fields`` apply)."""
        fields = parse_opt_fields(request.args.get("opt_fields"))
        shape = item_shape(self.surface()[read])
        body = {"data": self.representer.represent(record, shape, fields)}
        return Response(
            json.dumps(body, separators=(",", ":")),
            status=status,
            content_type=errors.JSON_CONTENT_TYPE,
        )

    # ---------------------------------------------------------------------- helpers

    def _documented_item(self, request: Request) -> Any:
        """The documented record shape of the operation ``request`` was routed to."""
        operation = self._by_endpoint[request.environ[ENDPOINT_KEY]]
        return item_shape(self.surface()[f"{operation.method} {normalised(operation.path)}"])

    def _records(self, request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
        fields = parse_opt_fields(request.args.get("opt_fields"))
        shape = self._documented_item(request)
        represent = self.representer.represent
        return {"data": [represent(item, shape, fields, listed=True) for item in items]}

    def _single(self, request: Request, record: dict[str, Any]) -> dict[str, Any]:
        fields = parse_opt_fields(request.args.get("opt_fields"))
        shape = self._documented_item(request)
        return {"data": self.representer.represent(record, shape, fields)}

    def _listing(self, request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
        """``{"data": [...]}`` as documented or as ``opt_fields`` asks, one page of it when
        ``limit`` is set."""
        raw_limit = request.args.get("limit")
        if raw_limit is None:
            if len(items) > UNPAGINATED_MAX:
                errors.fail("RESULT_TOO_LARGE")
            return self._records(request, items)
        limit = whole_number(raw_limit)
        if limit is None or not 1 <= limit <= 100:
            errors.fail("BAD_LIMIT", value=raw_limit)
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
        return {**self._records(request, page), "next_page": next_page}

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
        return errors.fail("BAD_OFFSET")

    def _projects(self, request: Request) -> list[dict[str, Any]]:
        archived = request.args.get("archived")
        projects = self.org.projects
        if archived in ("true", "false"):
            projects = [p for p in projects if p["archived"] is (archived == "true")]
        return projects

    def _section_tasks(self, section_gid: str) -> list[dict[str, Any]]:
        return [
            t
            for t in self.org.all_tasks()
            if any((m.get("section") or {}).get("gid") == section_gid for m in t["memberships"])
        ]

    def _tag_tasks(self, tag_gid: str) -> list[dict[str, Any]]:
        return [t for t in self.org.all_tasks() if any(g["gid"] == tag_gid for g in t["tags"])]

    def _related(self, task: dict[str, Any], relation: str) -> set[str]:
        """The gids ``task`` has for a search relation (``projects``, ``assignee``…)."""
        me = self.org.users[0]["gid"]

        def gids(values: Any) -> set[str]:
            items = values if isinstance(values, list) else [values]
            return {v["gid"] for v in items if isinstance(v, dict)}

        if relation == "sections":
            return {m["section"]["gid"] for m in task["memberships"] if m.get("section")}
        if relation == "teams":
            return {self.org.team["gid"]} if task["projects"] else set()
        if relation == "commented_on_by":
            stories = self.org.stories.get(task["gid"], [])
            return {s["created_by"]["gid"] for s in stories if s["type"] == "comment"}
        if relation == "liked_by":
            return {like["user"]["gid"] for like in task.get("likes", [])}
        if relation == "portfolios":
            return set()
        found = gids(task.get(relation))
        return found | ({"me"} if me in found else set())

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
            errors.fail("BAD_DATE_TIME", parameter=name, value=raw)

    def _workspace(self, gid: str | None) -> None:
        if gid is None:
            errors.fail("MISSING_INPUT", parameter="workspace")
        if self._gid("workspace", str(gid)) != self.org.workspace["gid"]:
            errors.fail("UNKNOWN_OBJECT", parameter="workspace", value=gid)

    def _team(self, gid: str) -> dict[str, Any]:
        if self._gid("team", gid) != self.org.team["gid"]:
            errors.fail("UNKNOWN_OBJECT", parameter="team", value=gid)
        return self.org.team

    def _project(self, gid: str) -> dict[str, Any]:
        project = self.org.project(self._gid("project", gid))
        if project is None:
            errors.fail("UNKNOWN_OBJECT", parameter="project", value=gid)
        return project

    def _section(self, gid: str, parameter: str = "section") -> dict[str, Any]:
        section = self.org.sections_by_gid().get(self._gid(parameter, gid))
        if section is None:
            errors.fail("UNKNOWN_OBJECT", parameter=parameter, value=gid)
        return section

    def _tag(self, gid: str, parameter: str = "tag") -> dict[str, Any]:
        wanted = self._gid(parameter, gid)
        tag = next((t for t in self.org.tags if t["gid"] == wanted), None)
        if tag is None:
            errors.fail("UNKNOWN_OBJECT", parameter=parameter, value=gid)
        return tag

    def _task(self, gid: str, parameter: str = "task") -> dict[str, Any]:
        task = self.org.task(self._gid(parameter, gid))
        if task is None:
            errors.fail("UNKNOWN_OBJECT", parameter=parameter, value=gid)
        return task

    def _gid(self, kind: str, value: str) -> str:
        if whole_number(value, signed=False) is None:
            errors.fail("NOT_A_LONG", parameter=kind, value=value)
        return value


def _pretty(request: Request) -> bool:
    """``opt_pretty`` asked for (present without a value, or anything but false)."""
    if "opt_pretty" not in request.args:
        return False
    return request.args["opt_pretty"].lower() not in ("false", "0")


def sync_token(resource: str, moment: datetime) -> str:
    """The ``GET /events`` sync token for ``resource`` issued at ``moment``."""
    claims = json.dumps({"typ": "sync", "resource": resource, "at": moment.isoformat()})
    return base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")


def _sync_time(token: str | None, resource: str) -> datetime | None:
    """When a sync token for ``resource`` was issued; ``None`` for no or a bad token."""
    if not token:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode()))
        if claims.get("typ") != "sync" or claims.get("resource") != resource:
            return None
        return _parse(str(claims["at"]))
    except (binascii.Error, ValueError, UnicodeDecodeError, AttributeError, KeyError, TypeError):
        return None


def _events(
    org: Organization, tasks: list[dict[str, Any]], since: datetime
) -> list[dict[str, Any]]:
    """What happened to ``tasks`` after ``since``: tasks added, renamed and commented on."""
    events: list[dict[str, Any]] = []
    for task in tasks:
        parent = task["projects"][0] if task["projects"] else None
        task_ref = {key: task[key] for key in ("gid", "name", "resource_type")}
        if _parse(task["created_at"]) > since:
            events.append(_event("added", "task", task_ref, parent, task["followers"][0], task))
        for story in org.stories.get(task["gid"], []):
            if _parse(story["created_at"]) <= since:
                continue
            author = story["created_by"]
            if story["resource_subtype"] == "comment_added":
                ref = {"gid": story["gid"], "name": "", "resource_type": "story"}
                events.append(_event("added", "story", ref, task_ref, author, story))
            elif story["resource_subtype"] == "name_changed":
                changed = _event("changed", "task", task_ref, parent, author, story)
                changed["change"] = {
                    "action": "changed",
                    "field": "name",
                    "new_value": task["name"],
                    "added_value": "",
                    "removed_value": "",
                }
                events.append(changed)
    events.sort(key=lambda e: e["created_at"])
    return events


def _event(
    action: str,
    kind: str,
    resource: dict[str, Any],
    parent: dict[str, Any] | None,
    user: dict[str, Any],
    source: dict[str, Any],
) -> dict[str, Any]:
    return {
        "action": action,
        "type": kind,
        "resource": resource,
        "parent": parent,
        "user": user,
        "created_at": source["created_at"],
    }


def _token(path: str, offset: int) -> str:
    claims = json.dumps({"typ": "offset", "path": path, "offset": offset}).encode()
    return base64.urlsafe_b64encode(claims).decode().rstrip("=")


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


__all__ = ["AsanaEmulator", "compact"]
