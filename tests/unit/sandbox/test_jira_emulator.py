"""The Jira emulator answers as Jira Cloud's REST v3 and agile APIs do."""

from __future__ import annotations

import base64
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from werkzeug.test import Client

from brainhub.sandbox.services.jira import JiraEmulator
from brainhub.sandbox.services.jira.jql import UNBOUNDED

REPO_ROOT = Path(__file__).resolve().parents[3]
APIS = REPO_ROOT.parent / "shared" / "apis" / "jira"
PLATFORM = APIS / "jira-platform-v3.openapi.json"
AGILE = APIS / "jira-software-agile.openapi.json"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _emulator(**options: Any) -> JiraEmulator:
    return JiraEmulator(size="tiny", generation=options.pop("generation", 0), **options)


def _auth(emulator: JiraEmulator) -> dict[str, str]:
    creds = emulator.credentials
    pair = f"{creds['email']}:{creds['api_token']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _get(emulator: JiraEmulator, path: str, **query: Any) -> Any:
    return Client(emulator).get(path, query_string=query, headers=_auth(emulator))


def _search_all(emulator: JiraEmulator, jql: str, **query: Any) -> tuple[list[Any], int]:
    issues: list[Any] = []
    token = None
    pages = 0
    while True:
        args = {"jql": jql, **query, **({"nextPageToken": token} if token else {})}
        body = _get(emulator, "/rest/api/3/search/jql", **args).get_json()
        pages += 1
        issues += body["issues"]
        if body["isLast"]:
            assert "nextPageToken" not in body
            return issues, pages
        token = body["nextPageToken"]


# ---------------------------------------------------------------- search


def test_search_pages_with_next_page_token_until_is_last() -> None:
    emulator = _emulator()
    issues, pages = _search_all(emulator, "project IS NOT EMPTY", maxResults=3, fields="*all")
    assert len(issues) == emulator.counts()["issues"]
    assert pages == 4
    assert len({i["key"] for i in issues}) == len(issues)


def test_search_returns_only_ids_unless_fields_are_asked_for() -> None:
    emulator = _emulator()
    plain = _get(emulator, "/rest/api/3/search/jql", jql="project = ENG").get_json()
    assert all(set(issue) == {"id"} for issue in plain["issues"])
    some = _get(emulator, "/rest/api/3/search/jql", jql="project = ENG", fields="summary,updated")
    assert all(set(i["fields"]) == {"summary", "updated"} for i in some.get_json()["issues"])


def test_named_fields_add_to_navigable_ones() -> None:
    emulator = _emulator()
    navigable = _get(emulator, "/rest/api/3/search/jql", jql="project = ENG", fields="*navigable")
    assert not any("comment" in i["fields"] for i in navigable.get_json()["issues"])
    both = _get(
        emulator, "/rest/api/3/search/jql", jql="project = ENG", fields="*navigable,comment"
    ).get_json()["issues"]
    assert all("summary" in i["fields"] and "worklog" not in i["fields"] for i in both)
    issues = {str(i.id): i for i in emulator.data.issues()}
    assert all(i["fields"]["comment"]["total"] == len(issues[i["id"]].comments) for i in both)


def test_search_caps_max_results_at_100_with_fields() -> None:
    emulator = JiraEmulator(size="large", generation=0)
    body = _get(
        emulator, "/rest/api/3/search/jql", jql="project = ENG", fields="*navigable", maxResults=500
    ).get_json()
    assert len(body["issues"]) == 100
    assert body["isLast"] is False


