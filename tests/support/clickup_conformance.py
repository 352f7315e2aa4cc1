"""What the ClickUp conformance test and script share: the schemathesis schema of the
operations the emulator serves, and real ids for their path parameters."""

from __future__ import annotations

import os
import re
from typing import Any

import schemathesis
from schemathesis.checks import content_type_conformance, not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.services.clickup import ClickUpEmulator
from tests.support.clickup_reference import patched_document

#: Examples per operation: a few in the suite; ``scripts/conformance_clickup.py`` asks more.
EXAMPLES_PER_OPERATION = int(os.environ.get("BRAINHUB_CONFORMANCE_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def conformance_schema(emulator: ClickUpEmulator, examples: int) -> Any:
    """The patched document as a schemathesis schema, limited to served GET operations."""
    served = coverage("clickup", type(emulator)).served
    paths = {key.split(" ", 1)[1] for key in served}
    document = patched_document()
    document["paths"] = {
        path: {
            "get": item["get"],
            **({"parameters": item["parameters"]} if "parameters" in item else {}),
        }
        for path, item in document["paths"].items()
        if path.startswith("/v2")
        and _normalised(path[3:]) in {_normalised(p) for p in paths}
        and "get" in item
    }
    schema = schemathesis.openapi.from_dict(document)
    schema.config.generation.update(
        modes=["positive"],
        max_examples=examples,
        deterministic=True,
        allow_extra_parameters=False,
        with_security_parameters=False,
    )
    return schema


def _normalised(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


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
