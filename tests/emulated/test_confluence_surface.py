"""The Confluence emulator's declared surface against Confluence's v2 document, and its
HTTP manners: v2 error bodies, basic auth, cursor links, 429 with ``Retry-After``."""

from __future__ import annotations

import base64
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from werkzeug.test import Client

from brainhub.cli import main
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.confluence import ConfluenceEmulator
from brainhub.sandbox.services.confluence.operations import OPERATIONS
from tests.support.confluence_reference import ABSENT_REASON, DOCUMENT, load_document
from tests.support.conformance import declared_operations, documented_gets

API = "/wiki/api/v2"
PARAMETER = re.compile(r"\{([^{}/]+)\}")


def _document() -> dict[str, Any]:
    if not DOCUMENT.exists():
        pytest.skip(ABSENT_REASON)
    return load_document()


def _client(
    size: str = "tiny", **options: Any
) -> tuple[Client, ConfluenceEmulator, dict[str, str]]:
    emulator = ConfluenceEmulator(size=size, seed=1, generation=0, **options)
    creds = emulator.credentials
    token = base64.b64encode(f"{creds['email']}:{creds['api_token']}".encode()).decode()
    return Client(emulator), emulator, {"Authorization": f"Basic {token}"}


def test_the_operation_table_accounts_for_every_documented_get() -> None:
    document = _document()
    assert declared_operations(OPERATIONS) == documented_gets(document, "")
    assert all(left.reason for left in OPERATIONS.left_out)


def test_the_surface_file_is_derived_from_the_current_document() -> None:
    surface = Path(ConfluenceEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(_document(), "")


def test_coverage_reports_the_served_operations_routed() -> None:
    report = coverage("confluence", ConfluenceEmulator)
    assert report.documented == 117
    assert len(report.served) == 90
    assert all(left.startswith("out of scope: ") for left in report.left_out.values())
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /pages/{id}/footer-comments"] == "list_page_comments"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "confluence"])
    assert text.exit_code == 0
    assert text.output.startswith("confluence: 90 of 117 documented GET operations served")


def test_every_served_get_answers_for_a_seeded_object() -> None:
    client, emulator, auth = _client("demo", rate_limit=1_000_000)
    wiki = emulator.wiki
    page = next(iter(wiki.pages.values()))
    post = next(iter(wiki.blogposts.values()))
    comment = next(iter(wiki.comments.values()))
    label = wiki.all_labels()[0]
    attachment = next(a for group in wiki.attachments.values() for a in group)
    values = {
        "/spaces/": page["spaceId"],
        "/pages/": page["id"],
        "/blogposts/": post["id"],
        "/footer-comments/": comment["id"],
        "/labels/": label["id"],
        "/attachments/": attachment["id"],
    }
    properties = {page["id"]: wiki.properties[page["id"]][0]["id"]}
    properties[post["id"]] = wiki.properties[post["id"]][0]["id"]
    for operation in OPERATIONS.served:
        owner = next((v for prefix, v in values.items() if operation.path.startswith(prefix)), "7")
        fixed = {"version_number": "1", "property_id": properties.get(owner, "7")}
        path = PARAMETER.sub(partial(_value, fixed, owner), operation.path)
        answer = client.get(API + path, headers=auth)
        assert answer.status_code == 200, (path, answer.get_data(as_text=True))
        body = answer.get_json()
        if isinstance(body, dict) and "results" in body:
            assert "cursor=" in body.get("_links", {}).get("next", "cursor=")
    unknown_parents = (
        "/pages/424242/likes/users",
        "/attachments/att0/versions",
        "/spaces/0/operations",
    )
    for path in unknown_parents:
        answer = client.get(API + path, headers=auth)
        assert answer.status_code == 404, path
        assert answer.get_json()["errors"][0]["code"] == "NOT_FOUND"


def _value(fixed: dict[str, str], owner: str, match: re.Match[str]) -> str:
    return fixed.get(match.group(1), owner)


def test_shaped_answers_carry_the_parent_they_were_asked_for() -> None:
    client, emulator, auth = _client()
    page = next(iter(emulator.wiki.pages.values()))
    inline = client.get(f"{API}/pages/{page['id']}/inline-comments", headers=auth).get_json()
    assert [c["pageId"] for c in inline["results"]] == [page["id"]]
    assert inline["_links"] == {"base": "http://localhost/wiki"}
    listed = inline["results"][0]["id"]
    one = client.get(f"{API}/inline-comments/{listed}", headers=auth).get_json()
    assert one["id"] == listed, "the listed id resolves to itself"


def test_errors_are_v2_error_lists() -> None:
    client, _, auth = _client()
    missing = client.get(f"{API}/pages/424242", headers=auth)
    assert missing.status_code == 404
    assert missing.get_json() == {
        "errors": [
            {
                "status": 404,
                "code": "NOT_FOUND",
                "title": "Not Found",
                "detail": "No page with id 424242",
            }
        ]
    }
    bad_sort = client.get(f"{API}/pages?sort=newest", headers=auth)
    assert bad_sort.status_code == 400
    assert bad_sort.get_json()["errors"][0]["code"] == "INVALID_REQUEST_PARAMETER"
    unauthenticated = client.get(f"{API}/spaces")
    assert unauthenticated.status_code == 401
    assert unauthenticated.get_json()["errors"][0]["code"] == "UNAUTHORIZED"


def test_lists_page_by_relative_next_links_in_body_and_link_header() -> None:
    client, emulator, auth = _client()
    seen: list[str] = []
    url = f"{API}/pages?limit=2&body-format=storage"
    while url:
        answer = client.get(url, headers=auth)
        body = answer.get_json()
        seen += [p["id"] for p in body["results"]]
        url = body["_links"].get("next", "")
        if url:
            assert url.startswith(f"{API}/pages?")
            assert "body-format=storage" in url
            assert answer.headers["Link"].startswith(f'<{url}>; rel="next"')
        else:
            assert "Link" not in answer.headers
    assert seen == sorted(emulator.wiki.pages, key=int)


def test_over_the_limit_answers_429_with_retry_after() -> None:
    client, _, auth = _client(rate_limit=2)
    answers = [client.get(f"{API}/spaces", headers=auth) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2"
    assert int(answers[2].headers["Retry-After"]) >= 1
    assert answers[2].get_json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"
