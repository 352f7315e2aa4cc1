"""Every GET operation of Asana's REST API 1.0 that the reference document describes.

Paths are the documented templates under ``/api/1.0`` (``surface.json`` holds the derived
table; a test compares this one with the document). Handlers are methods of
:class:`~.app.AsanaEmulator`. Every answer comes from the seeded organization: none is
shaped, and the kit does not complete them, because Asana's representations depend on
the request (compact records in listings, full ones from single reads, exactly the named
fields with ``opt_fields``): :mod:`.representation` builds them from the documented
schemas instead.

Writes (:data:`WRITES`, routed as extra operations: the document describes them, outside
the read surface): ``POST /tasks``, ``PUT``/``DELETE /tasks/{task_gid}`` and ``POST
/tasks/{task_gid}/stories`` (see :mod:`.writes`), and ``POST /batch`` running up to 10
of them at once (see :mod:`.batch`). Their answers are Asana's: the full
task or story in ``data`` (201 for a creation), ``{"data": {}}`` for a deletion.
"""

from __future__ import annotations

from brainhub.sandbox.kit import Operation, OperationTable


def _get(path: str, handler: str) -> Operation:
    return Operation("GET", path, handler, complete=False)


WRITES = [
    Operation("POST", "/tasks", "create_task", complete=False),
    Operation("PUT", "/tasks/{task_gid}", "update_task", complete=False),
    Operation("DELETE", "/tasks/{task_gid}", "delete_task", complete=False),
    Operation("POST", "/tasks/{task_gid}/stories", "create_story", complete=False),
    Operation("POST", "/batch", "batch", complete=False),
]

OPERATIONS = OperationTable(
    served=[
        # Workspaces, users and teams
        _get("/workspaces", "get_workspaces"),
        _get("/workspaces/{workspace_gid}", "get_workspace"),
        _get("/workspaces/{workspace_gid}/users", "get_workspace_users"),
        _get("/workspaces/{workspace_gid}/teams", "get_workspace_teams"),
        _get("/users", "get_users"),
        _get("/users/{user_gid}", "get_user"),
        _get("/teams/{team_gid}", "get_team"),
        _get("/teams/{team_gid}/users", "get_team_users"),
        # Projects and sections
        _get("/projects", "get_projects"),
        _get("/workspaces/{workspace_gid}/projects", "get_workspace_projects"),
        _get("/teams/{team_gid}/projects", "get_team_projects"),
        _get("/projects/{project_gid}", "get_project"),
        _get("/projects/{project_gid}/sections", "get_sections"),
        _get("/sections/{section_gid}", "get_section"),
        # Tasks
        _get("/tasks", "get_tasks"),
        _get("/projects/{project_gid}/tasks", "get_project_tasks"),
        _get("/sections/{section_gid}/tasks", "get_section_tasks"),
        _get("/tags/{tag_gid}/tasks", "get_tag_tasks"),
        _get("/tasks/{task_gid}", "get_task"),
        _get("/tasks/{task_gid}/subtasks", "get_subtasks"),
        _get("/workspaces/{workspace_gid}/tasks/search", "search_tasks"),
        # Stories and time tracking
        _get("/tasks/{task_gid}/stories", "get_stories"),
        _get("/stories/{story_gid}", "get_story"),
        _get("/tasks/{task_gid}/time_tracking_entries", "get_time_tracking_entries"),
        # Tags and custom fields
        _get("/tags", "get_tags"),
        _get("/workspaces/{workspace_gid}/tags", "get_workspace_tags"),
        _get("/workspaces/{workspace_gid}/custom_fields", "get_custom_fields"),
        _get("/custom_fields/{custom_field_gid}", "get_custom_field"),
        _get("/projects/{project_gid}/custom_field_settings", "get_custom_field_settings"),
        # Goals, webhooks, events
        _get("/goals", "get_goals"),
        _get("/goals/{goal_gid}", "get_goal"),
        _get("/webhooks", "get_webhooks"),
        _get("/webhooks/{webhook_gid}", "get_webhook"),
        _get("/events", "get_events"),
    ],
    extra=WRITES,
)
