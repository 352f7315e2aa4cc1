"""GitLab's project webhooks: ``POST /projects/:id/hooks`` (``url``, ``token``, and which
events: ``issues_events``, ``note_events``, ``merge_requests_events``, ``push_events`` — on
unless turned off) answers the hook (never the token); each issue, note or merge-request
change of that project is delivered as GitLab's hook payload (``object_kind``, ``user``,
``project``, ``object_attributes`` with its ``action``, ``labels``, ``changes``) with the
headers ``X-Gitlab-Event`` (``Issue Hook``…), ``X-Gitlab-Event-UUID``,
``X-Gitlab-Webhook-UUID``, ``X-Gitlab-Instance`` and, when the hook has a token,
``X-Gitlab-Token`` carrying it as it is."""

from __future__ import annotations

import uuid
from typing import Any

from werkzeug.routing import Rule

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent
from brainhub.sandbox.services.gitlab.dataset import GitLabDataset, Project

RULES = (
    Rule("/projects/<id>/hooks", endpoint="create_hook", methods=["POST"]),
    Rule("/projects/<id>/hooks/<hook_id>", endpoint="delete_hook", methods=["DELETE"]),
)
INSTANCE = "https://gitlab.com"
#: A hook's event switch → the ``X-Gitlab-Event`` it turns on (and whether it is on unless
#: the request says otherwise, as ``push_events`` is).
SWITCHES = {
    "push_events": ("Push Hook", True),
    "issues_events": ("Issue Hook", False),
    "note_events": ("Note Hook", False),
    "merge_requests_events": ("Merge Request Hook", False),
}
#: Journal object → (``object_kind``, ``X-Gitlab-Event``).
KINDS = {
    "issue": ("issue", "Issue Hook"),
    "note": ("note", "Note Hook"),
    "merge_request": ("merge_request", "Merge Request Hook"),
}
#: Values of a change that are bookkeeping, not attributes a user changed.
_BOOKKEEPING = frozenset({"project_id", "iid", "at", "noteable", "updated_at"})
#: GitLab's ``state_id`` per state.
_STATE_IDS = {"opened": 1, "closed": 2, "merged": 3, "locked": 4}


def switched_on(form: dict[str, Any]) -> list[str]:
    """The ``X-Gitlab-Event`` names a hook request turns on."""
    names = []
    for switch, (name, default) in SWITCHES.items():
        raw = form.get(switch, default)
        if str(raw).lower() in ("true", "1", "yes", "on"):
            names.append(name)
    return names


def hook_answer(subscription: Subscription, project_id: int, at: str) -> dict[str, Any]:
    """What ``POST /projects/:id/hooks`` answers (the token is never shown)."""
    on = set(subscription.events)
    answer: dict[str, Any] = {
        "id": int(subscription.id),
        "url": subscription.url,
        "name": str(subscription.scope.get("name", "")),
        "description": str(subscription.scope.get("description", "")),
        "created_at": at,
        "project_id": project_id,
        **{switch: name in on for switch, (name, _default) in SWITCHES.items()},
        "tag_push_events": False,
        "repository_update_events": False,
        "confidential_issues_events": False,
        "confidential_note_events": False,
        "pipeline_events": False,
        "wiki_page_events": False,
        "deployment_events": False,
        "feature_flag_events": False,
        "job_events": False,
        "releases_events": False,
        "emoji_events": False,
        "resource_access_token_events": False,
        "vulnerability_events": False,
        "enable_ssl_verification": True,
        "alert_status": "executable",
        "disabled_until": None,
        "url_variables": [],
        "push_events_branch_filter": None,
        "branch_filter_strategy": "wildcard",
        "custom_webhook_template": None,
        "custom_headers": [],
    }
    return answer


def _user(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": user["id"],
        "name": user.get("name", user["username"]),
        "username": user["username"],
        "avatar_url": user.get("avatar_url"),
        "email": "[REDACTED]",
    }


