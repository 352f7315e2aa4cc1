"""Real ids for the Jira conformance tests: a generated id names nothing, so path and
query ids are replaced by ones of the seeded site (the rest is in
:mod:`tests.support.conformance`). Jira calls many different ids ``{id}``; which one a
path means follows from the path."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.jira import JiraEmulator

#: ``{id}`` by the path segment before it.
_ID_AFTER = {"issuetype": "10001", "priority": "1", "resolution": "10000"}


def real_ids(emulator: JiraEmulator) -> dict[str, str]:
    """Ids of objects of the seeded site, by parameter name."""
    data = emulator.data
    project = next(p for p in data.projects if p.scrum)
    issue = next(i for i in project.issues if i.comments and i.worklogs)
    return {
        "issueIdOrKey": issue.key,
        "projectIdOrKey": project.key,
        "projectKeyOrId": project.key,
        "projectId": str(project.id),
        "boardId": str(project.board_id),
        "sprintId": str(project.sprints[0].id),
        "commentId": str(issue.comments[0].id),
        "worklogId": str(issue.worklogs[0].id),
        "issueTypeId": "10001",
        "idOrName": "10000",
        "idOrKey": "new",
        "accountId": data.users[0].account_id,
        "comment": str(issue.comments[0].id),
        "worklog": str(issue.worklogs[0].id),
    }


def real_path_values(
    emulator: JiraEmulator, path: str, generated: dict[str, Any]
) -> dict[str, Any]:
    """``generated`` path parameters replaced by real ids of the seeded site."""
    real = real_ids(emulator)
    out = {name: real.get(name, value) for name, value in generated.items()}
    if "id" in out:
        before = path.split("/{id}")[0].rsplit("/", 1)[-1]
        named = {"comment": real["comment"], "worklog": real["worklog"], **_ID_AFTER}
        if before in named:
            out["id"] = named[before]
    return out


def real_query_values(emulator: JiraEmulator, generated: dict[str, Any]) -> dict[str, Any]:
    """``generated`` query parameters with ids made real and a JQL query that runs."""
    real = real_ids(emulator)
    keep = {"accountId", "projectId", "issueKey", "boardId"}
    out = {
        name: (real.get(name, value) if name in keep else value)
        for name, value in generated.items()
    }
    if "jql" in out:
        out["jql"] = f"project = {real['projectIdOrKey']}"
    if "issueKey" in out:
        out["issueKey"] = real["issueIdOrKey"]
    out.pop("nextPageToken", None)
    return out
