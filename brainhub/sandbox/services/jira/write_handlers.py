"""Handlers of the writes Jira documents for issues, comments and worklogs, in both API
versions (``/rest/api/3`` with ADF rich text, ``/rest/api/2`` with plain text).

Each checks the path's objects (Jira's 404s), hands the body to :mod:`.writes` through
the change journal and answers as documented: 201 with ``{id, key, self}`` for a new
issue (``POST …/issue/bulk``: up to 50, each made or refused on its own), 204 for an edit (200 with the issue when ``returnIssue=true``), a transition or a
deletion, 201 with the object for a new comment or worklog, 200 with it after an update.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.services.jira import errors, render
from brainhub.sandbox.services.jira.core import JiraCore
from brainhub.sandbox.services.jira.dataset import Comment, Issue, Worklog
from brainhub.sandbox.services.jira.operations import API_V2
from brainhub.sandbox.services.jira.versions import as_v2
from brainhub.sandbox.services.jira.writes import IssueWriter

#: The most issues one bulk create takes (Jira: "Creates upto 50 issues").
BULK_LIMIT = 50


class WriteHandlers(JiraCore):
    """The write handlers of :class:`~.app.JiraEmulator`."""

    writer: IssueWriter

    # ------------------------------------------------------------------ issues

    def create_issue(self, request: Request) -> Response:
        body, v2 = _body(request), _is_v2(request)
        change = self.record_change(lambda: self.writer.create_issue(body, v2))
        answer = {
            "id": change.id,
            "key": str(change.data["key"]),
            "self": f"{render.API}/issue/{change.id}",
        }
        return _created(answer, v2)

    def create_issues(self, request: Request) -> Response:
        """Bulk create: up to 50 issues, each made or refused on its own.

        201 with ``{issues, errors}`` when any was made (``issues`` lists the made ones in
        request order, ``errors`` each refused one with its ``failedElementNumber``, its
        status and its own ErrorCollection); 400 with the same body when none was.
        """
        body, v2 = _body(request), _is_v2(request)
        updates = body.get("issueUpdates") if isinstance(body, dict) else None
        if not isinstance(updates, list):
            raise errors.failure(400, errors.BODY_MISSING)
        if len(updates) > BULK_LIMIT:
            raise errors.failure(400, errors.bulk_too_many(BULK_LIMIT))
        made: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for number, update in enumerate(updates):
            try:
                change = self.record_change(partial(self.writer.create_issue, update, v2))
            except HTTPException as refused:
                refusal = refused.get_response()
                failed.append(
                    {
                        "status": refusal.status_code,
                        "elementErrors": json.loads(refusal.get_data()),
                        "failedElementNumber": number,
                    }
                )
                continue
            made.append(
                {
                    "id": change.id,
                    "key": str(change.data["key"]),
                    "self": f"{render.API}/issue/{change.id}",
                }
            )
        answer = {"issues": made, "errors": failed}
        return _created(answer, v2) if made or not failed else _refused(answer, v2)

    def edit_issue(self, request: Request, issueIdOrKey: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        body, v2 = _body(request), _is_v2(request)
        self.record_change(lambda: self.writer.edit_issue(issue, body, v2))
        if request.args.get("returnIssue") == "true":
            return self.dispatch("get_issue", request, {"issueIdOrKey": issue.key})
        return Response(status=204)

    def delete_issue(self, request: Request, issueIdOrKey: str) -> Response:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        self.record_change(lambda: self.writer.delete_issue(issue))
        return Response(status=204)

    def transition_issue(self, request: Request, issueIdOrKey: str) -> Response:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        body, v2 = _body(request), _is_v2(request)
        self.record_change(lambda: self.writer.transition(issue, body, v2))
        return Response(status=204)

    # ------------------------------------------------------------------ comments

    def add_comment(self, request: Request, issueIdOrKey: str) -> Response:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        body, v2 = _body(request), _is_v2(request)
        change = self.record_change(lambda: self.writer.add_comment(issue, body, v2))
        comment = self._comment_of(issue, change.id)
        return _created(render.comment(issue, comment, self.data), v2)

    def update_comment(self, request: Request, issueIdOrKey: str, id: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        comment = self._comment_of(issue, id)
        body, v2 = _body(request), _is_v2(request)
        self.record_change(lambda: self.writer.update_comment(issue, comment, body, v2))
        return render.comment(issue, comment, self.data)

    def delete_comment(self, request: Request, issueIdOrKey: str, id: str) -> Response:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        comment = self._comment_of(issue, id)
        self.record_change(lambda: self.writer.delete_comment(issue, comment))
        return Response(status=204)

    def _comment_of(self, issue: Issue, comment_id: str) -> Comment:
        found = next((c for c in issue.comments if str(c.id) == comment_id), None)
        if found is None:
            raise errors.comment_not_found(comment_id)
        return found

    # ------------------------------------------------------------------ worklogs

    def add_worklog(self, request: Request, issueIdOrKey: str) -> Response:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        body, v2 = _body(request), _is_v2(request)
        change = self.record_change(lambda: self.writer.add_worklog(issue, body, v2))
        worklog = self._worklog_of(issue, change.id)
        return _created(render.worklog(issue, worklog, self.data), v2)

    def update_worklog(self, request: Request, issueIdOrKey: str, id: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        worklog = self._worklog_of(issue, id)
        body, v2 = _body(request), _is_v2(request)
        self.record_change(lambda: self.writer.update_worklog(issue, worklog, body, v2))
        return render.worklog(issue, worklog, self.data)

    def delete_worklog(self, request: Request, issueIdOrKey: str, id: str) -> Response:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        worklog = self._worklog_of(issue, id)
        self.record_change(lambda: self.writer.delete_worklog(issue, worklog))
        return Response(status=204)

    def _worklog_of(self, issue: Issue, worklog_id: str) -> Worklog:
        found = next((w for w in issue.worklogs if str(w.id) == worklog_id), None)
        if found is None:
            raise errors.worklog_not_found(worklog_id)
        return found


def _is_v2(request: Request) -> bool:
    return request.path.startswith(API_V2 + "/")


def _body(request: Request) -> Any:
    """The JSON body, ``None`` when empty or unreadable."""
    raw = request.get_data()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _created(answer: dict[str, Any], v2: bool, status: int = 201) -> Response:
    body = as_v2(answer) if v2 else answer
    return Response(
        json.dumps(body, separators=(",", ":")),
        status=status,
        content_type=errors.JSON_CONTENT_TYPE,
    )


def _refused(answer: dict[str, Any], v2: bool) -> Response:
    return _created(answer, v2, status=400)
