"""Jira Cloud response objects, shaped like the schemas of Atlassian's OpenAPI documents
(``User``, ``Project``, ``IssueBean``, ``Comment``, ``Worklog``; agile boards and sprints).

``self`` links point at the site (``https://<site>``) as the real API's do.
"""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.jira.dataset import (
    ISSUE_TYPES,
    PRIORITIES,
    STATUSES,
    Comment,
    Issue,
    JiraDataset,
    Project,
    Sprint,
    User,
    Worklog,
)
from brainhub.sandbox.services.jira.fields import BY_ID, FIELDS
from brainhub.sandbox.services.jira.sizes import DAY_S, jira_time

SITE = "https://octo-sandbox.atlassian.net"
API = f"{SITE}/rest/api/3"
AGILE = f"{SITE}/rest/agile/1.0"
CATEGORY_COLORS = {
    "undefined": "medium-gray",
    "new": "blue-gray",
    "indeterminate": "yellow",
    "done": "green",
}
CATEGORY_IDS = {"undefined": 1, "new": 2, "indeterminate": 4, "done": 3}
CATEGORY_NAMES = {
    "undefined": "No Category",
    "new": "To Do",
    "indeterminate": "In Progress",
    "done": "Done",
}


def adf(text: str) -> dict[str, Any]:
    """A one-paragraph Atlassian Document Format body."""
    paragraph = {"type": "paragraph", "content": [{"type": "text", "text": text}]}
    return {"type": "doc", "version": 1, "content": [paragraph]}


def _avatars(key: str) -> dict[str, str]:
    base = f"https://avatar-management.services.atlassian.com/{key}"
    return {size: f"{base}?s={size.split('x')[0]}" for size in ("48x48", "24x24", "16x16", "32x32")}


def user(person: User, *, full: bool = False) -> dict[str, Any]:
    """A user as embedded in issues (``full`` adds the fields users/search returns)."""
    data: dict[str, Any] = {
        "self": f"{API}/user?accountId={person.account_id}",
        "accountId": person.account_id,
        "displayName": person.display_name,
        "active": True,
        "avatarUrls": _avatars(person.account_id),
        "timeZone": "Etc/UTC",
        "accountType": person.account_type,
    }
    if person.email:
        data["emailAddress"] = person.email
    if full:
        # as GET /user answers without expand=groups,applicationRoles
        data["locale"] = "en_US"
        data["groups"] = {"size": 1 if person.account_type == "atlassian" else 0, "items": []}
        data["applicationRoles"] = {
            "size": 1 if person.account_type == "atlassian" else 0,
            "items": [],
        }
        data["expand"] = "groups,applicationRoles"
    return data


def project(item: Project, *, short: bool = False) -> dict[str, Any]:
    """A project as project/search returns it (``short``: as embedded in an issue)."""
    data: dict[str, Any] = {
        "self": f"{API}/project/{item.id}",
        "id": str(item.id),
        "key": item.key,
        "name": item.name,
        "projectTypeKey": "software",
        "simplified": False,
        "avatarUrls": _avatars(item.key),
    }
    if not short:
        data.update(
            expand="description,lead,issueTypes,url,projectKeys,permissions,insight",
            style="classic",
            isPrivate=False,
            properties={},
            uuid=f"{item.id:08x}-0000-4000-8000-000000000000",
        )
    return data


def status_category(key: str) -> dict[str, Any]:
    """A ``StatusCategory`` by key (``undefined``, ``new``, ``indeterminate``, ``done``)."""
    return {
        "self": f"{API}/statuscategory/{CATEGORY_IDS[key]}",
        "id": CATEGORY_IDS[key],
        "key": key,
        "colorName": CATEGORY_COLORS[key],
        "name": CATEGORY_NAMES[key],
    }


def status(index: int) -> dict[str, Any]:
    status_id, name, category = STATUSES[index]
    return {
        "self": f"{API}/status/{status_id}",
        "description": "",
        "iconUrl": f"{SITE}/images/icons/statuses/generic.png",
        "name": name,
        "untranslatedName": name,
        "id": status_id,
        "statusCategory": status_category(category),
    }


def comment(issue: Issue, item: Comment, data: JiraDataset) -> dict[str, Any]:
    """A ``Comment`` with an ADF body."""
    author = user(data.users[item.author])
    return {
        "self": f"{API}/issue/{issue.id}/comment/{item.id}",
        "id": str(item.id),
        "author": author,
        "body": item.doc or adf(item.text),
        "updateAuthor": author,
        "created": jira_time(item.created),
        "updated": jira_time(item.updated),
        "jsdPublic": True,
    }


def worklog(issue: Issue, item: Worklog, data: JiraDataset) -> dict[str, Any]:
    """A ``Worklog`` with an ADF comment."""
    author = user(data.users[item.author])
    spent = _duration(item.seconds)
    return {
        "self": f"{API}/issue/{issue.id}/worklog/{item.id}",
        "author": author,
        "updateAuthor": author,
        "comment": item.doc or adf(item.text),
        "created": jira_time(item.created),
        "updated": jira_time(item.updated),
        "started": jira_time(item.started),
        "timeSpent": spent,
        "timeSpentSeconds": item.seconds,
        "id": str(item.id),
        "issueId": str(issue.id),
    }


