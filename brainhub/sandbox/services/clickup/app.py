"""The ClickUp API v2 emulator: routes, auth, rate limits and handlers.

Written from ClickUp's OpenAPI v2 document and recorded responses. Base path ``/api/v2``.

Reads: ``GET /team``, ``/team/{id}/space``, ``/space/{id}/folder``, ``/folder/{id}/list``,
``/space/{id}/list``, ``/list/{id}/task``, ``/task/{id}``, ``/task/{id}/comment``,
``/list/{id}/field``, ``/space/{id}/tag``, ``/team/{id}/goal``, ``/team/{id}/time_entries``.
Writes (in memory, until the generation changes): ``POST /list/{id}/task``,
``PUT /task/{id}``, ``POST /task/{id}/comment``.

Behaviour worth knowing:

- Auth: ``Authorization: pk_<user id>_<key>`` (no "Bearer"); missing → 401 ``OAUTH_017``,
  any other value → 401 ``OAUTH_025``; an unknown team id → 401 ``OAUTH_027``.
- Rate limit: 100 requests per minute per token (the Free/Unlimited/Business plans;
  ``rate_limit=10000`` acts like Enterprise); ``X-RateLimit-Limit``, ``-Remaining`` and
  ``-Reset`` (Unix seconds) on every authenticated response; 429 ``APP_002`` over it.
- ``archived=true`` lists only archived spaces/folders/lists/tasks; without it only
  unarchived ones.
- Tasks: 100 per ``page`` (0-based) with ``last_page``; closed tasks only with
  ``include_closed=true``; subtasks only with ``subtasks=true``; ordered by ``order_by``
  (``created`` by default; ``updated``, ``id``, ``due_date``) newest first, oldest first
  with ``reverse=true``. ``date_updated_gt`` is inclusive (≥), as the real API behaves;
  every other ``_gt``/``_lt`` filter is strict. ``statuses[]`` and ``assignees[]`` filter.
- Comments: 25 per page, newest first; the next page is asked with ``start`` (the last
  comment's ``date``) and ``start_id`` (its ``id``).
- Time entries: the window defaults to the 30 days before the dataset's fixed "now"
  (``sizes.now_ms(generation)``), not the wall clock; every entry belongs to the token's
  user. Pass ``start_date=0`` to see all of them.
"""

from __future__ import annotations

import random
import string
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.params import finite_number, whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.clickup import errors
from brainhub.sandbox.services.clickup.dataset import ClickUpDataset
from brainhub.sandbox.services.clickup.hierarchy import Folder, Space, TaskList
from brainhub.sandbox.services.clickup.render import (
    comment_json,
    folder_json,
    list_json,
    space_json,
    task_bytes,
    task_dict,
    team_json,
)
from brainhub.sandbox.services.clickup.sizes import SIZES, TIME_ENTRY_DEFAULT_WINDOW_MS
from brainhub.sandbox.services.clickup.writes import TaskWriter

PAGE_SIZE = 100
COMMENT_PAGE_SIZE = 25
ORDER_KEYS = ("created", "updated", "id", "due_date")


def arg(request: Request, name: str) -> str | None:
    """A query parameter or ``None`` (checked first: werkzeug's misses are slow)."""
    args = request.args
    return args[name] if name in args else None  # noqa: SIM401


def flag(request: Request, name: str) -> bool:
    """A boolean query parameter (``true``/``false``)."""
    return (arg(request, name) or "").strip().lower() == "true"


def array_param(request: Request, name: str) -> list[str]:
    """``name[]=a&name[]=b`` (or ``name=a``) as a list."""
    args = request.args
    return [value for key in (f"{name}[]", name) if key in args for value in args.getlist(key)]


def ms_param(request: Request, name: str) -> int | None:
    """A Unix-milliseconds query parameter; a 400 when it is not a number."""
    raw = arg(request, name)
    if raw is None or raw == "":
        return None
    value = finite_number(raw)
    if value is None:
        errors.fail(errors.BAD_TIMESTAMP)
    return int(value)


