"""What every Jira handler shares: lookups that answer Jira's 404s, ``startAt`` paging,
and issue bodies with ``fields=`` and ``expand=``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import KitEmulator
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.services.jira import errors, fields, render
from brainhub.sandbox.services.jira.dataset import Issue, JiraDataset, Project, Sprint


class JiraCore(KitEmulator):
    """Lookups, paging and issue bodies over the seeded :class:`JiraDataset`."""

    data: JiraDataset
    issues_by_ref: dict[str, tuple[Issue, Project]]

    def error(self, status: int, *messages: str, **field_errors: str) -> Response:
        """Jira's ErrorCollection body."""
        return errors.collection(status, *messages, **field_errors)

    # ------------------------------------------------------------------ lookups

    def find_issue(self, ref: str) -> tuple[Issue, Project]:
        """The issue with this id or key and its project, else Jira's 404."""
        found = self.issues_by_ref.get(str(ref)) or self.issues_by_ref.get(str(ref).upper())
        if found is None:
            raise errors.named("ISSUE_NOT_FOUND")
        return found

    def find_project(self, ref: str) -> Project:
        """The project with this id or key, else Jira's 404."""
        for project in self.data.projects:
            if str(ref) == str(project.id) or str(ref).upper() == project.key:
                return project
        raise errors.project_not_found(str(ref))

    # ------------------------------------------------------------------ paging helpers

    def window(
        self, request: Request, default: int, cap: int, *, lenient: bool = False
    ) -> tuple[int, int]:
        """``(startAt, maxResults)`` from the query, brought inside what Jira accepts; a
        value that is not a number is a 400, or (``lenient``: the resources that take them
        as strings) the default."""
        values = []
        for name, fallback in (("startAt", 0), ("maxResults", default)):
            raw = request.args.get(name)
            if raw is None or raw == "":
                values.append(fallback)
                continue
            number = integer(raw)
            if number is None and lenient:
                number = fallback
            if number is None:
                raise errors.failure(400, f"The value '{raw}' is not valid for {name}.")
            values.append(number)
        return max(values[0], 0), min(max(values[1], 1), cap)

    def page_bean(
        self,
        request: Request,
        items: Sequence[Any],
        shape: Callable[[Any], Any],
        *,
        default: int,
        cap: int,
        key: str = "values",
        with_is_last: bool = True,
        lenient: bool = False,
    ) -> dict[str, Any]:
        """A ``PageBean``: ``startAt``, ``maxResults``, ``total``, ``isLast`` and items."""
        start, size = self.window(request, default, cap, lenient=lenient)
        chunk = items[start : start + size]
        body: dict[str, Any] = {"startAt": start, "maxResults": size, "total": len(items)}
        if with_is_last:
            body["isLast"] = start + len(chunk) >= len(items)
        body[key] = [shape(item) for item in chunk]
        return body

    # ------------------------------------------------------------------ issues and search

    def issue_body(
        self,
        issue: Issue,
        project: Project,
        spec: list[str],
        expand: frozenset[str],
        default: tuple[str, ...] = fields.ALL,
    ) -> dict[str, Any]:
        """One issue with the ``fields=`` spec (``default`` when none) and ``expand``."""
        chosen = fields.select(spec, default) if spec or default else None
        return render.issue(issue, project, self.data, chosen, expand)

    def find_board(self, ref: str) -> Project:
        """The project whose board has this id, else Jira's 404."""
        for project in self.data.projects:
            if str(ref) == str(project.board_id):
                return project
        raise errors.named("BOARD_NOT_FOUND")

    def find_sprint(self, ref: str) -> tuple[Sprint, Project]:
        """The sprint with this id and its board's project, else Jira's 404."""
        for project in self.data.projects:
            for sprint in project.sprints:
                if str(ref) == str(sprint.id):
                    return sprint, project
        raise errors.named("SPRINT_NOT_FOUND")


def integer(raw: Any) -> int | None:
    """``raw`` as a whole number (ASCII digits, optionally signed), else ``None``."""
    return whole_number(str(raw))


#: The parts of an issue ``expand=`` may ask for.
EXPANDS = frozenset(
    (
        "renderedFields",
        "names",
        "schema",
        "transitions",
        "operations",
        "editmeta",
        "changelog",
        "versionedRepresentations",
    )
)


def field_list(value: Any) -> list[str]:
    """The names of a ``fields=`` value: a comma list, or a list of them."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    names = [part for item in items for part in str(item).split(",")]
    return [name.strip() for name in names if name.strip()]


def expand_list(value: Any) -> frozenset[str]:
    """The parts of an issue an ``expand=`` value asks for (others are ignored)."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return frozenset(str(item).strip() for item in items) & EXPANDS
