"""The GitHub emulator answers as GitHub's REST API does (paths, paging, filters, limits)."""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from werkzeug.test import Client

from brainhub.sandbox.services.github import GitHubEmulator

REPO_ROOT = Path(__file__).resolve().parents[3]
OPENAPI = REPO_ROOT.parent / "shared" / "apis" / "github" / "github-rest-subset.json"
ORG = "octo-sandbox"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _emulator(**options: Any) -> GitHubEmulator:
    return GitHubEmulator(size="tiny", generation=options.pop("generation", 0), **options)


def _auth(emulator: GitHubEmulator, scheme: str = "Bearer") -> dict[str, str]:
    return {"Authorization": f"{scheme} {emulator.credentials['api_token']}"}


def _get(emulator: GitHubEmulator, path: str, **query: Any) -> Any:
    return Client(emulator).get(path, query_string=query, headers=_auth(emulator))


def _all_pages(emulator: GitHubEmulator, path: str, **query: Any) -> list[dict[str, Any]]:
    client = Client(emulator)
    items: list[dict[str, Any]] = []
    response = client.get(path, query_string=query, headers=_auth(emulator))
    while True:
        assert response.status_code == 200, response.get_data(as_text=True)
        items += response.get_json()
        links = _links(response.headers.get("Link", ""))
        if "next" not in links:
            return items
        response = client.get(links["next"], headers=_auth(emulator))


def _links(header: str) -> dict[str, str]:
    found = {}
    for part in filter(None, header.split(",")):
        url, rel = part.split(";")
        found[rel.strip().removeprefix('rel="').rstrip('"')] = url.strip()[1:-1]
    return found


# ---------------------------------------------------------------- paging


def test_link_header_pages_through_commits_with_per_page() -> None:
    emulator = _emulator()
    first = _get(emulator, f"/repos/{ORG}/api/commits", per_page=100)
    assert first.status_code == 200
    assert len(first.get_json()) == 100
    links = _links(first.headers["Link"])
    assert set(links) == {"next", "last"}
    assert "page=2" in links["next"]
    assert "per_page=100" in links["next"]
    second = Client(emulator).get(links["next"], headers=_auth(emulator))
    assert len(second.get_json()) == emulator.counts()["commits"] - 100 - 5
    assert set(_links(second.headers["Link"])) == {"prev", "first"}, "no next on the last page"


def test_per_page_defaults_to_30_and_caps_at_100() -> None:
    emulator = _emulator()
    assert len(_get(emulator, f"/repos/{ORG}/api/commits").get_json()) == 30
    assert len(_get(emulator, f"/repos/{ORG}/api/commits", per_page=500).get_json()) == 100


# ---------------------------------------------------------------- filters


def test_issues_include_pull_requests_marked_with_a_pull_request_key() -> None:
    emulator = _emulator()
    issues = _all_pages(emulator, f"/repos/{ORG}/api/issues", state="all", per_page=100)
    pulls = [i for i in issues if "pull_request" in i]
    plain = [i for i in issues if "pull_request" not in i]
    assert pulls, "the issues endpoint also lists pull requests"
    listed = _all_pages(emulator, f"/repos/{ORG}/api/pulls", state="all", per_page=100)
    assert sorted(p["number"] for p in pulls) == sorted(p["number"] for p in listed)
    assert plain


def test_issue_state_defaults_to_open() -> None:
    emulator = _emulator()
    default = _all_pages(emulator, f"/repos/{ORG}/api/issues")
    every = _all_pages(emulator, f"/repos/{ORG}/api/issues", state="all")
    assert {i["state"] for i in default} == {"open"}
    assert len(every) > len(default)


