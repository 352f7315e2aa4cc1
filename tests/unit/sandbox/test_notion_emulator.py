"""The Notion emulator answers like Notion: envelopes, cursors, filters, errors, 429s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FakeClock
from jsonschema import Draft202012Validator
from werkzeug.test import Client

from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.sandbox.services.notion.workspace import BASE, iso

OPENAPI = Path(__file__).resolve().parents[3].parent / "shared/apis/notion/notion-openapi.json"


def client_for(emulator: NotionEmulator) -> tuple[Client, dict[str, str]]:
    headers = {
        "Authorization": f"Bearer {emulator.credentials['api_token']}",
        "Notion-Version": "2022-06-28",
    }
    return Client(emulator), headers


@pytest.fixture
def notion() -> tuple[NotionEmulator, Client, dict[str, str]]:
    emulator = NotionEmulator(size="tiny", generation=0)
    client, headers = client_for(emulator)
    return emulator, client, headers


def without_request_id(body: dict[str, Any]) -> dict[str, Any]:
    assert body.pop("request_id")
    return body


def test_users_page_with_cursors_until_has_more_is_false(notion: Any) -> None:
    emulator, client, headers = notion
    seen, cursor, pages = [], None, 0
    while True:
        query = {"page_size": "3", **({"start_cursor": cursor} if cursor else {})}
        body = client.get("/v1/users", query_string=query, headers=headers).json
        assert body["object"] == "list"
        assert body["type"] == "user"
        assert body["user"] == {}
        seen += [user["id"] for user in body["results"]]
        pages += 1
        if not body["has_more"]:
            assert body["next_cursor"] is None
            break
        cursor = body["next_cursor"]
        assert cursor == emulator.workspace.users[len(seen)]["id"], "cursor = next result's id"
    assert pages == 2
    assert seen == [user["id"] for user in emulator.workspace.users]


def test_search_for_databases_skips_trashed_ones(notion: Any) -> None:
    emulator, client, headers = notion
    body = {"filter": {"property": "object", "value": "database"}}
    found = client.post("/v1/search", json=body, headers=headers).json["results"]
    assert {d["object"] for d in found} == {"database"}
    assert len(found) == emulator.counts()["databases"] == 2
    assert all(not d["archived"] for d in found)
    stamps = [d["last_edited_time"] for d in found]
    assert stamps == sorted(stamps, reverse=True), "newest edit first by default"


def test_search_rejects_an_unknown_object_filter(notion: Any) -> None:
    _, client, headers = notion
    bad = {"filter": {"property": "object", "value": "data_source"}}
    response = client.post("/v1/search", json=bad, headers=headers)
    assert response.status_code == 400
    assert without_request_id(response.json) == {
        "object": "error",
        "status": 400,
        "code": "validation_error",
        "message": 'body failed validation: body.filter.value should be `"page"` or '
        '`"database"`, instead was `"data_source"`.',
    }


def query(client: Client, headers: dict[str, str], database_id: str, **body: Any) -> Any:
    return client.post(f"/v1/databases/{database_id}/query", json=body, headers=headers)


def test_query_filters_on_last_edited_time_and_pages_with_a_body_cursor(notion: Any) -> None:
    emulator, client, headers = notion
    database = emulator.workspace.live_databases()[0]
    live = [p for p in database.pages if not p["archived"]]
    stamps = sorted(p["last_edited_time"] for p in live)
    bound = stamps[1]
    body: dict[str, Any] = {
        "filter": {"timestamp": "last_edited_time", "last_edited_time": {"on_or_after": bound}},
        "sorts": [{"timestamp": "last_edited_time", "direction": "ascending"}],
        "page_size": 2,
    }
    got: list[str] = []
    while True:
        answer = query(client, headers, database.id, **body).json
        assert answer["type"] == "page_or_database"
        got += [p["last_edited_time"] for p in answer["results"]]
        if not answer["has_more"]:
            break
        body["start_cursor"] = answer["next_cursor"]
    assert got == [s for s in stamps if s >= bound], "on_or_after includes the bound"
    assert len(got) == len(live) - 1


def test_query_without_filter_hides_trashed_pages_and_sorts_newest_created_first(
    notion: Any,
) -> None:
    emulator, client, headers = notion
    database = emulator.workspace.live_databases()[0]
    results = query(client, headers, database.id).json["results"]
    assert len(results) == len([p for p in database.pages if not p["archived"]]) == 5
    created = [p["created_time"] for p in results]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"page_size": 101},
            "body failed validation: body.page_size should be ≤ `100`, instead was `101`.",
        ),
        ({"start_cursor": "nope"}, "start_cursor provided is invalid: nope"),
        (
            {"sorts": [{"property": "Colour", "direction": "ascending"}]},
            "Could not find sort property with name or id: Colour",
        ),
    ],
)
def test_query_validation_errors(notion: Any, body: dict[str, Any], message: str) -> None:
    emulator, client, headers = notion
    database = emulator.workspace.live_databases()[0]
    response = query(client, headers, database.id, **body)
    assert response.status_code == 400
    assert without_request_id(response.json) == {
        "object": "error",
        "status": 400,
        "code": "validation_error",
        "message": message,
    }


def test_toggles_have_children_one_level_deep(notion: Any) -> None:
    emulator, client, headers = notion
    toggles = [
        block
        for page in emulator.workspace.live_pages()
        for block in emulator.workspace.blocks[page["id"]]
        if block["has_children"]
    ]
    assert toggles, "the tiny dataset nests some blocks"
    assert {t["type"] for t in toggles} == {"toggle"}
    answer = client.get(f"/v1/blocks/{toggles[0]['id']}/children", headers=headers).json
    assert [c["parent"] for c in answer["results"]] == [
        {"type": "block_id", "block_id": toggles[0]["id"]}
    ] * 2
    assert not any(c["has_children"] for c in answer["results"])
    assert emulator.counts()["block_children"] == 2 * len(toggles)


def test_trashed_and_unknown_objects_are_not_found(notion: Any) -> None:
    emulator, client, headers = notion
    trashed = next(db for db in emulator.workspace.databases if not db.live)
    response = query(client, headers, trashed.id)
    assert response.status_code == 404
    assert response.json["code"] == "object_not_found"
    assert response.json["message"] == (
        f"Could not find database with ID: {trashed.id}. Make sure the relevant pages and "
        "databases are shared with your integration."
    )
    bad = client.get("/v1/blocks/not-a-uuid/children", headers=headers)
    assert bad.status_code == 400
    assert bad.json["message"] == (
        'path failed validation: path.block_id should be a valid uuid, instead was `"not-a-uuid"`.'
    )


def test_unknown_routes_are_invalid_request_urls(notion: Any) -> None:
    _, client, headers = notion
    response = client.get("/v1/comment", headers=headers)
    assert response.status_code == 400
    assert without_request_id(response.json) == {
        "object": "error",
        "status": 400,
        "code": "invalid_request_url",
        "message": "Invalid request URL.",
    }


@pytest.mark.parametrize(
    ("headers", "status", "code", "message"),
    [
        ({"Notion-Version": "2022-06-28"}, 401, "unauthorized", "API token is invalid."),
        (
            {"Notion-Version": "2022-06-28", "Authorization": "Bearer secret_wrong"},
            401,
            "unauthorized",
            "API token is invalid.",
        ),
        (
            {"Authorization": "Bearer {token}"},
            400,
            "missing_version",
            "Notion-Version header failed validation: Notion-Version header should be "
            "defined, instead was `undefined`.",
        ),
    ],
)
def test_auth_and_version_failures_have_notions_bodies(
    notion: Any, headers: dict[str, str], status: int, code: str, message: str
) -> None:
    emulator, client, _ = notion
    token = emulator.credentials["api_token"]
    headers = {k: v.replace("{token}", token) for k, v in headers.items()}
    response = client.get("/v1/users", headers=headers)
    assert response.status_code == status
    assert without_request_id(response.json) == {
        "object": "error",
        "status": status,
        "code": code,
        "message": message,
    }


def test_over_the_limit_answers_429_rate_limited_with_retry_after() -> None:
    clock = FakeClock()
    emulator = NotionEmulator(size="tiny", generation=0, rate_limit=2, clock=clock)
    client, headers = client_for(emulator)
    assert [client.get("/v1/users", headers=headers).status_code for _ in range(2)] == [200, 200]
    throttled = client.get("/v1/users", headers=headers)
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "30"
    assert without_request_id(throttled.json) == {
        "object": "error",
        "status": 429,
        "code": "rate_limited",
        "message": "You have been rate limited. Please try again in a few minutes.",
    }
    clock.now += 30
    assert client.get("/v1/users", headers=headers).status_code == 200


def test_injected_server_errors_are_notion_error_objects() -> None:
    emulator = NotionEmulator(size="tiny", generation=0, fault_rate=1.0, faults="503")
    client, headers = client_for(emulator)
    response = client.get("/v1/users", headers=headers)
    assert response.status_code == 503
    assert response.json["code"] == "service_unavailable"


def test_data_is_a_function_of_seed_size_and_generation() -> None:
    one, again = (
        NotionEmulator(size="tiny", generation=1),
        NotionEmulator(size="tiny", generation=1),
    )
    assert one.workspace == again.workspace
    other = NotionEmulator(size="tiny", generation=1, seed=2)
    assert other.workspace.users != one.workspace.users


def test_a_generation_edits_and_creates_pages_after_the_base_time() -> None:
    before = NotionEmulator(size="tiny", generation=0)
    after = NotionEmulator(size="tiny", generation=1)
    changes = after.changes(0)
    assert (changes["pages_updated"], changes["pages_created"]) == (2, 2)
    assert changes["pages_deleted"] == 1
    assert after.counts()["pages"] == before.counts()["pages"] + 2 - 1
    new_pages = [
        p
        for p in after.workspace.live_pages()
        if p["id"] not in {q["id"] for q in before.workspace.live_pages()}
    ]
    new_blocks = sum(len(after.workspace.blocks[p["id"]]) for p in new_pages)
    assert new_blocks >= 2 * 3
    assert after.counts()["blocks"] == (
        before.counts()["blocks"] + 2 + new_blocks - changes["blocks_deleted"]
    )
    old = {p["id"]: p for p in before.workspace.live_pages()}
    base = iso(BASE)
    changed = [p for p in after.workspace.live_pages() if p["last_edited_time"] > base]
    assert len(changed) == 4
    assert sum(p["id"] in old for p in changed) == 2, "two edited, two new"
    unchanged = [p for p in after.workspace.live_pages() if p["last_edited_time"] <= base]
    assert all(old[p["id"]] == p for p in unchanged)
    assert all(p["last_edited_time"].endswith(":00.000Z") for p in changed), "minute precision"


@pytest.mark.skipif(not OPENAPI.is_file(), reason="Notion's OpenAPI document is not available")
def test_responses_validate_against_notions_published_schemas(notion: Any) -> None:
    emulator, client, headers = notion
    paths = json.loads(OPENAPI.read_text())["paths"]

    def check(path: str, method: str, status: str, body: Any) -> None:
        schema = paths[path][method]["responses"][status]["content"]["application/json"]
        errors = list(Draft202012Validator(schema["schema"]).iter_errors(body))
        assert not errors, f"{method} {path} {status}: {errors[0].message}"

    page = emulator.workspace.live_pages()[0]
    check("/v1/users", "get", "200", client.get("/v1/users", headers=headers).json)
    check("/v1/search", "post", "200", client.post("/v1/search", json={}, headers=headers).json)
    children = client.get(f"/v1/blocks/{page['id']}/children", headers=headers)
    check("/v1/blocks/{block_id}/children", "get", "200", children.json)
    check(
        "/v1/pages/{page_id}",
        "get",
        "200",
        client.get(f"/v1/pages/{page['id']}", headers=headers).json,
    )
    bad = client.post("/v1/search", json={"page_size": 0}, headers=headers)
    assert bad.status_code == 400
    check("/v1/search", "post", "400", bad.json)
    assert isinstance(bad.json["code"], str)
    assert isinstance(bad.json["status"], int)


def test_a_generation_trashes_a_page_and_a_member_leaves() -> None:
    before = NotionEmulator(size="tiny", generation=0)
    after = NotionEmulator(size="tiny", generation=1)
    changes = after.changes(0)
    live_before = {p["id"] for p in before.workspace.live_pages()}
    live_after = {p["id"] for p in after.workspace.live_pages()}
    (trashed,) = live_before - live_after
    page = next(p for db in after.workspace.databases for p in db.pages if p["id"] == trashed)
    assert page["archived"] is page["in_trash"] is True
    assert page["last_edited_time"] > iso(BASE)
    client, headers = client_for(after)
    old_client, old_headers = client_for(before)
    assert old_client.get(f"/v1/pages/{trashed}", headers=old_headers).status_code == 200
    for path in (f"/v1/pages/{trashed}", f"/v1/blocks/{trashed}/children"):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.json["code"] == "object_not_found"
    database = page["parent"]["database_id"]
    queried = client.post(f"/v1/databases/{database}/query", json={}, headers=headers).json
    assert trashed not in {p["id"] for p in queried["results"]}
    users_before = {u["id"] for u in before.workspace.users}
    users_after = {u["id"] for u in client.get("/v1/users", headers=headers).json["results"]}
    (departed,) = users_before - users_after
    assert changes["users_deleted"] == 1
    assert client.get(f"/v1/users/{departed}", headers=headers).status_code == 404
    assert changes["pages_deleted"] == 1
    assert changes["blocks_deleted"] == len(before._live_blocks(trashed))
