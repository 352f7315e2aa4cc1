"""The Asana emulator: opt_fields, offset tokens, task filters, error bodies, 429, generations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.asana import AsanaEmulator
from brainhub.sandbox.services.asana.app import HELP, RATE_LIMITED

OPENAPI = Path(__file__).resolve().parents[3].parent / "shared/apis/asana/asana-subset.openapi.json"


def get(emulator: AsanaEmulator, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {emulator.credentials['access_token']}"}
    response = Client(emulator).get(f"/api/1.0{path}", query_string=params, headers=headers)
    return response.status_code, json.loads(response.get_data())


@pytest.fixture
def asana() -> AsanaEmulator:
    return AsanaEmulator(size="tiny", generation=0)


def first_project(asana: AsanaEmulator) -> dict[str, Any]:
    return asana.org.projects[0]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer 2/1/2:nope"}])
def test_bad_or_missing_tokens_get_401_not_authorized(
    asana: AsanaEmulator, headers: dict[str, str]
) -> None:
    response = Client(asana).get("/api/1.0/workspaces", headers=headers)
    assert response.status_code == 401
    assert json.loads(response.get_data()) == {
        "errors": [{"message": "Not Authorized", "help": HELP}]
    }


def test_unknown_routes_are_404_no_matching_route(asana: AsanaEmulator) -> None:
    assert get(asana, "/portfolios") == (
        404,
        {"errors": [{"message": "No matching route for request", "help": HELP}]},
    )


def test_objects_are_compact_unless_opt_fields_name_fields(asana: AsanaEmulator) -> None:
    gid = first_project(asana)["gid"]
    _, compact = get(asana, "/tasks", project=gid)
    assert set(compact["data"][0]) == {"gid", "name", "resource_type", "resource_subtype"}
    assert "next_page" not in compact, "no limit, no next_page"
    _, chosen = get(asana, "/tasks", project=gid, opt_fields="modified_at,assignee.name,projects")
    task = chosen["data"][1]
    assert set(task) == {"gid", "modified_at", "assignee", "projects"}
    assert task["projects"] == [{"gid": gid, "resource_type": "project"}]
    assert set(task["assignee"]) == {"gid", "name"}


def test_offset_tokens_page_through_a_listing(asana: AsanaEmulator) -> None:
    gid = first_project(asana)["gid"]
    seen, offset = [], None
    while True:
        params = {"project": gid, "limit": 3, **({"offset": offset} if offset else {})}
        status, body = get(asana, "/tasks", **params)
        assert status == 200
        seen += [t["gid"] for t in body["data"]]
        if body["next_page"] is None:
            break
        offset = body["next_page"]["offset"]
        assert body["next_page"]["path"].startswith(f"/tasks?project={gid}&limit=3&offset=")
        assert body["next_page"]["uri"].endswith(body["next_page"]["path"])
    assert seen == [t["gid"] for t in asana.org.tasks[gid]]


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/tasks", {}, 400, "Must specify exactly one of project, tag, section"),
        ("/tasks", {"project": "1", "limit": "500"}, 400, "limit: Not a valid integer"),
        ("/tasks", {"project": "999"}, 404, "project: Unknown object: 999"),
        ("/tasks", {"project": "abc"}, 400, "project: Not a Long: abc"),
        ("/tasks/42/stories", {}, 404, "task: Unknown object: 42"),
        ("/users", {}, 400, "workspace: Missing input"),
        ("/workspaces", {"limit": "2", "offset": "eyJub3BlIjogMX0"}, 400, "offset: Your"),
    ],
)
def test_error_bodies(
    asana: AsanaEmulator, path: str, params: dict[str, str], status: int, message: str
) -> None:
    if params.get("project") == "1":
        params = {**params, "project": first_project(asana)["gid"]}
    got_status, body = get(asana, path, **params)
    assert got_status == status
    assert body["errors"][0]["message"].startswith(message)
    assert body["errors"][0]["help"] == HELP


def test_an_offset_only_works_for_the_listing_that_issued_it(asana: AsanaEmulator) -> None:
    gid = first_project(asana)["gid"]
    _, body = get(asana, "/tasks", project=gid, limit=1)
    offset = body["next_page"]["offset"]
    status, _ = get(asana, f"/projects/{gid}/sections", limit=1, offset=offset)
    assert status == 400


def test_modified_since_is_strict_and_completed_since_now_keeps_open_tasks(
    asana: AsanaEmulator,
) -> None:
    gid = first_project(asana)["gid"]
    tasks = sorted(asana.org.tasks[gid], key=lambda t: t["modified_at"])
    pivot = tasks[1]["modified_at"]
    _, body = get(asana, "/tasks", project=gid, modified_since=pivot)
    assert {t["gid"] for t in body["data"]} == {t["gid"] for t in tasks[2:]}
    _, open_only = get(asana, "/tasks", project=gid, completed_since="now")
    assert {t["gid"] for t in open_only["data"]} == {
        t["gid"] for t in asana.org.tasks[gid] if not t["completed"]
    }
    status, bad = get(asana, "/tasks", project=gid, modified_since="last tuesday")
    assert status == 400
    assert bad["errors"][0]["message"].startswith("modified_since:")


def test_429_with_retry_after_over_the_limit() -> None:
    now = [500.0]
    asana = AsanaEmulator(size="tiny", generation=0, rate_limit=2, clock=lambda: now[0])
    assert get(asana, "/workspaces")[0] == 200
    assert get(asana, "/workspaces")[0] == 200
    headers = {"Authorization": f"Bearer {asana.credentials['access_token']}"}
    response = Client(asana).get("/api/1.0/workspaces", headers=headers)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert json.loads(response.get_data()) == {"errors": [{"message": RATE_LIMITED, "help": HELP}]}
    assert AsanaEmulator.default_rate_limit == 150


def test_server_errors_carry_a_phrase() -> None:
    asana = AsanaEmulator(size="tiny", generation=0, fault_rate=1.0, faults="500")
    status, body = get(asana, "/workspaces")
    assert status == 500
    assert body["errors"][0]["phrase"]


def test_data_is_deterministic_per_seed() -> None:
    one, two = AsanaEmulator(size="tiny", generation=0), AsanaEmulator(size="tiny", generation=0)
    assert one.org == two.org
    assert one.credentials == two.credentials
    assert AsanaEmulator(seed=7, size="tiny", generation=0).org.workspace != one.org.workspace


def test_a_generation_modifies_tasks_after_everything_before() -> None:
    before = AsanaEmulator(size="tiny", generation=0)
    after = AsanaEmulator(size="tiny", generation=1)
    old = {t["gid"]: t for ts in before.org.tasks.values() for t in ts}
    newest = max(t["modified_at"] for t in old.values())
    changed = [t for ts in after.org.tasks.values() for t in ts if old.get(t["gid"]) != t]
    assert changed
    assert all(t["modified_at"] > newest for t in changed), "so modified_since finds them"
    changes = after.changes(0)
    assert changes["tasks"] == len(changed)
    assert changes["users"] == 1
    assert changes["users_deleted"] == 1
    assert changes["stories"] - changes["stories_deleted"] == (
        after.counts()["stories"] - before.counts()["stories"]
    )


def test_a_generation_deletes_a_task_with_its_stories_and_removes_a_user() -> None:
    before = AsanaEmulator(size="tiny", generation=0)
    after = AsanaEmulator(size="tiny", generation=1)
    old = {t["gid"]: p for p, ts in before.org.tasks.items() for t in ts}
    now = {t["gid"] for ts in after.org.tasks.values() for t in ts}
    (deleted,) = set(old) - now
    assert after.changes(0)["tasks_deleted"] == 1
    assert get(before, f"/tasks/{deleted}")[1]["data"]["gid"] == deleted
    missing = {"errors": [{"message": f"task: Unknown object: {deleted}", "help": HELP}]}
    assert get(after, f"/tasks/{deleted}") == (404, missing)
    assert get(after, f"/tasks/{deleted}/stories") == (404, missing)
    _status, listed = get(after, f"/projects/{old[deleted]}/tasks")
    assert deleted not in {t["gid"] for t in listed["data"]}
    workspace = after.org.workspace["gid"]
    users_before = {u["gid"] for u in get(before, f"/workspaces/{workspace}/users")[1]["data"]}
    users_after = {u["gid"] for u in get(after, f"/workspaces/{workspace}/users")[1]["data"]}
    assert len(users_before - users_after) == after.changes(0)["users_deleted"] == 1
    assert after.org.users[0]["gid"] in users_after, "the token's user stays"


# ---- the vendor's published schemas ----------------------------------------------------------


def _asana_schema(name: str) -> dict[str, Any]:
    """A component schema of Asana's OpenAPI 3.0 document as standalone JSON Schema.

    OpenAPI 3.0's ``nullable: true`` (on a schema or on one part of its ``allOf``, as Asana
    writes it) becomes ``anyOf: [null, schema]``.
    """
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))

    def fix(node: Any) -> Any:
        if isinstance(node, list):
            return [fix(item) for item in node]
        if not isinstance(node, dict):
            return node
        parts = [node, *(p for p in node.get("allOf", []) if isinstance(p, dict))]
        nullable = any(part.get("nullable") for part in parts)
        node = {key: fix(value) for key, value in node.items() if key != "nullable"}
        if nullable:  # OpenAPI 3.0: null is allowed besides the schema
            return {"anyOf": [{"type": "null"}, node]}
        return node

    components = fix(document["components"])
    return {"$ref": f"#/components/schemas/{name}", "components": components}


@pytest.mark.skipif(not OPENAPI.is_file(), reason="Asana's OpenAPI document is not available")
@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/workspaces", "WorkspaceResponse"),
        ("/users?workspace={workspace}", "UserResponse"),
        ("/workspaces/{workspace}/projects", "ProjectResponse"),
        ("/projects/{project}/sections", "SectionResponse"),
        ("/tasks?project={project}", "TaskResponse"),
        ("/tasks/{task}/stories", "StoryResponse"),
    ],
)
def test_full_objects_validate_against_asanas_published_schemas(path: str, schema: str) -> None:
    from jsonschema import Draft7Validator

    asana = AsanaEmulator(size="demo", generation=1)
    project = asana.org.projects[0]["gid"]
    ids = {
        "workspace": asana.org.workspace["gid"],
        "project": project,
        "task": asana.org.tasks[project][0]["gid"],
    }
    validator = Draft7Validator(
        _asana_schema(schema), format_checker=Draft7Validator.FORMAT_CHECKER
    )
    full = {}
    if schema in ("TaskResponse", "ProjectResponse", "StoryResponse", "UserResponse"):
        sample = {
            "TaskResponse": asana.org.tasks[project][0],
            "ProjectResponse": asana.org.projects[0],
            "StoryResponse": asana.org.stories[ids["task"]][0],
            "UserResponse": asana.org.users[0],
        }[schema]
        full = {"opt_fields": ",".join(k for k in sample if k != "gid")}
    route, _, query = path.format(**ids).partition("?")
    params = dict(pair.split("=") for pair in query.split("&") if pair)
    status, body = get(asana, route, **params, **full)
    assert status == 200
    assert body["data"]
    for item in body["data"]:
        errors = [e.message for e in validator.iter_errors(item)]
        assert not errors, (item["gid"], errors[:3])