def test_since_keeps_issues_and_comments_updated_at_or_after_it() -> None:
    emulator = _emulator()
    every = _all_pages(emulator, f"/repos/{ORG}/api/issues", state="all")
    middle = sorted(i["updated_at"] for i in every)[len(every) // 2]
    newer = _all_pages(emulator, f"/repos/{ORG}/api/issues", state="all", since=middle)
    assert newer
    assert {i["number"] for i in newer} == {i["number"] for i in every if i["updated_at"] >= middle}
    comments = _all_pages(emulator, f"/repos/{ORG}/api/issues/comments", since=middle)
    assert all(c["updated_at"] >= middle for c in comments)


def test_commits_since_is_on_the_commit_date_newest_first() -> None:
    emulator = _emulator()
    commits = _all_pages(emulator, f"/repos/{ORG}/web/commits")
    dates = [c["commit"]["committer"]["date"] for c in commits]
    assert dates == sorted(dates, reverse=True)
    since = dates[2]
    recent = _all_pages(emulator, f"/repos/{ORG}/web/commits", since=since)
    assert [c["sha"] for c in recent] == [c["sha"] for c in commits[:3]]


def test_unreadable_since_is_a_validation_failure() -> None:
    response = _get(_emulator(), f"/repos/{ORG}/api/issues", since="yesterday")
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == "Validation Failed"
    assert body["errors"] == [{"resource": "Issue", "field": "since", "code": "invalid"}]


def test_milestones_default_to_open_and_state_all_lists_closed_ones() -> None:
    emulator = _emulator()
    assert {m["state"] for m in _all_pages(emulator, f"/repos/{ORG}/api/milestones")} == {"open"}
    states = {m["state"] for m in _all_pages(emulator, f"/repos/{ORG}/api/milestones", state="all")}
    assert states == {"open", "closed"}


def test_org_repos_list_private_ones_and_user_repos_only_public() -> None:
    emulator = _emulator()
    org = _all_pages(emulator, f"/orgs/{ORG}/repos")
    public = _all_pages(emulator, f"/users/{ORG}/repos")
    assert len(org) == emulator.counts()["repositories"]
    assert {r["private"] for r in org} == {True, False}
    assert public
    assert not any(r["private"] for r in public)


# ---------------------------------------------------------------- auth and errors


def test_bad_and_missing_tokens_get_githubs_401_bodies() -> None:
    emulator = _emulator()
    client = Client(emulator)
    bad = client.get(f"/orgs/{ORG}/repos", headers={"Authorization": "Bearer ghp_wrong"})
    assert bad.status_code == 401
    assert bad.get_json() == {
        "message": "Bad credentials",
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }
    missing = client.get(f"/orgs/{ORG}/repos")
    assert missing.status_code == 401
    assert missing.get_json()["message"] == "Requires authentication"


def test_the_token_scheme_is_accepted_like_bearer() -> None:
    emulator = _emulator()
    response = Client(emulator).get(f"/orgs/{ORG}/repos", headers=_auth(emulator, "token"))
    assert response.status_code == 200


def test_unknown_paths_and_owners_are_github_404s() -> None:
    emulator = _emulator()
    for path in ("/nope", "/orgs/someone-else/repos", f"/repos/{ORG}/missing/issues"):
        response = _get(emulator, path)
        assert response.status_code == 404
        assert response.get_json()["message"] == "Not Found"


# ---------------------------------------------------------------- rate limits


def test_every_response_carries_the_rate_limit_headers() -> None:
    clock = Clock()
    emulator = _emulator(clock=clock)
    response = _get(emulator, f"/orgs/{ORG}/repos")
    assert response.headers["x-ratelimit-limit"] == "5000"
    assert response.headers["x-ratelimit-remaining"] == "4999"
    assert response.headers["x-ratelimit-used"] == "1"
    assert response.headers["x-ratelimit-resource"] == "core"
    assert int(response.headers["x-ratelimit-reset"]) == int(clock.now) + 3600


def test_an_exhausted_budget_answers_403_then_429_with_remaining_zero() -> None:
    clock = Clock()
    emulator = _emulator(clock=clock, rate_limit=2)
    statuses = [_get(emulator, f"/orgs/{ORG}/repos").status_code for _ in range(4)]
    assert statuses == [200, 200, 403, 429]
    throttled = _get(emulator, f"/orgs/{ORG}/repos")
    assert throttled.headers["x-ratelimit-remaining"] == "0"
    assert int(throttled.headers["x-ratelimit-reset"]) == int(clock.now) + 3600
    body = throttled.get_json()
    assert body["message"].startswith("API rate limit exceeded for user ID ")
    assert body["documentation_url"].endswith("rate-limits-for-the-rest-api")
    clock.now += 3600
    assert _get(emulator, f"/orgs/{ORG}/repos").status_code == 200, "a new window after reset"


# ---------------------------------------------------------------- data


def test_same_seed_same_data_other_seed_other_data() -> None:
    first = _get(_emulator(), f"/repos/{ORG}/api/issues", state="all").get_data()
    again = _get(_emulator(), f"/repos/{ORG}/api/issues", state="all").get_data()
    other = GitHubEmulator(size="tiny", seed=2, generation=0)
    assert first == again
    assert first != _get(other, f"/repos/{ORG}/api/issues", state="all").get_data()


def test_a_new_generation_updates_and_creates_records_after_the_old_ones() -> None:
    before = _emulator()
    after = _emulator(generation=1)
    newest = max(
        i["updated_at"]
        for repo in ("api", "web")
        for i in _all_pages(before, f"/repos/{ORG}/{repo}/issues", state="all")
    )
    changed = [
        i
        for repo in ("api", "web")
        for i in _all_pages(after, f"/repos/{ORG}/{repo}/issues", state="all", since=newest)
        if i["updated_at"] > newest
    ]
    changes = after.changes(0)
    assert changes["issues_created"] == 2
    assert len(changed) >= changes["issues_created"]
    counts_before, counts_after = before.counts(), after.counts()
    created = counts_after["issues"] + counts_after["pull_requests"]
    assert created == counts_before["issues"] + counts_before["pull_requests"] + 2
    assert counts_after["commits"] == counts_before["commits"] + 2


def test_counts_match_what_the_api_lists() -> None:
    emulator = _emulator()
    counts = emulator.counts()
    issues = pulls = comments = 0
    for repo in _all_pages(emulator, f"/orgs/{ORG}/repos"):
        path = f"/repos/{repo['full_name']}"
        listed = _all_pages(emulator, f"{path}/issues", state="all", per_page=100)
        issues += sum(1 for i in listed if "pull_request" not in i)
        pulls += len(_all_pages(emulator, f"{path}/pulls", state="all", per_page=100))
        comments += len(_all_pages(emulator, f"{path}/issues/comments", per_page=100))
    assert (issues, pulls, comments) == (
        counts["issues"],
        counts["pull_requests"],
        counts["issue_comments"],
    )


# ---------------------------------------------------------------- vendor schemas


def _nullable(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` written as JSON Schema."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "enum" in node:
            node["enum"] = [*node["enum"], None]
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def _openapi() -> dict[str, Any]:
    if not OPENAPI.is_file():
        pytest.skip(f"GitHub's OpenAPI description is not at {OPENAPI}")
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return {"paths": document["paths"], "components": _nullable(document["components"])}


def _response_validator(path: str) -> Draft7Validator:
    document = _openapi()
    schema = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return Draft7Validator({**_nullable(schema["schema"]), "components": document["components"]})


@pytest.mark.parametrize(
    ("template", "query"),
    [
        ("/orgs/{org}/repos", {}),
        ("/repos/{owner}/{repo}/issues", {"state": "all"}),
        ("/repos/{owner}/{repo}/pulls", {"state": "all"}),
        ("/repos/{owner}/{repo}/issues/comments", {}),
        ("/repos/{owner}/{repo}/commits", {}),
        ("/repos/{owner}/{repo}/releases", {}),
        ("/repos/{owner}/{repo}/labels", {}),
        ("/repos/{owner}/{repo}/milestones", {"state": "all"}),
    ],
)
def test_responses_validate_against_githubs_openapi(template: str, query: dict[str, str]) -> None:
    validator = _response_validator(template)
    path = template.format(org=ORG, owner=ORG, repo="api")
    body = _get(_emulator(), path, per_page=100, **query).get_json()
    assert body, f"{path} returned nothing to validate"
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:5]
    )


def test_node_ids_decode_like_githubs_legacy_ids() -> None:
    repo = _get(_emulator(), f"/repos/{ORG}/api").get_json()
    padded = repo["node_id"] + "=" * (-len(repo["node_id"]) % 4)
    assert base64.b64decode(padded).decode() == f"010:Repository{repo['id']}"


def test_a_generation_deletes_a_release_and_a_comment() -> None:
    before, after = _emulator(generation=0), _emulator(generation=1)
    changes = after.changes(0)
    assert changes["releases_deleted"] == changes["issue_comments_deleted"] == 1
    for kind, listing in (("releases", "releases"), ("issues/comments", "issues/comments")):
        gone: list[tuple[str, int]] = []
        for repo in ("api", "web"):
            old = {r["id"] for r in _all_pages(before, f"/repos/{ORG}/{repo}/{listing}")}
            new = {r["id"] for r in _all_pages(after, f"/repos/{ORG}/{repo}/{listing}")}
            gone += [(repo, i) for i in old - new]
        (repo, deleted), *others = gone
        assert not others, f"one {kind} deleted"
        path = f"/repos/{ORG}/{repo}/{kind}/{deleted}"
        assert Client(before).get(path, headers=_auth(before)).status_code == 200
        missing = Client(after).get(path, headers=_auth(after))
        assert missing.status_code == 404
        assert missing.json["message"] == "Not Found"
    counts_before, counts_after = before.counts(), after.counts()
    assert counts_after["releases"] == counts_before["releases"] - 1


def test_if_none_match_with_the_etag_is_an_uncharged_304() -> None:
    emulator = _emulator()
    client, headers = Client(emulator), _auth(emulator)
    first = client.get("/repos/octo-sandbox/api/labels", headers=headers)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.headers["x-ratelimit-remaining"] == "4999"
    again = client.get("/repos/octo-sandbox/api/labels", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    token = emulator.credentials["api_token"]
    assert emulator.rate_limiter.peek(token).remaining == 4999, "a 304 is not charged"
    other = client.get(
        "/repos/octo-sandbox/api/milestones", headers={**headers, "If-None-Match": etag}
    )
    assert other.status_code == 200
    assert other.headers["ETag"] != etag
    repo = client.get("/repos/octo-sandbox/api", headers=headers)
    repeat = client.get(
        "/repos/octo-sandbox/api", headers={**headers, "If-None-Match": repo.headers["ETag"]}
    )
    assert repeat.status_code == 304


def test_issue_events_agree_with_the_issues_they_describe() -> None:
    emulator = _emulator(generation=1)
    events = _all_pages(emulator, f"/repos/{ORG}/api/issues/events", per_page=100)
    issues = _all_pages(emulator, f"/repos/{ORG}/api/issues", state="all", per_page=100)
    closed = {i["number"] for i in issues if i["state"] == "closed"}
    merged = {i["number"] for i in issues if (i.get("pull_request") or {}).get("merged_at")}
    assert {e["issue"]["number"] for e in events if e["event"] == "closed"} == closed
    assert {e["issue"]["number"] for e in events if e["event"] == "merged"} == merged
    labeled = sorted(
        (e["issue"]["number"], e["label"]["name"]) for e in events if e["event"] == "labeled"
    )
    assert labeled == sorted((i["number"], x["name"]) for i in issues for x in i["labels"])
    by_number = {i["number"]: i for i in issues}
    for event in events:
        if event["event"] == "closed":
            assert event["created_at"] == by_number[event["issue"]["number"]]["closed_at"]
    assert len({e["id"] for e in events}) == len(events)
    stamps = [e["created_at"] for e in events]
    assert stamps == sorted(stamps, reverse=True), "newest first"
