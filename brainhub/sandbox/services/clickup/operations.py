"""Every GET operation of ClickUp API v2, served or left out, and the writes we serve.

``POST /list/{list_id}/task/{task_id}`` (add a task to another list) is documented but
not served: it needs the "Tasks in Multiple Lists" ClickApp, which the seeded workspace
does not enable.

Paths are the documented templates under ``/api/v2`` (``surface.json`` holds the derived
table; a test compares this one with ClickUp's document). Handlers are methods of
:class:`~.app.ClickUpEmulator`; ``SHAPED`` ones answer from the documented response shape
with ids of this workspace (views, templates, webhooks, plan and seats, user groups,
time-in-status reports…), because the seeded store does not model those objects.
"""

from __future__ import annotations

from brainhub.sandbox.kit import SHAPED, LeftOut, Operation, OperationTable, PageNumbers

#: ClickUp pages tasks 100 at a time, from ``page=0``.
TASK_PAGES = PageNumbers(size=100, parameter="page", first=0)

ENTERPRISE_ONLY = "Enterprise plan only: the seeded workspace is on the Business plan"


def _get(path: str, handler: str, paging: PageNumbers | None = None) -> Operation:
    return Operation("GET", path, handler, paging=paging)


def _write(method: str, path: str, handler: str) -> Operation:
    return Operation(method, path, handler, complete=False)


OPERATIONS = OperationTable(
    served=[
        # Authorization and workspaces
        _get("/user", "get_authorized_user"),
        _get("/team", "get_teams"),
        _get("/team/{team_id}/seats", SHAPED),
        _get("/team/{team_id}/plan", SHAPED),
        _get("/team/{team_id}/shared", SHAPED),
        _get("/team/{team_id}/custom_item", SHAPED),
        _get("/group", SHAPED),
        _get("/team/{team_id}/webhook", SHAPED),
        # Hierarchy
        _get("/team/{team_id}/space", "get_spaces"),
        _get("/space/{space_id}", "get_space"),
        _get("/space/{space_id}/folder", "get_folders"),
        _get("/folder/{folder_id}", "get_folder"),
        _get("/folder/{folder_id}/list", "get_folder_lists"),
        _get("/space/{space_id}/list", "get_folderless_lists"),
        _get("/list/{list_id}", "get_list"),
        # Tasks
        _get("/list/{list_id}/task", "get_tasks", TASK_PAGES),
        _get("/team/{team_id}/task", "get_team_tasks", TASK_PAGES),
        _get("/task/{task_id}", "get_task"),
        _get("/task/{task_id}/time_in_status", "get_task_time_in_status"),
        # keyed by the requested task ids (the document's schema names example ids)
        Operation(
            "GET", "/task/bulk_time_in_status/task_ids", "get_bulk_time_in_status", complete=False
        ),
        _get("/task/{task_id}/member", "get_task_members"),
        _get("/list/{list_id}/member", "get_list_members"),
        _get("/team/{team_id}/user/{user_id}", "get_user"),
        # Comments
        _get("/task/{task_id}/comment", "get_comments"),
        _get("/list/{list_id}/comment", SHAPED),
        _get("/view/{view_id}/comment", SHAPED),
        _get("/comment/{comment_id}/reply", SHAPED),
        # Custom fields and tags
        _get("/list/{list_id}/field", "get_fields"),
        _get("/folder/{folder_id}/field", "get_folder_fields"),
        _get("/space/{space_id}/field", "get_space_fields"),
        _get("/team/{team_id}/field", "get_team_fields"),
        _get("/space/{space_id}/tag", "get_tags"),
        # Goals
        _get("/team/{team_id}/goal", "get_goals"),
        _get("/goal/{goal_id}", "get_goal"),
        # Time tracking
        _get("/team/{team_id}/time_entries", "get_time_entries"),
        _get("/team/{team_id}/time_entries/{timer_id}", "get_time_entry"),
        _get("/team/{team_id}/time_entries/{timer_id}/history", SHAPED),
        _get("/team/{team_id}/time_entries/current", SHAPED),
        _get("/team/{team_id}/time_entries/tags", SHAPED),
        _get("/task/{task_id}/time", "get_tracked_time"),
        # Templates
        _get("/team/{team_id}/taskTemplate", SHAPED),
        _get("/team/{team_id}/list_template", SHAPED),
        _get("/team/{team_id}/folder_template", SHAPED),
        # Views
        _get("/team/{team_id}/view", SHAPED),
        _get("/space/{space_id}/view", SHAPED),
        _get("/folder/{folder_id}/view", SHAPED),
        _get("/list/{list_id}/view", SHAPED),
        _get("/view/{view_id}", SHAPED),
        _get("/view/{view_id}/task", "get_view_tasks", TASK_PAGES),
    ],
    left_out=[
        LeftOut("GET", "/team/{team_id}/guest/{guest_id}", ENTERPRISE_ONLY + " (guests)"),
        LeftOut("GET", "/team/{team_id}/customroles", ENTERPRISE_ONLY + " (custom roles)"),
    ],
    # Writes: answers are the documented response objects (the complete task on create
    # and update, ``{id, hist_id, date}`` for a new comment, ``{}`` or 204 otherwise).
    extra=[
        _write("POST", "/list/{list_id}/task", "create_task"),
        _write("PUT", "/task/{task_id}", "update_task"),
        _write("DELETE", "/task/{task_id}", "delete_task"),
        _write("POST", "/task/{task_id}/comment", "create_comment"),
        _write("PUT", "/comment/{comment_id}", "update_comment"),
        _write("DELETE", "/comment/{comment_id}", "delete_comment"),
        _write("POST", "/task/{task_id}/field/{field_id}", "set_field_value"),
        _write("DELETE", "/task/{task_id}/field/{field_id}", "remove_field_value"),
        _write("POST", "/task/{task_id}/tag/{tag_name}", "add_tag"),
        _write("DELETE", "/task/{task_id}/tag/{tag_name}", "remove_tag"),
    ],
)
