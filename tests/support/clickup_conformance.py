"""Real ids for the ClickUp conformance test: a generated id names nothing, so path and
query ids are replaced by ones of the seeded workspace (the rest is in
:mod:`tests.support.conformance`)."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.clickup import ClickUpEmulator


def real_query_values(emulator: ClickUpEmulator, generated: dict[str, Any]) -> dict[str, Any]:
    """``generated`` query parameters with ids (``team_id``, ``task_ids``) made real."""
    tree = emulator.data.tree
    task = emulator.data.list_tasks(tree.lists[0]).tasks[0]
    field = tree.lists[0].fields[0]
    real = {
        "team_id": tree.team_id,
        "task_ids": task.id,
        # documented as free strings; only a JSON filter is a valid one
        "custom_fields": f'[{{"field_id": "{field.id}", "operator": "IS NOT NULL"}}]',
        "custom_field": f'{{"field_id": "{field.id}", "operator": "IS NULL"}}',
    }
    out = {name: real.get(name, value) for name, value in generated.items()}
    if "page" in out:  # documented as any integer; pages count from 0
        out["page"] = abs(int(out["page"])) % 5
    return out


def real_path_values(emulator: ClickUpEmulator, generated: dict[str, Any]) -> dict[str, Any]:
    """``generated`` path parameters replaced by real ids of the seeded workspace."""
    tree = emulator.data.tree
    space = next(s for s in tree.spaces if not s.archived and s.folders)
    folder = space.folders[0]
    task_list = folder.lists[0]
    task = emulator.data.list_tasks(task_list).tasks[0]
    commented = next(t for t in emulator.data.list_tasks(task_list).tasks if t.comments)
    real = {
        "team_id": tree.team_id,
        "team_Id": tree.team_id,
        "space_id": space.id,
        "folder_id": folder.id,
        "list_id": task_list.id,
        "task_id": task.id,
        "goal_id": tree.goals[0]["id"],
        "user_id": str(tree.users[0].id),
        "timer_id": tree.time_entries[0].id,
        "comment_id": commented.comments[0].id,
        "view_id": "3c-1",
    }
    return {name: real.get(name, value) for name, value in generated.items()}
