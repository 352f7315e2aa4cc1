"""The system fields of the emulated site: what ``/field`` lists, what ``expand=names``
and ``expand=schema`` describe, and which fields ``*navigable`` selects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """One system field: its id, display name and schema."""

    id: str
    name: str
    type: str
    items: str | None = None
    navigable: bool = True
    orderable: bool = True
    clause_names: tuple[str, ...] = ()

    def schema(self) -> dict[str, Any]:
        """The field's ``JsonTypeBean`` (as ``expand=schema`` and ``/field`` give it)."""
        data: dict[str, Any] = {"type": self.type, "system": self.id}
        if self.items:
            data["items"] = self.items
        return data

    def bean(self) -> dict[str, Any]:
        """The field as ``GET /field`` lists it."""
        return {
            "id": self.id,
            "key": self.id,
            "name": self.name,
            "custom": False,
            "orderable": self.orderable,
            "navigable": self.navigable,
            "searchable": True,
            "clauseNames": list(self.clause_names or (self.id,)),
            "schema": self.schema(),
        }


FIELDS: tuple[Field, ...] = (
    Field("summary", "Summary", "string"),
    Field("issuetype", "Issue Type", "issuetype", clause_names=("issuetype", "type")),
    Field("project", "Project", "project"),
    Field("status", "Status", "status", orderable=False),
    Field("priority", "Priority", "priority"),
    Field("reporter", "Reporter", "user"),
    Field("creator", "Creator", "user", orderable=False),
    Field("assignee", "Assignee", "user"),
    Field("labels", "Labels", "array", items="string"),
    Field("description", "Description", "string"),
    Field("created", "Created", "datetime", orderable=False, clause_names=("created",)),
    Field("updated", "Updated", "datetime", orderable=False, clause_names=("updated",)),
    Field("resolutiondate", "Resolved", "datetime", orderable=False),
    Field("resolution", "Resolution", "resolution"),
    Field("duedate", "Due date", "date"),
    Field("timespent", "Time Spent", "number", orderable=False),
    Field("environment", "Environment", "string"),
    Field("components", "Component/s", "array", items="component"),
    Field("fixVersions", "Fix Version/s", "array", items="version"),
    Field("versions", "Affects Version/s", "array", items="version"),
    Field("issuelinks", "Linked Issues", "array", items="issuelinks"),
    Field("subtasks", "Sub-tasks", "array", items="issuelinks", orderable=False),
    Field("attachment", "Attachment", "array", items="attachment"),
    Field("watches", "Watchers", "watches", orderable=False),
    Field("votes", "Votes", "votes", orderable=False),
    Field("timetracking", "Time tracking", "timetracking"),
    Field("timeoriginalestimate", "Original Estimate", "number", orderable=False),
    Field("timeestimate", "Remaining Estimate", "number", orderable=False),
    Field("aggregatetimespent", "Σ Time Spent", "number", orderable=False),
    Field("aggregatetimeoriginalestimate", "Σ Original Estimate", "number", orderable=False),
    Field("aggregatetimeestimate", "Σ Remaining Estimate", "number", orderable=False),
    Field("progress", "Progress", "progress", orderable=False),
    Field("aggregateprogress", "Σ Progress", "progress", orderable=False),
    Field("workratio", "Work Ratio", "number", orderable=False),
    Field("statuscategorychangedate", "Status Category Changed", "datetime", orderable=False),
    Field("lastViewed", "Last Viewed", "datetime", orderable=False),
    Field("security", "Security Level", "securitylevel"),
    Field("comment", "Comment", "comments-page", navigable=False),
    Field("worklog", "Log Work", "array", items="worklog", navigable=False),
)
BY_ID = {field.id: field for field in FIELDS}
NAVIGABLE = tuple(field.id for field in FIELDS if field.navigable)
ALL = tuple(field.id for field in FIELDS)


def select(spec: list[str], default: tuple[str, ...]) -> list[str]:
    """The field ids a ``fields=`` list selects, in catalogue order.

    ``*all`` and ``*navigable`` select those sets, names add to them, ``-name`` removes
    one; a list with only removals starts from ``default`` (as Jira does).
    """
    chosen: set[str] = set()
    positive = False
    for item in spec:
        if item == "*all":
            chosen |= set(ALL)
            positive = True
        elif item == "*navigable":
            chosen |= set(NAVIGABLE)
            positive = True
        elif not item.startswith("-"):
            chosen.add(item)
            positive = True
    if not positive:
        chosen = set(default)
    chosen -= {item[1:] for item in spec if item.startswith("-")}
    return [field.id for field in FIELDS if field.id in chosen]
