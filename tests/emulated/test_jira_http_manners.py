"""Jira's manners and reads beyond the taps' paths: content type, errors, HEAD, gzip,
REST v2 beside v3, ``fields=`` and ``expand=`` on issues, ``startAt`` paging, and objects
whose ids resolve."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.jira import JiraEmulator
from brainhub.sandbox.services.jira.jql import UNBOUNDED

JSON = "application/json;charset=UTF-8"
MISSING_ISSUE = "Issue does not exist or you do not have permission to see it."


@pytest.fixture(scope="module")
def emulator() -> JiraEmulator:
    return JiraEmulator(size="tiny", generation=1, rate_limit=1_000_000)


@pytest.fixture(scope="module")
def client(emulator) -> Client:
    return Client(emulator)


@pytest.fixture(scope="module")
def auth(emulator) -> dict[str, str]:
    creds = emulator.credentials
    pair = f"{creds['email']}:{creds['api_token']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def _get(client: Client, auth: dict[str, str], path: str, **query: Any) -> Any:
    return client.get(path, query_string=query, headers=auth)


# ---------------------------------------------------------------- manners


def test_every_json_answer_errors_included_is_jiras_content_type(client, auth):
    for path in ("/rest/api/3/myself", "/rest/api/3/issue/NOPE-1", "/rest/api/3/dashboard"):
        assert _get(client, auth, path).headers["Content-Type"] == JSON


def test_errors_are_error_collections_with_jiras_texts(client, auth):
    missing = _get(client, auth, "/rest/api/2/issue/NOPE-1/worklog")
    assert missing.status_code == 404
    assert missing.json == {"errorMessages": [MISSING_ISSUE], "errors": {}}
    unbounded = _get(client, auth, "/rest/api/3/search/jql", jql="")
    assert (unbounded.status_code, unbounded.json["errorMessages"]) == (400, [UNBOUNDED])
    paging = _get(client, auth, "/rest/api/3/project/search", startAt="two")
    assert paging.status_code == 400
    assert paging.json == {
        "errorMessages": ["The value 'two' is not valid for startAt."],
        "errors": {},
    }
    unknown = _get(client, auth, "/rest/api/3/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json == {
        "message": "null for uri: http://localhost/rest/api/3/nothing-here",
        "status-code": 404,
    }


def test_without_auth_every_served_path_is_the_plain_text_401(client):
    for path in ("/rest/api/2/myself", "/rest/agile/1.0/board", "/rest/api/3/filter/search"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.mimetype == "text/plain"
        assert response.get_data(as_text=True) == (
            "Client must be authenticated to access this resource."
        )


def test_head_answers_like_get_without_a_body(client, auth):
    got = _get(client, auth, "/rest/api/3/project")
    head = client.head("/rest/api/3/project", headers=auth)
    assert head.status_code == got.status_code == 200
    assert head.headers["Content-Type"] == JSON
    assert head.data == b""


def test_gzip_only_when_asked_and_the_same_json(client, auth):
    plain = _get(client, auth, "/rest/api/3/project")
    zipped = client.get("/rest/api/3/project", headers={**auth, "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.data)) == plain.json


# ---------------------------------------------------------------- v2 beside v3


def test_v2_writes_rich_text_as_wiki_markup_where_v3_writes_adf(client, auth):
    v3 = _get(client, auth, "/rest/api/3/issue/ENG-1", fields="description,comment")
    v2 = _get(client, auth, "/rest/api/2/issue/ENG-1", fields="description,comment")
    assert v3.json["fields"]["description"]["type"] == "doc"
    text = v3.json["fields"]["description"]["content"][0]["content"][0]["text"]
    assert v2.json["fields"]["description"] == text
    first_v3 = v3.json["fields"]["comment"]["comments"][0]
    first_v2 = v2.json["fields"]["comment"]["comments"][0]
    assert first_v2["body"] == first_v3["body"]["content"][0]["content"][0]["text"]
    assert v2.json["self"].endswith("/rest/api/2/issue/" + v2.json["id"])
    assert v3.json["self"].endswith("/rest/api/3/issue/" + v3.json["id"])


# ---------------------------------------------------------------- fields and expand


def test_one_issue_has_every_field_by_default_and_fields_selects(client, auth):
    every = _get(client, auth, "/rest/api/3/issue/ENG-1").json["fields"]
    assert {"summary", "status", "comment", "worklog", "description"} <= set(every)
    navigable = _get(client, auth, "/rest/api/3/issue/ENG-1", fields="*navigable").json
    assert "comment" not in navigable["fields"]
    assert "summary" in navigable["fields"]
    without = _get(client, auth, "/rest/api/3/issue/ENG-1", fields="*all,-comment").json
    assert set(without["fields"]) == set(every) - {"comment"}
    only_removed = _get(client, auth, "/rest/api/3/issue/ENG-1", fields="-description").json
    assert "description" not in only_removed["fields"]
    assert "comment" in only_removed["fields"]


def test_expand_adds_names_schema_rendered_fields_transitions_and_changelog(client, auth):
    expand = "names,schema,renderedFields,transitions,operations,editmeta,changelog"
    issue = _get(
        client, auth, "/rest/api/3/issue/ENG-1", fields="summary,description,status", expand=expand
    ).json
    assert issue["names"] == {
        "summary": "Summary",
        "status": "Status",
        "description": "Description",
    }
    assert issue["schema"]["summary"] == {"type": "string", "system": "summary"}
    assert issue["renderedFields"]["description"].startswith("<p>What to do for ENG-1")
    status = issue["fields"]["status"]["id"]
    assert issue["transitions"]
    assert all(t["to"]["id"] != status for t in issue["transitions"])
    assert "summary" in issue["editmeta"]["fields"]
    histories = issue["changelog"]["histories"]
    assert issue["changelog"]["total"] == len(histories)
    plain = _get(client, auth, "/rest/api/3/issue/ENG-1", fields="summary").json
    assert not {"names", "schema", "renderedFields", "transitions", "changelog"} & set(plain)


def test_changelogs_are_ordered_between_creation_and_the_last_update(client, auth, emulator):
    for issue in emulator.data.issues():
        body = _get(client, auth, f"/rest/api/3/issue/{issue.key}", expand="changelog").json
        created, updated = body["fields"]["created"], body["fields"]["updated"]
        moments = [h["created"] for h in body["changelog"]["histories"]]
        assert all(created <= moment <= updated for moment in moments)
        if body["fields"]["status"]["name"] != "To Do":
            assert any(
                i["field"] == "status" for h in body["changelog"]["histories"] for i in h["items"]
            )


def test_search_gives_names_and_schema_once_beside_the_issues(client, auth):
    body = _get(
        client,
        auth,
        "/rest/api/3/search/jql",
        jql="project = ENG",
        fields="summary",
        expand="names,schema",
    ).json
    assert body["names"] == {"summary": "Summary"}
    assert all("names" not in issue for issue in body["issues"])


# ---------------------------------------------------------------- paging and ids


def test_the_older_search_pages_with_start_at_and_total(client, auth, emulator):
    keys: list[str] = []
    start = 0
    while True:
        page = _get(
            client,
            auth,
            "/rest/api/3/search",
            jql="project IS NOT EMPTY",
            startAt=start,
            maxResults=4,
            fields="summary",
        ).json
        assert page["total"] == emulator.counts()["issues"]
        keys += [issue["key"] for issue in page["issues"]]
        start += page["maxResults"]
        if start >= page["total"]:
            break
    assert len(keys) == len(set(keys)) == emulator.counts()["issues"]


def test_page_windows_are_brought_inside_what_jira_accepts(client, auth):
    body = _get(client, auth, "/rest/api/3/issue/ENG-1/comment", startAt=-5, maxResults=0).json
    assert (body["startAt"], body["maxResults"], len(body["comments"])) == (0, 1, 1)
    capped = _get(client, auth, "/rest/agile/1.0/board", maxResults=500).json
    assert capped["maxResults"] == 50


def test_ids_resolve_to_served_objects(client, auth, emulator):
    users = {u["accountId"] for u in _get(client, auth, "/rest/api/3/users").json}
    issue = _get(client, auth, "/rest/api/3/issue/ENG-1").json
    for comment in issue["fields"]["comment"]["comments"]:
        assert comment["author"]["accountId"] in users
        one = _get(client, auth, f"/rest/api/3/issue/ENG-1/comment/{comment['id']}")
        assert one.json["id"] == comment["id"]
    project = issue["fields"]["project"]
    assert _get(client, auth, f"/rest/api/3/project/{project['id']}").json["key"] == project["key"]
    status = issue["fields"]["status"]
    assert _get(client, auth, f"/rest/api/3/status/{status['id']}").json["name"] == status["name"]
    board = _get(client, auth, "/rest/agile/1.0/board").json["values"][0]
    sprint = _get(client, auth, f"/rest/agile/1.0/board/{board['id']}/sprint").json["values"][0]
    in_sprint = _get(client, auth, f"/rest/agile/1.0/sprint/{sprint['id']}/issue").json
    for found in in_sprint["issues"]:
        assert _get(client, auth, f"/rest/api/3/issue/{found['key']}").status_code == 200


def test_a_path_id_of_unicode_digits_names_nothing(client, auth):
    # "¹" passes str.isdigit() but is no number Jira issues: 404, never a 500
    response = _get(client, auth, "/rest/api/3/dashboard/%C2%B9")
    assert response.status_code == 404
    assert response.json["errorMessages"]


def test_an_issue_carries_jiras_system_fields_consistent_with_its_resources(client, auth):
    fields = _get(client, auth, "/rest/api/3/issue/ENG-2").json["fields"]
    for name in ("components", "fixVersions", "issuelinks", "subtasks", "attachment"):
        assert fields[name] == []
    watchers = _get(client, auth, "/rest/api/3/issue/ENG-2/watchers").json
    assert fields["watches"]["watchCount"] == watchers["watchCount"] == len(watchers["watchers"])
    votes = _get(client, auth, "/rest/api/3/issue/ENG-2/votes").json
    assert fields["votes"]["votes"] == votes["votes"]
    spent = sum(w["timeSpentSeconds"] for w in fields["worklog"]["worklogs"]) or None
    assert fields["timespent"] == fields["aggregatetimespent"] == spent
    assert fields["created"] <= fields["statuscategorychangedate"] <= fields["updated"]
    catalogue = {field["id"] for field in _get(client, auth, "/rest/api/3/field").json}
    assert set(fields) <= catalogue


def test_shaped_answers_name_this_site_its_projects_and_its_caller(client, auth):
    me = _get(client, auth, "/rest/api/3/myself").json
    (component,) = _get(client, auth, "/rest/api/3/project/OPS/components").json
    assert (component["project"], component["projectId"]) == ("OPS", 10001)
    assert component["self"].endswith(f"/rest/api/3/component/{component['id']}")
    filters = _get(client, auth, "/rest/api/3/filter/search", maxResults=10).json
    assert filters["self"].endswith("/rest/api/3/filter/search?maxResults=10")
    assert (filters["startAt"], filters["total"], filters["isLast"]) == (0, 1, True)
    owner = filters["values"][0]["owner"]
    assert owner["displayName"] == me["displayName"]
    assert set(owner) <= set(me)
