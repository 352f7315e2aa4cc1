"""Notion's official Python SDK (``notion-client``), unchanged but for ``base_url``, reads
the emulated workspace and gets what ``brainhub sandbox counts notion`` says.

The SDK speaks Notion-Version 2025-09-03: it searches for ``data_source`` objects, queries
data sources, and reads pages, page properties and block children with its own cursor
helpers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from notion_client import APIResponseError, Client
from notion_client.helpers import collect_paginated_api

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.notion import NotionEmulator

SEED, SIZE, GENERATION = 3, "tiny", 1


@pytest.fixture(scope="module")
def notion() -> Iterator[Client]:
    emulator = NotionEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)
    with serve(emulator) as served:
        client = Client(auth=emulator.credentials["api_token"], base_url=served.root_url)
        yield client
        client.close()


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    result = CliRunner().invoke(
        main,
        [
            "sandbox",
            "counts",
            "notion",
            "--seed",
            str(SEED),
            "--size",
            SIZE,
            "--generation",
            str(GENERATION),
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _all(call: Any, **kwargs: Any) -> list[dict[str, Any]]:
    # small pages, so the SDK's cursor helper follows next_cursor several times
    return collect_paginated_api(call, page_size=2, **kwargs)


def test_the_sdk_lists_every_user(notion, counts):
    users = _all(notion.users.list)
    assert len(users) == counts["users"]
    assert {u["type"] for u in users} == {"person", "bot"}
    me = notion.users.me()
    assert me["type"] == "bot"
    assert notion.users.retrieve(users[0]["id"])["id"] == users[0]["id"]


def test_the_sdk_searches_queries_data_sources_and_reads_pages_and_blocks(notion, counts):
    sources = _all(notion.search, filter={"property": "object", "value": "data_source"})
    assert len(sources) == counts["databases"]
    assert {s["object"] for s in sources} == {"data_source"}
    searched_pages = _all(notion.search, filter={"property": "object", "value": "page"})
    assert len(searched_pages) == counts["pages"]

    pages: list[dict[str, Any]] = []
    for source in sources:
        database = notion.databases.retrieve(source["parent"]["database_id"])
        assert [ds["id"] for ds in database["data_sources"]] == [source["id"]]
        assert notion.data_sources.retrieve(source["id"])["properties"] == source["properties"]
        queried = _all(notion.data_sources.query, data_source_id=source["id"])
        assert {p["parent"]["data_source_id"] for p in queried} <= {source["id"]}
        pages += queried
    assert len(pages) == counts["pages"]
    assert {p["id"] for p in pages} == {p["id"] for p in searched_pages}

    blocks = block_children = 0
    for page in pages:
        assert notion.pages.retrieve(page["id"]) == page
        title = notion.pages.properties.retrieve(page["id"], "title")
        name = page["properties"]["Name"]["title"]
        assert [item["title"] for item in title["results"]] == name
        assert notion.pages.retrieve_markdown(page["id"])["id"] == page["id"]
        children = _all(notion.blocks.children.list, block_id=page["id"])
        blocks += len(children)
        for block in children:
            if block["has_children"]:
                block_children += len(_all(notion.blocks.children.list, block_id=block["id"]))
        if children:
            assert notion.blocks.retrieve(children[0]["id"]) == children[0]
    assert blocks == counts["blocks"]
    assert block_children == counts["block_children"]


def test_the_sdk_raises_notions_error_for_an_unknown_page(notion):
    with pytest.raises(APIResponseError) as raised:
        notion.pages.retrieve("00000000-0000-4000-8000-000000000000")
    assert raised.value.status == 404
    assert raised.value.code == "object_not_found"


def test_the_sdk_lists_page_comments_as_discussions(notion):
    pages = _all(notion.search, filter={"property": "object", "value": "page"})
    discussed = 0
    for page in pages:
        comments = _all(notion.comments.list, block_id=page["id"])
        assert {c["parent"]["page_id"] for c in comments} <= {page["id"]}
        discussed += bool(comments)
    assert 0 < discussed < len(pages)