def _duration(seconds: int | None) -> str:
    """Jira's written duration: ``2h 30m``."""
    hours, rest = divmod(seconds or 0, 3600)
    return " ".join(
        p for p in (f"{hours}h" if hours else "", f"{rest // 60}m" if rest else "") if p
    )


def watchers(item: Issue) -> list[int]:
    """The users (by index) watching an issue: its reporter and its assignee."""
    return sorted({item.reporter, *([item.assignee] if item.assignee is not None else [])})


def issue_fields(item: Issue, owner: Project, data: JiraDataset) -> dict[str, Any]:
    """Every field of an issue (``*all``), including the first comments and worklogs."""
    type_id, type_name = ISSUE_TYPES[item.issue_type]
    priority_id, priority_name = PRIORITIES[item.priority]
    resolved = item.resolved
    spent = sum(w.seconds for w in item.worklogs) or None
    return {
        "summary": item.summary,
        "issuetype": {
            "self": f"{API}/issuetype/{type_id}",
            "id": type_id,
            "description": "",
            "iconUrl": f"{SITE}/images/icons/issuetypes/{type_name.lower()}.svg",
            "name": type_name,
            "subtask": False,
            "hierarchyLevel": 0,
        },
        "project": project(owner, short=True),
        "status": status(item.status),
        "priority": {
            "self": f"{API}/priority/{priority_id}",
            "iconUrl": f"{SITE}/images/icons/priorities/{priority_name.lower()}.svg",
            "name": priority_name,
            "id": priority_id,
        },
        "reporter": user(data.users[item.reporter]),
        "creator": user(data.users[item.reporter]),
        "assignee": user(data.users[item.assignee]) if item.assignee is not None else None,
        "labels": list(item.labels),
        "description": (
            item.description
            if item.description_written
            else adf(f"What to do for {item.key}: {item.summary.lower()}.")
        ),
        "created": jira_time(item.created),
        "updated": jira_time(item.updated),
        "resolutiondate": jira_time(resolved) if resolved else None,
        "resolution": {"id": "10000", "name": "Done"} if resolved else None,
        "duedate": None,
        "timespent": spent,
        "aggregatetimespent": spent,
        "timeoriginalestimate": None,
        "timeestimate": None,
        "aggregatetimeoriginalestimate": None,
        "aggregatetimeestimate": None,
        "timetracking": (
            {"timeSpent": _duration(spent), "timeSpentSeconds": spent} if spent else {}
        ),
        "progress": {"progress": spent or 0, "total": spent or 0},
        "aggregateprogress": {"progress": spent or 0, "total": spent or 0},
        "workratio": -1,
        "environment": None,
        "components": [],
        "fixVersions": [],
        "versions": [],
        "issuelinks": [],
        "subtasks": [],
        "attachment": [],
        "security": None,
        "lastViewed": None,
        "statuscategorychangedate": jira_time(
            min(item.created + 2 * DAY_S, item.updated) if item.status else item.created
        ),
        "watches": {
            "self": f"{API}/issue/{item.key}/watchers",
            "watchCount": len(watchers(item)),
            "isWatching": 0 in watchers(item),
        },
        "votes": {"self": f"{API}/issue/{item.key}/votes", "votes": 0, "hasVoted": False},
        "comment": {
            "comments": [comment(item, c, data) for c in item.comments[:20]],
            "self": f"{API}/issue/{item.id}/comment",
            "maxResults": 20,
            "total": len(item.comments),
            "startAt": 0,
        },
        "worklog": {
            "startAt": 0,
            "maxResults": 20,
            "total": len(item.worklogs),
            "worklogs": [worklog(item, w, data) for w in item.worklogs[:20]],
        },
    }


def changelog(item: Issue, data: JiraDataset) -> list[dict[str, Any]]:
    """The issue's change histories, oldest first: the move out of the first status (two
    days after creation, or when it was last updated if sooner) and each summary edit."""
    histories: list[dict[str, Any]] = []
    author = user(data.users[item.reporter])
    if item.status:
        moved = min(item.created + 2 * DAY_S, item.updated)
        change: dict[str, Any] = {
            "field": "status",
            "fieldtype": "jira",
            "fieldId": "status",
            "from": STATUSES[0][0],
            "fromString": STATUSES[0][1],
            "to": STATUSES[item.status][0],
            "toString": STATUSES[item.status][1],
        }
        histories.append(_history(item, 1, author, moved, change))
    edits = item.summary.count(" (edited)")
    original = item.summary.replace(" (edited)", "")
    for n in range(edits):
        edit: dict[str, Any] = {
            "field": "summary",
            "fieldtype": "jira",
            "fieldId": "summary",
            "from": None,
            "fromString": original + " (edited)" * n,
            "to": None,
            "toString": original + " (edited)" * (n + 1),
        }
        histories.append(_history(item, 2 + n, author, item.updated, edit))
    return histories


