"""The emulator's REST objects have every key GitLab's recorded responses have.

The recorded answers (``../shared/apis/gitlab/fixtures``, real responses from gitlab.com
kept as test data by GitLab's Go client) are a merge-request list and one merge request, a
branch list and one commit. The emulator's answer for the same request must have the same
keys, recursively through nested objects and the first array item. It may have more keys
(GitLab has added fields since the recordings).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.gitlab import GitLabEmulator

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared/apis/gitlab/fixtures"
pytestmark = pytest.mark.skipif(
    not FIXTURES.exists(), reason="GitLab's recorded responses are kept outside the repository"
)


def _missing(recorded: Any, served: Any, path: str = "") -> list[str]:
    """Dotted paths of keys ``recorded`` has and ``served`` lacks."""
    if isinstance(recorded, list) and recorded and isinstance(served, list) and served:
        return _missing(recorded[0], served[0], f"{path}[0]")
    if not isinstance(recorded, dict) or not isinstance(served, dict):
        return []
    gaps = []
    for key, value in recorded.items():
        where = f"{path}.{key}" if path else key
        if key not in served:
            gaps.append(where)
        elif served[key] is not None:
            gaps += _missing(value, served[key], where)
    return gaps


@pytest.mark.parametrize(
    ("fixture", "path"),
    [
        ("get_merge_requests.json", "/projects/{project}/merge_requests"),
        ("get_merge_request.json", "/projects/{project}/merge_requests/1"),
        ("list_branches.json", "/projects/{project}/repository/branches"),
        ("get_commit.json", "/projects/{project}/repository/commits/{sha}"),
    ],
)
def test_served_objects_have_every_recorded_key(fixture: str, path: str) -> None:
    emulator = GitLabEmulator(size="demo", seed=1, generation=0)
    project = emulator.data.projects[0]
    url = "/api/v4" + path.format(project=project.id, sha=project.commits[0]["id"])
    answer = Client(emulator).get(url, headers={"PRIVATE-TOKEN": emulator.credentials["api_token"]})
    assert answer.status_code == 200
    recorded = json.loads((FIXTURES / fixture).read_text(encoding="utf-8"))
    assert _missing(recorded, answer.get_json()) == []
