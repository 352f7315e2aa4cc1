"""target-notion against the Notion emulator: database pages whose properties are built from
record fields by the database's property types, updated in place and archived in mirror
mode, paragraphs appended to a page and comments posted once, reruns that call nothing,
Notion's validation errors in the rejects table, an interrupted create found by its title,
and secrets and bad settings kept to one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.sandbox.services.notion.workspace import Database
from tests.support.targets import run_target, run_target_process, schema, table_rows

PAGE_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string"},
    "database_id": {"type": "string"},
    "name": {"type": ["string", "null"]},
    "notes": {"type": ["string", "null"]},
    "status": {"type": ["string", "null"]},
    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
    "due": {"type": ["string", "null"]},
    "done": {"type": ["boolean", "null"]},
    "points": {"type": ["number", "null"]},
    "owners": {"type": ["array", "null"], "items": {"type": "string"}},
}
PAGES_SCHEMA = schema("pages", PAGE_PROPERTIES)
TEXT_PROPERTIES = {"key": {"type": "string"}, "page_id": {"type": "string"}, "text": {}}
BLOCKS_SCHEMA = schema("blocks", TEXT_PROPERTIES)
COMMENTS_SCHEMA = schema("comments", TEXT_PROPERTIES)
VERSION = "2022-06-28"
#: Properties the seeded databases lack, of the other types a page template fills.
EXTRA_PROPERTIES = {
    "Notes": {"id": "n%3At", "name": "Notes", "type": "rich_text", "rich_text": {}},
    "Tags": {
        "id": "t%3Ag",
        "name": "Tags",
        "type": "multi_select",
        "multi_select": {"options": []},
    },
    "Done": {"id": "d%3An", "name": "Done", "type": "checkbox", "checkbox": {}},
}


@dataclass
class Notion:
    """A served emulator, one of its databases, and a target config pointing at both."""

    emulator: NotionEmulator
    base_url: str
    token: str
    database: Database
    warehouse: Path

    @property
    def config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_token": self.token,
            "warehouse": str(self.warehouse),
        }

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.method not in ("GET",)]

    def get(self, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "Notion-Version": VERSION}
        return requests.get(self.base_url + path, params=params, headers=headers, timeout=10)

    def remote_id(self, key: str) -> str:
        rows = table_rows(self.warehouse, "SELECT source_key, remote_id FROM writes_notion._id_map")
        return str(dict(rows)[key])

    @property
    def person(self) -> str:
        return str(next(u["id"] for u in self.emulator.workspace.users if u["type"] == "person"))


@pytest.fixture
def notion(tmp_path: Path) -> Iterator[Notion]:
    emulator = NotionEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    database = emulator.workspace.live_databases()[0]
    database.json["properties"].update(json.loads(json.dumps(EXTRA_PROPERTIES)))
    with serve(emulator) as running:
        yield Notion(
            emulator,
            running.base_url,
            running.credentials["api_token"],
            database,
            tmp_path / "warehouse.duckdb",
        )


def page(notion: Notion, key: str, **fields: Any) -> dict[str, Any]:
    record = {"key": key, "database_id": notion.database.id, "name": f"Page {key}", **fields}
    return {"type": "RECORD", "stream": "pages", "record": record}


def text_record(stream: str, key: str, page_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "RECORD",
        "stream": stream,
        "record": {"key": key, "page_id": page_id, "text": text},
    }


def test_a_page_is_created_with_properties_of_each_type_and_a_rerun_sends_nothing(
    notion: Notion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = [
        PAGES_SCHEMA,
        page(
            notion,
            "a",
            notes="Some notes",
            status="In progress",
            tags=["red", "blue"],
            due="2026-03-01",
            done=False,
            points=5,
            owners=[notion.person],
        ),
        page(notion, "b"),
        {"type": "STATE", "value": {"bookmarks": {"pages": {"n": 2}}}},
    ]

    first = run_target("notion", notion.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert first.states == [{"bookmarks": {"pages": {"n": 2}}}]
    created = notion.writes()
    assert [(e.method, e.path) for e in created] == [("POST", "/v1/pages")] * 2
    assert created[0].body == {
        "parent": {"database_id": notion.database.id},
        "properties": {
            "Name": {"title": [{"text": {"content": "Page a"}}]},
            "Notes": {"rich_text": [{"text": {"content": "Some notes"}}]},
            "Status": {"select": {"name": "In progress"}},
            "Tags": {"multi_select": [{"name": "red"}, {"name": "blue"}]},
            "Due": {"date": {"start": "2026-03-01"}},
            "Done": {"checkbox": False},
            "Points": {"number": 5},
            "Owner": {"people": [{"id": notion.person}]},
        },
    }
    assert created[1].body == {
        "parent": {"database_id": notion.database.id},
        "properties": {"Name": {"title": [{"text": {"content": "Page b"}}]}},
    }
    assert all(e.headers.get("Notion-Version") == VERSION for e in created)
    read = notion.get(f"/pages/{notion.remote_id('a')}").json()["properties"]
    assert [t["name"] for t in read["Tags"]["multi_select"]] == ["red", "blue"]
    assert read["Points"]["number"] == 5
    assert read["Owner"]["people"][0]["id"] == notion.person

    notion.emulator.clear_request_log()
    again = run_target("notion", notion.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert notion.emulator.request_log == []
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in again.stderr


def test_an_edited_row_makes_exactly_one_update_of_its_properties(
    notion: Notion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [page(notion, "a"), page(notion, "b", points=1)]
    assert run_target("notion", notion.config, [PAGES_SCHEMA, *rows], tmp_path, capsys).code == 0
    remote_b = notion.remote_id("b")
    notion.emulator.clear_request_log()
    rows[1] = page(notion, "b", points=3, done=True)

    run = run_target("notion", notion.config, [PAGES_SCHEMA, *rows], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path, e.body) for e in notion.emulator.request_log] == [
        (
            "PATCH",
            f"/v1/pages/{remote_b}",
            {
                "properties": {
                    "Name": {"title": [{"text": {"content": "Page b"}}]},
                    "Done": {"checkbox": True},
                    "Points": {"number": 3},
                }
            },
        )
    ]
    read = notion.get(f"/pages/{remote_b}").json()["properties"]
    assert (read["Points"]["number"], read["Done"]["checkbox"]) == (3, True)


def test_mirror_archives_the_pages_of_rows_gone_from_a_full_table_version(
    notion: Notion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {**notion.config, "modes": {"pages": "mirror"}}
    version = {"type": "ACTIVATE_VERSION", "stream": "pages", "version": 1}
    first = [PAGES_SCHEMA, page(notion, "a"), page(notion, "b"), version]
    assert run_target("notion", config, first, tmp_path, capsys).code == 0
    remote_b = notion.remote_id("b")
    notion.emulator.clear_request_log()

    run = run_target("notion", config, [PAGES_SCHEMA, page(notion, "a"), version], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path, e.body) for e in notion.emulator.request_log] == [
        ("PATCH", f"/v1/pages/{remote_b}", {"archived": True})
    ]
    archived = next(p for p in notion.database.pages if p["id"] == remote_b)
    assert (archived["archived"], archived["in_trash"]) == (True, True)
    assert table_rows(notion.warehouse, "SELECT source_key FROM writes_notion._id_map") == [("a",)]


def test_a_validation_error_lands_in_the_rejects_table_with_notions_message(
    notion: Notion, tmp_path: Path
) -> None:
    messages = [
        PAGES_SCHEMA,
        page(notion, "good"),
        page(notion, "bad", due="soon"),
        page(notion, "after"),
        {"type": "STATE", "value": {"bookmarks": {"pages": {"n": 3}}}},
    ]

    run = run_target_process("notion", notion.config, messages, tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "target-notion: 1 record rejected by the service; each is in "
        f"writes_notion._write_rejects of {notion.warehouse} with the call, the status and "
        "the service's error"
    )
    assert run.states == [{"bookmarks": {"pages": {"n": 3}}}]
    ((key, call, status, error),) = table_rows(
        notion.warehouse, "SELECT source_key, call, status, error FROM writes_notion._write_rejects"
    )
    assert (key, call, status) == ("bad", "POST /pages", 400)
    body = json.loads(error)
    assert (body["object"], body["status"], body["code"]) == ("error", 400, "validation_error")
    assert "body.properties.Due.date.start" in body["message"]
    assert table_rows(
        notion.warehouse, "SELECT source_key FROM writes_notion._id_map ORDER BY 1"
    ) == [("after",), ("good",)]
    for text in (run.stdout, run.stderr, error):
        assert notion.token not in text


def test_an_interrupted_create_is_found_by_its_title_before_creating_again(
    notion: Notion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from targets.runtime.idmap import IdMap

    made = requests.post(
        f"{notion.base_url}/pages",
        json={
            "parent": {"database_id": notion.database.id},
            "properties": {"Name": {"title": [{"text": {"content": "Page lost"}}]}},
        },
        headers={"Authorization": f"Bearer {notion.token}", "Notion-Version": VERSION},
        timeout=10,
    ).json()["id"]
    id_map = IdMap(str(notion.warehouse), "writes_notion", lock_timeout=5)
    id_map.intend("pages", "lost", "pages")
    id_map.release()
    notion.emulator.clear_request_log()

    run = run_target(
        "notion", notion.config, [PAGES_SCHEMA, page(notion, "lost", points=2)], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    assert [(e.method, e.path) for e in notion.emulator.request_log] == [
        ("POST", f"/v1/databases/{notion.database.id}/query"),
        ("PATCH", f"/v1/pages/{made}"),
    ]
    assert table_rows(notion.warehouse, "SELECT remote_id FROM writes_notion._id_map") == [(made,)]


def test_paragraphs_are_appended_to_a_page_once(
    notion: Notion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page_id = str(notion.database.pages[0]["id"])
    messages = [BLOCKS_SCHEMA, text_record("blocks", "p1", page_id, "First paragraph")]

    first = run_target("notion", notion.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert [(e.method, e.path, e.body) for e in notion.writes()] == [
        (
            "PATCH",
            f"/v1/blocks/{page_id}/children",
            {
                "children": [
                    {
                        "type": "paragraph",
                        "paragraph": {"rich_text": [{"text": {"content": "First paragraph"}}]},
                    }
                ]
            },
        )
    ]
    children = notion.get(f"/blocks/{page_id}/children").json()["results"]
    assert children[-1]["id"] == notion.remote_id("p1")
    assert children[-1]["paragraph"]["rich_text"][0]["plain_text"] == "First paragraph"
    notion.emulator.clear_request_log()

    again = run_target("notion", notion.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert notion.emulator.request_log == []


def test_comments_are_posted_once_and_an_interrupted_one_is_found_by_its_text(
    notion: Notion, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from targets.runtime.idmap import IdMap

    page_id = str(notion.database.pages[0]["id"])
    messages = [COMMENTS_SCHEMA, text_record("comments", "c1", page_id, "Looks good")]

    first = run_target("notion", notion.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert [(e.method, e.path, e.body) for e in notion.writes()] == [
        (
            "POST",
            "/v1/comments",
            {"parent": {"page_id": page_id}, "rich_text": [{"text": {"content": "Looks good"}}]},
        )
    ]
    comment_id = notion.remote_id("c1")
    # The id of the comment is lost, as if the process had died before recording it.
    id_map = IdMap(str(notion.warehouse), "writes_notion", lock_timeout=5)
    id_map.forget("comments", "c1")
    id_map.intend("comments", "c1", "comments")
    id_map.release()
    notion.emulator.clear_request_log()

    again = run_target("notion", notion.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert [(e.method, e.path) for e in notion.emulator.request_log] == [("GET", "/v1/comments")]
    assert notion.remote_id("c1") == comment_id


def test_a_refused_token_stops_the_run_in_one_line_without_showing_it(
    notion: Notion, tmp_path: Path
) -> None:
    wrong = "secret_WRONGTOKENVALUE0000000000000000000000"
    config = {**notion.config, "api_token": wrong}

    run = run_target_process("notion", config, [PAGES_SCHEMA, page(notion, "a")], tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-notion: notion: Notion rejected the token"), last
    assert wrong not in run.stderr + run.stdout


def test_a_bad_setting_is_one_line_naming_it(notion: Notion, tmp_path: Path) -> None:
    config = {**notion.config, "modes": {"comments": "mirror"}}

    run = run_target_process("notion", config, [PAGES_SCHEMA, page(notion, "a")], tmp_path)

    assert run.code != 0
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "target-notion: setting 'modes': comments cannot be written in mode mirror (it needs "
        "create and update and delete or upsert and delete; comments declares create)"
    )
    assert notion.emulator.request_log == []
