"""Notion writes (pages created and updated, block children appended, comments) through
plain ``requests`` and ``notion-client`` against a served emulator, read back through its
reads; writes outlive the process (the change journal), ``reset`` forgets them, a query on
``last_edited_time`` picks them up, and bad bodies get Notion's ``validation_error``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from notion_client import Client

from brainhub.cli import main
from brainhub.redaction import hidden
from brainhub.sandbox import serve, state
from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.sandbox.services.notion.render import data_source_id
from brainhub.sandbox.services.notion.workspace import Database
from tests.support.sandbox_process import serve_in_process

VERSION = "2022-06-28"


class Api:
    """``requests`` against one served Notion emulator (Bearer token, Notion-Version)."""

    def __init__(self, base_url: str, token: str, version: str = VERSION) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}", "Notion-Version": version}

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        return requests.request(
            method, self.base_url + path, headers=self.headers, json=body, params=params, timeout=10
        )


def _emulator(state_dir: Path, **options: Any) -> NotionEmulator:
    return NotionEmulator(size="tiny", state_dir=state_dir, rate_limit=100_000, **options)


@contextmanager
def served(state_dir: Path, **options: Any) -> Iterator[tuple[NotionEmulator, Api]]:
    emulator = _emulator(state_dir, **options)
    with serve(emulator) as running:
        yield emulator, Api(running.base_url, running.credentials["api_token"])


@contextmanager
def serve_process(state_dir: Path) -> Iterator[Api]:
    """``brainhub sandbox serve notion --size tiny`` in its own process on ``state_dir``."""
    with serve_in_process("notion", state_dir) as info:
        yield Api(info["base_url"], info["credentials"]["api_token"])


def _database(emulator: NotionEmulator) -> Database:
    return emulator.workspace.live_databases()[0]


def _text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def _live_page(emulator: NotionEmulator) -> dict[str, Any]:
    return emulator.workspace.live_pages()[0]


# --------------------------------------------------------------------------- each write


def test_create_page_in_a_database_with_every_property_type_reads_back(tmp_path):
    with served(tmp_path) as (emulator, api):
        database = _database(emulator)
        person = next(u for u in emulator.workspace.users if u["type"] == "person")
        done = database.json["properties"]["Status"]["select"]["options"][2]
        before = emulator.counts()
        body = {
            "parent": {"database_id": database.id},
            "properties": {
                "Name": {"title": _text("Launch post")},
                "Status": {"select": {"name": done["name"]}},
                "Owner": {"people": [{"id": person["id"]}]},
                "Due": {"date": {"start": "2027-01-15"}},
                "p%3At": {"number": 8},
            },
            "children": [{"paragraph": {"rich_text": _text("First draft")}}],
        }
        created = api("POST", "/pages", body)
        assert created.status_code == 200, created.text
        page = created.json()
        props = page["properties"]
        assert props["Name"]["title"][0]["plain_text"] == "Launch post"
        assert props["Status"]["select"] == done
        assert props["Owner"]["people"] == [{"object": "user", "id": person["id"]}]
        assert props["Due"]["date"] == {"start": "2027-01-15", "end": None, "time_zone": None}
        assert props["Points"]["number"] == 8
        assert page["parent"] == {"type": "database_id", "database_id": database.id}
        assert api("GET", f"/pages/{page['id']}").json() == page
        blocks = api("GET", f"/blocks/{page['id']}/children").json()["results"]
        assert [b["paragraph"]["rich_text"][0]["plain_text"] for b in blocks] == ["First draft"]
        assert emulator.counts() == {
            **before,
            "pages": before["pages"] + 1,
            "blocks": before["blocks"] + 1,
        }


def test_a_data_source_parent_and_a_new_select_option(tmp_path):
    with served(tmp_path) as (emulator, api):
        database = _database(emulator)
        newer = Api(api.base_url, emulator.credentials["api_token"], "2025-09-03")
        body = {
            "parent": {"data_source_id": data_source_id(database.id)},
            "properties": {"Name": {"title": _text("New")}, "Status": {"select": {"name": "Q3"}}},
        }
        page = newer("POST", "/pages", body).json()
        assert page["parent"]["data_source_id"] == data_source_id(database.id)
        names = [
            o["name"]
            for o in api("GET", f"/databases/{database.id}").json()["properties"]["Status"][
                "select"
            ]["options"]
        ]
        assert names[-1] == "Q3"
        assert page["properties"]["Status"]["select"]["name"] == "Q3"


def test_update_properties_and_trash_and_restore_a_page(tmp_path):
    with served(tmp_path) as (emulator, api):
        page = _live_page(emulator)
        updated = api("PATCH", f"/pages/{page['id']}", {"properties": {"Points": {"number": 13}}})
        assert updated.status_code == 200, updated.text
        assert updated.json()["properties"]["Points"]["number"] == 13
        assert updated.json()["last_edited_time"] > page["created_time"]
        assert api("GET", f"/pages/{page['id']}").json() == updated.json()
        trashed = api("PATCH", f"/pages/{page['id']}", {"in_trash": True}).json()
        assert (trashed["archived"], trashed["in_trash"]) == (True, True)
        assert api("GET", f"/pages/{page['id']}").status_code == 404
        refused = api("PATCH", f"/pages/{page['id']}", {"properties": {"Points": {"number": 1}}})
        assert refused.status_code == 400
        assert refused.json()["message"] == (
            "Can't edit block that is archived. You must unarchive the block before editing."
        )
        restored = api("PATCH", f"/pages/{page['id']}", {"archived": False}).json()
        assert restored["in_trash"] is False
        assert api("GET", f"/pages/{page['id']}").status_code == 200


def test_block_children_are_appended_to_pages_and_blocks(tmp_path):
    with served(tmp_path) as (emulator, api):
        page = _live_page(emulator)
        children = [
            {"type": "heading_2", "heading_2": {"rich_text": _text("Plan")}},
            {"type": "to_do", "to_do": {"rich_text": _text("Write"), "checked": True}},
            {"type": "divider", "divider": {}},
        ]
        appended = api("PATCH", f"/blocks/{page['id']}/children", {"children": children})
        assert appended.status_code == 200, appended.text
        results = appended.json()["results"]
        assert [b["type"] for b in results] == ["heading_2", "to_do", "divider"]
        assert results[1]["to_do"]["checked"] is True
        listed = api("GET", f"/blocks/{page['id']}/children").json()["results"]
        assert [b["id"] for b in listed[-3:]] == [b["id"] for b in results]
        nested = {"children": [{"paragraph": {"rich_text": _text("Inside")}}]}
        inner = api("PATCH", f"/blocks/{results[0]['id']}/children", nested).json()["results"]
        assert api("GET", f"/blocks/{results[0]['id']}").json()["has_children"] is True
        below = api("GET", f"/blocks/{results[0]['id']}/children").json()["results"]
        assert [b["id"] for b in below] == [inner[0]["id"]]
        assert inner[0]["parent"] == {"type": "block_id", "block_id": results[0]["id"]}


def test_comments_are_created_on_pages_and_in_discussions(tmp_path):
    with served(tmp_path) as (emulator, api):
        page = _live_page(emulator)
        body = {"parent": {"page_id": page["id"]}, "rich_text": _text("Looks good")}
        comment = api("POST", "/comments", body)
        assert comment.status_code == 200, comment.text
        made = comment.json()
        assert made["rich_text"][0]["plain_text"] == "Looks good"
        reply = api("POST", "/comments", {"discussion_id": made["discussion_id"],
                                          "rich_text": _text("Thanks")}).json()  # fmt: skip
        assert reply["discussion_id"] == made["discussion_id"]
        listed = api("GET", "/comments", block_id=page["id"]).json()["results"]
        assert [c["id"] for c in listed[-2:]] == [made["id"], reply["id"]]


def test_notion_client_creates_a_page_appends_and_comments(tmp_path):
    with served(tmp_path) as (emulator, api):
        client = Client(auth=emulator.credentials["api_token"], base_url=api.base_url[:-3])
        database = _database(emulator)
        page = client.pages.create(
            parent={"data_source_id": data_source_id(database.id)},
            properties={"Name": {"title": _text("From the SDK")}},
        )
        client.blocks.children.append(
            page["id"], children=[{"paragraph": {"rich_text": _text("x")}}]
        )
        client.comments.create(parent={"page_id": page["id"]}, rich_text=_text("Hi"))
        client.pages.update(page["id"], properties={"Points": {"number": 2}})
        fetched = client.pages.retrieve(page["id"])
        assert fetched["properties"]["Points"]["number"] == 2
        assert len(client.blocks.children.list(page["id"])["results"]) == 1
        assert (
            client.comments.list(block_id=page["id"])["results"][-1]["rich_text"][0]["plain_text"]
            == "Hi"
        )


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        ({"parent": {"database_id": "{database}"}, "properties": {"Sprint": {"number": 1}}},
         400, "validation_error", "Sprint is not a property that exists."),
        ({"parent": {"database_id": "{database}"}, "properties": {"Points": {"number": "five"}}},
         400, "validation_error",
         'body failed validation: body.properties.Points.number should be a number or `null`, '
         'instead was `"five"`.'),
        ({"parent": {"database_id": "{database}"}, "properties": {"Status": {"select": "Done"}}},
         400, "validation_error",
         'body failed validation: body.properties.Status.select should be an object or `null`, '
         'instead was `"Done"`.'),
        ({"parent": {"database_id": "{database}"},
          "properties": {"Due": {"date": {"start": "soon"}}}},
         400, "validation_error",
         'body failed validation: body.properties.Due.date.start should be a valid ISO 8601 '
         'date string, instead was `"soon"`.'),
        ({"parent": {"database_id": "{database}"}, "properties": {"Name": {"rich_text": []}}},
         400, "validation_error",
         "body failed validation: body.properties.Name.title should be defined, instead was "
         "`undefined`."),
        ({"parent": {"database_id": "not-a-uuid"}}, 400, "validation_error",
         'body failed validation: body.parent.database_id should be a valid uuid, instead was '
         '`"not-a-uuid"`.'),
        ({"properties": {}}, 400, "validation_error",
         "body failed validation: body.parent should be an object, instead was `undefined`."),
        ({"parent": {"database_id": "00000000-0000-4000-8000-000000000000"}}, 404,
         "object_not_found",
         "Could not find database with ID: 00000000-0000-4000-8000-000000000000. Make sure "
         "the relevant pages and databases are shared with your integration."),
        ({"parent": {"database_id": "{database}"},
          "children": [{"paragraph": {"rich_text": _text("x")}}] * 101},
         400, "validation_error",
         "body failed validation: body.children.length should be ≤ `100`, instead was `101`."),
    ],
)  # fmt: skip
def test_bad_pages_get_notions_validation_errors(tmp_path, body, status, code, message):
    with served(tmp_path) as (emulator, api):
        database = _database(emulator).id
        sent = json.loads(json.dumps(body).replace("{database}", database))
        before = emulator.counts()
        answer = api("POST", "/pages", sent)
        assert answer.status_code == status
        got = answer.json()
        assert (got["object"], got["status"], got["code"], got["message"]) == (
            "error",
            status,
            code,
            message,
        )
        assert emulator.counts() == before
    assert not state.changes_file("notion", tmp_path).exists()


def test_bad_block_children_and_comments_are_refused(tmp_path):
    with served(tmp_path) as (emulator, api):
        page = _live_page(emulator)["id"]
        wrong = api("PATCH", f"/blocks/{page}/children", {"children": [{"type": "poem"}]}).json()
        assert wrong["code"] == "validation_error"
        assert wrong["message"].startswith("body failed validation: body.children[0].type ")
        empty = api("POST", "/comments", {"parent": {"page_id": page}, "rich_text": []}).json()
        assert empty["message"] == (
            "body failed validation: body.rich_text should be a non-empty array, instead was `[]`."
        )
        missing = "00000000-0000-4000-8000-000000000000"
        gone = api("PATCH", f"/blocks/{missing}/children", {"children": []})
        assert (gone.status_code, gone.json()["code"]) == (404, "object_not_found")
    assert not state.changes_file("notion", tmp_path).exists()


def test_writes_count_against_the_rate_limit_and_are_logged_with_secrets_hidden(tmp_path):
    emulator = NotionEmulator(size="tiny", state_dir=tmp_path, rate_limit=2)
    with serve(emulator) as running:
        token = running.credentials["api_token"]
        api = Api(running.base_url, token)
        page = _live_page(emulator)["id"]
        body = {"parent": {"page_id": page}, "rich_text": _text(f"t {token}")}
        assert [api("POST", "/comments", body).status_code for _ in range(3)] == [200, 200, 429]
        logged = emulator.request_log[0]
        assert logged.body["rich_text"][0]["text"]["content"] == "t <redacted>"
        assert logged.headers["Authorization"] == f"Bearer {hidden(token)}"
        assert token not in json.dumps(logged.as_dict())


# --------------------------------------------------------------------------- persistence


def test_writes_persist_across_processes_are_queried_by_edit_time_and_reset(tmp_path, monkeypatch):
    state_dir = tmp_path / "sandbox"
    monkeypatch.setenv(state.STATE_DIR_ENV, str(state_dir))
    database = _database(_emulator(state_dir)).id
    newest = max(p["last_edited_time"] for p in _database(_emulator(state_dir)).pages)
    body = {"parent": {"database_id": database}, "properties": {"Name": {"title": _text("One")}}}
    with serve_process(state_dir) as first, serve_process(state_dir) as second:
        page = first("POST", "/pages", body).json()
        # the other, already running process catches up with the journal
        assert second("GET", f"/pages/{page['id']}").status_code == 200
        edit = {"properties": {"Name": {"title": _text("Renamed")}}}
        assert second("PATCH", f"/pages/{page['id']}", edit).status_code == 200
        title = first("GET", f"/pages/{page['id']}").json()["properties"]["Name"]["title"]
        assert title[0]["plain_text"] == "Renamed"
    with serve_process(state_dir) as third:  # a new process replays the journal
        query = {"filter": {"timestamp": "last_edited_time",
                            "last_edited_time": {"after": newest}}}  # fmt: skip
        changed = third("POST", f"/databases/{database}/query", query).json()["results"]
        assert [p["id"] for p in changed] == [page["id"]]
    lines = state.changes_file("notion", state_dir).read_text().splitlines()
    assert [(json.loads(x)["op"], json.loads(x)["object"]) for x in lines] == [
        ("create", "page"),
        ("update", "page"),
    ]
    seeded = NotionEmulator(size="tiny", generation=0).counts()
    counted = CliRunner().invoke(main, ["sandbox", "counts", "notion", "--size", "tiny"])
    assert counted.exit_code == 0, counted.output
    assert json.loads(counted.output)["pages"] == seeded["pages"] + 1
    result = CliRunner().invoke(main, ["sandbox", "reset", "notion"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes_cleared"] == 2
    assert _emulator(state_dir).counts() == seeded