class ClickUpEmulator(Emulator):
    """ClickUp API v2 with seeded data; see the module docstring for its behaviour."""

    service = "clickup"
    base_path = "/api/v2"
    size_names = tuple(SIZES)
    default_rate_limit = 100
    rate_limit_window_s = 60.0
    routes = (
        Rule("/team", endpoint="get_teams", methods=["GET"]),
        Rule("/team/<team_id>/space", endpoint="get_spaces", methods=["GET"]),
        Rule("/space/<space_id>/folder", endpoint="get_folders", methods=["GET"]),
        Rule("/folder/<folder_id>/list", endpoint="get_folder_lists", methods=["GET"]),
        Rule("/space/<space_id>/list", endpoint="get_folderless_lists", methods=["GET"]),
        Rule("/list/<list_id>/task", endpoint="get_tasks", methods=["GET"]),
        Rule("/list/<list_id>/task", endpoint="create_task", methods=["POST"]),
        Rule("/task/<task_id>", endpoint="get_task", methods=["GET"]),
        Rule("/task/<task_id>", endpoint="update_task", methods=["PUT"]),
        Rule("/task/<task_id>/comment", endpoint="get_comments", methods=["GET"]),
        Rule("/task/<task_id>/comment", endpoint="create_comment", methods=["POST"]),
        Rule("/list/<list_id>/field", endpoint="get_fields", methods=["GET"]),
        Rule("/space/<space_id>/tag", endpoint="get_tags", methods=["GET"]),
        Rule("/team/<team_id>/goal", endpoint="get_goals", methods=["GET"]),
        Rule("/team/<team_id>/time_entries", endpoint="get_time_entries", methods=["GET"]),
    )

    # ------------------------------------------------------------------ framework hooks

    def load(self) -> None:
        self.data = ClickUpDataset(self.seed, self.size, self.generation)
        self.writer = TaskWriter(self.data)
        owner = self.data.tree.users[0]
        rng = random.Random(f"clickup:{self.seed}:token")
        key = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(32))
        self._token = f"pk_{owner.id}_{key}"

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

    def _lists_json(self, lists: list[TaskList], archived: bool) -> list[dict[str, Any]]:
        factory = self.data.factory
        return [
            list_json(tl, factory.counted_tasks(tl, self.generation))
            for tl in lists
            if tl.archived == archived
        ]

    # ------------------------------------------------------------------ hierarchy reads

    def get_teams(self, request: Request) -> dict[str, Any]:
        return {"teams": [team_json(self.data.tree)]}

    def get_spaces(self, request: Request, team_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        archived = flag(request, "archived")
        tree = self.data.tree
        return {"spaces": [space_json(s, tree) for s in tree.spaces if s.archived == archived]}

    def get_folders(self, request: Request, space_id: str) -> dict[str, Any]:
        space = self._space(space_id)
        archived = flag(request, "archived")
        factory = self.data.factory
        folders = []
        for folder in space.folders:
            if folder.archived != archived:
                continue
            lists = self._lists_json(folder.lists, archived=False)
            count = sum(factory.counted_tasks(tl, self.generation) for tl in folder.lists)
            folders.append(folder_json(folder, lists, count))
        return {"folders": folders}

    def get_folder_lists(self, request: Request, folder_id: str) -> dict[str, Any]:
        folder = self._folder(folder_id)
        return {"lists": self._lists_json(folder.lists, flag(request, "archived"))}

    def get_folderless_lists(self, request: Request, space_id: str) -> dict[str, Any]:
        space = self._space(space_id)
        return {"lists": self._lists_json(space.lists, flag(request, "archived"))}

    def get_fields(self, request: Request, list_id: str) -> dict[str, Any]:
        return {"fields": [f.as_json for f in self._list(list_id).fields]}

    def get_tags(self, request: Request, space_id: str) -> dict[str, Any]:
        return {"tags": self._space(space_id).tags}

    def get_goals(self, request: Request, team_id: str) -> dict[str, Any]:
        self._check_team(team_id)
        return {"goals": self.data.tree.goals, "folders": []}

    # ------------------------------------------------------------------ tasks

    def get_tasks(self, request: Request, list_id: str) -> Response:
        task_list = self._list(list_id)
        page = whole_number(arg(request, "page") or "0")
        if page is None or page < 0:
            errors.fail(errors.BAD_PAGE)
        selected = self._filter_tasks(request, self.data.list_tasks(task_list).tasks)
        order_by = arg(request, "order_by") or "created"
        selected = _ordered(selected, order_by if order_by in ORDER_KEYS else "created")
        if flag(request, "reverse"):
            selected.reverse()
        chunk = selected[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        last = (page + 1) * PAGE_SIZE >= len(selected)
        parts = [self._task_bytes(task, task_list) for task in chunk]
        body = (
            b'{"tasks":[' + b",".join(parts) + b'],"last_page":' + (b"true}" if last else b"false}")
        )
        return self.json_response(body)

    def _filter_tasks(self, request: Request, tasks: list[Any]) -> list[Any]:
        archived = flag(request, "archived")
        include_closed = flag(request, "include_closed")
        subtasks = flag(request, "subtasks")
        statuses = {s.lower() for s in array_param(request, "statuses")}
        assignees = set(array_param(request, "assignees"))
        updated_gt = ms_param(request, "date_updated_gt")
        updated_lt = ms_param(request, "date_updated_lt")
        created_gt = ms_param(request, "date_created_gt")
        created_lt = ms_param(request, "date_created_lt")
        users = self.data.tree.users
        closed_index = 3
        out = []
        for task in tasks:
            if task.archived != archived:
                continue
            if not include_closed and task.status_index == closed_index:
                continue
            if not subtasks and task.parent_index is not None:
                continue
            if statuses and self._status_name(task) not in statuses:
                continue
            if assignees and not {str(users[i].id) for i in task.assignee_indices} & assignees:
                continue
            if updated_gt is not None and task.updated_ms < updated_gt:
                continue
            if updated_lt is not None and task.updated_ms >= updated_lt:
                continue
            if created_gt is not None and task.created_ms <= created_gt:
                continue
            if created_lt is not None and task.created_ms >= created_lt:
                continue
            out.append(task)
        return out

    def _status_name(self, task: Any) -> str:
        space = self.data.tree.lists[task.list_no].space
        return str(space.statuses[task.status_index]["status"]).lower()

    def _task_bytes(self, task: Any, task_list: TaskList) -> bytes:
        spent = self.data.time_spent.get((task.list_no, task.index))
        return task_bytes(task, task_list, self.data.tree, self.seed, spent)

    def _task_dict(self, task: Any, task_list: TaskList) -> dict[str, Any]:
        spent = self.data.time_spent.get((task.list_no, task.index))
        return task_dict(task, task_list, self.data.tree, self.seed, spent)

    def _find_task(self, task_id: str) -> tuple[TaskList, Any]:
        found = self.data.find_task(task_id)
        if found is None:
            errors.fail(errors.TASK_NOT_FOUND)
        return found

    def get_task(self, request: Request, task_id: str) -> dict[str, Any]:
        task_list, task = self._find_task(task_id)
        body = self._task_dict(task, task_list)
        if flag(request, "include_subtasks"):
            children = self.data.list_tasks(task_list).tasks
            body["subtasks"] = [
                self._task_dict(child, task_list)
                for child in children
                if child.parent_index == task.index and child.list_no == task.list_no
            ]
        return body

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
            entries.append(self._time_entry_json(entry))
        return {"data": entries}

    def _time_entry_json(self, entry: Any) -> dict[str, Any]:
        tree = self.data.tree
        task_list = tree.lists[entry.list_no]
        task = self.data.list_tasks(task_list).by_index[entry.task_index]
        space = task_list.space
        folder_id = task_list.folder.id if task_list.folder else space.hidden_folder_id
        folder_name = task_list.folder.name if task_list.folder else "hidden"
        tags = {tag["name"]: tag for tag in space.tags}
        end = entry.start_ms + entry.duration_ms
        return {
            "id": entry.id,
            "task": {
                "id": task.id,
                "custom_id": None,
                "name": task.name,
                "status": space.statuses[task.status_index],
                "custom_type": None,
            },
            "wid": tree.team_id,
            "user": entry.user.short,
            "billable": entry.billable,
            "start": str(entry.start_ms),
            "end": str(end),
            "duration": str(entry.duration_ms),
            "description": entry.description,
            "tags": [],
            "source": "clickup",
            "at": str(end),
            "task_location": {
                "list_id": int(task_list.id),
                "folder_id": int(folder_id),
                "space_id": int(space.id),
                "list_name": task_list.name,
                "folder_name": folder_name,
                "space_name": space.name,
            },
            "task_tags": [tags[name] for name in task.tag_names if name in tags],
            "task_url": f"https://app.clickup.com/t/{task.id}",
        }

    # ------------------------------------------------------------------ writes

    def create_task(self, request: Request, list_id: str) -> dict[str, Any]:
        task_list = self._list(list_id)
        with self.data_lock:
            task = self.writer.create_task(task_list, _json_body(request))
            return self._task_dict(task, task_list)

    def update_task(self, request: Request, task_id: str) -> dict[str, Any]:
        task_list, task = self._find_task(task_id)
        with self.data_lock:
            self.writer.update_task(task_list, task, _json_body(request))
            return self._task_dict(task, task_list)

    def create_comment(self, request: Request, task_id: str) -> dict[str, Any]:
        task_list, task = self._find_task(task_id)
        with self.data_lock:
            comment = self.writer.add_comment(task_list, task, _json_body(request))
        return {"id": comment.id, "hist_id": str(int(comment.id) % 10**9), "date": comment.date_ms}


def _json_body(request: Request) -> dict[str, Any]:
    body = request.get_json(silent=True, force=True)
    if not isinstance(body, dict):
        errors.fail(errors.BAD_JSON)
    return body


def _ordered(tasks: list[Any], order_by: str) -> list[Any]:
    """Newest (largest) first, ties broken by id; tasks without a due date last."""
    if order_by == "updated":
        return sorted(tasks, key=lambda t: (t.updated_ms, t.id), reverse=True)
    if order_by == "id":
        return sorted(tasks, key=lambda t: t.id, reverse=True)
    if order_by == "due_date":
        with_due = sorted((t for t in tasks if t.due_ms), key=lambda t: (t.due_ms, t.id))
        return [*reversed(with_due), *(t for t in tasks if not t.due_ms)]
    return sorted(tasks, key=lambda t: (t.created_ms, t.id), reverse=True)