def _history(
    item: Issue, n: int, author: dict[str, Any], when: int, change: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": str(item.id * 100 + n),
        "author": author,
        "created": jira_time(when),
        "items": [change],
    }


def transitions(item: Issue) -> list[dict[str, Any]]:
    """The workflow's transitions out of the issue's status (one to each other status)."""
    return [
        {
            "id": str(11 + 10 * index),
            "name": STATUSES[index][1],
            "to": status(index),
            "hasScreen": False,
            "isGlobal": True,
            "isInitial": False,
            "isAvailable": True,
            "isConditional": False,
            "isLooped": False,
        }
        for index in range(len(STATUSES))
        if index != item.status
    ]


def editmeta(item: Issue) -> dict[str, Any]:
    """The fields a user may edit on the issue, with their schemas."""
    editable = [f for f in FIELDS if f.orderable and f.id not in ("project",)]
    return {
        "fields": {
            f.id: {
                "required": f.id in ("summary", "issuetype"),
                "schema": f.schema(),
                "name": f.name,
                "key": f.id,
                "operations": ["set", "add", "remove"] if f.items else ["set"],
            }
            for f in editable
        }
    }


def _rendered(value: Any) -> Any:
    """A field's value as ``expand=renderedFields`` gives it (HTML for rich text)."""
    if isinstance(value, dict) and value.get("type") == "doc":
        return "".join(f"<p>{_escape(text)}</p>" for text in adf_paragraphs(value))
    return value


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def adf_paragraphs(document: dict[str, Any]) -> list[str]:
    """The plain text of each top-level block of an ADF document."""
    blocks = []
    for block in document.get("content", []):
        parts = [
            node.get("text", "") for node in block.get("content", []) if isinstance(node, dict)
        ]
        blocks.append("".join(parts))
    return blocks


def issue(
    item: Issue,
    owner: Project,
    data: JiraDataset,
    fields: list[str] | None,
    expand: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """An ``IssueBean`` with ``fields`` (ids chosen by :func:`.fields.select`; ``None``
    gives the bare id, as search does by default) and the ``expand`` parts asked."""
    bean: dict[str, Any] = {
        "expand": "renderedFields,names,schema,operations,editmeta,changelog,"
        "versionedRepresentations",
        "id": str(item.id),
        "self": f"{API}/issue/{item.id}",
        "key": item.key,
    }
    if fields is None and not expand:
        return {"id": bean["id"]}
    every = issue_fields(item, owner, data)
    chosen = {name: every[name] for name in fields or () if name in every}
    bean["fields"] = chosen
    if "renderedFields" in expand:
        bean["renderedFields"] = {name: _rendered(value) for name, value in chosen.items()}
    if "names" in expand:
        bean["names"] = {name: BY_ID[name].name for name in chosen if name in BY_ID}
    if "schema" in expand:
        bean["schema"] = {name: BY_ID[name].schema() for name in chosen if name in BY_ID}
    if "transitions" in expand:
        bean["transitions"] = transitions(item)
    if "operations" in expand:
        bean["operations"] = {"linkGroups": []}
    if "editmeta" in expand:
        bean["editmeta"] = editmeta(item)
    if "changelog" in expand:
        histories = changelog(item, data)
        bean["changelog"] = {
            "startAt": 0,
            "maxResults": len(histories),
            "total": len(histories),
            "histories": histories,
        }
    if "versionedRepresentations" in expand:
        bean["versionedRepresentations"] = {name: {"1": value} for name, value in chosen.items()}
    return bean


def board(item: Project) -> dict[str, Any]:
    """An agile board located in its project."""
    return {
        "id": item.board_id,
        "self": f"{AGILE}/board/{item.board_id}",
        "name": f"{item.key} board",
        "type": "scrum" if item.scrum else "kanban",
        "location": {
            "projectId": item.id,
            "displayName": f"{item.name} ({item.key})",
            "projectName": item.name,
            "projectKey": item.key,
            "projectTypeKey": "software",
            "avatarURI": f"{SITE}/secure/projectavatar?size=small&s=small&pid={item.id}",
            "name": f"{item.name} ({item.key})",
        },
        "isPrivate": False,
    }


def sprint(item: Sprint) -> dict[str, Any]:
    """A sprint; only closed sprints have a completeDate, future ones no dates."""
    data: dict[str, Any] = {
        "id": item.id,
        "self": f"{AGILE}/sprint/{item.id}",
        "state": item.state,
        "name": item.name,
        "originBoardId": item.board,
        "goal": item.goal,
    }
    if item.state != "future":
        data.update(
            startDate=jira_time(item.start).replace("+0000", "Z"),
            endDate=jira_time(item.end).replace("+0000", "Z"),
            createdDate=jira_time(item.start - 86_400).replace("+0000", "Z"),
        )
    if item.state == "closed":
        data["completeDate"] = jira_time(item.end).replace("+0000", "Z")
    return data
