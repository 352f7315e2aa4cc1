"""The GitLab emulator's HTTP manners: paging headers, auth, errors, rate limits, writes."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.kit.links import parse_link_header
from brainhub.sandbox.services.gitlab import GitLabEmulator

API = "/api/v4"


@pytest.fixture
def gitlab() -> tuple[GitLabEmulator, Client, dict[str, str]]:
    emulator = GitLabEmulator(size="demo", seed=1, generation=0)
    return emulator, Client(emulator), {"PRIVATE-TOKEN": emulator.credentials["api_token"]}


def test_offset_pages_carry_gitlabs_headers(gitlab: Any) -> None:
    emulator, client, auth = gitlab
    project = emulator.data.projects[0]
    total = len(project.issues)
    first = client.get(f"{API}/projects/{project.id}/issues?per_page=10", headers=auth)
    assert first.status_code == 200
    assert len(first.get_json()) == 10
    pages = -(-total // 10)
    assert first.headers["X-Total"] == str(total)
    assert first.headers["X-Total-Pages"] == str(pages)
    assert (first.headers["X-Page"], first.headers["X-Next-Page"]) == ("1", "2")
    assert first.headers["X-Prev-Page"] == ""
    links = parse_link_header(first.headers["Link"])
    assert set(links) == {"next", "first", "last"}
    last = client.get(f"{API}/projects/{project.id}/issues?per_page=10&page={pages}", headers=auth)
    assert last.headers["X-Next-Page"] == ""
    assert "next" not in parse_link_header(last.headers["Link"])
    seen = [
        i["id"]
        for p in range(1, pages + 1)
        for i in client.get(
            f"{API}/projects/{project.id}/issues?per_page=10&page={p}", headers=auth
        ).get_json()
    ]
    assert sorted(seen) == sorted(i["id"] for i in project.issues)
    big = client.get(f"{API}/projects/{project.id}/issues?per_page=500", headers=auth)
    assert big.headers["X-Per-Page"] == "100", "per_page is capped at 100"


def test_keyset_paging_follows_the_last_id_and_sends_only_next(gitlab: Any) -> None:
    emulator, client, auth = gitlab
    url = f"{API}/users?pagination=keyset&order_by=id&sort=asc&per_page=3"
    ids: list[int] = []
    while url:
        answer = client.get(url, headers=auth)
        ids += [u["id"] for u in answer.get_json()]
        links = parse_link_header(answer.headers.get("Link", ""))
        assert set(links) <= {"next"}
        assert "X-Total" not in answer.headers
        url = links.get("next", "").removeprefix("http://localhost")
    assert ids == sorted(u["id"] for u in emulator.data.users)
    wrong = client.get(f"{API}/projects?pagination=keyset&order_by=name", headers=auth)
    assert wrong.status_code == 400


def test_projects_are_found_by_id_or_url_encoded_path(gitlab: Any) -> None:
    emulator, client, auth = gitlab
    project = emulator.data.projects[1]
    encoded = project.json["path_with_namespace"].replace("/", "%2F")
    by_path = client.get(f"{API}/projects/{encoded}/issues/1", headers=auth)
    by_id = client.get(f"{API}/projects/{project.id}/issues/1", headers=auth)
    assert by_path.status_code == by_id.status_code == 200
    assert by_path.get_json() == by_id.get_json()


@pytest.mark.parametrize(
    ("path", "headers", "status", "body"),
    [
        ("/projects", {}, 401, {"message": "401 Unauthorized"}),
        ("/projects", {"PRIVATE-TOKEN": "glpat-wrong"}, 401, {"message": "401 Unauthorized"}),
        ("/projects/999", None, 404, {"message": "404 Project Not Found"}),
        ("/projects/101/issues/999", None, 404, {"message": "404 Issue Not Found"}),
        (
            "/projects/101/issues?updated_after=yesterday",
            None,
            400,
            {"error": "updated_after is invalid"},
        ),
        ("/no/such/route", None, 404, {"message": "404 Not Found"}),
    ],
)
def test_errors_are_gitlabs_bodies(
    gitlab: Any, path: str, headers: Any, status: int, body: Any
) -> None:
    _, client, auth = gitlab
    answer = client.get(API + path, headers=auth if headers is None else headers)
    assert (answer.status_code, answer.get_json()) == (status, body)


def test_bearer_tokens_are_accepted_too(gitlab: Any) -> None:
    emulator, client, _ = gitlab
    token = emulator.credentials["api_token"]
    assert (
        client.get(f"{API}/user", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


def test_over_the_limit_is_429_retry_later_with_ratelimit_headers() -> None:
    emulator = GitLabEmulator(size="tiny", generation=0, rate_limit=2)
    client = Client(emulator)
    auth = {"PRIVATE-TOKEN": emulator.credentials["api_token"]}
    ok = client.get(f"{API}/projects", headers=auth)
    assert ok.headers["RateLimit-Limit"] == "2"
    assert ok.headers["RateLimit-Remaining"] == "1"
    assert ok.headers["RateLimit-Observed"] == "1"
    assert ok.headers["RateLimit-ResetTime"].endswith("GMT")
    client.get(f"{API}/projects", headers=auth)
    throttled = client.get(f"{API}/projects", headers=auth)
    assert throttled.status_code == 429
    assert throttled.get_data(as_text=True) == "Retry later\n"
    assert int(throttled.headers["Retry-After"]) >= 1


def test_issue_writes_close_with_state_event_and_show_in_updated_after(gitlab: Any) -> None:
    emulator, client, auth = gitlab
    project = emulator.data.projects[0]
    base = f"{API}/projects/{project.id}/issues"
    created = client.post(base, headers=auth, json={"title": "Export fails", "labels": "bug,docs"})
    assert created.status_code == 201
    issue = created.get_json()
    assert (issue["state"], issue["labels"]) == ("opened", ["bug", "docs"])
    closed = client.put(f"{base}/{issue['iid']}", headers=auth, json={"state_event": "close"})
    assert closed.get_json()["state"] == "closed"
    assert closed.get_json()["closed_at"]
    note = client.post(f"{base}/{issue['iid']}/notes", headers=auth, json={"body": "Done."})
    assert note.status_code == 201
    assert note.get_json()["body"] == "Done."
    changed = client.get(
        f"{base}?updated_after=2026-03-01T00:00:00Z&state=all", headers=auth
    ).get_json()
    assert [i["iid"] for i in changed] == [issue["iid"]]
    missing = client.post(base, headers=auth, json={"description": "no title"})
    assert (missing.status_code, missing.get_json()) == (400, {"error": "title is missing"})
    bad = client.put(f"{base}/{issue['iid']}", headers=auth, json={"state_event": "shut"})
    assert bad.status_code == 400


def test_neighbours_answer_from_the_seeded_objects(gitlab: Any) -> None:
    emulator, client, auth = gitlab
    project = emulator.data.projects[0]
    base = f"{API}/projects/{project.id}"
    tags = client.get(f"{base}/repository/tags", headers=auth).get_json()
    assert {t["name"] for t in tags} == {r["tag_name"] for r in project.releases}
    tag = project.releases[0]["tag_name"]
    assert client.get(f"{base}/repository/tags/{tag}", headers=auth).get_json()["name"] == tag
    missing = client.get(f"{base}/repository/tags/v0.0.0", headers=auth)
    assert (missing.status_code, missing.get_json()) == (404, {"message": "404 Tag Not Found"})
    mr = project.merge_requests[0]
    pipelines = client.get(f"{base}/merge_requests/{mr['iid']}/pipelines", headers=auth)
    assert {p["sha"] for p in pipelines.get_json()} <= {mr["sha"]}
    contributors = client.get(f"{base}/repository/contributors", headers=auth).get_json()
    assert sum(c["commits"] for c in contributors) == len(project.commits)
    status = client.get(f"{API}/users/1/status", headers=auth).get_json()
    assert status["availability"] == "not_set"


def test_every_documented_order_is_accepted_and_others_are_gitlabs_400(gitlab: Any) -> None:
    emulator, client, auth = gitlab
    project = emulator.data.projects[0]
    for path, order in (
        ("/projects", "similarity"),
        ("/projects", "star_count"),
        (f"/projects/{project.id}/merge_requests", "title"),
        (f"/projects/{project.id}/merge_requests", "popularity"),
    ):
        answer = client.get(f"{API}{path}?order_by={order}", headers=auth)
        assert answer.status_code == 200, (path, order)
    stars = client.get(f"{API}/projects?order_by=star_count&sort=asc", headers=auth).get_json()
    assert [p["star_count"] for p in stars] == sorted(p["star_count"] for p in stars)
    refused = client.get(f"{API}/projects?order_by=stars", headers=auth)
    assert refused.status_code == 400
    assert refused.get_json() == {"error": "order_by does not have a valid value"}