def test_jql_updated_filter_is_to_the_minute_and_orders_results() -> None:
    emulator = _emulator()
    every, _ = _search_all(emulator, "project IS NOT EMPTY ORDER BY updated ASC", fields="updated")
    stamps = [i["fields"]["updated"] for i in every]
    assert stamps == sorted(stamps)
    pivot = stamps[len(stamps) // 2]
    minute = pivot[:10] + " " + pivot[11:16]
    newer, _ = _search_all(
        emulator, f'updated >= "{minute}" ORDER BY updated ASC', fields="updated"
    )
    assert [i["fields"]["updated"] for i in newer] == [s for s in stamps if s[:16] >= pivot[:16]]


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ("ORDER BY updated ASC", UNBOUNDED),
        ("", UNBOUNDED),
        ('updated >= "last tuesday"', "Date value 'last tuesday' for field 'updated' is invalid"),
        ("assignee = currentUser()", "Error in the JQL Query"),
    ],
)
def test_bad_jql_is_a_400_error_collection(jql: str, message: str) -> None:
    response = _get(_emulator(), "/rest/api/3/search/jql", jql=jql)
    assert response.status_code == 400
    body = response.get_json()
    assert body["errors"] == {}
    assert body["errorMessages"][0].startswith(message)


def test_search_also_answers_post_with_a_json_body() -> None:
    emulator = _emulator()
    response = Client(emulator).post(
        "/rest/api/3/search/jql",
        json={"jql": "project = OPS", "fields": ["summary"], "maxResults": 2},
        headers=_auth(emulator),
    )
    body = response.get_json()
    assert [i["key"] for i in body["issues"]] == ["OPS-1", "OPS-2"]
    assert body["nextPageToken"]


def test_a_foreign_page_token_is_refused() -> None:
    response = _get(_emulator(), "/rest/api/3/search/jql", jql="project = ENG", nextPageToken="x")
    assert response.status_code == 400


# ---------------------------------------------------------------- startAt paging


def test_comments_page_with_start_at_and_total() -> None:
    emulator = _emulator()
    first = _get(emulator, "/rest/api/3/issue/ENG-1/comment", maxResults=100).get_json()
    assert (first["startAt"], first["maxResults"], first["total"]) == (0, 100, 105)
    assert len(first["comments"]) == 100
    rest = _get(emulator, "/rest/api/3/issue/ENG-1/comment", startAt=100).get_json()
    assert len(rest["comments"]) == 5
    ids = [c["id"] for c in first["comments"] + rest["comments"]]
    assert len(set(ids)) == 105


def test_projects_and_boards_are_page_beans_with_is_last() -> None:
    emulator = _emulator()
    page = _get(emulator, "/rest/api/3/project/search", maxResults=1).get_json()
    assert (page["total"], page["isLast"], len(page["values"])) == (2, False, 1)
    assert page["nextPage"].endswith("startAt=1&maxResults=1")
    boards = _get(emulator, "/rest/agile/1.0/board", maxResults=500).get_json()
    assert boards["maxResults"] == 50, "Jira caps maxResults silently"
    assert boards["isLast"] is True


def test_users_search_is_a_bare_array_including_apps() -> None:
    users = _get(_emulator(), "/rest/api/3/users/search").get_json()
    assert isinstance(users, list)
    assert {u["accountType"] for u in users} == {"atlassian", "app"}


def test_kanban_boards_do_not_support_sprints() -> None:
    emulator = _emulator()
    boards = _get(emulator, "/rest/agile/1.0/board").get_json()["values"]
    kanban = next(b for b in boards if b["type"] == "kanban")
    scrum = next(b for b in boards if b["type"] == "scrum")
    refused = _get(emulator, f"/rest/agile/1.0/board/{kanban['id']}/sprint")
    assert refused.status_code == 400
    assert refused.get_json() == {
        "errorMessages": ["The board does not support sprints"],
        "errors": {},
    }
    sprints = _get(emulator, f"/rest/agile/1.0/board/{scrum['id']}/sprint").get_json()["values"]
    assert {s["state"] for s in sprints} == {"closed", "active", "future"}


def test_missing_issue_is_jiras_404() -> None:
    response = _get(_emulator(), "/rest/api/3/issue/NOPE-9/comment")
    assert response.status_code == 404
    assert response.get_json() == {
        "errorMessages": ["Issue does not exist or you do not have permission to see it."],
        "errors": {},
    }


# ---------------------------------------------------------------- auth and limits


