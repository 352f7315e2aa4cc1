"""Writes to the GitHub dataset, checked as GitHub checks them, as journal drafts.

Each method validates one request body against the current data and returns the
:class:`~brainhub.sandbox.kit.journal.Draft` of the change (resolved values, ready to
apply: see :mod:`.changes`); a bad field stops it with GitHub's 422 before anything
changes. Rules (docs.github.com, "Issues" and "Issue comments"):

- an issue needs a ``title`` (a string or a number) — else ``missing_field``;
- ``assignees`` (and the closing-down ``assignee``) are logins of users who can be
  assigned (the organization's members), at most 10; ``milestone`` is a milestone
  ``number`` or ``null``; an unknown one is ``invalid`` with its ``value``;
- ``labels`` are names (or ``{"name": ...}``), matched case-insensitively; a name the
  repository lacks is created (grey, ``ededed``), as GitHub does;
- ``state`` is ``open`` or ``closed``, ``state_reason`` one of ``completed``,
  ``not_planned``, ``duplicate``, ``reopened`` (used only when ``state`` changes:
  closing defaults to ``completed``, reopening is ``reopened``);
- a comment needs a non-blank ``body``.

The token's user (member 0) is the author of what is created. Every write stamps
``updated_at`` after everything generated (:meth:`~.dataset.GitHubDataset.next_write_s`).
"""

from __future__ import annotations

import json
from typing import Any

from brainhub.sandbox.kit.journal import Draft
from brainhub.sandbox.services.github import errors
from brainhub.sandbox.services.github.dataset import Comment, GitHubDataset, Issue, Repository

#: Numbers of issues created through the API (generated ones stay below; later
#: generations keep numbering theirs from the generated count).
WRITE_NUMBER = 10_000
#: Id spaces of issues, comments and labels created through the API.
ISSUE_ID_BASE = 3_000_000_000
COMMENT_ID_BASE = 4_000_000_000
LABEL_ID_BASE = 5_000_000_000
#: GitHub assigns at most this many users to an issue.
MAX_ASSIGNEES = 10
STATES = ("open", "closed")
STATE_REASONS = ("completed", "not_planned", "duplicate", "reopened")
#: The color GitHub gives a label created by naming it on an issue.
NEW_LABEL_COLOR = "ededed"


def written_id(base: int, repo: Repository, serial: int) -> int:
    """The id of the ``serial``-th object of one kind created in ``repo`` through the API."""
    return base + (repo.id % 1000) * 10_000_000 + serial