def _project(project: Project) -> dict[str, Any]:
    json = project.json
    web_url = json["web_url"]
    return {
        "id": project.id,
        "name": json["name"],
        "description": json.get("description"),
        "web_url": web_url,
        "avatar_url": json.get("avatar_url"),
        "git_ssh_url": json.get("ssh_url_to_repo"),
        "git_http_url": json.get("http_url_to_repo"),
        "namespace": (json.get("namespace") or {}).get("name", ""),
        "visibility_level": 20 if json.get("visibility") == "public" else 0,
        "path_with_namespace": json["path_with_namespace"],
        "default_branch": json.get("default_branch"),
        "ci_config_path": None,
        "homepage": web_url,
        "url": json.get("http_url_to_repo"),
        "ssh_url": json.get("ssh_url_to_repo"),
        "http_url": json.get("http_url_to_repo"),
    }


def _labels(project: Project, names: list[str]) -> list[dict[str, Any]]:
    known = {label["name"]: label for label in project.labels}
    return [
        {
            "id": known.get(name, {}).get("id"),
            "title": name,
            "color": known.get(name, {}).get("color", "#428bca"),
            "project_id": project.id,
            "created_at": project.json.get("created_at"),
            "updated_at": project.json.get("created_at"),
            "template": False,
            "description": known.get(name, {}).get("description"),
            "type": "ProjectLabel",
            "group_id": None,
        }
        for name in names
    ]


def _action(change: Change, item: dict[str, Any]) -> str:
    if change.op == "create":
        return "open" if change.object != "note" else "create"
    if change.op == "delete":
        return "delete"
    event = change.data.get("state_event")
    state = change.data.get("state") or (change.data.get("fields") or {}).get("state")
    if event == "close" or state == "closed":
        return "close"
    if event == "reopen" or state == "opened":
        return "reopen"
    if state == "merged":
        return "merge"
    return "update"


def _changed(change: Change, item: dict[str, Any]) -> dict[str, Any]:
    """GitLab's ``changes``: each attribute the change set, with its new value."""
    names = set(change.data.get("fields") or {})
    if change.data.get("state_event"):
        names.add("state_id")
    if change.data.get("add_labels") or change.data.get("remove_labels"):
        names.add("labels")
    names |= {k for k in change.data if k not in _BOOKKEEPING and k not in _WRITE_KEYS}
    if "state" in names:  # GitLab reports a state change as its ``state_id``
        names = (names - {"state"}) | {"state_id"}
    names.add("updated_at")
    changes = {}
    for name in sorted(names):
        current = _STATE_IDS.get(item.get("state", "")) if name == "state_id" else item.get(name)
        changes[name] = {"previous": None, "current": current}
    return changes


#: Keys of a write's draft that describe the write, not attributes.
_WRITE_KEYS = frozenset({"fields", "state_event", "add_labels", "remove_labels", "body"})


def _attributes(
    project: Project, item: dict[str, Any], action: str, actor: dict[str, Any]
) -> dict[str, Any]:
    state = str(item.get("state", "opened"))
    author = item.get("author") or {}
    assignee_ids = [a["id"] for a in item.get("assignees") or []]
    spent = int((item.get("time_stats") or {}).get("total_time_spent") or 0)
    attributes: dict[str, Any] = {
        "id": item["id"],
        "iid": item["iid"],
        "title": item.get("title"),
        "description": item.get("description"),
        "project_id": project.id,
        "author_id": author.get("id"),
        "assignee_ids": assignee_ids,
        "assignee_id": assignee_ids[0] if assignee_ids else None,
        "updated_by_id": actor["id"],
        "last_edited_at": item.get("updated_at"),
        "last_edited_by_id": actor["id"],
        "total_time_spent": spent,
        "time_change": 0,
        "human_total_time_spent": None,
        "human_time_change": None,
        "human_time_estimate": None,
        "milestone_id": (item.get("milestone") or {}).get("id"),
        "created_at": item.get("created_at"),
        "updated_at": item.get("updated_at"),
        "state": state,
        "state_id": _STATE_IDS.get(state, 1),
        "url": item.get("web_url"),
        "labels": _labels(project, list(item.get("labels") or [])),
        "action": action,
    }
    for key in ("source_branch", "target_branch", "merge_status", "closed_at", "due_date"):
        if key in item:
            attributes[key] = item[key]
    if "source_branch" in item:  # a merge request
        attributes.update(
            source_project_id=project.id,
            target_project_id=project.id,
            source=_project(project),
            target=_project(project),
            reviewer_ids=[r["id"] for r in item.get("reviewers") or []],
            blocking_discussions_resolved=True,
            work_in_progress=bool(item.get("draft", False)),
            first_contribution=False,
            detailed_merge_status=item.get("detailed_merge_status", "mergeable"),
            last_commit={
                "id": item.get("sha"),
                "title": item.get("title"),
                "message": item.get("title"),
                "timestamp": item.get("updated_at"),
                "url": f"{project.json['web_url']}/-/commit/{item.get('sha')}",
                "author": {"name": author.get("name"), "email": "[REDACTED]"},
            },
        )
    else:
        attributes.update(
            relative_position=None,
            confidential=bool(item.get("confidential", False)),
            discussion_locked=item.get("discussion_locked"),
            moved_to_id=None,
            duplicated_to_id=None,
            time_estimate=int((item.get("time_stats") or {}).get("time_estimate") or 0),
            weight=item.get("weight"),
            severity=item.get("severity", "unknown"),
            escalation_status=None,
            escalation_policy=None,
        )
    return attributes


