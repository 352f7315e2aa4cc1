"""Asana's HTTP manners on the wire: content type, gzip, HEAD, opt_pretty, deprecation
headers, error bodies and the compact/full/opt_fields representations."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox.server import serve
from brainhub.sandbox.services.asana import AsanaEmulator
from brainhub.sandbox.services.asana.errors import HELP
from tests.support.asana_reference import ABSENT_REASON, DOCUMENT, load_document

JSON = "application/json; charset=UTF-8"
EMULATOR = AsanaEmulator(size="tiny", generation=1, rate_limit=100_000)


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    with serve(EMULATOR) as running:
        yield running


@pytest.fixture(scope="module")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {EMULATOR.credentials['access_token']}"
        yield session


def _error(response: requests.Response, status: int, message: str) -> None:
    assert response.status_code == status
    assert response.headers["Content-Type"] == JSON
    assert response.json() == {"errors": [{"message": message, "help": HELP}]}


def test_json_is_sent_as_asana_sends_it(served, http):
    ok = http.get(f"{served.base_url}/workspaces")
    assert ok.status_code == 200
    assert ok.headers["Content-Type"] == JSON
    assert ok.content == json.dumps(ok.json(), separators=(",", ":")).encode()


def test_gzip_only_when_asked(served, http):
    workspace = EMULATOR.org.workspace["gid"]
    url = f"{served.base_url}/workspaces/{workspace}/custom_fields"  # full records: > 1 KiB
    zipped = http.get(url, headers={"Accept-Encoding": "gzip"}, stream=True)
    assert zipped.headers["Content-Encoding"] == "gzip"
    raw = zipped.raw.read(decode_content=False)
    plain = http.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(raw)) == plain.json()


def test_head_answers_the_headers_of_get_without_a_body(served, http):
    url = f"{served.base_url}/users/me"
    head, get = http.head(url), http.get(url)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == JSON


def test_opt_pretty_indents_the_same_answer(served, http):
    url = f"{served.base_url}/users/me"
    pretty = http.get(url, params={"opt_pretty": "true"})
    assert pretty.headers["Content-Type"] == JSON
    assert pretty.text.startswith('{\n  "data": {')
    assert pretty.json() == http.get(url).json()
    assert http.get(url + "?opt_pretty").text.startswith("{\n")


def test_deprecation_opt_in_and_out_headers_are_accepted(served, http):
    url = f"{served.base_url}/workspaces"
    plain = http.get(url).json()
    for header in ("Asana-Enable", "Asana-Disable"):
        answer = http.get(url, headers={header: "new_user_task_lists,new_goal_memberships"})
        assert answer.status_code == 200
        assert answer.json() == plain


def test_error_bodies_carry_asanas_messages(served, http):
    base = served.base_url
    _error(requests.get(f"{base}/workspaces", timeout=10), 401, "Not Authorized")
    _error(http.get(f"{base}/no/such/route"), 404, "No matching route for request")
    _error(http.post(f"{base}/workspaces"), 404, "No matching route for request")
    _error(http.get(f"{base}/tasks/123"), 404, "task: Unknown object: 123")
    _error(http.get(f"{base}/projects/abc"), 400, "project: Not a Long: abc")
    _error(http.get(f"{base}/webhooks"), 400, "workspace: Missing input")
    _error(
        http.get(f"{base}/workspaces", params={"limit": "0"}),
        400,
        "limit: Not a valid integer between 1 and 100: 0",
    )


def test_a_missing_sync_token_is_a_412_with_a_fresh_one(served, http):
    project = EMULATOR.org.projects[0]["gid"]
    answer = http.get(f"{served.base_url}/events", params={"resource": project})
    assert answer.status_code == 412
    assert answer.headers["Content-Type"] == JSON
    body = answer.json()
    assert body["errors"][0]["message"].startswith("Sync token invalid or too old.")
    synced = http.get(f"{served.base_url}/events", params={"resource": project, **body})
    assert synced.status_code == 200
    assert synced.json() == {"data": [], "sync": body["sync"], "has_more": False}


@pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)
def test_listings_answer_compact_records_and_single_reads_full_ones(served, http):
    schemas = load_document()["components"]["schemas"]

    def documented(name: str) -> set[str]:
        schema = schemas[name]
        parts = schema.get("allOf", [schema])
        keys: set[str] = set()
        for part in parts:
            target = schemas[part["$ref"].rsplit("/", 1)[1]] if "$ref" in part else part
            if "$ref" in part:
                keys |= documented(part["$ref"].rsplit("/", 1)[1])
            keys |= set(target.get("properties", {}))
        return keys

    workspace = EMULATOR.org.workspace["gid"]
    listed = http.get(f"{served.base_url}/workspaces/{workspace}/projects").json()["data"]
    assert {frozenset(p) for p in listed} == {frozenset(documented("ProjectCompact"))}
    project = http.get(f"{served.base_url}/projects/{listed[0]['gid']}").json()["data"]
    assert set(project) == documented("ProjectResponse")
    assert project["workspace"] == {
        "gid": workspace,
        "name": "Acme Corp",
        "resource_type": "workspace",
    }
    task_gid = EMULATOR.org.tasks[listed[0]["gid"]][0]["gid"]
    task = http.get(f"{served.base_url}/tasks/{task_gid}").json()["data"]
    conditional = {"approval_status", "external"}  # sent only when they apply
    assert set(task) == documented("TaskResponse") - conditional


def test_opt_fields_names_exactly_the_fields_dotted_ones_included(served, http):
    project = EMULATOR.org.projects[0]
    params = {"opt_fields": "name,owner.email,custom_field_settings.custom_field.name"}
    answer = http.get(f"{served.base_url}/projects/{project['gid']}", params=params)
    data = answer.json()["data"]
    assert set(data) == {"gid", "name", "owner", "custom_field_settings"}
    owner = next(u for u in EMULATOR.org.users if u["gid"] == project["owner"]["gid"])
    assert data["owner"] == {"gid": owner["gid"], "email": owner["email"]}
    names = {s["custom_field"]["name"] for s in data["custom_field_settings"]}
    assert names == {f["name"] for f in EMULATOR.org.custom_fields}
