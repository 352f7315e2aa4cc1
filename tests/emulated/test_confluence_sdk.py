"""atlassian-python-api's Confluence Cloud client (REST v2) against the emulator, unchanged
but for the site URL it is given."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.services.confluence import ConfluenceEmulator

atlassian = pytest.importorskip("atlassian")


@pytest.fixture
def site() -> Iterator[tuple[Any, ConfluenceEmulator]]:
    emulator = ConfluenceEmulator(size="demo", seed=1, generation=0)
    with serve(emulator) as served, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = atlassian.ConfluenceV2(
            url=served.root_url + "/wiki",
            username=served.credentials["email"],
            password=served.credentials["api_token"],
        )
        yield client, emulator


def test_spaces_pages_labels_and_comments_read_through_v2(site: Any) -> None:
    client, emulator = site
    spaces = client.get_spaces()
    assert [s["key"] for s in spaces] == [s["key"] for s in emulator.wiki.spaces]
    home = client.get_page_by_id(spaces[0]["homepageId"], body_format="storage")
    assert home["body"]["storage"]["value"].startswith("<p>")
    assert client.get_space(spaces[0]["id"])["name"] == spaces[0]["name"]
    page_id = next(p for p in emulator.wiki.pages if emulator.wiki.labels[p])
    labels = client.get_page_labels(page_id)
    assert [label["name"] for label in labels] == [
        label["name"] for label in emulator.wiki.labels[page_id]
    ]
    commented = next(c["pageId"] for c in emulator.wiki.comments.values() if "pageId" in c)
    comments = client.get_page_footer_comments(commented)
    assert comments
    assert all(c["pageId"] == commented for c in comments)
    paths = {entry.path for entry in emulator.request_log}
    assert f"/wiki/api/v2/pages/{page_id}/labels" in paths


def test_create_page_then_read_it_back_and_a_repeated_title_is_refused(site: Any) -> None:
    # (the client's create_page_footer_comment posts to /comments, a path the current v2
    # document no longer has: comments are created through POST /footer-comments)
    client, emulator = site
    made = client.create_page(space_id="98300", title="Hello from the SDK", body="<p>Hi</p>")
    assert made["version"]["number"] == 1
    assert client.get_page_by_id(made["id"], body_format="storage")["title"] == (
        "Hello from the SDK"
    )
    assert made["id"] in emulator.wiki.pages
    with pytest.raises(requests.HTTPError) as refused:
        client.create_page(space_id="98300", title="Hello from the SDK", body="<p>Again</p>")
    assert refused.value.response.status_code == 400
    (error,) = refused.value.response.json()["errors"]
    assert error["code"] == "INVALID_REQUEST_PARAMETER"
    assert "A page with this title already exists" in error["detail"]


def test_the_client_pages_what_sandbox_counts_says(site: Any) -> None:
    client, emulator = site
    counts = emulator.counts()
    pages: list[dict[str, Any]] = []
    cursor = None
    while True:
        # (without a body the client sends ``body-format=none``, a value v2 refuses)
        answer = client.get_pages(limit=4, cursor=cursor, get_body=True, body_format="storage")
        batch = answer if isinstance(answer, list) else answer["results"]
        pages += batch
        if isinstance(answer, list) or "next" not in answer.get("_links", {}):
            break
        cursor = answer["_links"]["next"].split("cursor=")[1]
    assert len(pages) == counts["pages"]
    page_requests = [e for e in emulator.request_log if e.path == "/wiki/api/v2/pages"]
    assert len(page_requests) == -(-counts["pages"] // 4), "four pages a request"
    comments = sum(len(client.get_page_footer_comments(p["id"], limit=2)) for p in pages)
    assert comments == counts["footer_comments"]
    labels = sum(len(client.get_page_labels(p["id"])) for p in pages)
    assert labels == counts["page_labels"]


def test_inline_comments_tasks_versions_and_other_content_types(site: Any) -> None:
    client, emulator = site
    page_id = next(iter(emulator.wiki.pages))
    inline = client.get_page_inline_comments(page_id)
    assert [c["pageId"] for c in inline] == [page_id]
    post_id = next(iter(emulator.wiki.blogposts))
    assert [c["blogPostId"] for c in client.get_blogpost_inline_comments(post_id)] == [post_id]
    assert client.get_tasks(page_ids=[int(page_id)])
    versions = client.get_page_versions(page_id)
    listed = versions if isinstance(versions, list) else versions["results"]
    assert {v["number"] for v in listed} == {v["number"] for v in emulator.wiki.versions[page_id]}
    attachment = next(a for group in emulator.wiki.attachments.values() for a in group)
    assert client.get_attachment_comments(attachment["id"]) == []
    assert client.get_whiteboard_by_id("7")["id"]
    assert client.get_folder("7")["id"]
    assert client.get_database("7")["id"]
    with pytest.raises(requests.HTTPError) as missing:
        client.get_page_inline_comments("424242")
    assert missing.value.response.status_code == 404
