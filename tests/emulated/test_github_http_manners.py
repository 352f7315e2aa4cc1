"""The GitHub emulator's HTTP manners: GitHub's content type, errors, versions, paging,
conditional requests, HEAD, gzip and rate-limit headers."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.kit.links import parse_link_header
from brainhub.sandbox.services.github import GitHubEmulator
from brainhub.sandbox.services.github.dataset import ORG_ID

ORG = "octo-sandbox"
NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest",
    "status": "404",
}


@pytest.fixture
def emulator() -> GitHubEmulator:
    return GitHubEmulator(size="tiny", generation=1, rate_limit=100_000)


def _headers(emulator: GitHubEmulator, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.credentials['api_token']}", **extra}


def _get(emulator: GitHubEmulator, path: str, **headers: str) -> Any:
    return Client(emulator).get(path, headers=_headers(emulator, **headers))


@pytest.mark.parametrize(
    "path",
    ["/user", f"/repos/{ORG}/api/issues", f"/repos/{ORG}/api/nope", f"/orgs/{ORG}/hooks"],
)
def test_json_answers_are_utf8_json_as_github_sends_them(emulator, path):
    response = _get(emulator, path)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_unknown_paths_objects_and_trailing_slashes_are_githubs_404(emulator):
    for path in (
        "/nope",
        f"/repos/{ORG}/nope",
        f"/repos/{ORG}/api/issues/99999",
        f"/repos/{ORG}/api/pulls/1",  # issue 1 of this repository is not a pull request
        f"/repos/{ORG}/api/",
        "/user/",
    ):
        response = _get(emulator, path)
        assert response.status_code == 404, path
        assert response.get_json() == NOT_FOUND, path


def test_an_unsupported_method_is_a_404_not_a_405(emulator):
    response = Client(emulator).delete(f"/repos/{ORG}/api", headers=_headers(emulator))
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND


def test_both_api_versions_are_served_and_echoed(emulator):
    for version in ("2022-11-28", "2026-03-10"):
        response = _get(emulator, "/user", **{"X-GitHub-Api-Version": version})
        assert response.status_code == 200
        assert response.headers["X-GitHub-Api-Version-Selected"] == version
    assert _get(emulator, "/user").headers["X-GitHub-Api-Version-Selected"] == "2022-11-28"


def test_an_unknown_api_version_is_githubs_400(emulator):
    response = _get(emulator, "/user", **{"X-GitHub-Api-Version": "v3"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == "400"
    assert body["message"] == (
        'The version you specified in the "X-GitHub-Api-Version" request header, "v3", is not '
        'a supported version. The following versions are currently supported: "2026-03-10" '
        '(most recent), "2022-11-28".'
    )
    assert body["documentation_url"].startswith("https://docs.github.com/")


def test_lists_page_with_link_headers_across_the_families(emulator):
    for path in (f"/repos/{ORG}/api/commits", f"/repos/{ORG}/api/issues?state=all"):
        client = Client(emulator)
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}per_page=2", headers=_headers(emulator))
        links = parse_link_header(response.headers["Link"])
        assert set(links) == {"next", "last"}
        second = client.get(links["next"], headers=_headers(emulator))
        assert set(parse_link_header(second.headers["Link"])) == {"prev", "next", "last", "first"}
        assert second.get_json()[0] != response.get_json()[0]


@pytest.mark.parametrize("path", ["/user", f"/repos/{ORG}/api", f"/repos/{ORG}/api/branches"])
def test_every_answer_has_a_weak_etag_and_if_none_match_gets_an_uncharged_304(emulator, path):
    first = _get(emulator, path)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    token = emulator.credentials["api_token"]
    before = emulator.rate_limiter.peek(token).remaining
    again = _get(emulator, path, **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert emulator.rate_limiter.peek(token).remaining == before
    assert _get(emulator, path, **{"If-None-Match": 'W/"other"'}).status_code == 200


def test_head_answers_the_headers_of_get_without_a_body(emulator):
    get = _get(emulator, f"/repos/{ORG}/api/issues?per_page=2")
    head = Client(emulator).head(f"/repos/{ORG}/api/issues?per_page=2", headers=_headers(emulator))
    assert head.status_code == 200
    assert head.get_data() == b""
    for name in ("Content-Type", "ETag", "Link", "x-ratelimit-limit"):
        assert head.headers[name] == get.headers[name]


def test_gzip_when_asked(emulator):
    response = _get(emulator, f"/repos/{ORG}/api/issues?state=all", **{"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()).startswith(b"[")


def test_every_answer_carries_the_rate_limit_headers(emulator):
    for path in ("/rate_limit", f"/repos/{ORG}/api/readme", f"/repos/{ORG}/nope"):
        response = _get(emulator, path)
        for name in ("limit", "remaining", "used", "reset", "resource"):
            assert f"x-ratelimit-{name}" in response.headers, (path, name)


@pytest.mark.parametrize(
    "path",
    [
        f"/repos/{ORG}/api/actions/runs",
        f"/repos/{ORG}/api/actions/workflows",
        f"/repos/{ORG}/api/deployments",
        f"/repos/{ORG}/api/pulls/comments",
        f"/repos/{ORG}/api/comments",
    ],
)
def test_shaped_answers_name_this_organizations_people_and_count_what_they_hold(emulator, path):
    body = _get(emulator, path).get_json()
    owner = emulator.data.users[0]
    found_users = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if {"login", "gravatar_id"} <= value.keys():
                found_users.append((value["login"], value["id"]))
            lists = [v for v in value.values() if isinstance(v, list)]
            if "total_count" in value and len(lists) == 1:
                assert value["total_count"] == len(lists[0])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    # people are the token's owner; repositories are owned by the organization
    assert set(found_users) <= {(owner.login, owner.id), (ORG, ORG_ID)}
