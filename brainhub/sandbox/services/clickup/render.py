"""ClickUp's JSON shapes (API v2) for the emulator's objects.

Shapes follow ClickUp's OpenAPI document and the recorded task responses: ids are
strings (user ids ints), timestamps are epoch-millisecond strings, a folderless list
sits in a hidden folder, comments carry ``assignee: null`` when unassigned.
"""

from __future__ import annotations

from typing import Any

import msgspec

from brainhub.sandbox.services.clickup.dataset import ClickUpDataset
from brainhub.sandbox.services.clickup.hierarchy import (
    Folder,
    Hierarchy,
    Space,
    TaskList,
    TimeEntrySpec,
)
from brainhub.sandbox.services.clickup.tasks import Comment, TaskRecord, task_id

_encoder = msgspec.json.Encoder()

PRIORITIES = {
    1: {"color": "#f50000", "id": "1", "orderindex": "1", "priority": "urgent"},
    2: {"color": "#f8ae00", "id": "2", "orderindex": "2", "priority": "high"},
    3: {"color": "#6fddff", "id": "3", "orderindex": "3", "priority": "normal"},
    4: {"color": "#d8d8d8", "id": "4", "orderindex": "4", "priority": "low"},
}
FEATURES = {
    "due_dates": {
        "enabled": True,
        "start_date": True,
        "remap_due_dates": True,
        "remap_closed_due_date": False,
    },
    "time_tracking": {"enabled": True},
    "tags": {"enabled": True},
    "time_estimates": {"enabled": True},
    "checklists": {"enabled": True},
    "custom_fields": {"enabled": True},
    "remap_dependencies": {"enabled": True},
    "dependency_warning": {"enabled": True},
    "portfolios": {"enabled": True},
}


def _ms(value: int | None) -> str | None:
    return None if value is None else str(value)


def team_json(tree: Hierarchy) -> dict[str, Any]:
    members = []
    for user in tree.users:
        member_user = {
            "id": user.id,
            "username": user.username,
            "email": user.email,
            "color": user.color,
            "profilePicture": user.picture,
            "initials": user.initials,
            "role": user.role,
            "custom_role": None,
            "last_active": "1772236800000",
            "date_joined": "1740787200000",
            "date_invited": "1740700800000",
        }
        members.append({"user": member_user})
    return {
        "id": tree.team_id,
        "name": tree.team_name,
        "color": "#7b68ee",
        "avatar": f"https://attachments.clickup.com/team_avatars/{tree.team_id}.png",
        "members": members,
    }


def space_json(space: Space, tree: Hierarchy) -> dict[str, Any]:
    owner = tree.users[0]
    return {
        "id": space.id,
        "name": space.name,
        "color": space.color,
        "private": False,
        "avatar": f"https://attachments.clickup.com/space_avatars/{space.id}.png",
        "admin_can_manage": True,
        "archived": space.archived,
        "members": [{"user": owner.short}],
        "statuses": space.statuses,
        "multiple_assignees": True,
        "features": FEATURES,
    }


def _space_ref(space: Space) -> dict[str, Any]:
    return {"id": space.id, "name": space.name, "access": True}


def _folder_ref(task_list: TaskList) -> dict[str, Any]:
    if task_list.folder is None:
        return {
            "id": task_list.space.hidden_folder_id,
            "name": "hidden",
            "hidden": True,
            "access": True,
        }
    return {
        "id": task_list.folder.id,
        "name": task_list.folder.name,
        "hidden": False,
        "access": True,
    }


def list_json(task_list: TaskList, task_count: int) -> dict[str, Any]:
    return {
        "id": task_list.id,
        "name": task_list.name,
        "orderindex": task_list.orderindex,
        "content": task_list.content,
        "status": None,
        "priority": None,
        "assignee": None,
        "task_count": str(task_count),
        "due_date": None,
        "start_date": None,
        "folder": _folder_ref(task_list),
        "space": _space_ref(task_list.space),
        "archived": task_list.archived,
        "override_statuses": False,
        "permission_level": "create",
    }


def folder_json(folder: Folder, lists: list[dict[str, Any]], task_count: int) -> dict[str, Any]:
    return {
        "id": folder.id,
        "name": folder.name,
        "orderindex": folder.orderindex,
        "override_statuses": False,
        "hidden": False,
        "space": _space_ref(folder.space),
        "task_count": str(task_count),
        "archived": folder.archived,
        "statuses": [],
        "lists": lists,
        "permission_level": "create",
    }


def _status(space: Space, index: int) -> dict[str, Any]:
    return space.statuses[index]


