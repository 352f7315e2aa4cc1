"""Handlers of one issue's resources: the issue, its changelog, edit metadata and
transitions, comments, worklogs, watchers, votes, remote links and entity properties."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.services.jira import errors, render
from brainhub.sandbox.services.jira.core import JiraCore, expand_list, field_list
from brainhub.sandbox.services.jira.core import integer as _integer


class IssueHandlers(JiraCore):
    """The issue handlers of :class:`~.app.JiraEmulator`."""

    def get_issue(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, project = self.find_issue(issueIdOrKey)
        spec = field_list(request.args.getlist("fields") or None)
        return self.issue_body(issue, project, spec, expand_list(request.args.get("expand")))

    def issue_changelog(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        histories = render.changelog(issue, self.data)
        page = self.page_bean(request, histories, lambda h: h, default=100, cap=100)
        page["self"] = f"{render.API}/issue/{issue.key}/changelog"
        return page

    def issue_editmeta(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        return render.editmeta(issue)

    def issue_transitions(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        wanted = request.args.get("transitionId")
        found = [t for t in render.transitions(issue) if wanted in (None, "", t["id"])]
        return {"expand": "transitions", "transitions": found}

    def issue_comments(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        ordered = sorted(issue.comments, key=lambda c: (c.created, c.id))
        order = request.args.get("orderBy", "created")
        if order.lstrip("+-") != "created":
            raise errors.failure(400, "orderBy must be created, -created or +created.")
        if order.startswith("-"):
            ordered.reverse()
        return self.page_bean(
            request,
            ordered,
            lambda c: render.comment(issue, c, self.data),
            default=5000,
            cap=5000,
            key="comments",
            with_is_last=False,
        )

    def issue_comment(self, request: Request, issueIdOrKey: str, id: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        for comment in issue.comments:
            if str(comment.id) == id:
                return render.comment(issue, comment, self.data)
        return self.error(404, "Can not find a comment for the id: " + id + ".")

    def issue_worklogs(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        after = _integer(request.args.get("startedAfter") or "0") or 0
        before = _integer(request.args.get("startedBefore") or "0") or 0
        worklogs = [
            w
            for w in issue.worklogs
            if w.started * 1000 >= after and (not before or w.started * 1000 < before)
        ]
        return self.page_bean(
            request,
            worklogs,
            lambda w: render.worklog(issue, w, self.data),
            default=5000,
            cap=5000,
            key="worklogs",
            with_is_last=False,
        )

    def issue_worklog(self, request: Request, issueIdOrKey: str, id: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        for worklog in issue.worklogs:
            if str(worklog.id) == id:
                return render.worklog(issue, worklog, self.data)
        return self.error(404, "Cannot find worklog with id: " + id + ".")

    def worklogs_updated(self, request: Request) -> dict[str, Any]:
        since = max(_integer(request.args.get("since") or "0") or 0, 0)
        changed = sorted(
            (w.updated * 1000, w.id)
            for issue in self.data.issues()
            for w in issue.worklogs
            if w.updated * 1000 >= since
        )[:1000]
        until = changed[-1][0] if changed else since
        return {
            "values": [{"worklogId": i, "updatedTime": t, "properties": []} for t, i in changed],
            "since": since,
            "until": until,
            "self": f"{render.API}/worklog/updated?since={since}",
            "lastPage": True,
        }

    def worklogs_deleted(self, request: Request) -> dict[str, Any]:
        since = max(_integer(request.args.get("since") or "0") or 0, 0)
        return {
            "values": [],
            "since": since,
            "until": since,
            "self": f"{render.API}/worklog/deleted?since={since}",
            "lastPage": True,
        }

    def issue_watchers(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        people = render.watchers(issue)
        return {
            "self": f"{render.API}/issue/{issue.key}/watchers",
            "isWatching": 0 in people,
            "watchCount": len(people),
            "watchers": [render.user(self.data.users[p]) for p in people],
        }

    def issue_votes(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        return {
            "self": f"{render.API}/issue/{issue.key}/votes",
            "votes": 0,
            "hasVoted": False,
            "voters": [],
        }

    def issue_remote_links(self, request: Request, issueIdOrKey: str) -> list[Any]:  # noqa: N803
        self.find_issue(issueIdOrKey)
        return []

    def issue_remote_link(self, request: Request, issueIdOrKey: str, linkId: str) -> Response:  # noqa: N803
        self.find_issue(issueIdOrKey)
        return self.error(404, f"No remote link with id '{linkId}' exists on this issue.")

    def issue_property_keys(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        self.find_issue(issueIdOrKey)
        return {"keys": []}

    def issue_property(self, request: Request, issueIdOrKey: str, propertyKey: str) -> Any:  # noqa: N803
        self.find_issue(issueIdOrKey)
        raise errors.property_not_found(propertyKey)

    def comment_property_keys(self, request: Request, commentId: str) -> dict[str, Any]:  # noqa: N803
        self._comment(commentId)
        return {"keys": []}

    def comment_property(self, request: Request, commentId: str, propertyKey: str) -> Any:  # noqa: N803
        self._comment(commentId)
        raise errors.property_not_found(propertyKey)

    def worklog_property_keys(
        self,
        request: Request,
        issueIdOrKey: str,  # noqa: N803
        worklogId: str,  # noqa: N803
    ) -> dict[str, Any]:
        self._worklog(issueIdOrKey, worklogId)
        return {"keys": []}

    def worklog_property(
        self,
        request: Request,
        issueIdOrKey: str,  # noqa: N803
        worklogId: str,  # noqa: N803
        propertyKey: str,  # noqa: N803
    ) -> Any:
        self._worklog(issueIdOrKey, worklogId)
        raise errors.property_not_found(propertyKey)

    def _comment(self, comment_id: str) -> None:
        for issue in self.data.issues():
            if any(str(c.id) == comment_id for c in issue.comments):
                return
        raise errors.failure(404, "Can not find a comment for the id: " + comment_id + ".")

    def _worklog(self, issue_ref: str, worklog_id: str) -> None:
        issue, _ = self.find_issue(issue_ref)
        if not any(str(w.id) == worklog_id for w in issue.worklogs):
            raise errors.failure(404, "Cannot find worklog with id: " + worklog_id + ".")
