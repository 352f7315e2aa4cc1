"""ClickUp's HTTP manners on the wire: content type, gzip, HEAD, paths, unknown methods."""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox.server import serve
from brainhub.sandbox.services.clickup import ClickUpEmulator

JSON = "application/json; charset=utf-8"


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    with serve(ClickUpEmulator(size="tiny", generation=0, rate_limit=100_000)) as running:
        yield running


@pytest.fixture(scope="module")
def http(served) -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["Authorization"] = served.credentials["api_token"]
        yield session


def _raw_get(served: Any, path: str, headers: dict[str, str]) -> tuple[str, bytes]:
    """Status line + headers and the body of a GET, undecoded (requests would gunzip)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: {served.host}:{served.port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((served.host, served.port)) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode(), body


def test_json_is_sent_as_clickup_sends_it(served, http):
    ok = http.get(f"{served.base_url}/team")
    assert ok.headers["Content-Type"] == JSON
    missing = http.get(f"{served.base_url}/list/0/task")
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == JSON
    assert missing.json() == {"err": "List not found", "ECODE": "ITEM_013"}


def test_gzip_only_when_asked_and_the_same_json(served):
    token = served.credentials["api_token"]
    team_id = served.emulator.data.tree.team_id
    path = f"/api/v2/team/{team_id}/space"
    head, zipped = _raw_get(served, path, {"Authorization": token, "Accept-Encoding": "gzip"})
    assert "Content-Encoding: gzip" in head
    assert "Vary: Accept-Encoding" in head
    plain_head, plain = _raw_get(served, path, {"Authorization": token})
    assert "Content-Encoding" not in plain_head
    assert gzip.decompress(zipped) == plain
    assert len(zipped) < len(plain)


def test_head_answers_like_get_without_a_body(served, http):
    url = f"{served.base_url}/team"
    get = http.get(url, headers={"Accept-Encoding": "identity"})
    head = http.head(url, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == JSON
    assert int(head.headers["Content-Length"]) == len(get.content)
    assert "X-RateLimit-Remaining" in head.headers


def test_a_trailing_slash_is_ignored_and_double_slashes_are_not_merged(served, http):
    assert http.get(f"{served.base_url}/team/").json() == http.get(f"{served.base_url}/team").json()
    doubled = http.get(f"{served.root_url}/api/v2//team")
    assert doubled.status_code == 404
    assert doubled.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<pre>Cannot GET /api/v2//team</pre>" in doubled.text


def test_an_unserved_method_gets_expresss_404_page(served, http):
    answer = http.delete(f"{served.base_url}/team")
    assert answer.status_code == 404
    assert "<pre>Cannot DELETE /api/v2/team</pre>" in answer.text