def events_of(change: Change, data: GitLabDataset) -> list[WebhookEvent]:
    """The GitLab hook events of one journalled change (none for an object gone)."""
    known = KINDS.get(change.object)
    project = data.project(str(change.data.get("project_id", "")))
    if known is None or project is None:
        return []
    kind, header = known
    iid = int(change.data.get("iid", 0))
    noteable = str(change.data.get("noteable", "issues"))
    parent_list = project.merge_requests if noteable == "merge_requests" else project.issues
    if change.object == "merge_request":
        parent_list = project.merge_requests
    parent = next((i for i in parent_list if i["iid"] == iid), None)
    if parent is None:
        return []
    user = _user(data.users[0])
    body: dict[str, Any] = {
        "object_kind": kind,
        "event_type": kind,
        "user": user,
        "project": _project(project),
        "repository": {
            "name": project.json["name"],
            "url": project.json.get("ssh_url_to_repo"),
            "description": project.json.get("description"),
            "homepage": project.json["web_url"],
        },
    }
    if change.object == "note":
        note = next(
            (n for n in project.notes.get((noteable, iid), []) if str(n["id"]) == change.id),
            None,
        )
        if note is None:
            return []
        noteable_type = "MergeRequest" if noteable == "merge_requests" else "Issue"
        anchor = "merge_requests" if noteable == "merge_requests" else "issues"
        body["object_attributes"] = {
            "id": note["id"],
            "note": note.get("body"),
            "noteable_type": noteable_type,
            "author_id": (note.get("author") or {}).get("id"),
            "created_at": note.get("created_at"),
            "updated_at": note.get("updated_at"),
            "project_id": project.id,
            "noteable_id": parent["id"],
            "system": bool(note.get("system", False)),
            "url": f"{project.json['web_url']}/-/{anchor}/{iid}#note_{note['id']}",
            "action": _action(change, note),
        }
        key = "merge_request" if noteable == "merge_requests" else "issue"
        body[key] = _attributes(project, parent, "update", user)
        return [WebhookEvent(header, body, {"X-Gitlab-Event": header, **_headers()})]
    action = _action(change, parent)
    body["object_attributes"] = _attributes(project, parent, action, user)
    body["labels"] = body["object_attributes"]["labels"]
    body["changes"] = _changed(change, parent) if change.op == "update" else {}
    body["assignees"] = [_user(a) for a in parent.get("assignees") or []]
    if change.object == "merge_request":
        body["reviewers"] = [_user(r) for r in parent.get("reviewers") or []]
    else:
        body["assignee"] = body["assignees"][0] if body["assignees"] else None
    return [WebhookEvent(header, body, {"X-Gitlab-Event": header, **_headers()})]


def _headers() -> dict[str, str]:
    return {"X-Gitlab-Instance": INSTANCE}


def addressed(item: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
    """The event for one hook: only its project's (a hook of no project — one added with
    ``brainhub sandbox webhooks add``, like a group hook — takes every project's), with the
    hook's UUID header."""
    wanted = subscription.scope.get("project_id")
    if wanted is not None and str(wanted) != str(item.body["project"]["id"]):
        return None
    hook_uuid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"gitlab-hook:{subscription.id}"))
    return WebhookEvent(item.name, item.body, {**item.headers, "X-Gitlab-Webhook-UUID": hook_uuid})
