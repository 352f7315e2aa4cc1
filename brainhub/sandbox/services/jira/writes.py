"""Writes to the Jira dataset, checked as Jira checks them, as journal drafts.

Each method validates one request body against the current data and returns the
:class:`~brainhub.sandbox.kit.journal.Draft` of the change (resolved values, ready to
apply: see :mod:`.changes`); bad fields stop it with Jira's 400 ErrorCollection — every
field error at once, as Jira collects them — before anything changes. Rules:

- a new issue needs ``fields.project`` (``{"id"}`` or ``{"key"}``), ``fields.issuetype``
  (``{"id"}`` or ``{"name"}``) and ``fields.summary`` (under 255 characters);
- ``description`` (and comment bodies, worklog comments) are Atlassian Document Format in
  v3 and plain text (wiki markup) in v2; text is kept as an ADF document of its
  paragraphs, so both versions read it back;
- settable fields are ``summary``, ``description``, ``issuetype``, ``priority``,
  ``assignee`` (``{"accountId"}`` or ``null``) and ``labels`` (no spaces); any other is
  ``Field '…' cannot be set``; ``update`` takes ``set`` for each and ``add``/``remove``
  for labels;
- a transition id must be one ``GET …/transitions`` offers for the issue's status;
- a worklog needs ``timeSpentSeconds`` (or ``timeSpent`` such as ``"1h 30m"``) above 0.

The account's user (``robot@…``, user 0 here) is the author of what is created. Every
write stamps ``updated`` after everything generated (:meth:`~.dataset.JiraDataset.next_write_s`).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from brainhub.sandbox.kit.journal import Draft
from brainhub.sandbox.services.jira import errors
from brainhub.sandbox.services.jira.dataset import (
    ISSUE_TYPES,
    PRIORITIES,
    STATUSES,
    Comment,
    Issue,
    JiraDataset,
    Project,
    Worklog,
)
from brainhub.sandbox.services.jira.render import adf
from brainhub.sandbox.services.jira.versions import is_adf

#: Issue numbers (in keys) of issues created through the API: generated ones, and those
#: later generations create, stay below.
WRITE_NUMBER = 10_000
#: Id spaces of objects created through the API, per kind.
ID_BASE = {"issue": 10_000_000, "comment": 20_000_000, "worklog": 30_000_000}
#: Fields a create or an edit may set (``project`` only on create).
SETTABLE = ("summary", "description", "issuetype", "priority", "assignee", "labels")
SUMMARY_LIMIT = 255
#: ``timeSpent`` units in seconds (Jira's default 8-hour day and 5-day week).
DURATION_UNITS = {"w": 5 * 8 * 3600, "d": 8 * 3600, "h": 3600, "m": 60}
_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*([wdhm])\s*)+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([wdhm])")


def transition_id(status_index: int) -> str:
    """The id of the transition into status ``status_index`` (as ``GET …/transitions``)."""
    return str(11 + 10 * status_index)


def text_document(text: str) -> dict[str, Any]:
    """Plain text (v2) as an ADF document: one paragraph per blank-line-separated block."""
    blocks = [block for block in re.split(r"\n\s*\n", text) if block.strip()] or [""]
    document = adf(blocks[0])
    for block in blocks[1:]:
        document["content"].append(adf(block)["content"][0])
    return document


class FieldErrors:
    """Collects field errors of one request; :meth:`check` stops it with all of them."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def check(self) -> None:
        if self.errors:
            raise errors.field_failure(self.errors)


