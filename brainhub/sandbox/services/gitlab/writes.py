"""Writes GitLab accepts here: create and update issues, create issue notes.

Each write is validated against the current data and returned as a journal
:class:`~brainhub.sandbox.kit.journal.Draft` carrying resolved values (ids, iids, times),
so replaying it in another process builds the same objects. Writes stamp ``updated_at``
after the dataset's "now", so the next ``updated_after`` read finds them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from brainhub.sandbox.kit.journal import Change, Draft, Replay
from brainhub.sandbox.services.gitlab.dataset import GitLabDataset, Project, iso
from brainhub.sandbox.services.gitlab.errors import invalid

STATE_EVENTS = {"close": "closed", "reopen": "opened"}


def _labels(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [str(x).strip() for x in raw if str(x).strip()]
    return [part.strip() for part in str(raw or "").split(",") if part.strip()]


class IssueWriter:
    """Validates writes into drafts and applies journalled changes to the dataset."""

    def __init__(self, data: GitLabDataset) -> None:
        self.data = data
        self._stamps = 0

    def _stamp(self) -> str:
        self._stamps += 1
        return iso(self.data.now() + timedelta(seconds=self._stamps))

    def issue(self, project: Project, issue_id: str) -> dict[str, Any]:
        """The issue with the instance-wide ``issue_id``."""
        return next(i for i in project.issues if str(i["id"]) == issue_id)

    # ------------------------------------------------------------------ validation

    def create_issue(self, project: Project, form: dict[str, Any]) -> Draft:
        title = str(form.get("title") or "").strip()
        if not title:
            invalid("title", "is missing")
        iid = max((i["iid"] for i in project.issues), default=0) + 1
        data = {
            "project_id": project.id,
            "iid": iid,
            "title": title,
            "description": form.get("description"),
            "labels": sorted(_labels(form.get("labels"))),
            "at": self._stamp(),
        }
        return Draft("create", "issue", str(project.id * 10000 + iid), data)

    def update_issue(self, project: Project, iid: int, form: dict[str, Any]) -> Draft:
        event = form.get("state_event")
        if event is not None and event not in STATE_EVENTS:
            invalid("state_event", "does not have a valid value")
        fields: dict[str, Any] = {}
        if "title" in form:
            if not str(form["title"]).strip():
                invalid("title", "is empty")
            fields["title"] = str(form["title"])
        if "description" in form:
            fields["description"] = form["description"]
        if "labels" in form:
            fields["labels"] = sorted(_labels(form["labels"]))
        data = {
            "project_id": project.id,
            "iid": iid,
            "fields": fields,
            "state_event": event,
            "add_labels": _labels(form.get("add_labels")),
            "remove_labels": _labels(form.get("remove_labels")),
            "at": self._stamp(),
        }
        return Draft("update", "issue", str(project.id * 10000 + iid), data)

    def create_note(self, project: Project, iid: int, form: dict[str, Any]) -> Draft:
        body = str(form.get("body") or "").strip()
        if not body:
            invalid("body", "is missing")
        note_id = self.data._next_note + 1
        data = {"project_id": project.id, "iid": iid, "body": body, "at": self._stamp()}
        return Draft("create", "note", str(note_id), data)

    # ------------------------------------------------------------------ replay

    def replay(self) -> Replay:
        return Replay(
            {
                ("issue", "create"): self._apply_create_issue,
                ("issue", "update"): self._apply_update_issue,
                ("note", "create"): self._apply_create_note,
            }
        )

    def _project(self, change: Change) -> Project:
        project = self.data.project(str(change.data["project_id"]))
        assert project is not None, change
        return project

    def _apply_create_issue(self, change: Change) -> None:
        project, data = self._project(change), change.data
        author = self.data.users[0]
        iid = int(data["iid"])
        issue = {
            **project.issues[0],
            "id": int(change.id),
            "iid": iid,
            "title": data["title"],
            "description": data["description"],
            "state": "opened",
            "labels": list(data["labels"]),
            "created_at": data["at"],
            "updated_at": data["at"],
            "closed_at": None,
            "closed_by": None,
            "milestone": None,
            "assignees": [],
            "assignee": None,
            "author": dict(author),
            "user_notes_count": 0,
            "web_url": f"{project.json['web_url']}/-/issues/{iid}",
            "references": {
                "short": f"#{iid}",
                "relative": f"#{iid}",
                "full": f"{project.json['path_with_namespace']}#{iid}",
            },
        }
        project.issues.append(issue)

    def _apply_update_issue(self, change: Change) -> None:
        project, data = self._project(change), change.data
        issue = next(i for i in project.issues if i["iid"] == int(data["iid"]))
        issue.update(data["fields"])
        labels = [lb for lb in issue["labels"] if lb not in data["remove_labels"]]
        issue["labels"] = sorted(set(labels) | set(data["add_labels"]))
        event = data["state_event"]
        if event is not None:
            issue["state"] = STATE_EVENTS[event]
            closed = event == "close"
            issue["closed_at"] = data["at"] if closed else None
            issue["closed_by"] = dict(self.data.users[0]) if closed else None
        issue["updated_at"] = data["at"]

    def _apply_create_note(self, change: Change) -> None:
        project, data = self._project(change), change.data
        issue = next(i for i in project.issues if i["iid"] == int(data["iid"]))
        note = self.data._add_note(project, "issues", issue, self.data.users[0], self.data.now())
        note.update(
            {
                "id": int(change.id),
                "body": data["body"],
                "created_at": data["at"],
                "updated_at": data["at"],
            }
        )
        self.data._next_note = max(self.data._next_note, int(change.id))
        issue["updated_at"] = data["at"]
