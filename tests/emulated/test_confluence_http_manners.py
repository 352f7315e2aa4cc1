"""Confluence's HTTP manners as the emulator keeps them: Atlassian's ``Content-Type``
(``application/json;charset=UTF-8``, no space) on every JSON answer, errors included; a
trailing slash served like the path without it and ``//`` not merged (an unknown
operation); ``HEAD`` like ``GET`` without a body; gzip only when asked; v2 error lists for
unknown paths and methods; and cursor paging whose next page is a *relative* URL, in the
body's ``_links.next`` and in the ``Link`` header beside the site's ``base``."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.kit.links import parse_link_header
from brainhub.sandbox.services.confluence import ConfluenceEmulator

API = "/wiki/api/v2"
JSON = "application/json;charset=UTF-8"


@pytest.fixture(scope="module")
def emulator() -> ConfluenceEmulator:
    return ConfluenceEmulator(size="tiny", seed=1, generation=0, rate_limit=1_000_000)


@pytest.fixture(scope="module")
def client(emulator: ConfluenceEmulator) -> Client:
    return Client(emulator)


@pytest.fixture(scope="module")
def auth(emulator: ConfluenceEmulator) -> dict[str, str]:
    creds = emulator.credentials
    pair = f"{creds['email']}:{creds['api_token']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _not_found_detail(answer: Any) -> str:
    body = answer.get_json()
    assert set(body) == {"errors"}
    (error,) = body["errors"]
    assert (error["status"], error["code"], error["title"]) == (404, "NOT_FOUND", "Not Found")
    return str(error["detail"])


def test_every_json_answer_errors_included_has_atlassians_content_type(client, auth):
    for path in ("/spaces", "/pages/424242", "/nothing-here", "/pages/1/inline-comments"):
        assert client.get(API + path, headers=auth).headers["Content-Type"] == JSON, path
    assert client.get(f"{API}/spaces").headers["Content-Type"] == JSON, "the 401 too"


def test_a_trailing_slash_is_served_and_a_doubled_slash_is_an_unknown_operation(client, auth):
    plain = client.get(f"{API}/spaces", headers=auth)
    slashed = client.get(f"{API}/spaces/", headers=auth)
    assert slashed.status_code == plain.status_code == 200
    assert slashed.get_json() == plain.get_json()
    doubled = client.get(f"{API}//spaces", headers=auth)
    assert doubled.status_code == 404
    assert _not_found_detail(doubled) == f"No API operation at GET {API}//spaces"


def test_head_answers_like_get_without_a_body(client, auth):
    got = client.get(f"{API}/pages?limit=1", headers=auth)
    head = client.head(f"{API}/pages?limit=1", headers=auth)
    assert head.status_code == got.status_code == 200
    assert head.headers["Content-Type"] == JSON
    assert head.headers["Link"] == got.headers["Link"]
    assert head.data == b""


def test_gzip_only_when_asked_and_the_same_json(client, auth):
    plain = client.get(f"{API}/pages?body-format=storage", headers=auth)
    zipped = client.get(
        f"{API}/pages?body-format=storage", headers={**auth, "Accept-Encoding": "gzip"}
    )
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()


def test_unknown_paths_and_methods_are_v2_error_lists(client, auth):
    unknown = client.get(f"{API}/nothing-here", headers=auth)
    assert unknown.status_code == 404
    assert _not_found_detail(unknown) == f"No API operation at GET {API}/nothing-here"
    for method in ("DELETE", "PATCH"):
        answer = client.open(f"{API}/pages", method=method, headers=auth)
        assert answer.status_code == 404, method
        assert _not_found_detail(answer) == f"No API operation at {method} {API}/pages"
    missing = client.get(f"{API}/pages/424242/likes/users", headers=auth)
    assert _not_found_detail(missing) == "No page with id 424242"


def test_next_pages_are_relative_links_in_the_body_and_the_link_header(client, auth, emulator):
    seen: list[str] = []
    url = f"{API}/footer-comments?limit=2"
    pages = 0
    while url:
        answer = client.get(url, headers=auth)
        body = answer.get_json()
        seen += [c["id"] for c in body["results"]]
        assert body["_links"]["base"] == "http://localhost/wiki"
        url = body["_links"].get("next", "")
        pages += 1
        if url:
            assert url.startswith(f"{API}/footer-comments?"), "relative to the host"
            links = parse_link_header(answer.headers["Link"])
            assert links == {"next": url, "base": "http://localhost/wiki"}
        else:
            assert "Link" not in answer.headers
    assert pages > 1
    assert seen == sorted(seen, key=int)
    assert len(seen) == len(emulator.wiki.comments)
