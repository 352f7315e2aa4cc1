"""The ClickUp API v2 emulator: auth, rate limits, HTTP manners and handlers.

Written from ClickUp's OpenAPI v2 document and recorded responses. Base path ``/api/v2``.
Every documented GET operation is declared in :mod:`.operations` (served by a handler
here, answered from its documented shape, or left out with a reason); ``brainhub sandbox
coverage clickup`` lists them. Writes (:mod:`.writes`, applied by :mod:`.changes`):
``POST /list/{id}/task``, ``PUT``/``DELETE /task/{id}``, ``POST /task/{id}/comment``,
``PUT``/``DELETE /comment/{id}``, ``POST``/``DELETE /task/{id}/field/{field_id}``,
``POST``/``DELETE /task/{id}/tag/{tag_name}``. Following the stored state they go to the
change journal in the sandbox state directory and outlive the process (the next emulator
replays them, ``brainhub sandbox reset clickup`` forgets them); with a pinned
``generation`` they stay in memory.

Behaviour worth knowing:

- Auth: ``Authorization: pk_<user id>_<key>`` (no "Bearer"); missing → 401 ``OAUTH_017``,
  any other value → 401 ``OAUTH_025``; an unknown team id → 401 ``OAUTH_027``.
- Rate limit: 100 requests per minute per token (the Free/Unlimited/Business plans;
  ``rate_limit=10000`` acts like Enterprise); ``X-RateLimit-Limit``, ``-Remaining`` and
  ``-Reset`` (Unix seconds) on every authenticated response; 429 ``APP_002`` over it.
- HTTP: JSON as ``application/json; charset=utf-8``, gzip when asked, ``HEAD`` on every
  ``GET``, a trailing slash ignored, ``//`` and unknown methods Express's HTML 404.
- ``archived=true`` lists only archived spaces/folders/lists/tasks; without it only
  unarchived ones.
- Tasks: 100 per ``page`` (0-based) with ``last_page``; filters and orderings in
  :mod:`.filters`. ``GET /team/{id}/task`` filters the whole workspace (unarchived lists
  only) by ``space_ids[]``, ``project_ids[]`` (folders), ``list_ids[]`` and the rest.
- Comments: 25 per page, newest first; the next page is asked with ``start`` (the last
  comment's ``date``) and ``start_id`` (its ``id``).
- Writes count against the rate limit like reads; they stamp ``date_updated`` just after
  the dataset's "now", so the next incremental read (``date_updated_gt``) picks them up.
- Time entries: the window defaults to the 30 days before the dataset's fixed "now"
  (``sizes.now_ms(generation)``), not the wall clock; every entry belongs to the token's
  user. Pass ``start_date=0`` to see all of them.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import HttpManners, KitEmulator, PagingError
from brainhub.sandbox.kit.generations import Snapshot
from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.clickup import errors, webhooks
from brainhub.sandbox.services.clickup.changes import ClickUpChanges
from brainhub.sandbox.services.clickup.dataset import ClickUpDataset
from brainhub.sandbox.services.clickup.filters import (
    arg,
    array_param,
    flag,
    ms_param,
    ordered,
    task_checks,
)
from brainhub.sandbox.services.clickup.hierarchy import Folder, Space, TaskList
from brainhub.sandbox.services.clickup.operations import OPERATIONS, TASK_PAGES
from brainhub.sandbox.services.clickup.render import (
    comment_json,
    folder_json,
    list_json,
    space_json,
    task_bytes,
    task_dict,
    team_json,
    time_entry_json,
    time_in_status_json,
)
from brainhub.sandbox.services.clickup.sizes import SIZES, TIME_ENTRY_DEFAULT_WINDOW_MS
from brainhub.sandbox.services.clickup.tasks import TaskRecord
from brainhub.sandbox.services.clickup.writes import TaskWriter

COMMENT_PAGE_SIZE = 25
MAX_BULK_TASKS = 100
TEAM_ID_PARAMETERS = ("team_id", "team_Id")


class ClickUpEmulator(KitEmulator):
    """ClickUp API v2 with seeded data; see the module docstring for its behaviour."""

    service = "clickup"
    base_path = "/api/v2"
    size_names = tuple(SIZES)
    default_rate_limit = 100
    rate_limit_window_s = 60.0
    operations = OPERATIONS
    webhook_rules = webhooks.RULES
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners(json_content_type=errors.JSON_CONTENT_TYPE, gzip_when_asked=True)
    shape_host = "app.clickup.com"

    # ------------------------------------------------------------------ framework hooks

    def load(self) -> None:
        self.data = ClickUpDataset(self.seed, self.size, self.generation)
        self.writer = TaskWriter(self.data)
        self._replay = ClickUpChanges(self.data).replay()
        owner = self.data.tree.users[0]
        rng = random.Random(f"clickup:{self.seed}:token")
        key = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(32))
        self._token = f"pk_{owner.id}_{key}"
        self.replay_changes()

    def change_replay(self) -> Replay:
        return self._replay

    @property
    def credentials(self) -> dict[str, str]:
        return {"api_token": self._token}

    def counts(self) -> dict[str, int]:
        return self.data.counts()

    def changes(self, since_generation: int) -> dict[str, int]:
        return self.data.changes(since_generation)

    def authenticate(self, request: Request) -> Response | None:
        token = request.headers.get("Authorization")
        if not token:
            return errors.error_response(errors.MISSING_AUTH)
        if token != self.credentials["api_token"]:
            return errors.error_response(errors.TOKEN_INVALID)
        return None

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(decision.reset_epoch_s),
        }

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        return errors.error_response(errors.RATE_LIMITED)

    def not_found_response(self, request: Request) -> Response:
        return errors.route_not_found(request)

    def server_error_response(self, status: int) -> Response:
        if status == 500:
            return errors.error_response(errors.SERVER_ERROR)
        return super().server_error_response(status)

    # ------------------------------------------------------------------ kit hooks

    def shape_base_ms(self) -> int:
        return self.data.now_ms

    def missing_query_response(self, name: str) -> Response:
        return errors.error_response(errors.QUERY_REQUIRED)

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        tree = self.data.tree
        owner = tree.users[0]
        context: dict[str, Any] = dict(values)
        for name in (*TEAM_ID_PARAMETERS, "workspace_id", "wid", "team"):
            context[name] = tree.team_id
        context["user"] = {**team_json(tree)["members"][0]["user"], **owner.short}
        context["userid"] = owner.id
        # objects a shaped answer mentions are real ones of the workspace
        task_list = next(tl for tl in tree.lists if not tl.hidden_by_archive)
        task = self.data.list_tasks(task_list).tasks[0]
        context.setdefault("space_id", task_list.space.id)
        context.setdefault("folder_id", task_list.folder.id if task_list.folder else None)
        context.setdefault("list_id", task_list.id)
        context.setdefault("task_id", task.id)
        context["status"] = task_list.space.statuses[task.status_index]["status"]
        return {key: value for key, value in context.items() if value is not None}

    def check_path_ids(self, values: Mapping[str, Any]) -> None:
        for name in TEAM_ID_PARAMETERS:
            if name in values:
                self._check_team(values[name])
        checks = {
            "space_id": self._space,
            "folder_id": self._folder,
            "list_id": self._list,
            "task_id": self._find_task,
            "goal_id": self._goal,
            "timer_id": self._time_entry,
        }
        for name, check in checks.items():
            if name in values:
                check(values[name])

    # ------------------------------------------------------------------ lookups

    def _check_team(self, team_id: str) -> None:
        if team_id != self.data.tree.team_id:
            errors.fail(errors.TEAM_NOT_AUTHORIZED)

    def _space(self, space_id: str) -> Space:
        space = self.data.tree.spaces_by_id.get(space_id)
        if space is None:
            errors.fail(errors.SPACE_NOT_FOUND)
        return space

    def _folder(self, folder_id: str) -> Folder:
        folder = self.data.tree.folders_by_id.get(folder_id)
        if folder is None:
            errors.fail(errors.FOLDER_NOT_FOUND)
        return folder

    def _list(self, list_id: str) -> TaskList:
        task_list = self.data.tree.lists_by_id.get(list_id)
        if task_list is None:
            errors.fail(errors.LIST_NOT_FOUND)
        return task_list

    def _goal(self, goal_id: str) -> dict[str, Any]:
        goal = next((g for g in self.data.tree.goals if g["id"] == goal_id), None)
        if goal is None:
            errors.fail(errors.GOAL_NOT_FOUND)
        return goal

    def _time_entry(self, timer_id: str) -> Any:
        entry = next((e for e in self.data.tree.time_entries if e.id == timer_id), None)
        if entry is None:
            errors.fail(errors.TIME_ENTRY_NOT_FOUND)
        return entry

    def _find_task(self, task_id: str) -> tuple[TaskList, TaskRecord]:
        found = self.data.find_task(task_id)
        if found is None:
            errors.fail(errors.TASK_NOT_FOUND)
        return found

    def _lists_json(self, lists: list[TaskList], archived: bool) -> list[dict[str, Any]]:
        factory = self.data.factory
        return [
            list_json(tl, factory.counted_tasks(tl, self.generation))
            for tl in lists
            if tl.archived == archived
        ]

    def _folder_json(self, folder: Folder) -> dict[str, Any]:
        lists = self._lists_json(folder.lists, archived=False)
        factory = self.data.factory
        count = sum(factory.counted_tasks(tl, self.generation) for tl in folder.lists)
        return folder_json(folder, lists, count)

    # ------------------------------------------------------------------ workspace reads

    def get_authorized_user(self, request: Request) -> dict[str, Any]:
        owner = self.data.tree.users[0]
        return {"user": {**owner.short, "week_start_day": 1, "global_font_support": True}}

    def get_teams(self, request: Request) -> dict[str, Any]:
        return {"teams": [team_json(self.data.tree)]}

    def get_user(self, request: Request, team_id: str, user_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        members = team_json(self.data.tree)["members"]
        member = next((m for m in members if str(m["user"]["id"]) == user_id), None)
        if member is None:
            errors.fail(errors.USER_NOT_FOUND)
        owner = self.data.tree.users[0]
        shared: dict[str, list[str]] = {"tasks": [], "lists": [], "folders": []}
        return {"member": {"user": member["user"], "invited_by": owner.short, "shared": shared}}

    def get_task_members(self, request: Request, task_id: str) -> dict[str, Any]:
        _task_list, task = self._find_task(task_id)
        users = self.data.tree.users
        indices = sorted({*task.assignee_indices, *task.watcher_indices})
        return {"members": [users[i].short for i in indices]}

    def get_list_members(self, request: Request, list_id: str) -> dict[str, Any]:
        self._list(list_id)
        return {"members": [user.short for user in self.data.tree.users]}

    # ------------------------------------------------------------------ hierarchy reads

    def get_spaces(self, request: Request, team_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        archived = flag(request, "archived")
        tree = self.data.tree
        return {"spaces": [space_json(s, tree) for s in tree.spaces if s.archived == archived]}

    def get_space(self, request: Request, space_id: str) -> dict[str, Any]:
        return space_json(self._space(space_id), self.data.tree)

    def get_folders(self, request: Request, space_id: str) -> dict[str, Any]:
        space = self._space(space_id)
        archived = flag(request, "archived")
        return {"folders": [self._folder_json(f) for f in space.folders if f.archived == archived]}

    def get_folder(self, request: Request, folder_id: str) -> dict[str, Any]:
        return self._folder_json(self._folder(folder_id))

    def get_folder_lists(self, request: Request, folder_id: str) -> dict[str, Any]:
        folder = self._folder(folder_id)
        return {"lists": self._lists_json(folder.lists, flag(request, "archived"))}

    def get_folderless_lists(self, request: Request, space_id: str) -> dict[str, Any]:
        space = self._space(space_id)
        return {"lists": self._lists_json(space.lists, flag(request, "archived"))}

    def get_list(self, request: Request, list_id: str) -> dict[str, Any]:
        task_list = self._list(list_id)
        count = self.data.factory.counted_tasks(task_list, self.generation)
        return {**list_json(task_list, count), "statuses": task_list.space.statuses}

    def get_fields(self, request: Request, list_id: str) -> dict[str, Any]:
        return {"fields": [f.as_json for f in self._list(list_id).fields]}

    def get_folder_fields(self, request: Request, folder_id: str) -> dict[str, Any]:
        folder = self._folder(folder_id)
        return {"fields": [f.as_json for f in folder.space.fields + folder.fields]}

    def get_space_fields(self, request: Request, space_id: str) -> dict[str, Any]:
        return {"fields": [f.as_json for f in self._space(space_id).fields]}

    def get_team_fields(self, request: Request, team_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        return {"fields": []}  # the seeded workspace creates fields on spaces and folders

    def get_tags(self, request: Request, space_id: str) -> dict[str, Any]:
        return {"tags": self._space(space_id).tags}

    def get_goals(self, request: Request, team_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        return {"goals": self.data.tree.goals, "folders": []}

    def get_goal(self, request: Request, goal_id: str) -> dict[str, Any]:
        return {"goal": {**self._goal(goal_id), "key_results": [], "history": []}}

    # ------------------------------------------------------------------ tasks

    def get_tasks(self, request: Request, list_id: str) -> Response:
        task_list = self._list(list_id)
        archived = flag(request, "archived")
        tasks = [t for t in self.data.list_tasks(task_list).tasks if t.archived == archived]
        return self._task_page(request, tasks)

    def get_team_tasks(self, request: Request, team_id: str) -> Response:
        self._check_team(team_id)
        tree = self.data.tree
        spaces = set(array_param(request, "space_ids"))
        folders = set(array_param(request, "project_ids"))
        lists = set(array_param(request, "list_ids"))
        tasks: list[TaskRecord] = []
        for task_list in tree.lists:
            if task_list.hidden_by_archive:
                continue
            if spaces and task_list.space.id not in spaces:
                continue
            if folders and (task_list.folder is None or task_list.folder.id not in folders):
                continue
            if lists and task_list.id not in lists:
                continue
            tasks.extend(t for t in self.data.list_tasks(task_list).tasks if not t.archived)
        return self._task_page(request, tasks)

    def get_view_tasks(self, request: Request, view_id: str) -> Response:
        """Every view answers as the workspace's "Everything" list view."""
        tree = self.data.tree
        tasks = [
            t
            for tl in tree.lists
            if not tl.hidden_by_archive
            for t in self.data.list_tasks(tl).tasks
            if not t.archived
        ]
        return self._task_page(request, tasks)

    def _task_page(self, request: Request, tasks: list[TaskRecord]) -> Response:
        checks = task_checks(request, self.data.tree, self._parent_task)
        selected = [t for t in tasks if all(check(t) for check in checks)]
        try:
            page = TASK_PAGES.page(ordered(selected, request), request.args)
        except PagingError:
            errors.fail(errors.BAD_PAGE)
        lists = self.data.tree.lists
        if flag(request, "include_markdown_description"):
            parts = [
                self._encode({**self._task_dict(t), "markdown_description": t.description})
                for t in page.items
            ]
        else:
            parts = [self._task_bytes(task, lists[task.list_no]) for task in page.items]
        last = b"false}" if page.has_more else b"true}"
        return self.json_response(b'{"tasks":[' + b",".join(parts) + b'],"last_page":' + last)

    def _parent_task(self, task_id: str) -> TaskRecord | None:
        found = self.data.find_task(task_id)
        return None if found is None else found[1]

    def _task_bytes(self, task: TaskRecord, task_list: TaskList) -> bytes:
        spent = self.data.time_spent.get((task.list_no, task.index))
        return task_bytes(task, task_list, self.data.tree, self.seed, spent)

    def _task_dict(self, task: TaskRecord) -> dict[str, Any]:
        spent = self.data.time_spent.get((task.list_no, task.index))
        task_list = self.data.tree.lists[task.list_no]
        return task_dict(task, task_list, self.data.tree, self.seed, spent)

    @staticmethod
    def _encode(body: dict[str, Any]) -> bytes:
        return msgspec.json.encode(body)

    def get_task(self, request: Request, task_id: str) -> dict[str, Any]:
        task_list, task = self._find_task(task_id)
        body = self._task_dict(task)
        if flag(request, "include_markdown_description"):
            body["markdown_description"] = task.description
        if flag(request, "include_subtasks"):
            children = self.data.list_tasks(task_list).tasks
            body["subtasks"] = [
                self._task_dict(child)
                for child in children
                if child.parent_index == task.index and child.list_no == task.list_no
            ]
        return body

    def get_bulk_time_in_status(self, request: Request) -> dict[str, Any]:
        wanted = [i for raw in array_param(request, "task_ids") for i in raw.split(",") if i]
        if not 0 < len(wanted) <= MAX_BULK_TASKS:
            errors.fail(errors.TASK_IDS_REQUIRED)
        out = {}
        for task_id in wanted:
            task_list, task = self._find_task(task_id)
            out[task.id] = time_in_status_json(task, task_list, self.data.now_ms)
        return out

    def get_task_time_in_status(self, request: Request, task_id: str) -> dict[str, Any]:
        task_list, task = self._find_task(task_id)
        return time_in_status_json(task, task_list, self.data.now_ms)

    # ------------------------------------------------------------------ comments

    def get_comments(self, request: Request, task_id: str) -> dict[str, Any]:
        _task_list, task = self._find_task(task_id)
        newest_first = sorted(task.comments, key=lambda c: (c.date_ms, int(c.id)), reverse=True)
        start = ms_param(request, "start")
        start_id = whole_number(arg(request, "start_id"))
        if start is not None and start_id is not None:
            anchor = (start, start_id)
            newest_first = [c for c in newest_first if (c.date_ms, int(c.id)) < anchor]
        tree = self.data.tree
        return {"comments": [comment_json(c, tree) for c in newest_first[:COMMENT_PAGE_SIZE]]}

    # ------------------------------------------------------------------ time tracking

    def get_time_entries(self, request: Request, team_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        end = ms_param(request, "end_date")
        end = self.data.now_ms if end is None else end
        start = ms_param(request, "start_date")
        start = end - TIME_ENTRY_DEFAULT_WINDOW_MS if start is None else start
        raw_assignees = arg(request, "assignee") or ""
        assignees = {a.strip() for a in raw_assignees.split(",") if a.strip()}
        entries = []
        for entry in self.data.tree.time_entries:
            if not start <= entry.start_ms <= end:
                continue
            if assignees and str(entry.user.id) not in assignees:
                continue
            entries.append(time_entry_json(entry, self.data))
        return {"data": entries}

    def get_time_entry(self, request: Request, team_id: str, timer_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        return {"data": time_entry_json(self._time_entry(timer_id), self.data)}

    def get_tracked_time(self, request: Request, task_id: str) -> dict[str, Any]:
        task_list, task = self._find_task(task_id)
        by_user: dict[int, dict[str, Any]] = {}
        for entry in self.data.tree.time_entries:
            if (entry.list_no, entry.task_index) != (task_list.no, task.index):
                continue
            row = by_user.setdefault(
                entry.user.id, {"user": entry.user.short, "time": 0, "intervals": []}
            )
            row["time"] += entry.duration_ms
            row["intervals"].append(
                {
                    "id": entry.id,
                    "start": str(entry.start_ms),
                    "end": str(entry.start_ms + entry.duration_ms),
                    "time": str(entry.duration_ms),
                    "source": "clickup",
                    "date_added": str(entry.start_ms + entry.duration_ms),
                }
            )
        return {"data": list(by_user.values())}

    # ------------------------------------------------------------------ writes

    def create_task(self, request: Request, list_id: str) -> Any:
        self._list(list_id)
        body = _json_body(request)
        change = self.record_change(lambda: self.writer.create_task(list_id, body))
        return self._task_answer(request, change.id)

    def update_task(self, request: Request, task_id: str) -> Any:
        self._find_task(task_id)
        body = _json_body(request)
        change = self.record_change(lambda: self.writer.update_task(task_id, body))
        return self._task_answer(request, change.id)

    def _task_answer(self, request: Request, task_id: str) -> Any:
        """The complete task object, as ``GET /task/{task_id}`` answers it."""
        return self.dispatch("get_task", request, {"task_id": task_id})

    def delete_task(self, request: Request, task_id: str) -> Response:
        self._find_task(task_id)
        self.record_change(lambda: self.writer.delete_task(task_id))
        return Response(status=204)

    def create_comment(self, request: Request, task_id: str) -> dict[str, Any]:
        self._find_task(task_id)
        body = _json_body(request)
        change = self.record_change(lambda: self.writer.add_comment(task_id, body))
        date = int(change.data["date_ms"])
        return {"id": change.id, "hist_id": str(int(change.id) % 10**9), "date": date}

    def update_comment(self, request: Request, comment_id: str) -> dict[str, Any]:
        body = _json_body(request)
        self.record_change(lambda: self.writer.update_comment(comment_id, body))
        return {}

    def delete_comment(self, request: Request, comment_id: str) -> dict[str, Any]:
        self.record_change(lambda: self.writer.delete_comment(comment_id))
        return {}

    # ------------------------------------------------------------------ webhooks

    def create_webhook(self, request: Request, team_id: str) -> Any:
        self._check_team(team_id)
        body = _json_body(request)
        endpoint = body.get("endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith(("http://", "https://")):
            return self.json_response({"err": "Endpoint required", "ECODE": "WEBHOOK_002"}, 400)
        events = body.get("events") or ["*"]
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            return self.json_response({"err": "Events invalid", "ECODE": "WEBHOOK_003"}, 400)
        scope = {key: body[key] for key in webhooks.SCOPES if body.get(key) is not None}
        subscription = self.webhooks.add(endpoint, events=events, scope=scope)
        owner = self.data.tree.users[0]
        return webhooks.subscription_answer(subscription, team_id, owner.id)

    def delete_webhook(self, request: Request, webhook_id: str) -> Any:
        if not self.webhooks.remove(webhook_id):
            return self.json_response({"err": "Webhook not found", "ECODE": "WEBHOOK_001"}, 404)
        return {}

    snapshot_keys = {"task": ("list_id", "updated_ms"), "comment": ("task_id", "date_ms")}

    def journal_snapshot(self) -> Snapshot:
        """Every task, with the values its writes journal (name, status, priority…), and
        its comments."""
        tasks: dict[str, dict[str, Any]] = {}
        comments: dict[str, dict[str, Any]] = {}
        for task_list in self.data.tree.lists:
            for task in self.data.list_tasks(task_list).tasks:
                for comment in task.comments:
                    comments[comment.id] = {
                        "task_id": task.id,
                        "text": comment.text,
                        "date_ms": comment.date_ms,
                    }
                tasks[task.id] = {
                    "updated_ms": task.updated_ms,
                    "list_id": task_list.id,
                    **{
                        k: getattr(task, k)
                        for k in ("name", "status_index", "priority", "closed_ms")
                    },
                }
        return {"task": tasks, "comment": comments}

    def webhook_events(self, change: Change) -> list[WebhookEvent]:
        owner = self.data.tree.users[0]
        user = {"id": owner.id, "username": owner.username, "email": owner.email}
        return webhooks.events_of(change, user)

    def address_event(self, event: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
        return webhooks.addressed(event, subscription)

    def set_field_value(self, request: Request, task_id: str, field_id: str) -> dict[str, Any]:
        self._find_task(task_id)
        body = _json_body(request)
        self.record_change(lambda: self.writer.set_field(task_id, field_id, body))
        return {}

    def remove_field_value(self, request: Request, task_id: str, field_id: str) -> dict[str, Any]:
        self._find_task(task_id)
        self.record_change(lambda: self.writer.remove_field(task_id, field_id))
        return {}

    def add_tag(self, request: Request, task_id: str, tag_name: str) -> dict[str, Any]:
        self._find_task(task_id)
        self.record_change(lambda: self.writer.add_tag(task_id, tag_name))
        return {}

    def remove_tag(self, request: Request, task_id: str, tag_name: str) -> dict[str, Any]:
        self._find_task(task_id)
        self.record_change(lambda: self.writer.remove_tag(task_id, tag_name))
        return {}


def _json_body(request: Request) -> dict[str, Any]:
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        errors.fail(errors.BAD_JSON)
    return body
