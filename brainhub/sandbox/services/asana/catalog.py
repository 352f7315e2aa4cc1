"""What an Asana organization holds besides its projects, tasks and stories.

:func:`furnish` adds, to an :class:`~.workspace.Organization` already built for a
generation: tags (on some tasks), workspace custom fields with their settings on every
project and their values on every task, subtasks, time-tracking entries, goals, webhooks,
and the fields of Asana's full task, project and user records the core builder leaves out.

Everything is a pure function of the organization: ids of the workspace-level objects come
from their own range (so the ids of users, projects, tasks and stories stay what they
were), and ids of objects that belong to a task (subtasks, time entries) are derived from
the task's id, so they are the same in every generation the task lives in. Adding them
draws nothing from the builder's random streams; the seeded dataset is unchanged.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from brainhub.sandbox.services.asana.workspace import Organization, compact, iso

TAGS = (("urgent", "dark-red"), ("blocked", "dark-orange"), ("marketing", "dark-teal"))
PRIORITIES = (("High", "red"), ("Medium", "yellow"), ("Low", "green"))
GOALS = ("Grow weekly active teams", "Cut onboarding time", "Ship the mobile app")
#: Offsets of ids derived from a task's id (subtasks, time-tracking entries).
SUBTASK_GID_OFFSET = 7_000_000_000_000_000
ENTRY_GID_OFFSET = 8_000_000_000_000_000
#: The first id of workspace-level objects (tags, custom fields, goals, webhooks…).
CATALOG_GID_BASE = 6_000_000_000_000_000


def furnish(org: Organization, seed: int) -> None:
    """Add the catalog objects to ``org`` (see the module doc)."""
    gids = _Gids(CATALOG_GID_BASE + (seed % 1000) * 1_000_000)
    workspace = compact(org.workspace)
    owner = compact(org.users[0])
    org.team.update(_team_fields(org))
    org.tags = [_tag(gids.next(), name, color, workspace) for name, color in TAGS]
    priority = _enum_field(gids, org, owner)
    estimate = _number_field(gids, org, owner)
    org.custom_fields = [priority, estimate]
    for project in org.projects:
        org.custom_field_settings[project["gid"]] = [
            _setting(gids.next(), field, project) for field in org.custom_fields
        ]
        project.update(_project_fields(project, org.custom_field_settings[project["gid"]]))
    for user in org.users:
        user.setdefault("custom_fields", [])
    for project_gid, tasks in org.tasks.items():
        for task in tasks:
            _furnish_task(org, task, project_gid, priority, estimate)
    for stories in org.stories.values():
        for story in stories:
            _furnish_story(story)
    org.goals = [_goal(gids.next(), no, name, org) for no, name in enumerate(GOALS)]
    live = [p for p in org.projects if not p["archived"]]
    org.webhooks = [_webhook(gids.next(), project, org) for project in live[:2]]


class _Gids:
    def __init__(self, start: int) -> None:
        self._next = start

    def next(self) -> str:
        self._next += 1
        return str(self._next)


def _team_fields(org: Organization) -> dict[str, Any]:
    gid = org.team["gid"]
    return {
        "description": "Everyone in the organization.",
        "html_description": "<body>Everyone in the organization.</body>",
        "organization": compact(org.workspace),
        "permalink_url": f"https://app.asana.com/0/{gid}/{gid}",
        "visibility": "request_to_join",
        "endorsed": False,
        "custom_field_settings": [],
        "edit_team_name_or_description_access_level": "all_team_members",
        "edit_team_visibility_or_trash_team_access_level": "only_team_admins",
        "guest_invite_management_access_level": "only_team_admins",
        "join_request_management_access_level": "all_team_members",
        "member_invite_management_access_level": "all_team_members",
        "team_content_management_access_level": "no_restriction",
        "team_member_removal_access_level": "only_team_admins",
    }


def _tag(gid: str, name: str, color: str, workspace: dict[str, Any]) -> dict[str, Any]:
    return {
        "gid": gid,
        "resource_type": "tag",
        "name": name,
        "color": color,
        "notes": f"Tasks that are {name}.",
        "created_at": "2023-06-01T09:00:00.000Z",
        "followers": [],
        "workspace": workspace,
        "permalink_url": f"https://app.asana.com/0/{gid}/list",
    }


def _field_base(gid: str, name: str, subtype: str, owner: dict[str, Any]) -> dict[str, Any]:
    return {
        "gid": gid,
        "resource_type": "custom_field",
        "name": name,
        "resource_subtype": subtype,
        "type": subtype,
        "representation_type": subtype,
        "description": f"{name} of the work.",
        "enabled": True,
        "is_formula_field": False,
        "is_value_read_only": False,
        "is_global_to_workspace": True,
        "has_notifications_enabled": True,
        "asana_created_field": None,
        "created_by": owner,
        "currency_code": None,
        "custom_label": None,
        "custom_label_position": None,
        "date_value": None,
        "default_access_level": "editor",
        "display_value": None,
        "enum_options": [],
        "enum_value": None,
        "format": "none",
        "html_text_value": None,
        "id_prefix": None,
        "input_restrictions": [],
        "multi_enum_values": [],
        "number_value": None,
        "people_value": [],
        "precision": 0,
        "privacy_setting": "public_with_guests",
        "reference_value": [],
        "text_value": None,
    }


def _enum_field(gids: _Gids, org: Organization, owner: dict[str, Any]) -> dict[str, Any]:
    field = _field_base(gids.next(), "Priority", "enum", owner)
    field["enum_options"] = [
        {
            "gid": gids.next(),
            "resource_type": "enum_option",
            "name": name,
            "color": color,
            "enabled": True,
        }
        for name, color in PRIORITIES
    ]
    return field


def _number_field(gids: _Gids, org: Organization, owner: dict[str, Any]) -> dict[str, Any]:
    field = _field_base(gids.next(), "Estimate (days)", "number", owner)
    field["precision"] = 1
    return field


def _setting(gid: str, field: dict[str, Any], project: dict[str, Any]) -> dict[str, Any]:
    return {
        "gid": gid,
        "resource_type": "custom_field_setting",
        "custom_field": field,
        "is_important": field["resource_subtype"] == "enum",
        "parent": compact(project),
        "project": compact(project),
    }


def _project_fields(project: dict[str, Any], settings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "completed_by": project["owner"] if project["completed"] else None,
        "created_from_template": None,
        "current_status_update": None,
        "custom_field_settings": settings,
        "custom_fields": [],
        "default_access_level": "editor",
        "minimum_access_level_for_customization": "editor",
        "minimum_access_level_for_sharing": "editor",
        "project_brief": None,
    }


def _value(field: dict[str, Any], **value: Any) -> dict[str, Any]:
    """A custom field as a task carries it: the field with this task's value."""
    out = {**field, **value}
    out.pop("created_by", None)
    return out


