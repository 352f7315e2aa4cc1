"""Real ids for the Asana conformance test: a generated gid names nothing, so path and
query ids are replaced by ones of the seeded organization (the rest is in
:mod:`tests.support.conformance`)."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.asana import AsanaEmulator


def real_ids(emulator: AsanaEmulator) -> dict[str, str]:
    """Ids of live objects of the seeded organization, by parameter name."""
    org = emulator.org
    project = org.projects[0]
    tasks = org.tasks[project["gid"]]
    # a task with subtasks and time entries where there is one, so listings are not empty
    task = max(
        tasks, key=lambda t: (bool(org.subtasks[t["gid"]]), bool(org.time_entries[t["gid"]]))
    )
    tagged = next(t for t in org.all_tasks() if t["tags"])
    return {
        "workspace_gid": org.workspace["gid"],
        "workspace": org.workspace["gid"],
        "user_gid": org.users[1]["gid"],
        "team_gid": org.team["gid"],
        "team": org.team["gid"],
        "project_gid": project["gid"],
        "project": project["gid"],
        "section_gid": org.sections[project["gid"]][0]["gid"],
        "section": org.sections[project["gid"]][0]["gid"],
        "task_gid": task["gid"],
        "task": task["gid"],
        "story_gid": org.stories[task["gid"]][0]["gid"],
        "tag_gid": tagged["tags"][0]["gid"],
        "tag": tagged["tags"][0]["gid"],
        "custom_field_gid": org.custom_fields[0]["gid"],
        "goal_gid": org.goals[0]["gid"],
        "webhook_gid": org.webhooks[0]["gid"],
        "resource": project["gid"],
        "assignee": "me",
    }


def real_values(emulator: AsanaEmulator, generated: dict[str, Any]) -> dict[str, Any]:
    """``generated`` parameters with ids replaced by real ones; a generated ``offset``
    (only a token the API issued is one) and ``sync`` token are dropped, a ``limit`` kept
    in 1 to 100 as documented."""
    real = real_ids(emulator)
    out = {name: real.get(name, value) for name, value in generated.items()}
    out.pop("offset", None)
    if "limit" in out:
        out["limit"] = 1 + abs(int(out["limit"])) % 100
    return out
