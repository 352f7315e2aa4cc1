"""Handlers of the agile API (``/rest/agile/1.0``): boards, their sprints, backlog and
issues, sprints and epics.

An issue belongs to the sprint of its board whose two weeks its creation falls in; the
backlog is every unresolved issue outside the board's active and future sprints. The
seeded site has no epics (its issue types are Task, Bug and Story), so epic listings are
empty and every issue is one "without an epic".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request

from brainhub.sandbox.services.jira import errors, render
from brainhub.sandbox.services.jira.core import JiraCore, expand_list, field_list
from brainhub.sandbox.services.jira.dataset import STATUSES, Issue, Project, Sprint
from brainhub.sandbox.services.jira.fields import ALL

AGILE_PAGE_DEFAULT = AGILE_PAGE_MAX = 50


def in_sprint(issue: Issue, sprint: Sprint) -> bool:
    """Whether ``issue`` is in ``sprint`` (it was created during the sprint's window)."""
    return sprint.start <= issue.created < sprint.end


class AgileHandlers(JiraCore):
    """The agile handlers of :class:`~.app.JiraEmulator`."""

    def _issue_page(self, request: Request, pairs: list[tuple[Issue, Project]]) -> dict[str, Any]:
        spec = field_list(request.args.getlist("fields") or None)
        expand = expand_list(request.args.get("expand"))
        page = self.page_bean(
            request,
            pairs,
            lambda pair: self.issue_body(pair[0], pair[1], spec, expand, ALL),
            default=AGILE_PAGE_DEFAULT,
            cap=AGILE_PAGE_MAX,
            key="issues",
            with_is_last=False,
        )
        return {"expand": "schema,names", **page}

    def _board_issues(
        self, project: Project, keep: Callable[[Issue], bool]
    ) -> list[tuple[Issue, Project]]:
        return [(issue, project) for issue in project.issues if keep(issue)]

    # ------------------------------------------------------------------ boards

    def list_boards(self, request: Request) -> dict[str, Any]:
        kind = request.args.get("type")
        name = (request.args.get("name") or "").lower()
        location = request.args.get("projectKeyOrId")
        boards = [
            p
            for p in self.data.projects
            if (not kind or render.board(p)["type"] in kind.split(","))
            and (not name or name in render.board(p)["name"].lower())
            and (not location or location in (p.key, str(p.id)))
        ]
        return self.page_bean(
            request, boards, render.board, default=AGILE_PAGE_DEFAULT, cap=AGILE_PAGE_MAX
        )

    def get_board(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        return render.board(self.find_board(boardId))

    def board_issues(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        project = self.find_board(boardId)
        return self._issue_page(request, self._board_issues(project, lambda _: True))

    def board_backlog(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        project = self.find_board(boardId)
        open_sprints = [s for s in project.sprints if s.state != "closed"]

        def backlog(issue: Issue) -> bool:
            done = STATUSES[issue.status][2] == "done"
            return not done and not any(in_sprint(issue, s) for s in open_sprints)

        return self._issue_page(request, self._board_issues(project, backlog))

    def board_epics(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        self.find_board(boardId)
        return self.page_bean(
            request, [], lambda e: e, default=AGILE_PAGE_DEFAULT, cap=AGILE_PAGE_MAX
        )

    def board_issues_without_epic(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        return self.board_issues(request, boardId)

    def board_epic_issues(self, request: Request, boardId: str, epicId: str) -> Any:  # noqa: N803
        self.find_board(boardId)
        return self.get_epic(request, epicId)

    def board_projects(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        project = self.find_board(boardId)
        return self.page_bean(
            request,
            [project],
            lambda p: render.project(p, short=True),
            default=AGILE_PAGE_DEFAULT,
            cap=AGILE_PAGE_MAX,
        )

    def board_property_keys(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        self.find_board(boardId)
        return {"keys": []}

    def board_property(self, request: Request, boardId: str, propertyKey: str) -> Any:  # noqa: N803
        self.find_board(boardId)
        raise errors.property_not_found(propertyKey)

    def board_sprints(self, request: Request, boardId: str) -> dict[str, Any]:  # noqa: N803
        project = self.find_board(boardId)
        if not project.scrum:
            raise errors.named("NO_SPRINTS")
        states = {s for s in request.args.get("state", "").split(",") if s}
        sprints = [s for s in project.sprints if not states or s.state in states]
        return self.page_bean(
            request, sprints, render.sprint, default=AGILE_PAGE_DEFAULT, cap=AGILE_PAGE_MAX
        )

    def board_sprint_issues(
        self,
        request: Request,
        boardId: str,  # noqa: N803
        sprintId: str,  # noqa: N803
    ) -> dict[str, Any]:
        self.find_board(boardId)
        return self.sprint_issues(request, sprintId)

    # ------------------------------------------------------------------ sprints

    def get_sprint(self, request: Request, sprintId: str) -> dict[str, Any]:  # noqa: N803
        sprint, _ = self.find_sprint(sprintId)
        return render.sprint(sprint)

    def sprint_issues(self, request: Request, sprintId: str) -> dict[str, Any]:  # noqa: N803
        sprint, project = self.find_sprint(sprintId)
        return self._issue_page(
            request, self._board_issues(project, lambda issue: in_sprint(issue, sprint))
        )

    def sprint_property_keys(self, request: Request, sprintId: str) -> dict[str, Any]:  # noqa: N803
        self.find_sprint(sprintId)
        return {"keys": []}

    def sprint_property(self, request: Request, sprintId: str, propertyKey: str) -> Any:  # noqa: N803
        self.find_sprint(sprintId)
        raise errors.property_not_found(propertyKey)

    # ------------------------------------------------------------------ epics and issues

    def issues_without_epic(self, request: Request) -> dict[str, Any]:
        pairs = [(i, p) for p in self.data.projects for i in p.issues]
        return self._issue_page(request, pairs)

    def get_epic(self, request: Request, epicIdOrKey: str) -> Any:  # noqa: N803
        issue, _ = self.find_issue(epicIdOrKey)
        return self.error(400, f"Issue {issue.key} is not an epic.")

    def epic_issues(self, request: Request, epicIdOrKey: str) -> Any:  # noqa: N803
        return self.get_epic(request, epicIdOrKey)

    def agile_issue(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, project = self.find_issue(issueIdOrKey)
        spec = field_list(request.args.getlist("fields") or None)
        expand = expand_list(request.args.get("expand"))
        return self.issue_body(issue, project, spec, expand, ALL)

    def agile_issue_estimation(self, request: Request, issueIdOrKey: str) -> dict[str, Any]:  # noqa: N803
        issue, _ = self.find_issue(issueIdOrKey)
        spent = sum(w.seconds for w in issue.worklogs)
        return {"fieldId": "timeoriginalestimate", "value": {"value": spent // 3600}}
