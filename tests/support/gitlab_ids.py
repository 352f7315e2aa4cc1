"""Real ids of the seeded GitLab instance for the path parameters of GitLab's documented
templates, so a generated or sampled request names objects that exist."""

from __future__ import annotations

import re
from typing import Any

from brainhub.sandbox.services.gitlab import GitLabEmulator

_PARAMETER = re.compile(r"\{([^{}/]+)\}")


def real_path_values(emulator: GitLabEmulator, template: str) -> dict[str, str]:
    """A seeded object's id for every ``{parameter}`` of ``template`` (an emulator path,
    without ``/api/v4``); parameters of objects the store does not model take ``1``."""
    data = emulator.data
    project = data.projects[0]
    issue = project.issues[0]
    merge_request = project.merge_requests[0]
    owner = template.split("/")[1]
    ids: dict[str, Any] = {
        "id": {
            "projects": project.id,
            "groups": data.group()["id"],
            "users": data.users[0]["id"],
        }.get(owner, 1),
        "issue_iid": issue["iid"],
        "merge_request_iid": merge_request["iid"],
        "eventable_id": merge_request["iid"] if "/merge_requests/" in template else issue["iid"],
        "user_id": data.users[0]["id"],
        "pipeline_id": project.pipelines[0]["id"],
        "sha": project.commits[-1]["id"],
        "tag_name": project.releases[-1]["tag_name"],
        "branch": "main",
        "milestone_id": project.milestones[0]["id"],
        "file_path": "README.md",
        "ref": "main",
        "name": "main",
    }
    if template.endswith(("/blobs/{sha}", "/blobs/{sha}/raw")):
        ids["sha"] = data.files(project).file("README.md").sha  # type: ignore[union-attr]
    return {name: str(ids.get(name, 1)) for name in _PARAMETER.findall(template)}


def real_path(emulator: GitLabEmulator, template: str) -> str:
    """``template`` with every parameter replaced by a seeded object's id."""
    values = real_path_values(emulator, template)
    return _PARAMETER.sub(lambda match: values[match.group(1)], template)
