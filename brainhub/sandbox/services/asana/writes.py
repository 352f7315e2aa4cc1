"""Writes to the Asana organization, checked like Asana checks them, as journal drafts.

``POST /tasks`` (``data``: ``workspace`` and/or ``projects``, ``name``, ``notes``,
``assignee``, ``due_on``, ``completed``), ``PUT /tasks/{gid}`` (the same fields but the
scope), ``DELETE /tasks/{gid}`` and ``POST /tasks/{gid}/stories`` (a comment: ``text``
or ``html_text``). Each method checks one request body and returns the
:class:`~brainhub.sandbox.kit.journal.Draft` with every value resolved (a new task or
story whole; see :mod:`.changes`); a bad field stops it with Asana's error body, worded
as Asana words it (``assignee: Not a Long: bob``, ``projects: Unknown object: 42``,
``due_on: Not a valid date: soon``), before anything changes.

Every write stamps the task's ``modified_at`` later than anything in the dataset (and a
millisecond after the previous write), so the next incremental read (``modified_since``)
picks it up. A task created with a workspace but no project lives in the workspace
(``GET /tasks?assignee=…&workspace=…`` lists it).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from brainhub.sandbox.kit.journal import Draft
from brainhub.sandbox.services.asana import errors
from brainhub.sandbox.services.asana.workspace import Organization, compact, iso

#: gids of objects created through the API: above every generated one.
WRITE_GID_BASE = 1_209_000_000_000_000
TASK_FIELDS = ("name", "notes", "assignee", "due_on", "completed", "html_notes")


def request_data(body: Any) -> dict[str, Any]:
    """The ``data`` object of a write's JSON body, or Asana's 400."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        errors.fail("MISSING_INPUT", parameter="data")
    return body["data"]