def _furnish_task(
    org: Organization,
    task: dict[str, Any],
    project_gid: str,
    priority: dict[str, Any],
    estimate: dict[str, Any],
) -> None:
    number = int(task["gid"])
    option = priority["enum_options"][number % 3]
    days = float(1 + number % 5)
    task["custom_fields"] = [
        _value(priority, enum_value=option, display_value=option["name"]),
        _value(estimate, number_value=days, display_value=f"{days:.1f}"),
    ]
    if number % 4 == 1:
        task["tags"] = [compact(org.tags[number % len(org.tags)])]
    project = next(p for p in org.projects if p["gid"] == project_gid)
    subtasks = [_subtask(task, k, org) for k in range(number % 3 if number % 5 == 2 else 0)]
    org.subtasks[task["gid"]] = subtasks
    task["num_subtasks"] = len(subtasks)
    entries = _time_entries(task, project, org)
    org.time_entries[task["gid"]] = entries
    task.update(_task_fields(task, entries))


def _task_fields(task: dict[str, Any], entries: list[dict[str, Any]]) -> dict[str, Any]:
    assignee = task.get("assignee")
    return {
        "actual_time_minutes": float(sum(e["duration_minutes"] for e in entries)),
        "assigned_by": task["followers"][0] if assignee else None,
        "assignee_section": None,
        "custom_type": None,
        "custom_type_status_option": None,
        "dependencies": [],
        "dependents": [],
        "hearts": [],
        "likes": [],
        "liked": False,
        "is_rendered_as_separator": False,
        "start_at": None,
    }


def _furnish_story(story: dict[str, Any]) -> None:
    """The fields of a full story the core builder leaves out; a renaming story says from
    what to what (the seeded renames add `` (v2)``)."""
    story.update(
        {"liked": False, "likes": [], "hearts": [], "reaction_summary": [], "previews": []}
    )
    if story["resource_subtype"] == "name_changed":
        new_name = story["target"]["name"]
        story["new_name"] = new_name
        story["old_name"] = new_name.removesuffix(" (v2)")
        story["text"] = f'changed the name to "{new_name}"'


