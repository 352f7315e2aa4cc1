"""Jira writes through plain ``requests`` against a served emulator, in v3 (ADF) and v2
(text), read back; writes outlive the process (the change journal), ``reset`` forgets
them, the tap's next incremental search picks them up, and bad writes get Jira's error
bodies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.redaction import hidden
from brainhub.sandbox import serve, state
from brainhub.sandbox.services.jira import JiraEmulator
from tests.support.sandbox_process import serve_in_process
from tests.support.taps import final_state, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "jira")
V3, V2 = "/rest/api/3", "/rest/api/2"


def doc(*paragraphs: str) -> dict[str, Any]:
    """An Atlassian Document Format body of these paragraphs."""
    return {
        "type": "doc",
        "version": 1,
        "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": text}]}
            for text in paragraphs
        ],
    }


class Api:
    """``requests`` against one served Jira emulator (basic auth)."""

    def __init__(self, base_url: str, credentials: dict[str, str]) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = (credentials["email"], credentials["api_token"])

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        return requests.request(
            method,
            self.base_url + path,
            auth=self.auth,
            json=body,
            params=params,
            timeout=10,
        )


def _emulator(state_dir: Path, **options: Any) -> JiraEmulator:
    return JiraEmulator(size="tiny", state_dir=state_dir, rate_limit=100_000, **options)


@contextmanager
def served(state_dir: Path, **options: Any) -> Iterator[tuple[JiraEmulator, Api]]:
    emulator = _emulator(state_dir, **options)
    with serve(emulator) as running:
        yield emulator, Api(running.base_url, running.credentials)


@contextmanager
def serve_process(state_dir: Path) -> Iterator[Api]:
    """``brainhub sandbox serve jira --size tiny`` in its own process on ``state_dir``."""
    with serve_in_process("jira", state_dir) as info:
        yield Api(info["base_url"], info["credentials"])


NEW_ISSUE = {
    "fields": {
        "project": {"key": "ENG"},
        "issuetype": {"name": "Bug"},
        "summary": "Exports time out",
        "description": doc("Seen on large boards.", "Twice a day."),
        "priority": {"id": "1"},
        "labels": ["exports"],
    }
}


def _create(api: Api, version: str = V3, **fields: Any) -> dict[str, Any]:
    body = {"fields": {**NEW_ISSUE["fields"], **fields}}
    answer = api("POST", f"{version}/issue", body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


# --------------------------------------------------------------------------- issues


def test_create_issue_in_v3_reads_back_in_both_versions(tmp_path):
    with served(tmp_path) as (emulator, api):
        before = emulator.counts()
        assignee = emulator.data.users[2].account_id
        created = _create(api, assignee={"accountId": assignee})
        assert set(created) == {"id", "key", "self"}
        assert created["key"].startswith("ENG-")
        assert created["self"].endswith(f"{V3}/issue/{created['id']}")
        fields = api("GET", f"{V3}/issue/{created['key']}").json()["fields"]
        assert (fields["summary"], fields["issuetype"]["name"]) == ("Exports time out", "Bug")
        assert (fields["priority"]["name"], fields["labels"]) == ("Highest", ["exports"])
        assert fields["description"] == NEW_ISSUE["fields"]["description"]
        assert fields["assignee"]["accountId"] == assignee
        assert (fields["status"]["name"], fields["updated"]) == ("To Do", fields["created"])
        v2 = api("GET", f"{V2}/issue/{created['id']}").json()["fields"]
        assert v2["description"] == "Seen on large boards.\n\nTwice a day."
        assert emulator.counts() == {**before, "issues": before["issues"] + 1}
        found = api("GET", f"{V3}/search/jql", jql="project = ENG ORDER BY key", fields="key")
        assert created["key"] in [i["key"] for i in found.json()["issues"]]


def test_create_in_v2_takes_plain_text_and_v3_reads_it_as_adf(tmp_path):
    with served(tmp_path) as (_served, api):
        created = _create(api, V2, description="First line.\n\nSecond block.")
        assert created["self"].endswith(f"{V2}/issue/{created['id']}")
        fields = api("GET", f"{V3}/issue/{created['key']}").json()["fields"]
        assert fields["description"] == doc("First line.", "Second block.")
        bare = {"fields": {k: v for k, v in NEW_ISSUE["fields"].items() if k != "description"}}
        plain = api("POST", f"{V2}/issue", bare).json()
        assert api("GET", f"{V3}/issue/{plain['key']}").json()["fields"]["description"] is None


def test_edit_sets_fields_and_applies_update_operations(tmp_path):
    with served(tmp_path) as (_served, api):
        key = _create(api)["key"]
        before = api("GET", f"{V3}/issue/{key}").json()["fields"]["updated"]
        edited = api(
            "PUT",
            f"{V3}/issue/{key}",
            {
                "fields": {
                    "summary": "Exports time out on big boards",
                    "priority": {"name": "Low"},
                },
                "update": {"labels": [{"add": "perf"}, {"remove": "exports"}]},
            },
        )
        assert (edited.status_code, edited.content) == (204, b"")
        fields = api("GET", f"{V3}/issue/{key}").json()["fields"]
        assert fields["summary"] == "Exports time out on big boards"
        assert (fields["priority"]["name"], fields["labels"]) == ("Low", ["perf"])
        assert fields["updated"] > before
        returned = api(
            "PUT", f"{V2}/issue/{key}", {"fields": {"description": "text"}}, returnIssue="true"
        )
        assert returned.status_code == 200
        assert returned.json()["fields"]["description"] == "text"


def test_transitions_follow_what_get_transitions_offers(tmp_path):
    with served(tmp_path) as (_served, api):
        key = _create(api)["key"]
        offered = api("GET", f"{V3}/issue/{key}/transitions").json()["transitions"]
        assert [t["to"]["name"] for t in offered] == ["In Progress", "Done"]
        done = next(t["id"] for t in offered if t["to"]["name"] == "Done")
        moved = api("POST", f"{V3}/issue/{key}/transitions", {"transition": {"id": done}})
        assert (moved.status_code, moved.content) == (204, b"")
        fields = api("GET", f"{V3}/issue/{key}").json()["fields"]
        assert (fields["status"]["name"], fields["resolution"]["name"]) == ("Done", "Done")
        now_offered = api("GET", f"{V3}/issue/{key}/transitions").json()["transitions"]
        assert done not in [t["id"] for t in now_offered]
        again = api("POST", f"{V3}/issue/{key}/transitions", {"transition": {"id": done}})
        assert again.json() == {
            "errorMessages": [f"Transition id '{done}' is not valid for this issue."],
            "errors": {},
        }
        assert api("GET", f"{V3}/search/jql", jql=f"key = {key} AND status = Done").json()["issues"]


def test_comments_are_created_updated_and_deleted_in_both_versions(tmp_path):
    with served(tmp_path) as (emulator, api):
        key = _create(api)["key"]
        before = emulator.counts()["issue_comments"]
        made = api("POST", f"{V3}/issue/{key}/comment", {"body": doc("Looking.")})
        assert made.status_code == 201
        comment = made.json()
        assert comment["body"] == doc("Looking.")
        listed = api("GET", f"{V3}/issue/{key}/comment").json()["comments"]
        assert [c["id"] for c in listed] == [comment["id"]]
        path = f"/issue/{key}/comment/{comment['id']}"
        updated = api("PUT", V2 + path, {"body": "Fixed in 2.1"})
        assert (updated.status_code, updated.json()["body"]) == (200, "Fixed in 2.1")
        assert api("GET", V3 + path).json()["body"] == doc("Fixed in 2.1")
        assert emulator.counts()["issue_comments"] == before + 1
        gone = api("DELETE", V3 + path)
        assert (gone.status_code, gone.content) == (204, b"")
        assert api("GET", V3 + path).status_code == 404


def test_worklogs_are_created_updated_and_deleted(tmp_path):
    with served(tmp_path) as (_served, api):
        key = _create(api)["key"]
        made = api(
            "POST",
            f"{V3}/issue/{key}/worklog",
            {
                "timeSpentSeconds": 5400,
                "comment": doc("Pairing"),
                "started": "2026-02-27T10:00:00.000+0000",
            },
        )
        assert made.status_code == 201
        worklog = made.json()
        assert (worklog["timeSpentSeconds"], worklog["started"]) == (
            5400,
            "2026-02-27T10:00:00.000+0000",
        )
        path = f"{V3}/issue/{key}/worklog/{worklog['id']}"
        assert api("GET", path).json() == worklog
        changed = api("PUT", path, {"timeSpent": "2h"})
        assert (changed.status_code, changed.json()["timeSpentSeconds"]) == (200, 7200)
        fields = api("GET", f"{V3}/issue/{key}").json()["fields"]
        assert fields["timespent"] == 7200
        assert api("DELETE", path).status_code == 204
        assert api("GET", f"{V3}/issue/{key}/worklog").json()["worklogs"] == []


def test_delete_issue_answers_204_and_it_is_gone(tmp_path):
    with served(tmp_path) as (emulator, api):
        issue = emulator.data.projects[0].issues[0]
        before = emulator.counts()
        gone = api("DELETE", f"{V2}/issue/{issue.key}")
        assert (gone.status_code, gone.content) == (204, b"")
        assert api("GET", f"{V3}/issue/{issue.key}").status_code == 404
        assert api("GET", f"{V3}/issue/{issue.id}").status_code == 404
        assert emulator.counts()["issues"] == before["issues"] - 1


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "answer"),
    [
        (
            "POST",
            f"{V3}/issue",
            {"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Bug"}}},
            400,
            {
                "errorMessages": [],
                "errors": {"summary": "You must specify a summary of the issue."},
            },
        ),
        (
            "POST",
            f"{V3}/issue",
            {"fields": {"summary": "s"}},
            400,
            {
                "errorMessages": [],
                "errors": {
                    "project": "Specify a valid project ID or key",
                    "issuetype": "Specify an issue type",
                },
            },
        ),
        (
            "POST",
            f"{V3}/issue",
            {"fields": {**NEW_ISSUE["fields"], "issuetype": {"name": "Epic"}}},
            400,
            {"errorMessages": [], "errors": {"issuetype": "The issue type selected is invalid."}},
        ),
        (
            "POST",
            f"{V3}/issue",
            {"fields": {**NEW_ISSUE["fields"], "description": "not a document"}},
            400,
            {
                "errorMessages": [],
                "errors": {"description": "Operation value must be an Atlassian Document"},
            },
        ),
        (
            "PUT",
            f"{V3}/issue/ENG-1",
            {"fields": {"status": {"name": "Done"}}},
            400,
            {
                "errorMessages": [],
                "errors": {
                    "status": "Field 'status' cannot be set. It is not on the appropriate "
                    "screen, or unknown."
                },
            },
        ),
        (
            "POST",
            f"{V3}/issue/ENG-1/comment",
            {"body": ""},
            400,
            {"errorMessages": [], "errors": {"comment": "Comment body can not be empty!"}},
        ),
        (
            "POST",
            f"{V3}/issue/ENG-1/worklog",
            {"timeSpentSeconds": 0},
            400,
            {"errorMessages": [], "errors": {"timeLogged": "Invalid time duration entered."}},
        ),
        (
            "PUT",
            f"{V3}/issue/ENG-99999",
            {"fields": {"summary": "x"}},
            404,
            {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            },
        ),
        (
            "DELETE",
            f"{V3}/issue/ENG-1/comment/1",
            None,
            404,
            {"errorMessages": ["Can not find a comment for the id: 1."], "errors": {}},
        ),
    ],
)
def test_bad_writes_get_jiras_exact_error_bodies(tmp_path, method, path, body, status, answer):
    with served(tmp_path) as (emulator, api):
        before = api("GET", f"{V3}/issue/ENG-1").json()
        refused = api(method, path, body)
        assert (refused.status_code, refused.json()) == (status, answer)
        assert api("GET", f"{V3}/issue/ENG-1").json() == before
        assert emulator.journal is not None
        assert emulator.journal.read_all() == []


def test_writes_count_against_the_rate_limit_and_are_logged_with_secrets_hidden(tmp_path):
    emulator = JiraEmulator(size="tiny", state_dir=tmp_path, rate_limit=3)
    with serve(emulator) as running:
        api = Api(running.base_url, running.credentials)
        token = running.credentials["api_token"]
        body = {"body": f"my token is {token}", "api_token": "s3cret-value"}
        answers = [api("POST", f"{V2}/issue/ENG-1/comment", body) for _ in range(4)]
        assert [a.status_code for a in answers] == [201, 201, 201, 429]
        logged = emulator.request_log[0]
        assert logged.body == {
            "body": "my token is <redacted>",
            "api_token": hidden("s3cret-value"),
        }
        assert token not in json.dumps(logged.as_dict())


# --------------------------------------------------------------------------- persistence


def test_writes_persist_across_serve_processes_and_reset_forgets_them(tmp_path, monkeypatch):
    state_dir = tmp_path / "sandbox"
    monkeypatch.setenv(state.STATE_DIR_ENV, str(state_dir))
    fresh_counts = JiraEmulator(size="tiny", generation=0).counts()
    with serve_process(state_dir) as first, serve_process(state_dir) as second:
        key = _create(first)["key"]
        # the other, already running process catches up with the journal
        assert second("GET", f"{V3}/issue/{key}").json()["fields"]["summary"] == "Exports time out"
        assert second("PUT", f"{V3}/issue/{key}", {"fields": {"summary": "Renamed"}}).ok
        assert second("POST", f"{V2}/issue/{key}/worklog", {"timeSpent": "1h"}).ok
        assert first("GET", f"{V3}/issue/{key}").json()["fields"]["summary"] == "Renamed"
    with serve_process(state_dir) as third:  # a new process replays the journal
        fields = third("GET", f"{V3}/issue/{key}").json()["fields"]
        assert (fields["summary"], fields["timespent"]) == ("Renamed", 3600)
    lines = state.changes_file("jira", state_dir).read_text().splitlines()
    changes = [json.loads(line) for line in lines]
    assert [(c["seq"], c["op"], c["object"]) for c in changes] == [
        (1, "create", "issue"),
        (2, "update", "issue"),
        (3, "create", "worklog"),
    ]
    counted = CliRunner().invoke(main, ["sandbox", "counts", "jira", "--size", "tiny"])
    assert json.loads(counted.output) == {
        **fresh_counts,
        "issues": fresh_counts["issues"] + 1,
        "issue_worklogs": fresh_counts["issue_worklogs"] + 1,
    }

    result = CliRunner().invoke(main, ["sandbox", "reset", "jira"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes_cleared"] == 3
    fresh = _emulator(state_dir)
    assert key not in fresh.issues_by_ref
    assert fresh.counts() == fresh_counts


def test_mutate_after_writes_keeps_them_and_keys_do_not_collide(tmp_path):
    with served(tmp_path) as (emulator, api):
        created = _create(api)
        state.write_generation("jira", 1, tmp_path)
        after = api("GET", f"{V3}/issue/{created['key']}").json()
        assert (emulator.generation, after["id"]) == (1, created["id"])
        keys = [i.key for p in emulator.data.projects for i in p.issues]
        assert len(keys) == len(set(keys))


def test_the_taps_next_incremental_read_picks_up_a_write_made_by_another_process(tmp_path):
    state_dir = tmp_path / "sandbox"
    reader = _emulator(state_dir)
    old = reader.data.projects[0].issues[0]
    with serve(reader) as running:
        config = {"base_url": running.base_url, **running.credentials, "start_date": "2020-01-01"}
        first, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr
        seen = {r["key"] for r in records(first, "issues")}
        with serve_process(state_dir) as writer:
            created = _create(writer)
            writer("PUT", f"{V3}/issue/{old.key}", {"fields": {"summary": "Edited elsewhere"}})
            writer("POST", f"{V3}/issue/{old.key}/comment", {"body": doc("From elsewhere")})
        reader.clear_request_log()
        second, stderr, code = run_tap(tmp_path, config, final_state(first))
        assert code == 0, stderr
    issues = {r["key"]: r for r in records(second, "issues")}
    assert created["key"] in issues
    assert created["key"] not in seen
    assert issues[old.key]["fields"]["summary"] == "Edited elsewhere"
    searches = [e for e in reader.request_log if e.path.endswith("/search/jql")]
    assert searches
    assert "updated >=" in json.dumps([s.as_dict() for s in searches])


# --------------------------------------------------------------------------- bulk create


@pytest.mark.parametrize("version", [V3, V2])
def test_bulk_create_makes_each_issue_or_names_it_in_errors(tmp_path, version):
    description = doc("Seen.") if version == V3 else "Seen."
    good = {"fields": {**NEW_ISSUE["fields"], "description": description}}
    bad = {"fields": {**good["fields"], "issuetype": {"name": "Nope"}, "labels": ["a b"]}}
    with served(tmp_path) as (_emulator, api):
        answer = api("POST", f"{version}/issue/bulk", {"issueUpdates": [good, bad, good]})

        assert answer.status_code == 201
        body = answer.json()
        assert [i["key"] for i in body["issues"]] == ["ENG-10001", "ENG-10002"]
        assert body["issues"][0]["self"].endswith(f"{version}/issue/{body['issues'][0]['id']}")
        assert body["errors"] == [
            {
                "status": 400,
                "elementErrors": {
                    "errorMessages": [],
                    "errors": {
                        "issuetype": "The issue type selected is invalid.",
                        "labels": "The label 'a b' contains spaces which is invalid.",
                    },
                },
                "failedElementNumber": 1,
            }
        ]
        made = api("GET", f"{version}/issue/ENG-10002").json()
        assert made["fields"]["summary"] == "Exports time out"


def test_bulk_create_with_none_made_is_a_400_and_over_fifty_is_refused_whole(tmp_path):
    bad = {"fields": {"project": {"key": "ENG"}, "issuetype": {"name": "Task"}}}
    good = {"fields": {**NEW_ISSUE["fields"], "description": doc("x")}}
    with served(tmp_path) as (emulator, api):
        none_made = api("POST", f"{V3}/issue/bulk", {"issueUpdates": [bad]})
        assert none_made.status_code == 400
        assert none_made.json() == {
            "issues": [],
            "errors": [
                {
                    "status": 400,
                    "elementErrors": {
                        "errorMessages": [],
                        "errors": {"summary": "You must specify a summary of the issue."},
                    },
                    "failedElementNumber": 0,
                }
            ],
        }
        before = emulator.counts()
        too_many = api("POST", f"{V3}/issue/bulk", {"issueUpdates": [good] * 51})
        assert too_many.status_code == 400
        assert too_many.json()["errorMessages"] == [
            "The number of issues to create exceeds the maximum of 50."
        ]
        assert emulator.counts() == before
        assert api("POST", f"{V3}/issue/bulk", {"issues": []}).status_code == 400
