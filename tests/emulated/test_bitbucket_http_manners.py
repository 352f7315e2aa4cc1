"""The Bitbucket emulator's HTTP manners: error bodies, paging limits, BBQL, 429s."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client

from brainhub.sandbox.services.bitbucket import BitbucketEmulator

R = "/2.0/repositories/sandbox-team-1/service-1"


def _client(**options: Any) -> tuple[BitbucketEmulator, Client, dict[str, str]]:
    emulator = BitbucketEmulator(size="tiny", generation=0, **options)
    headers = {"Authorization": f"Bearer {emulator.credentials['access_token']}"}
    return emulator, Client(emulator), headers


def test_errors_have_bitbucket_s_body() -> None:
    _, client, headers = _client()
    denied = client.get("/2.0/workspaces", headers={"Authorization": "Bearer nope"})
    assert denied.status_code == 401
    assert denied.get_json() == {
        "type": "error",
        "error": {"message": "Access token expired or invalid."},
    }
    missing = client.get("/2.0/repositories/sandbox-team-1/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["type"] == "error"
    untracked = client.get("/2.0/repositories/sandbox-team-1/service-2/issues", headers=headers)
    assert untracked.get_json()["error"]["message"] == "Repository has no issue tracker."
    bad_query = client.get(R + "/pullrequests", query_string={"q": "nope>1"}, headers=headers)
    assert bad_query.status_code == 400
    assert "nope" in bad_query.get_json()["error"]["message"]


def test_pages_link_the_next_one_and_keep_the_query() -> None:
    _, client, headers = _client()
    query = [("pagelen", "5"), ("state", "OPEN"), ("state", "MERGED")]
    first = client.get(R + "/commits", query_string=query[:1], headers=headers).get_json()
    assert (first["pagelen"], first["page"], first["size"]) == (5, 1, 12)
    assert first["next"].endswith("/2.0" + R.removeprefix("/2.0") + "/commits?pagelen=5&page=2")
    second = client.get(first["next"], headers=headers).get_json()
    assert second["page"] == 2
    assert "previous" in second
    assert {c["hash"] for c in first["values"]}.isdisjoint(c["hash"] for c in second["values"])
    huge = client.get(R + "/commits", query_string={"pagelen": "5000"}, headers=headers)
    assert huge.get_json()["pagelen"] == 100


def test_bbql_filters_and_sorts_pull_requests_and_the_state_repeats() -> None:
    emulator, client, headers = _client()
    every = [("state", s) for s in ("OPEN", "MERGED", "DECLINED", "SUPERSEDED")]
    repo = emulator.data.repository("sandbox-team-1", "service-1")
    assert repo is not None
    middle = sorted(p["updated_on"] for p in repo.pull_requests)[1]
    query = [*every, ("q", f'updated_on>="{middle}"'), ("sort", "-updated_on")]
    values = client.get(R + "/pullrequests", query_string=query, headers=headers).get_json()
    got = [p["updated_on"] for p in values["values"]]
    assert got == sorted(
        (p["updated_on"] for p in repo.pull_requests if p["updated_on"] >= middle), reverse=True
    )
    default = client.get(R + "/pullrequests", headers=headers).get_json()["values"]
    assert {p["state"] for p in default} == {"OPEN"}


def test_over_the_limit_answers_429_with_retry_after() -> None:
    _, client, headers = _client(rate_limit="2/hour")
    assert client.get("/2.0/workspaces", headers=headers).status_code == 200
    ok = client.get("/2.0/workspaces", headers=headers)
    assert ok.headers["X-RateLimit-Limit"] == "2"
    throttled = client.get("/2.0/workspaces", headers=headers)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert throttled.get_json()["type"] == "error"