def _subtask(parent: dict[str, Any], k: int, org: Organization) -> dict[str, Any]:
    gid = str(int(parent["gid"]) + SUBTASK_GID_OFFSET + k * 10_000_000_000)
    created = _parse(parent["created_at"]) + timedelta(hours=1 + k)
    name = f"Step {k + 1} of {parent['name'].lower()}"
    subtask: dict[str, Any] = {
        **{key: value for key, value in parent.items() if key not in ("memberships",)},
        "gid": gid,
        "name": name,
        "resource_subtype": "default_task",
        "notes": f"{name}.",
        "html_notes": f"<body>{name}.</body>",
        "created_at": iso(created),
        "modified_at": iso(created),
        "parent": {
            "gid": parent["gid"],
            "resource_type": "task",
            "name": parent["name"],
            "resource_subtype": parent["resource_subtype"],
            "created_by": parent["created_by"],
        },
        "projects": [],
        "memberships": [],
        "tags": [],
        "num_likes": 0,
        "num_subtasks": 0,
        "permalink_url": f"https://app.asana.com/0/0/{gid}",
    }
    return subtask


def _time_entries(
    task: dict[str, Any], project: dict[str, Any], org: Organization
) -> list[dict[str, Any]]:
    number = int(task["gid"])
    person = task["assignee"] or task["followers"][0]
    start = _parse(task["created_at"]).date()
    return [
        {
            "gid": str(number + ENTRY_GID_OFFSET + k * 10_000_000_000),
            "resource_type": "time_tracking_entry",
            "created_by": person,
            "attributable_to": compact(project),
            "duration_minutes": 30 * (1 + (number + k) % 4),
            "entered_on": (start + timedelta(days=k)).isoformat(),
            "categories": [],
        }
        for k in range(number % 3 if number % 2 == 0 else 0)
    ]


def _goal(gid: str, no: int, name: str, org: Organization) -> dict[str, Any]:
    owner = org.users[no % len(org.users)]
    year = 2024
    team_level = no % 2 == 1
    target = 100.0 * (no + 1)
    return {
        "gid": gid,
        "resource_type": "goal",
        "name": name,
        "notes": f"{name} this year.",
        "html_notes": f"<body>{name} this year.</body>",
        "owner": compact(owner),
        "team": compact(org.team) if team_level else None,
        "workspace": compact(org.workspace),
        "is_workspace_level": not team_level,
        "due_on": date(year, 12, 31).isoformat(),
        "start_on": date(year, 1, 1).isoformat(),
        "status": ("green", "yellow", "red")[no % 3],
        "liked": False,
        "likes": [],
        "num_likes": 0,
        "followers": [compact(owner)],
        "privacy_setting": "public_to_workspace",
        "default_access_level": "commenter",
        "current_status_update": None,
        "custom_field_settings": [],
        "custom_fields": [],
        "time_period": {
            "gid": str(int(gid) + 500_000),
            "resource_type": "time_period",
            "display_name": f"FY{year % 100}",
            "period": "FY",
            "start_on": date(year, 1, 1).isoformat(),
            "end_on": date(year, 12, 31).isoformat(),
        },
        "metric": {
            "gid": str(int(gid) + 600_000),
            "resource_type": "metric",
            "resource_subtype": "number",
            "unit": "none",
            "precision": 0,
            "currency_code": None,
            "initial_number_value": 0.0,
            "target_number_value": target,
            "current_number_value": target * 0.4,
            "current_display_value": f"{target * 0.4:.0f}",
            "progress_source": "manual",
            "is_custom_weight": False,
            "can_manage": True,
        },
    }


def _webhook(gid: str, project: dict[str, Any], org: Organization) -> dict[str, Any]:
    return {
        "gid": gid,
        "resource_type": "webhook",
        "active": True,
        "resource": compact(project),
        "target": f"https://hooks.acme.test/asana/{project['gid']}",
        "created_at": "2023-12-01T09:00:00.000Z",
        "last_success_at": "2023-12-31T17:00:00.000Z",
        "last_failure_at": None,
        "last_failure_content": "",
        "failure_deletion_timestamp": None,
        "next_attempt_after": None,
        "delivery_retry_count": 0,
        "filters": [
            {
                "resource_type": "task",
                "resource_subtype": "default_task",
                "action": "changed",
                "fields": ["completed", "due_on"],
            }
        ],
    }


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