def test_wrong_or_missing_basic_auth_is_a_plain_text_401() -> None:
    emulator = _emulator()
    client = Client(emulator)
    wrong = base64.b64encode(b"robot@octo-sandbox.example:nope").decode()
    bad = client.get("/rest/api/3/project/search", headers={"Authorization": f"Basic {wrong}"})
    assert bad.status_code == 401
    assert bad.get_data(as_text=True) == "Client must be authenticated to access this resource."
    assert bad.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"
    missing = client.get("/rest/api/3/project/search")
    assert missing.status_code == 401
    assert "X-Seraph-LoginReason" not in missing.headers


def test_over_the_limit_is_429_with_retry_after() -> None:
    clock = Clock()
    emulator = _emulator(clock=clock, rate_limit=5)
    statuses = [_get(emulator, "/rest/api/3/project/search").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    throttled = _get(emulator, "/rest/api/3/project/search")
    assert throttled.headers["Retry-After"] == "60"
    assert throttled.headers["RateLimit-Reason"] == "jira-burst-based"
    assert throttled.headers["X-RateLimit-Remaining"] == "0"
    assert throttled.headers["X-RateLimit-NearLimit"] == "true"
    assert throttled.get_json()["errorMessages"]
    clock.now += 30
    assert _get(emulator, "/rest/api/3/project/search").headers["Retry-After"] == "30"
    clock.now += 30
    assert _get(emulator, "/rest/api/3/project/search").status_code == 200


def test_rate_limit_headers_on_normal_responses() -> None:
    response = _get(_emulator(clock=Clock()), "/rest/api/3/project/search")
    assert response.headers["X-RateLimit-Limit"] == "100"
    assert response.headers["X-RateLimit-Remaining"] == "99"
    assert response.headers["X-RateLimit-Reset"].endswith("Z")
    assert "X-RateLimit-NearLimit" not in response.headers


# ---------------------------------------------------------------- data


def test_determinism_and_generations() -> None:
    one = _get(_emulator(), "/rest/api/3/search/jql", jql="project = ENG", fields="*all").data
    two = _get(_emulator(), "/rest/api/3/search/jql", jql="project = ENG", fields="*all").data
    assert one == two
    before, after = _emulator(), _emulator(generation=1)
    changes = after.changes(0)
    assert changes["issues_created"] == 2
    assert changes["issues_deleted"] == 1
    assert after.counts()["issues"] == before.counts()["issues"] + 2 - 1
    newest, _ = _search_all(before, "project IS NOT EMPTY ORDER BY updated DESC", fields="updated")
    bookmark = newest[0]["fields"]["updated"]
    minute = bookmark[:10] + " " + bookmark[11:16]
    changed, _ = _search_all(after, f'updated >= "{minute}"', fields="updated")
    fresh = [i for i in changed if i["fields"]["updated"] > bookmark]
    assert len(fresh) >= changes["issues_created"]


def test_a_generation_deletes_an_issue_with_its_comments_and_a_future_sprint() -> None:
    before, after = _emulator(), _emulator(generation=1)
    changes = after.changes(0)
    jql = "project IS NOT EMPTY ORDER BY key ASC"
    keys_before = {i["key"] for i in _search_all(before, jql, fields="key")[0]}
    keys_after = {i["key"] for i in _search_all(after, jql, fields="key")[0]}
    (deleted,) = keys_before - keys_after
    assert changes["issues_deleted"] == 1
    assert _get(before, f"/rest/api/3/issue/{deleted}").status_code == 200
    missing = "Issue does not exist or you do not have permission to see it."
    for path in ("", "/comment", "/worklog"):
        response = _get(after, f"/rest/api/3/issue/{deleted}{path}")
        assert response.status_code == 404
        assert response.json == {"errorMessages": [missing], "errors": {}}
    counts_before, counts_after = before.counts(), after.counts()
    assert counts_after["issue_comments"] == (
        counts_before["issue_comments"] + changes["comments"] - changes["issue_comments_deleted"]
    )
    assert counts_after["sprints"] == counts_before["sprints"] - changes["sprints_deleted"] == 2
    new_keys = keys_after - keys_before
    assert len(new_keys) == changes["issues_created"]
    assert not new_keys & keys_before, "a deleted issue's key is never reused"


# ---------------------------------------------------------------- vendor schemas


def _nullable(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def _document(path: Path) -> dict[str, Any]:
    if not path.is_file():
        pytest.skip(f"Atlassian's OpenAPI document is not at {path}")
    document = json.loads(path.read_text(encoding="utf-8"))
    return {"paths": document["paths"], "components": _nullable(document["components"])}


@pytest.mark.parametrize(
    ("spec", "template", "path", "query"),
    [
        (PLATFORM, "/rest/api/3/project/search", "/rest/api/3/project/search", {}),
        (PLATFORM, "/rest/api/3/users/search", "/rest/api/3/users/search", {}),
        (
            PLATFORM,
            "/rest/api/3/search/jql",
            "/rest/api/3/search/jql",
            {"jql": "project = ENG", "fields": "*all"},
        ),
        (
            PLATFORM,
            "/rest/api/3/issue/{issueIdOrKey}/comment",
            "/rest/api/3/issue/ENG-1/comment",
            {},
        ),
        (
            PLATFORM,
            "/rest/api/3/issue/{issueIdOrKey}/worklog",
            "/rest/api/3/issue/ENG-2/worklog",
            {},
        ),
        (AGILE, "/rest/agile/1.0/board", "/rest/agile/1.0/board", {}),
    ],
)
def test_responses_validate_against_atlassians_openapi(
    spec: Path, template: str, path: str, query: dict[str, str]
) -> None:
    document = _document(spec)
    content = document["paths"][template]["get"]["responses"]["200"]["content"]
    schema = _nullable(content["application/json"]["schema"])
    validator = Draft7Validator({**schema, "components": document["components"]})
    body = _get(_emulator(), path, **query).get_json()
    assert body
    errors = list(validator.iter_errors(body))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:5]
    )