class TaskWriter:
    """Builds the drafts of Asana writes on one organization. Callers hold the lock."""

    def __init__(
        self, org: Organization, seed: int, dataset_now: datetime, clock: Callable[[], float]
    ) -> None:
        self.org = org
        self.seed = seed
        self.dataset_now = dataset_now
        self.clock = clock
        #: Objects created through the API so far (their gids count up from here) and the
        #: newest write's time; the appliers of :mod:`.changes` keep both up to date.
        self.written = 0
        self.last_write = dataset_now

    # ------------------------------------------------------------------ tasks

    def create_task(self, data: dict[str, Any]) -> Draft:
        org = self.org
        projects = [self._project(p) for p in self._gid_list(data.get("projects"), "projects")]
        if "workspace" in data:
            self._workspace(data["workspace"])
        elif not projects:
            errors.fail("MISSING_INPUT", parameter="workspace")
        now = self._now()
        gid = self._next_gid(1)
        me = org.users[0]
        task = copy.deepcopy(self._template())
        task.update(
            gid=gid,
            resource_subtype="default_task",
            actual_time_minutes=0.0,
            dependencies=[],
            dependents=[],
            hearts=[],
            likes=[],
            liked=False,
            hearted=False,
            num_hearts=0,
            name="",
            notes="",
            html_notes="<body></body>",
            completed=False,
            completed_at=None,
            completed_by=None,
            created_at=iso(now),
            created_by={"gid": me["gid"], "resource_type": "user"},
            modified_at=iso(now),
            due_on=None,
            due_at=None,
            start_on=None,
            assignee=None,
            assignee_status="inbox",
            assigned_by=None,
            followers=[compact(me)],
            num_subtasks=0,
            num_likes=0,
            parent=None,
            tags=[],
            custom_fields=[],
            memberships=[
                {"project": compact(p), "section": self._first_section(p)} for p in projects
            ],
            projects=[compact(p) for p in projects],
            workspace=compact(org.workspace),
            permalink_url=f"https://app.asana.com/0/{projects[0]['gid'] if projects else 0}/{gid}",
        )
        task.update(self._checked(data, task, now))
        home = projects[0]["gid"] if projects else org.workspace["gid"]
        subtype = "added_to_project" if projects else "created"
        story = self._story(task, me, now, subtype, self._next_gid(2))
        return Draft("create", "task", gid, {"home": home, "task": task, "story": story})

    def update_task(self, task: dict[str, Any], data: dict[str, Any]) -> Draft:
        now = self._now()
        values = self._checked(data, task, now)
        values["modified_at"] = iso(now)
        return Draft("update", "task", task["gid"], {"set": values})

    def delete_task(self, task: dict[str, Any]) -> Draft:
        return Draft("delete", "task", task["gid"], {"at": iso(self._now())})

    def comment(self, task: dict[str, Any], data: dict[str, Any]) -> Draft:
        text, html = data.get("text"), data.get("html_text")
        if html is not None and not isinstance(html, str):
            errors.fail("MISSING_INPUT", parameter="html_text")
        if text is None and html is None:
            errors.fail("MISSING_INPUT", parameter="text")
        if html is not None and text is None:
            text = _plain(html)
        if not isinstance(text, str) or not text.strip():
            errors.fail("MISSING_INPUT", parameter="text")
        now = self._now()
        story = self._story(task, self.org.users[0], now, "comment_added", self._next_gid(1))
        story.update(
            text=text,
            html_text=html if html is not None else f"<body>{text}</body>",
            is_editable=True,
            type="comment",
            is_pinned=bool(data.get("is_pinned", False)),
        )
        return Draft("create", "story", story["gid"], {"task": task["gid"], "story": story})

    # ------------------------------------------------------------------ checks

    def _checked(self, data: dict[str, Any], task: dict[str, Any], now: datetime) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if "name" in data:
            if not isinstance(data["name"], str):
                errors.fail("MISSING_INPUT", parameter="name")
            values["name"] = data["name"]
        if "notes" in data:
            if not isinstance(data["notes"], str):
                errors.fail("MISSING_INPUT", parameter="notes")
            values["notes"] = data["notes"]
            values["html_notes"] = f"<body>{_escaped(data['notes'])}</body>"
        if "assignee" in data:
            assignee = data["assignee"]
            if assignee is None:
                values.update(assignee=None, assignee_status="inbox", assigned_by=None)
            else:
                user = self._user(assignee)
                me = compact(self.org.users[0])
                values.update(assignee=compact(user), assignee_status="upcoming", assigned_by=me)
        if "due_on" in data:
            due = data["due_on"]
            if due is not None:
                try:
                    date.fromisoformat(str(due))
                except ValueError:
                    errors.fail("BAD_DATE", parameter="due_on", value=due)
            values["due_on"] = due
        if "completed" in data:
            completed = data["completed"]
            if not isinstance(completed, bool):
                errors.fail("NOT_A_BOOLEAN", parameter="completed", value=completed)
            if completed != task.get("completed"):
                values["completed"] = completed
                values["completed_at"] = iso(now) if completed else None
                values["completed_by"] = compact(self.org.users[0]) if completed else None
        return values

    def _gid_list(self, value: Any, parameter: str) -> list[str]:
        if value is None:
            return []
        items = value if isinstance(value, list) else str(value).split(",")
        return [str(item).strip() for item in items if str(item).strip()]

    def _gid(self, value: Any, parameter: str) -> str:
        text = str(value.get("gid") if isinstance(value, dict) else value)
        if not text.isdigit():
            errors.fail("NOT_A_LONG", parameter=parameter, value=text)
        return text

    def _workspace(self, value: Any) -> None:
        gid = self._gid(value, "workspace")
        if gid != self.org.workspace["gid"]:
            errors.fail("UNKNOWN_OBJECT", parameter="workspace", value=gid)

    def _project(self, value: Any) -> dict[str, Any]:
        gid = self._gid(value, "projects")
        project = self.org.project(gid)
        if project is None:
            errors.fail("UNKNOWN_OBJECT", parameter="projects", value=gid)
        return project

    def _user(self, value: Any) -> dict[str, Any]:
        if value == "me":
            return self.org.users[0]
        gid = self._gid(value, "assignee")
        user = next((u for u in self.org.users if u["gid"] == gid), None)
        if user is None:
            errors.fail("UNKNOWN_OBJECT", parameter="assignee", value=gid)
        return user

    def _first_section(self, project: dict[str, Any]) -> dict[str, Any] | None:
        sections = self.org.sections.get(project["gid"], [])
        return compact(sections[0]) if sections else None

    def _template(self) -> dict[str, Any]:
        """A task whose fields a new task starts from (every seeded task has them all)."""
        return next(t for t in self.org.all_tasks())

    def _story(
        self,
        task: dict[str, Any],
        author: dict[str, Any],
        moment: datetime,
        subtype: str,
        gid: str,
    ) -> dict[str, Any]:
        template = next(s for stories in self.org.stories.values() for s in stories)
        story = copy.deepcopy(template)
        story.update(
            gid=gid,
            resource_subtype=subtype,
            created_at=iso(moment),
            created_by=compact(author),
            type="system",
            text={"added_to_project": "added to project", "created": "created this task"}.get(
                subtype, ""
            ),
            is_edited=False,
            is_editable=False,
            num_likes=0,
            target={
                "gid": task["gid"],
                "name": task["name"],
                "resource_type": "task",
                "resource_subtype": task.get("resource_subtype", "default_task"),
            },
        )
        story.pop("html_text", None)
        story.pop("project", None)
        story.pop("new_name", None)
        story.pop("old_name", None)
        return story

    def _next_gid(self, step: int) -> str:
        """The gid ``step`` places after the last object created through the API."""
        return str(WRITE_GID_BASE + (self.seed % 1000) * 1_000_000 + self.written + step)

    def note(self, gid: str | None, moment: str) -> None:
        """A write was applied: count the object it created (``gid``) and its time."""
        if gid is not None and int(gid) > WRITE_GID_BASE:
            serial = int(gid) - WRITE_GID_BASE - (self.seed % 1000) * 1_000_000
            self.written = max(self.written, serial)
        when = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        self.last_write = max(self.last_write, when)

    def _now(self) -> datetime:
        """The write's moment: the clock, after the dataset's "now" and the last write."""
        now = datetime.fromtimestamp(self.clock(), tz=UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        return max(
            now,
            self.dataset_now + timedelta(seconds=1),
            self.last_write + timedelta(milliseconds=1),
        )


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(html: str) -> str:
    """The text of rich text (tags dropped)."""
    out, inside = [], False
    for char in html:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)