class IssueWriter:
    """Builds the drafts of API writes on one dataset. Callers hold the emulator's lock."""

    def __init__(self, data: GitHubDataset) -> None:
        self.data = data

    # ------------------------------------------------------------------ issues

    def create_issue(self, repo: Repository, body: dict[str, Any]) -> Draft:
        title = body.get("title")
        if isinstance(title, bool) or not isinstance(title, str | int) or not str(title).strip():
            errors.refuse(
                errors.validation_failed(
                    {"resource": "Issue", "code": "missing_field", "field": "title"}
                )
            )
        now = self.data.next_write_s()
        number = WRITE_NUMBER + repo.written_issues + 1
        values: dict[str, Any] = {
            "repo": repo.name,
            "number": number,
            "id": written_id(ISSUE_ID_BASE, repo, repo.written_issues + 1),
            "title": str(title),
            "body": _text(body, "body") or "",
            "user": 0,
            "created_at": now,
            "updated_at": now,
            "labels": [],
            "new_labels": [],
            "assignees": self._assignees(body) or [],
            "milestone": self._milestone(repo, body),
        }
        if "labels" in body:
            values["labels"], values["new_labels"] = self._labels(repo, body["labels"])
        return Draft("create", "issue", f"{repo.name}#{number}", values)

    def update_issue(self, repo: Repository, issue: Issue, body: dict[str, Any]) -> Draft:
        now = self.data.next_write_s()
        values: dict[str, Any] = {"repo": repo.name, "number": issue.number, "updated_at": now}
        if body.get("title") is not None:
            title = body["title"]
            if isinstance(title, bool) or not isinstance(title, str | int):
                errors.refuse(errors.validation_failed(_invalid("title")))
            values["title"] = str(title)
        if "body" in body:
            values["body"] = _text(body, "body") or ""
        values.update(self._state(issue, body, now))
        if "labels" in body:
            values["labels"], values["new_labels"] = self._labels(repo, body["labels"])
        assignees = self._assignees(body)
        if assignees is not None:
            values["assignees"] = assignees
        if "milestone" in body:
            values["milestone"] = self._milestone(repo, body)
        return Draft("update", "issue", f"{repo.name}#{issue.number}", values)

    def add_labels(self, repo: Repository, issue: Issue, body: Any) -> Draft:
        names, new = self._labels(repo, _label_list(body), at_least_one=True)
        kept = issue.labels + [n for n in names if n not in issue.labels]
        return self._relabel(repo, issue, kept, new)

    def set_labels(self, repo: Repository, issue: Issue, body: Any) -> Draft:
        names, new = self._labels(repo, _label_list(body))
        return self._relabel(repo, issue, names, new)

    def remove_label(self, repo: Repository, issue: Issue, name: str) -> Draft:
        kept = [n for n in issue.labels if n.lower() != name.lower()]
        if len(kept) == len(issue.labels):
            errors.refuse(errors.label_does_not_exist())
        return self._relabel(repo, issue, kept, [])

    def remove_all_labels(self, repo: Repository, issue: Issue) -> Draft:
        return self._relabel(repo, issue, [], [])

    def _relabel(
        self, repo: Repository, issue: Issue, names: list[str], new: list[dict[str, Any]]
    ) -> Draft:
        values = {
            "repo": repo.name,
            "number": issue.number,
            "updated_at": self.data.next_write_s(),
            "labels": names,
            "new_labels": new,
        }
        return Draft("update", "issue", f"{repo.name}#{issue.number}", values)

    # ------------------------------------------------------------------ comments

    def create_comment(self, repo: Repository, issue: Issue, body: dict[str, Any]) -> Draft:
        text = self._comment_body(body)
        serial = repo.written_comments + 1
        values = {
            "repo": repo.name,
            "issue_number": issue.number,
            "user": 0,
            "body": text,
            "created_at": self.data.next_write_s(),
        }
        return Draft("create", "comment", str(written_id(COMMENT_ID_BASE, repo, serial)), values)

    def update_comment(self, repo: Repository, comment: Comment, body: dict[str, Any]) -> Draft:
        values = {
            "repo": repo.name,
            "issue_number": comment.issue_number,
            "body": self._comment_body(body),
            "updated_at": self.data.next_write_s(),
        }
        return Draft("update", "comment", str(comment.id), values)

    def delete_comment(self, repo: Repository, comment: Comment) -> Draft:
        values = {
            "repo": repo.name,
            "issue_number": comment.issue_number,
            "updated_at": self.data.next_write_s(),
        }
        return Draft("delete", "comment", str(comment.id), values)

    @staticmethod
    def _comment_body(body: dict[str, Any]) -> str:
        if "body" not in body or body["body"] is None:
            errors.refuse(errors.not_supplied("body", errors.COMMENTS_DOCS))
        text = body["body"]
        if not isinstance(text, str):
            errors.refuse(errors.invalid_request(_not_a("body", text, "a string")))
        if not text.strip():
            problem = {"resource": "IssueComment", "code": "missing_field", "field": "body"}
            errors.refuse(errors.validation_failed(problem, docs=errors.COMMENTS_DOCS))
        return text

    # ------------------------------------------------------------------ checks

    def _state(self, issue: Issue, body: dict[str, Any], now: int) -> dict[str, Any]:
        """``state`` and ``state_reason`` of an update (the reason only when state changes)."""
        state = body.get("state")
        if state is not None and state not in STATES:
            errors.refuse(errors.not_one_of("state", state, STATES))
        reason = body.get("state_reason")
        if reason is not None and reason not in STATE_REASONS:
            errors.refuse(errors.not_one_of("state_reason", reason, STATE_REASONS))
        if state is None or state == issue.state:
            return {}
        if state == "closed":
            given = reason if reason not in (None, "reopened") else "completed"
            return {"state": state, "state_reason": given, "closed_at": now, "closed_by": 0}
        return {"state": state, "state_reason": "reopened", "closed_at": None, "closed_by": None}

    def _assignees(self, body: dict[str, Any]) -> list[int] | None:
        """Member indices of ``assignees`` (or ``assignee``); ``None`` if neither is given."""
        if "assignees" in body:
            logins = body["assignees"]
            if logins is None:
                logins = []
            if not isinstance(logins, list):
                errors.refuse(errors.invalid_request(_not_a("assignees", logins, "an array")))
        elif "assignee" in body:
            logins = [] if body["assignee"] is None else [body["assignee"]]
        else:
            return None
        by_login = {u.login.lower(): i for i, u in enumerate(self.data.users)}
        unknown = [v for v in logins if not isinstance(v, str) or v.lower() not in by_login]
        if unknown:
            problems = [_invalid("assignees", value) for value in unknown]
            errors.refuse(errors.validation_failed(*problems))
        indices = list(dict.fromkeys(by_login[v.lower()] for v in logins))
        if len(indices) > MAX_ASSIGNEES:
            errors.refuse(errors.validation_failed(_invalid("assignees", logins)))
        return indices

    @staticmethod
    def _milestone(repo: Repository, body: dict[str, Any]) -> int | None:
        value = body.get("milestone")
        if value is None:
            return None
        text = str(value)
        number = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0
        if isinstance(value, bool) or not 0 < number <= len(repo.milestones):
            errors.refuse(errors.validation_failed(_invalid("milestone", value)))
        return number

    def _labels(
        self, repo: Repository, value: Any, *, at_least_one: bool = False
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """The label names ``value`` asks for, as the repository spells them, and the
        labels to create for names it lacks."""
        if value is None:
            value = []
        if not isinstance(value, list) or (at_least_one and not value):
            errors.refuse(errors.invalid_request(_not_a("labels", value, "an array")))
        by_name = {label.name.lower(): label.name for label in repo.labels}
        names: list[str] = []
        new: list[dict[str, Any]] = []
        for item in value:
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str) or not name.strip():
                errors.refuse(errors.validation_failed(_invalid("labels", item), docs=_LABELS))
            known = by_name.get(name.strip().lower())
            if known is None:
                known = name.strip()
                serial = len(repo.labels) + len(new) + 1
                new.append({"id": written_id(LABEL_ID_BASE, repo, serial), "name": known})
                by_name[known.lower()] = known
            if known not in names:
                names.append(known)
        return names, new


_LABELS = errors.LABELS_DOCS


def _invalid(field: str, value: Any = None) -> dict[str, Any]:
    problem: dict[str, Any] = {"resource": "Issue", "code": "invalid", "field": field}
    if value is not None:
        problem = {"value": value, **problem}
    return problem


def _not_a(name: str, value: Any, kind: str) -> str:
    """The schema's complaint about a field of the wrong type (``kind``: "a string"…)."""
    return f"For 'properties/{name}', {json.dumps(value)} is not {kind}."


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.refuse(errors.invalid_request(_not_a(key, value, "a string")))
    return value


def _label_list(body: Any) -> Any:
    """The labels of a labels request: ``{"labels": [...]}`` or the bare array."""
    if isinstance(body, dict):
        return body.get("labels")
    return body