def test_jql_matches_issues_by_status_type_priority_labels_and_people() -> None:
    emulator = _emulator()
    every, _ = _search_all(emulator, "project IS NOT EMPTY", fields="*navigable")
    done = [i["key"] for i in every if i["fields"]["status"]["name"] == "Done"]
    found, _ = _search_all(emulator, 'status = "Done"', fields="key")
    assert sorted(i["key"] for i in found) == sorted(done)
    bugs, _ = _search_all(emulator, "project = ENG AND issuetype in (Bug, Story)", fields="key")
    expected = [
        i["key"]
        for i in every
        if i["key"].startswith("ENG-") and i["fields"]["issuetype"]["name"] in ("Bug", "Story")
    ]
    assert sorted(i["key"] for i in bugs) == sorted(expected)
    unassigned, _ = _search_all(emulator, "assignee IS EMPTY", fields="key")
    assert sorted(i["key"] for i in unassigned) == sorted(
        i["key"] for i in every if i["fields"]["assignee"] is None
    )
    someone = next(i["fields"]["assignee"] for i in every if i["fields"]["assignee"])
    theirs, _ = _search_all(emulator, f"assignee = {someone['accountId']}", fields="key")
    assert {i["key"] for i in theirs} == {
        i["key"]
        for i in every
        if i["fields"]["assignee"] and i["fields"]["assignee"]["accountId"] == someone["accountId"]
    }
    not_high, _ = _search_all(emulator, "priority != High", fields="key")
    assert len(not_high) == sum(1 for i in every if i["fields"]["priority"]["name"] != "High")


def test_a_field_jira_does_not_have_is_jiras_400() -> None:
    response = _get(_emulator(), "/rest/api/3/search/jql", jql="colour = red")
    assert response.status_code == 400
    assert response.get_json()["errorMessages"] == [
        "Field 'colour' does not exist or you do not have permission to view it."
    ]


def test_a_search_sees_the_new_generation_after_the_switch() -> None:
    emulator = _emulator()
    before, _ = _search_all(emulator, "project IS NOT EMPTY", fields="key")
    emulator.set_generation(1)
    after, _ = _search_all(emulator, "project IS NOT EMPTY", fields="key")
    assert len(before) == _emulator().counts()["issues"]
    assert len(after) == emulator.counts()["issues"] == len(before) + 2 - 1