class IssueWriter:
    """Builds the drafts of API writes on one dataset. Callers hold the emulator's lock."""

    def __init__(self, data: JiraDataset) -> None:
        self.data = data

    # ------------------------------------------------------------------ issues

    def create_issue(self, body: Any, v2: bool) -> Draft:
        fields, update = _fields_and_update(body)
        problems = FieldErrors()
        project = self._project(fields.get("project"), problems)
        if "issuetype" not in fields:
            problems.add("issuetype", errors.ISSUE_TYPE_REQUIRED)
        if not isinstance(fields.get("summary"), str) or not fields["summary"].strip():
            problems.add("summary", errors.SUMMARY_REQUIRED)
        values = self._settable(fields, update, problems, v2, current=None)
        problems.check()
        assert project is not None  # a missing project is a field error above
        now = self.data.next_write_s()
        serial = self.data.written["issue"] + 1
        number = WRITE_NUMBER + project.written_issues + 1
        values.update(
            {
                "project": project.key,
                "key": f"{project.key}-{number}",
                "reporter": 0,
                "created": now,
                "updated": now,
            }
        )
        values.setdefault("priority", 2)  # Medium, the default priority scheme's default
        values.setdefault("assignee", None)
        values.setdefault("labels", [])
        if "description" not in values:
            values["description"] = None
        return Draft("create", "issue", str(ID_BASE["issue"] + serial), values)

    def edit_issue(self, issue: Issue, body: Any, v2: bool) -> Draft:
        if body is None:
            raise errors.failure(400, errors.BODY_MISSING)
        fields, update = _fields_and_update(body)
        problems = FieldErrors()
        if "project" in fields:
            problems.add("project", errors.cannot_set("project"))
        values = self._settable(fields, update, problems, v2, current=issue)
        problems.check()
        values["updated"] = self.data.next_write_s()
        return Draft("update", "issue", str(issue.id), values)

    def transition(self, issue: Issue, body: Any, v2: bool) -> Draft:
        if not isinstance(body, dict):
            raise errors.failure(400, errors.TRANSITION_MISSING)
        wanted = body.get("transition")
        ref = wanted.get("id") if isinstance(wanted, dict) else None
        if ref is None:
            raise errors.failure(400, errors.TRANSITION_MISSING)
        targets = {transition_id(i): i for i in range(len(STATUSES)) if i != issue.status}
        if str(ref) not in targets:
            raise errors.failure(400, errors.transition_invalid(str(ref)))
        problems = FieldErrors()
        values = self._settable(*_fields_and_update(body), problems, v2, current=issue)
        problems.check()
        values.update(status=targets[str(ref)], updated=self.data.next_write_s())
        return Draft("update", "issue", str(issue.id), values)

    def delete_issue(self, issue: Issue) -> Draft:
        return Draft("delete", "issue", str(issue.id), {"updated": self.data.next_write_s()})

    # ------------------------------------------------------------------ comments

    def add_comment(self, issue: Issue, body: Any, v2: bool) -> Draft:
        document = self._comment_body(body, v2)
        serial = self.data.written["comment"] + 1
        values = {"issue": str(issue.id), "author": 0, "doc": document}
        values["created"] = self.data.next_write_s()
        return Draft("create", "comment", str(ID_BASE["comment"] + serial), values)

    def update_comment(self, issue: Issue, comment: Comment, body: Any, v2: bool) -> Draft:
        document = self._comment_body(body, v2)
        values = {"issue": str(issue.id), "doc": document, "updated": self.data.next_write_s()}
        return Draft("update", "comment", str(comment.id), values)

    def delete_comment(self, issue: Issue, comment: Comment) -> Draft:
        values = {"issue": str(issue.id), "updated": self.data.next_write_s()}
        return Draft("delete", "comment", str(comment.id), values)

    @staticmethod
    def _comment_body(body: Any, v2: bool) -> dict[str, Any]:
        value = body.get("body") if isinstance(body, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            raise errors.field_failure({"comment": errors.COMMENT_EMPTY})
        document = _rich_text(value, v2)
        if document is None:
            raise errors.field_failure({"comment": errors.NOT_A_DOCUMENT})
        return document

    # ------------------------------------------------------------------ worklogs

    def add_worklog(self, issue: Issue, body: Any, v2: bool) -> Draft:
        body = body if isinstance(body, dict) else {}
        now = self.data.next_write_s()
        values = self._worklog_values(body, v2, required=True)
        serial = self.data.written["worklog"] + 1
        values = {
            "issue": str(issue.id),
            "author": 0,
            "doc": None,
            "started": now - int(values["seconds"]),
            **values,
            "created": now,
            "updated": now,
        }
        return Draft("create", "worklog", str(ID_BASE["worklog"] + serial), values)

    def update_worklog(self, issue: Issue, worklog: Worklog, body: Any, v2: bool) -> Draft:
        body = body if isinstance(body, dict) else {}
        values = self._worklog_values(body, v2, required=False)
        values.update(issue=str(issue.id), updated=self.data.next_write_s())
        return Draft("update", "worklog", str(worklog.id), values)

    def delete_worklog(self, issue: Issue, worklog: Worklog) -> Draft:
        values = {"issue": str(issue.id), "updated": self.data.next_write_s()}
        return Draft("delete", "worklog", str(worklog.id), values)

    @staticmethod
    def _worklog_values(body: dict[str, Any], v2: bool, *, required: bool) -> dict[str, Any]:
        problems = FieldErrors()
        values: dict[str, Any] = {}
        if "timeSpentSeconds" in body:
            seconds = body["timeSpentSeconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds <= 0:
                problems.add("timeLogged", errors.TIME_INVALID)
            else:
                values["seconds"] = seconds
        elif "timeSpent" in body:
            parsed = _duration(body["timeSpent"])
            if parsed is None:
                problems.add("timeLogged", errors.TIME_INVALID)
            else:
                values["seconds"] = parsed
        elif required:
            problems.add("timeLogged", errors.TIME_REQUIRED)
        if body.get("started") is not None:
            started = _jira_time(body["started"])
            if started is None:
                problems.add("started", errors.STARTED_INVALID)
            else:
                values["started"] = started
        if body.get("comment") is not None:
            document = _rich_text(body["comment"], v2)
            if document is None:
                problems.add("comment", errors.NOT_A_DOCUMENT)
            values["doc"] = document
        problems.check()
        return values

    # ------------------------------------------------------------------ fields

    def _project(self, value: Any, problems: FieldErrors) -> Project | None:
        ref = None
        if isinstance(value, dict):
            ref = value.get("id") or value.get("key")
        elif isinstance(value, str | int):
            ref = value
        found = next(
            (
                p
                for p in self.data.projects
                if ref is not None and (str(ref) == str(p.id) or str(ref).upper() == p.key)
            ),
            None,
        )
        if found is None:
            problems.add("project", errors.PROJECT_INVALID)
        return found

    def _settable(
        self,
        fields: dict[str, Any],
        update: dict[str, Any],
        problems: FieldErrors,
        v2: bool,
        current: Issue | None,
    ) -> dict[str, Any]:
        """The stored values of the fields ``fields`` and ``update`` set, checked."""
        wanted = {name: value for name, value in fields.items() if name != "project"}
        labels = list(current.labels) if current is not None else []
        labels_touched = False
        for name, operations in update.items():
            if name not in SETTABLE or not isinstance(operations, list):
                problems.add(name, errors.cannot_set(name))
                continue
            for operation in operations:
                if not isinstance(operation, dict) or len(operation) != 1:
                    problems.add(name, errors.cannot_set(name))
                    continue
                verb, value = next(iter(operation.items()))
                if name == "labels" and verb in ("add", "remove", "set"):
                    labels_touched = True
                    if verb == "set":
                        labels = list(value) if isinstance(value, list) else []
                    elif verb == "add" and value not in labels:
                        labels.append(value)
                    elif verb == "remove":
                        labels = [label for label in labels if label != value]
                elif verb == "set":
                    wanted[name] = value
                else:
                    problems.add(name, errors.cannot_set(name))
        if labels_touched:
            wanted["labels"] = labels
        values: dict[str, Any] = {}
        for name, value in wanted.items():
            if name not in SETTABLE:
                problems.add(name, errors.cannot_set(name))
                continue
            checked = getattr(self, f"_check_{name}")(value, problems, v2)
            if name not in problems.errors:
                values[name] = checked
        return values

    @staticmethod
    def _check_summary(value: Any, problems: FieldErrors, v2: bool) -> Any:
        if not isinstance(value, str) or not value.strip():
            problems.add("summary", errors.SUMMARY_REQUIRED)
        elif len(value) > SUMMARY_LIMIT:
            problems.add("summary", errors.SUMMARY_TOO_LONG)
        return value.strip() if isinstance(value, str) else value

    @staticmethod
    def _check_description(value: Any, problems: FieldErrors, v2: bool) -> Any:
        if value is None:
            return None
        document = _rich_text(value, v2)
        if document is None:
            problems.add("description", errors.NOT_A_DOCUMENT)
        return document

    @staticmethod
    def _check_issuetype(value: Any, problems: FieldErrors, v2: bool) -> int | None:
        if isinstance(value, dict):
            for index, (type_id, name) in enumerate(ISSUE_TYPES):
                if (
                    str(value.get("id")) == type_id
                    or str(value.get("name")).lower() == name.lower()
                ):
                    return index
        problems.add("issuetype", errors.ISSUE_TYPE_INVALID)
        return None

    @staticmethod
    def _check_priority(value: Any, problems: FieldErrors, v2: bool) -> int | None:
        if isinstance(value, dict):
            for index, (priority_id, name) in enumerate(PRIORITIES):
                if str(value.get("id")) == priority_id or value.get("name") == name:
                    return index
        problems.add("priority", errors.PRIORITY_INVALID)
        return None

    def _check_assignee(self, value: Any, problems: FieldErrors, v2: bool) -> int | None:
        if value is None:
            return None
        wanted = value.get("accountId") if isinstance(value, dict) else None
        people = self.data.users[: self.data.people]
        found = next((i for i, u in enumerate(people) if u.account_id == wanted), None)
        if found is None:
            problems.add("assignee", errors.user_invalid(str(wanted)))
        return found

    @staticmethod
    def _check_labels(value: Any, problems: FieldErrors, v2: bool) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.add("labels", errors.cannot_set("labels"))
            return []
        spaced = next((label for label in value if " " in label or not label), None)
        if spaced is not None:
            problems.add("labels", errors.label_has_spaces(spaced))
        return list(dict.fromkeys(value))


def _fields_and_update(body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(body, dict):
        return {}, {}
    fields, update = body.get("fields"), body.get("update")
    return (
        dict(fields) if isinstance(fields, dict) else {},
        dict(update) if isinstance(update, dict) else {},
    )


def _rich_text(value: Any, v2: bool) -> dict[str, Any] | None:
    """An ADF document from a v3 ADF value or v2 text; ``None`` if it is neither."""
    if v2:
        return text_document(value) if isinstance(value, str) else None
    return dict(value) if is_adf(value) else None


def _duration(value: Any) -> int | None:
    """Seconds of a Jira duration such as ``"1h 30m"`` or ``"2d"``; ``None`` if unreadable."""
    if not isinstance(value, str) or not _DURATION.match(value):
        return None
    seconds = sum(
        float(amount) * DURATION_UNITS[unit] for amount, unit in _DURATION_PART.findall(value)
    )
    return int(seconds) if seconds > 0 else None


def _jira_time(value: Any) -> int | None:
    """Epoch seconds of Jira's ``2026-03-01T10:00:00.000+0000``; ``None`` if unreadable."""
    if not isinstance(value, str):
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
        try:
            return int(datetime.strptime(value, pattern).timestamp())
        except ValueError:
            continue
    return None
