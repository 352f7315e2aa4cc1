"""How journalled Jira writes change the dataset: one applier per ``(object, op)``.

The same code applies a write when it is made and when a later emulator process replays
the journal (:mod:`brainhub.sandbox.kit.journal`), so both see the same data. A change
whose project, issue, comment or worklog is gone is skipped. Every applied change keeps
the emulator's issue index in step and forgets the search results it kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from brainhub.sandbox.kit.journal import Change, Replay
from brainhub.sandbox.services.jira.dataset import Comment, Issue, JiraDataset, Project, Worklog
from brainhub.sandbox.services.jira.render import adf_paragraphs

#: Draft field names and the issue attributes they set.
ISSUE_FIELDS = {
    "summary": "summary",
    "issuetype": "issue_type",
    "priority": "priority",
    "assignee": "assignee",
    "labels": "labels",
    "status": "status",
}


class JiraChanges:
    """Applies journalled changes to one :class:`JiraDataset`.

    ``index`` is the emulator's issue lookup (by key and by id); ``changed`` is called
    after every applied change (the emulator forgets its kept search results)."""

    def __init__(
        self,
        data: JiraDataset,
        index: dict[str, tuple[Issue, Project]],
        changed: Callable[[], None],
    ) -> None:
        self.data = data
        self.index = index
        self.changed = changed

    def replay(self) -> Replay:
        """The applier table the kit replays the journal with."""
        table: dict[tuple[str, str], Callable[[Change], None]] = {
            ("issue", "create"): self.create_issue,
            ("issue", "update"): self.update_issue,
            ("issue", "delete"): self.delete_issue,
            ("comment", "create"): self.create_comment,
            ("comment", "update"): self.update_comment,
            ("comment", "delete"): self.delete_comment,
            ("worklog", "create"): self.create_worklog,
            ("worklog", "update"): self.update_worklog,
            ("worklog", "delete"): self.delete_worklog,
        }
        return Replay({kind: self._then_changed(apply) for kind, apply in table.items()})

    def _then_changed(self, apply: Callable[[Change], None]) -> Callable[[Change], None]:
        def applied(change: Change) -> None:
            apply(change)
            self.changed()

        return applied

    # ------------------------------------------------------------------ issues

    def create_issue(self, change: Change) -> None:
        values = change.data
        project = next((p for p in self.data.projects if p.key == values["project"]), None)
        if project is None:
            return
        project.written_issues += 1
        self.data.written["issue"] += 1
        if change.id in self.index:
            return
        issue = Issue(
            id=int(change.id),
            key=str(values["key"]),
            project=project.id,
            summary=str(values["summary"]),
            issue_type=int(values["issuetype"]),
            status=0,
            priority=int(values["priority"]),
            reporter=int(values["reporter"]),
            assignee=values["assignee"],
            labels=list(values["labels"]),
            created=int(values["created"]),
            updated=int(values["updated"]),
            description=values["description"],
            description_written=True,  # a new issue has the description it was given
        )
        project.issues.append(issue)
        self.index[issue.key] = self.index[str(issue.id)] = (issue, project)
        self.data.note_write(issue.updated)

    def update_issue(self, change: Change) -> None:
        issue = self._issue(change.id)
        if issue is None:
            return
        for name, attribute in ISSUE_FIELDS.items():
            if name in change.data:
                value = change.data[name]
                setattr(issue, attribute, list(value) if name == "labels" else value)
        if "description" in change.data:
            issue.description = change.data["description"]
            issue.description_written = True
        self._stamp(issue, int(change.data["updated"]))

    def delete_issue(self, change: Change) -> None:
        found = self.index.get(change.id)
        if found is None:
            return
        issue, project = found
        project.issues.remove(issue)
        self.index.pop(issue.key, None)
        self.index.pop(str(issue.id), None)
        self.data.note_write(int(change.data["updated"]))

    # ------------------------------------------------------------------ comments

    def create_comment(self, change: Change) -> None:
        issue = self._issue(str(change.data["issue"]))
        self.data.written["comment"] += 1
        if issue is None or any(str(c.id) == change.id for c in issue.comments):
            return
        when = int(change.data["created"])
        document = change.data["doc"]
        text = _plain(document)
        issue.comments.append(
            Comment(int(change.id), int(change.data["author"]), text, when, when, document)
        )
        self._stamp(issue, when)

    def update_comment(self, change: Change) -> None:
        issue = self._issue(str(change.data["issue"]))
        comment = _find(issue.comments if issue else [], change.id)
        if issue is None or comment is None:
            return
        comment.doc = change.data["doc"]
        comment.text = _plain(comment.doc)
        comment.updated = int(change.data["updated"])
        self._stamp(issue, comment.updated)

    def delete_comment(self, change: Change) -> None:
        issue = self._issue(str(change.data["issue"]))
        comment = _find(issue.comments if issue else [], change.id)
        if issue is None or comment is None:
            return
        issue.comments.remove(comment)
        self._stamp(issue, int(change.data["updated"]))

    # ------------------------------------------------------------------ worklogs

    def create_worklog(self, change: Change) -> None:
        values = change.data
        issue = self._issue(str(values["issue"]))
        self.data.written["worklog"] += 1
        if issue is None or any(str(w.id) == change.id for w in issue.worklogs):
            return
        document = values["doc"]
        issue.worklogs.append(
            Worklog(
                int(change.id),
                int(values["author"]),
                _plain(document) if document else "",
                int(values["started"]),
                int(values["seconds"]),
                int(values["created"]),
                int(values["updated"]),
                document,
            )
        )
        self._stamp(issue, int(values["updated"]))

    def update_worklog(self, change: Change) -> None:
        values = change.data
        issue = self._issue(str(values["issue"]))
        worklog = _find(issue.worklogs if issue else [], change.id)
        if issue is None or worklog is None:
            return
        if "seconds" in values:
            worklog.seconds = int(values["seconds"])
        if "started" in values:
            worklog.started = int(values["started"])
        if "doc" in values:
            worklog.doc = values["doc"]
            worklog.text = _plain(worklog.doc) if worklog.doc else ""
        worklog.updated = int(values["updated"])
        self._stamp(issue, worklog.updated)

    def delete_worklog(self, change: Change) -> None:
        issue = self._issue(str(change.data["issue"]))
        worklog = _find(issue.worklogs if issue else [], change.id)
        if issue is None or worklog is None:
            return
        issue.worklogs.remove(worklog)
        self._stamp(issue, int(change.data["updated"]))

    # ------------------------------------------------------------------ helpers

    def _issue(self, ref: str) -> Issue | None:
        found = self.index.get(ref)
        return found[0] if found else None

    def _stamp(self, issue: Issue, when_s: int) -> None:
        """``updated`` of ``issue`` is ``when_s`` (never earlier than it was)."""
        issue.updated = max(issue.updated, when_s)
        self.data.note_write(when_s)


def _find(items: list[Any], object_id: str) -> Any:
    return next((item for item in items if str(item.id) == object_id), None)


def _plain(document: Any) -> str:
    """The text of an ADF document's paragraphs (what searches and v2 see)."""
    return "\n\n".join(adf_paragraphs(document)) if isinstance(document, dict) else ""
