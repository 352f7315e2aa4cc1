"""Notion's HTTP manners on the wire: content type, the Notion-Version header, error bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox.server import serve
from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.sandbox.services.notion.errors import NOTION_ERRORS

JSON = "application/json; charset=utf-8"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    with serve(NotionEmulator(size="tiny", generation=0, rate_limit=100_000)) as running:
        yield running


@pytest.fixture(scope="module")
def http(served) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {served.credentials['api_token']}"
        session.headers["Notion-Version"] = "2025-09-03"
        yield session


def _error_fields(response: requests.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["Content-Type"] == JSON
    body = response.json()
    assert set(body) == {"object", "status", "code", "message", "request_id"}
    assert body["object"] == "error"
    assert body["status"] == status
    assert body["code"] == code
    assert NOTION_ERRORS[code] == status
    assert body["message"]
    assert len(body["request_id"]) == 36
    return body


def test_json_is_sent_as_notion_sends_it(served, http):
    ok = http.get(f"{served.base_url}/users")
    assert ok.status_code == 200
    assert ok.headers["Content-Type"] == JSON


def test_a_missing_notion_version_is_refused_with_notions_body(served, http):
    answer = http.get(f"{served.base_url}/users", headers={"Notion-Version": None})
    body = _error_fields(answer, 400, "missing_version")
    assert body["message"] == (
        "Notion-Version header failed validation: Notion-Version header should be defined, "
        "instead was `undefined`."
    )


def test_an_unknown_notion_version_is_refused_naming_the_valid_ones(served, http):
    answer = http.get(f"{served.base_url}/users", headers={"Notion-Version": "2019-01-01"})
    body = _error_fields(answer, 400, "validation_error")
    assert "'2019-01-01'" in body["message"]
    assert "2025-09-03" in body["message"]


@pytest.mark.parametrize(
    "path",
    [
        f"/pages/{UNKNOWN}",
        f"/pages/{UNKNOWN}/markdown",
        f"/blocks/{UNKNOWN}",
        f"/blocks/{UNKNOWN}/children",
        f"/databases/{UNKNOWN}",
        f"/data_sources/{UNKNOWN}",
        f"/data_sources/{UNKNOWN}/templates",
        f"/users/{UNKNOWN}",
        f"/comments?block_id={UNKNOWN}",
    ],
)
def test_unknown_objects_are_404_object_not_found(served, http, path):
    body = _error_fields(http.get(served.base_url + path), 404, "object_not_found")
    assert UNKNOWN in body["message"]


def test_malformed_ids_and_parameters_are_400_validation_errors(served, http):
    body = _error_fields(http.get(f"{served.base_url}/pages/nope"), 400, "validation_error")
    assert "path.page_id should be a valid uuid" in body["message"]
    body = _error_fields(http.get(f"{served.base_url}/comments"), 400, "validation_error")
    assert "query.block_id should be defined" in body["message"]
    body = _error_fields(
        http.get(f"{served.base_url}/users", params={"page_size": 101}), 400, "validation_error"
    )
    assert "page_size" in body["message"]


def test_unknown_routes_are_400_invalid_request_url(served, http):
    _error_fields(http.get(f"{served.base_url}/nowhere"), 400, "invalid_request_url")


def test_the_tap_version_still_sees_databases_with_their_schema(served, http):
    old = {"Notion-Version": "2022-06-28"}
    found = http.post(
        f"{served.base_url}/search",
        json={"filter": {"property": "object", "value": "database"}},
        headers=old,
    ).json()["results"]
    assert {item["object"] for item in found} == {"database"}
    database = http.get(f"{served.base_url}/databases/{found[0]['id']}", headers=old).json()
    assert "properties" in database
    assert "data_sources" not in database
    new = http.get(f"{served.base_url}/databases/{found[0]['id']}").json()
    assert "properties" not in new
    assert len(new["data_sources"]) == 1


def test_a_block_without_children_has_an_empty_list_of_them(served, http):
    page = served.emulator.workspace.live_pages()[0]
    leaf = next(b for b in served.emulator.workspace.blocks[page["id"]] if not b["has_children"])
    answer = http.get(f"{served.base_url}/blocks/{leaf['id']}/children")
    assert answer.status_code == 200
    assert answer.json()["results"] == []
    assert answer.json()["has_more"] is False


def test_a_page_read_as_a_block_is_a_child_page(served, http):
    page = served.emulator.workspace.live_pages()[0]
    block = http.get(f"{served.base_url}/blocks/{page['id']}").json()
    assert block["object"] == "block"
    assert block["type"] == "child_page"
    title = page["properties"]["Name"]["title"][0]["plain_text"]
    assert block["child_page"] == {"title": title}
    assert block["has_children"] is True


def test_comments_on_a_page_page_with_cursors_and_blocks_have_none(served, http):
    workspace = served.emulator.workspace
    page = next(p for p in workspace.live_pages() if int(p["id"][-1], 16) % 2 == 0)
    first = http.get(f"{served.base_url}/comments", params={"block_id": page["id"], "page_size": 1})
    assert first.json()["has_more"] is True
    second = http.get(
        f"{served.base_url}/comments",
        params={"block_id": page["id"], "start_cursor": first.json()["next_cursor"]},
    ).json()
    comments = first.json()["results"] + second["results"]
    assert second["has_more"] is False
    assert [c["parent"] for c in comments] == [{"type": "page_id", "page_id": page["id"]}] * 2
    assert len({c["discussion_id"] for c in comments}) == 1
    assert {c["created_by"]["id"] for c in comments} == {page["created_by"]["id"]}
    block = workspace.blocks[page["id"]][0]
    none = http.get(f"{served.base_url}/comments", params={"block_id": block["id"]}).json()
    assert none["results"] == []
    assert none["type"] == "comment"


def test_head_answers_like_get_without_a_body(served, http):
    get = http.get(f"{served.base_url}/users")
    head = http.head(f"{served.base_url}/users")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == JSON
    assert int(head.headers["Content-Length"]) == len(get.content)