def task_dict(
    task: TaskRecord, task_list: TaskList, tree: Hierarchy, seed: int, time_spent: int | None
) -> dict[str, Any]:
    """The task object of ``GET /list/{id}/task`` and ``GET /task/{id}``."""
    users = tree.users
    space = task_list.space
    tags_by_name = {tag["name"]: tag for tag in space.tags}
    parent = None if task.parent_index is None else task_id(seed, task.list_no, task.parent_index)
    custom_fields = []
    for custom_field in task_list.fields:
        if custom_field.id in task.field_values:
            item = {**custom_field.as_json, "value": task.field_values[custom_field.id]}
        else:
            item = custom_field.as_json
        custom_fields.append(item)
    body: dict[str, Any] = {
        "id": task.id,
        "custom_id": None,
        "custom_item_id": 0,
        "name": task.name,
        "text_content": task.description,
        "description": task.description,
        "status": _status(space, task.status_index),
        "orderindex": f"{task.index + 1}.00000000000000000000000000000000",
        "date_created": str(task.created_ms),
        "date_updated": str(task.updated_ms),
        "date_closed": _ms(task.closed_ms),
        "date_done": _ms(task.closed_ms),
        "archived": task.archived,
        "creator": users[task.creator_index].creator,
        "assignees": [users[i].short for i in task.assignee_indices],
        "group_assignees": [],
        "watchers": [users[i].short for i in task.watcher_indices],
        "checklists": [],
        "tags": [tags_by_name[name] for name in task.tag_names if name in tags_by_name],
        "parent": parent,
        "top_level_parent": parent,
        "priority": PRIORITIES.get(task.priority),
        "due_date": _ms(task.due_ms),
        "start_date": _ms(task.start_ms),
        "points": task.points,
        "time_estimate": task.time_estimate,
        "custom_fields": custom_fields,
        "dependencies": [],
        "linked_tasks": [],
        "locations": [],
        "team_id": tree.team_id,
        "url": f"https://app.clickup.com/t/{task.id}",
        "sharing": {
            "public": False,
            "public_share_expires_on": None,
            "public_fields": ["assignees", "priority", "due_date", "content", "comments"],
            "token": None,
            "seo_optimized": False,
        },
        "permission_level": "create",
        "list": {"id": task_list.id, "name": task_list.name, "access": True},
        "project": _folder_ref(task_list),
        "folder": _folder_ref(task_list),
        "space": {"id": space.id},
    }
    if time_spent:
        body["time_spent"] = time_spent
    return body


def task_bytes(
    task: TaskRecord, task_list: TaskList, tree: Hierarchy, seed: int, time_spent: int | None
) -> bytes:
    """The task's JSON, cached on the record until the task changes."""
    if task.cached_json is None:
        body = task_dict(task, task_list, tree, seed, time_spent)
        task.cached_json = _encoder.encode(body)
    return task.cached_json


def comment_json(comment: Comment, tree: Hierarchy) -> dict[str, Any]:
    user = tree.users[comment.user_index]
    assignee = None if comment.assignee_index is None else tree.users[comment.assignee_index]
    return {
        "id": comment.id,
        "comment": [{"text": comment.text}],
        "comment_text": comment.text,
        "user": user.short,
        "resolved": comment.resolved,
        "assignee": assignee.short if assignee else None,
        "assigned_by": user.short if assignee else None,
        "reactions": [],
        "date": str(comment.date_ms),
        "reply_count": "0",
    }


def time_in_status_json(task: TaskRecord, task_list: TaskList, now_ms: int) -> dict[str, Any]:
    """How long ``task`` has spent in each status (created in the first, moved to its
    current one when last updated)."""
    statuses = task_list.space.statuses
    current = statuses[task.status_index]
    moved = task.updated_ms if task.status_index else task.created_ms

    def spent(status: dict[str, Any], since: int, until: int) -> dict[str, Any]:
        total = {"by_minute": max(0, (until - since) // 60_000), "since": str(since)}
        return {
            "status": status["status"],
            "color": status["color"],
            "type": status["type"],
            "orderindex": status["orderindex"],
            "total_time": total,
        }

    history = [spent(current, moved, now_ms)]
    if task.status_index:
        history.insert(0, spent(statuses[0], task.created_ms, moved))
    now_in = history[-1]
    return {
        "current_status": {
            "status": now_in["status"],
            "color": now_in["color"],
            "total_time": now_in["total_time"],
        },
        "status_history": history,
    }


def time_entry_json(entry: TimeEntrySpec, data: ClickUpDataset) -> dict[str, Any]:
    """A time entry as ``GET /team/{id}/time_entries`` lists it."""
    tree = data.tree
    task_list = tree.lists[entry.list_no]
    task = data.list_tasks(task_list).by_index[entry.task_index]
    space = task_list.space
    folder_id = task_list.folder.id if task_list.folder else space.hidden_folder_id
    folder_name = task_list.folder.name if task_list.folder else "hidden"
    tags = {tag["name"]: tag for tag in space.tags}
    end = entry.start_ms + entry.duration_ms
    return {
        "id": entry.id,
        "task": {
            "id": task.id,
            "custom_id": None,
            "name": task.name,
            "status": space.statuses[task.status_index],
            "custom_type": None,
        },
        "wid": tree.team_id,
        "user": entry.user.short,
        "billable": entry.billable,
        "start": str(entry.start_ms),
        "end": str(end),
        "duration": str(entry.duration_ms),
        "description": entry.description,
        "tags": [],
        "source": "clickup",
        "at": str(end),
        "task_location": {
            "list_id": int(task_list.id),
            "folder_id": int(folder_id),
            "space_id": int(space.id),
            "list_name": task_list.name,
            "folder_name": folder_name,
            "space_name": space.name,
        },
        "task_tags": [tags[name] for name in task.tag_names if name in tags],
        "task_url": f"https://app.clickup.com/t/{task.id}",
    }
