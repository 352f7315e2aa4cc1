"""target-jira against the Jira emulator: the calls it makes (request log), reruns that call
nothing, one update per edited row, a status reached by the transition Jira offers,
comments and worklogs, rejects with Jira's message, an interrupted create found by summary,
secrets kept out of every output and bad config in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.jira import JiraEmulator
from tests.support.targets import run_target, run_target_process, schema, table_rows

V2 = "/rest/api/2"
ISSUES_SCHEMA = schema(
    "issues",
    {
        "key": {"type": "string"},
        "project_key": {"type": "string"},
        "issue_type": {"type": "string"},
        "summary": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "priority": {"type": ["string", "null"]},
        "labels": {"type": ["array", "null"], "items": {"type": "string"}},
        "status": {"type": ["string", "null"]},
    },
)
COMMENTS_SCHEMA = schema(
    "comments",
    {"key": {"type": "string"}, "issue_key": {"type": "string"}, "body": {"type": "string"}},
)
WORKLOGS_SCHEMA = schema(
    "worklogs",
    {
        "key": {"type": "string"},
        "issue_key": {"type": "string"},
        "time_spent_seconds": {"type": "integer"},
        "started": {"type": "string"},
        "comment": {"type": ["string", "null"]},
    },
)


@dataclass
class Jira:
    """A served emulator and a target config pointing at it."""

    emulator: JiraEmulator
    base_url: str
    credentials: dict[str, str]
    warehouse: Path

    @property
    def config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "domain": "sandbox.atlassian.net",
            "email": self.credentials["email"],
            "api_token": self.credentials["api_token"],
            "warehouse": str(self.warehouse),
        }

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.method != "GET"]

    def get(self, path: str) -> Any:
        auth = (self.credentials["email"], self.credentials["api_token"])
        return requests.get(f"{self.base_url}{V2}{path}", auth=auth, timeout=10).json()

    def remote_id(self, stream: str, key: str) -> str:
        rows = table_rows(
            self.warehouse, "SELECT stream, source_key, remote_id FROM writes_jira._id_map"
        )
        (remote_id,) = [r for s, k, r in rows if (s, k) == (stream, key)]
        return str(remote_id)


@pytest.fixture
def jira(tmp_path: Path) -> Iterator[Jira]:
    emulator = JiraEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        yield Jira(emulator, running.base_url, running.credentials, tmp_path / "warehouse.duckdb")


def issue(key: str, **fields: Any) -> dict[str, Any]:
    record = {
        "key": key,
        "project_key": "ENG",
        "issue_type": "Task",
        "summary": f"Issue {key}",
        **fields,
    }
    return {"type": "RECORD", "stream": "issues", "record": record}


def test_creates_send_the_declared_calls_and_reruns_send_none(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = [
        ISSUES_SCHEMA,
        issue("a", description="First line.\n\nSecond.", priority="High", labels=["exports"]),
        issue("b"),
        {"type": "STATE", "value": {"bookmarks": {"issues": {"n": 2}}}},
    ]

    first = run_target("jira", jira.config, messages, tmp_path, capsys)

    assert first.code == 0, first.stderr
    assert first.states == [{"bookmarks": {"issues": {"n": 2}}}]
    # the request log hides every value named "key"; the project is checked on reading back.
    # Both new issues go in one bulk create, each as its own create's body.
    assert [(e.method, e.path, e.body) for e in jira.writes()] == [
        (
            "POST",
            f"{V2}/issue/bulk",
            {
                "issueUpdates": [
                    {
                        "fields": {
                            "project": {"key": hidden("ENG")},
                            "issuetype": {"name": "Task"},
                            "summary": "Issue a",
                            "description": "First line.\n\nSecond.",
                            "priority": {"name": "High"},
                            "labels": ["exports"],
                        }
                    },
                    {
                        "fields": {
                            "project": {"key": hidden("ENG")},
                            "issuetype": {"name": "Task"},
                            "summary": "Issue b",
                        }
                    },
                ]
            },
        ),
    ]
    fields = jira.get(f"/issue/{jira.remote_id('issues', 'a')}")["fields"]
    assert (fields["summary"], fields["priority"]["name"]) == ("Issue a", "High")
    assert fields["project"]["key"] == "ENG"

    jira.emulator.clear_request_log()
    again = run_target("jira", jira.config, messages, tmp_path, capsys)

    assert again.code == 0, again.stderr
    assert jira.emulator.request_log == []
    assert "0 created, 0 updated, 0 deleted, 2 unchanged" in again.stderr


def test_a_status_is_reached_by_the_transition_jira_offers(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_target("jira", jira.config, [ISSUES_SCHEMA, issue("a")], tmp_path, capsys).code == 0
    key = jira.remote_id("issues", "a")
    offered = jira.get(f"/issue/{key}/transitions")["transitions"]
    done = next(t["id"] for t in offered if t["to"]["name"] == "Done")
    jira.emulator.clear_request_log()

    run = run_target(
        "jira", jira.config, [ISSUES_SCHEMA, issue("a", status="Done")], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    assert [(e.method, e.path, e.body) for e in jira.emulator.request_log] == [
        (
            "PUT",
            f"{V2}/issue/{key}",
            {"fields": {"issuetype": {"name": "Task"}, "summary": "Issue a"}},
        ),
        ("GET", f"{V2}/issue/{key}/transitions", None),
        ("POST", f"{V2}/issue/{key}/transitions", {"transition": {"id": done}}),
    ]
    assert jira.get(f"/issue/{key}")["fields"]["status"]["name"] == "Done"


def test_a_status_no_transition_reaches_leaves_the_issue_as_it_is(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The status it is in (Jira offers no transition into it) makes no transition call."""
    status = "To Do"
    run = run_target(
        "jira", jira.config, [ISSUES_SCHEMA, issue("a", status=status)], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    key = jira.remote_id("issues", "a")
    assert [(e.method, e.path) for e in jira.emulator.request_log] == [
        ("POST", f"{V2}/issue"),
        ("GET", f"{V2}/issue/{key}/transitions"),
    ]
    assert jira.get(f"/issue/{key}")["fields"]["status"]["name"] == status


def test_comments_and_worklogs_are_created_edited_and_deleted(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_target("jira", jira.config, [ISSUES_SCHEMA, issue("a")], tmp_path, capsys).code == 0
    key = jira.remote_id("issues", "a")
    config = {**jira.config, "modes": {"comments": "mirror", "worklogs": "mirror"}}
    started = "2026-02-27T10:00:00.000+0000"

    def rows(body: str, seconds: int, **extra: Any) -> list[dict[str, Any]]:
        note = {"key": "c1", "issue_key": key, "body": body, **extra}
        log = {"key": "w1", "issue_key": key, "time_spent_seconds": seconds, **extra}
        log["started"] = started
        return [
            COMMENTS_SCHEMA,
            {"type": "RECORD", "stream": "comments", "record": note},
            WORKLOGS_SCHEMA,
            {"type": "RECORD", "stream": "worklogs", "record": log},
        ]

    jira.emulator.clear_request_log()
    created = run_target("jira", config, rows("Looking.", 5400), tmp_path, capsys)
    comment_id = jira.remote_id("comments", "c1")
    worklog_id = jira.remote_id("worklogs", "w1")
    edited = run_target("jira", config, rows("Fixed.", 7200), tmp_path, capsys)
    gone = run_target(
        "jira",
        config,
        rows("Fixed.", 7200, _sdc_deleted_at="2026-03-01T00:00:00Z"),
        tmp_path,
        capsys,
    )

    assert (created.code, edited.code, gone.code) == (0, 0, 0), gone.stderr
    comment_path = f"{V2}/issue/{key}/comment/{comment_id}"
    worklog_path = f"{V2}/issue/{key}/worklog/{worklog_id}"
    assert [(e.method, e.path, e.body) for e in jira.writes()] == [
        ("POST", f"{V2}/issue/{key}/comment", {"body": "Looking."}),
        (
            "POST",
            f"{V2}/issue/{key}/worklog",
            {"timeSpentSeconds": 5400, "started": started},
        ),
        ("PUT", comment_path, {"body": "Fixed."}),
        ("PUT", worklog_path, {"timeSpentSeconds": 7200, "started": started}),
        ("DELETE", comment_path, None),
        ("DELETE", worklog_path, None),
    ]
    assert jira.get(f"/issue/{key}/worklog")["worklogs"] == []


def test_a_validation_error_lands_in_the_rejects_table_and_fails_the_run(
    jira: Jira, tmp_path: Path
) -> None:
    messages = [
        ISSUES_SCHEMA,
        issue("good"),
        issue("bad", issue_type="Spaceship"),
        issue("after"),
        {"type": "STATE", "value": {"bookmarks": {"issues": {"n": 3}}}},
    ]

    run = run_target_process("jira", jira.config, messages, tmp_path)

    assert run.code == 1
    assert run.stderr.strip().splitlines()[-1] == (
        "target-jira: 1 record rejected by the service; each is in "
        f"writes_jira._write_rejects of {jira.warehouse} with the call, the status and "
        "the service's error"
    )
    assert "Traceback" not in run.stderr
    assert run.states == [{"bookmarks": {"issues": {"n": 3}}}]
    ((key, call, status, error),) = table_rows(
        jira.warehouse, "SELECT source_key, call, status, error FROM writes_jira._write_rejects"
    )
    # the three went in one bulk create: the bad one is refused alone, the others are made
    assert [(e.method, e.path) for e in jira.writes()] == [("POST", f"{V2}/issue/bulk")]
    assert (key, call, status) == ("bad", "POST /rest/api/2/issue/bulk", 400)
    assert json.loads(error) == {
        "errorMessages": [],
        "errors": {"issuetype": "The issue type selected is invalid."},
    }
    rows = table_rows(jira.warehouse, "SELECT source_key FROM writes_jira._id_map ORDER BY 1")
    assert rows == [("after",), ("good",)]


def test_an_interrupted_create_is_found_by_summary_before_creating_again(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from targets.runtime.idmap import IdMap

    made = requests.post(
        f"{jira.base_url}{V2}/issue",
        json={
            "fields": {
                "project": {"key": "ENG"},
                "issuetype": {"name": "Task"},
                "summary": "Issue lost",
            }
        },
        auth=(jira.credentials["email"], jira.credentials["api_token"]),
        timeout=10,
    ).json()
    id_map = IdMap(str(jira.warehouse), "writes_jira", lock_timeout=5)
    id_map.intend("issues", "lost", "issues")
    id_map.release()
    jira.emulator.clear_request_log()

    run = run_target(
        "jira", jira.config, [ISSUES_SCHEMA, issue("lost", priority="Low")], tmp_path, capsys
    )

    assert run.code == 0, run.stderr
    assert [(e.method, e.path) for e in jira.emulator.request_log] == [
        ("GET", f"{V2}/search/jql"),
        ("PUT", f"{V2}/issue/{made['key']}"),
    ]
    assert jira.remote_id("issues", "lost") == made["key"]


def test_secrets_never_reach_the_output_or_the_warehouse(jira: Jira, tmp_path: Path) -> None:
    messages = [ISSUES_SCHEMA, issue("a"), issue("bad", issue_type="Spaceship")]

    run = run_target_process("jira", jira.config, messages, tmp_path)

    assert run.code == 1
    secret = jira.credentials["api_token"]
    assert secret not in run.stdout + run.stderr
    dumped = table_rows(jira.warehouse, "SELECT * FROM writes_jira._write_rejects")
    dumped += table_rows(jira.warehouse, "SELECT * FROM writes_jira._id_map")
    assert secret not in repr(dumped)


def test_a_missing_email_is_one_line_naming_the_setting(tmp_path: Path) -> None:
    config = {
        "domain": "x.atlassian.net",
        "api_token": "atl_secret_value",
        "warehouse": str(tmp_path / "w.duckdb"),
    }

    run = run_target_process("jira", config, [ISSUES_SCHEMA, issue("a")], tmp_path)

    assert run.code != 0
    assert run.stderr.strip().splitlines()[-1] == (
        "target-jira: invalid settings: 'email' is a required property"
    )
    assert "Traceback" not in run.stderr
    assert "atl_secret_value" not in run.stderr


def _bulk_sizes(jira: Jira) -> list[int]:
    return [len(e.body["issueUpdates"]) for e in jira.writes() if e.path == f"{V2}/issue/bulk"]


def test_new_issues_go_fifty_a_bulk_request_and_each_gets_its_own_issue(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [issue(f"k{n:02d}") for n in range(55)]

    run = run_target("jira", jira.config, [ISSUES_SCHEMA, *records], tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert [(e.method, e.path) for e in jira.writes()] == [("POST", f"{V2}/issue/bulk")] * 2
    assert _bulk_sizes(jira) == [50, 5]
    assert "55 created" in run.stderr
    rows = table_rows(jira.warehouse, "SELECT source_key, remote_id FROM writes_jira._id_map")
    assert len({remote_id for _, remote_id in rows}) == 55
    for key in ("k00", "k49", "k54"):
        assert jira.get(f"/issue/{jira.remote_id('issues', key)}")["fields"]["summary"] == (
            f"Issue {key}"
        )

    jira.emulator.clear_request_log()
    again = run_target("jira", jira.config, [ISSUES_SCHEMA, *records], tmp_path, capsys)
    assert again.code == 0, again.stderr
    assert jira.emulator.request_log == []


def test_a_state_sends_the_waiting_batch_first_and_batch_size_lowers_the_batches(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def state(n: int) -> dict[str, Any]:
        return {"type": "STATE", "value": {"bookmarks": {"issues": {"n": n}}}}

    messages = [
        ISSUES_SCHEMA,
        *(issue(f"a{n}") for n in range(7)),
        state(7),
        *(issue(f"b{n}") for n in range(2)),
        state(9),
        issue("c0"),
    ]

    run = run_target("jira", {**jira.config, "batch_size": 3}, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    # 3 + 3 full batches, the 7th sent before STATE 7, the 2 before STATE 9, the last one
    # alone (a batch of one is the plain create) at the end of the input
    assert _bulk_sizes(jira) == [3, 3, 2]
    assert [(e.method, e.path) for e in jira.writes()] == [
        *[("POST", f"{V2}/issue/bulk")] * 2,
        ("POST", f"{V2}/issue"),
        ("POST", f"{V2}/issue/bulk"),
        ("POST", f"{V2}/issue"),
    ]
    assert run.states == [state(7)["value"], state(9)["value"]]
    assert len(table_rows(jira.warehouse, "SELECT 1 FROM writes_jira._id_map")) == 10


def test_a_bulk_create_refused_whole_rejects_each_record_with_its_own_error(
    jira: Jira, tmp_path: Path
) -> None:
    messages = [
        ISSUES_SCHEMA,
        issue("typeless", issue_type="Nope"),
        issue("nameless", summary=" "),
    ]

    run = run_target_process("jira", jira.config, messages, tmp_path)

    assert run.code == 1
    assert "2 records rejected" in run.stderr.strip().splitlines()[-1]
    rejects = table_rows(
        jira.warehouse,
        "SELECT source_key, call, status, error FROM writes_jira._write_rejects ORDER BY 1",
    )
    assert [(key, call, status) for key, call, status, _ in rejects] == [
        ("nameless", f"POST {V2}/issue/bulk", 400),
        ("typeless", f"POST {V2}/issue/bulk", 400),
    ]
    assert json.loads(rejects[0][3])["errors"] == {
        "summary": "You must specify a summary of the issue."
    }
    assert json.loads(rejects[1][3])["errors"] == {
        "issuetype": "The issue type selected is invalid."
    }
    assert table_rows(jira.warehouse, "SELECT 1 FROM writes_jira._id_map") == []


def test_a_stop_after_the_bulk_create_was_answered_then_a_rerun_makes_no_duplicates(
    jira: Jira, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from brainhub.errors import SyncInterrupted
    from targets.runtime.calls import Sender

    records = [issue(f"k{n}") for n in range(4)]
    real_send = Sender.send

    def killed_after_bulk(self: Sender, call: Any, **options: Any) -> Any:
        answer = real_send(self, call, **options)
        if call.endpoint.endswith("/issue/bulk"):
            raise SyncInterrupted(15)  # the service made them; their ids were never recorded
        return answer

    monkeypatch.setattr(Sender, "send", killed_after_bulk)
    stopped = run_target("jira", jira.config, [ISSUES_SCHEMA, *records], tmp_path, capsys)
    assert stopped.code == 143
    assert _bulk_sizes(jira) == [4]
    intents = table_rows(jira.warehouse, "SELECT remote_id FROM writes_jira._id_map")
    assert intents == [(None,)] * 4  # intents were written before the batch was sent
    monkeypatch.setattr(Sender, "send", real_send)
    jira.emulator.clear_request_log()

    rerun = run_target("jira", jira.config, [ISSUES_SCHEMA, *records], tmp_path, capsys)

    assert rerun.code == 0, rerun.stderr
    # each found by summary and brought up to date in place: nothing is created again
    assert {(e.method, e.path.rsplit("-", 1)[0]) for e in jira.writes()} == {
        ("PUT", f"{V2}/issue/ENG")
    }
    summaries = [
        i["fields"]["summary"]
        for i in jira.get("/search/jql?jql=project%3DENG&fields=summary&maxResults=100")["issues"]
    ]
    for n in range(4):
        assert summaries.count(f"Issue k{n}") == 1


def test_a_sigkill_between_bulk_creates_then_a_rerun_from_the_last_state_makes_no_duplicates(
    jira: Jira, tmp_path: Path
) -> None:
    import signal

    from brainhub.sandbox import state
    from tests.support.targets import singer_lines, start_target

    total, chunk = 40, 10
    records = [issue(f"k{n:02d}", summary=f"Killed {n:02d}") for n in range(total)]
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps({**jira.config, "batch_size": chunk}))
    env = {state.STATE_DIR_ENV: str(tmp_path / "sandbox")}
    process = start_target("jira", config_file, env)
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(singer_lines([ISSUES_SCHEMA]))
    states = []
    for start in range(0, total, chunk):
        done = {"type": "STATE", "value": {"bookmarks": {"issues": {"n": start + chunk - 1}}}}
        process.stdin.write(singer_lines([*records[start : start + chunk], done]))
        process.stdin.flush()
        if start == 2 * chunk:
            process.send_signal(signal.SIGKILL)  # while the third bulk create is on its way
            break
        states.append(json.loads(process.stdout.readline()))
    rest, _err = process.communicate(timeout=30)
    states += [json.loads(line) for line in rest.splitlines() if line.strip()]
    assert process.returncode == -signal.SIGKILL
    last = states[-1]["bookmarks"]["issues"]["n"]

    resumed = start_target("jira", config_file, env)
    _out, err = resumed.communicate(
        singer_lines([ISSUES_SCHEMA, *records[last + 1 :]]), timeout=120
    )

    assert resumed.returncode == 0, err
    found = jira.get("/search/jql?jql=project%3DENG&fields=summary&maxResults=100")["issues"]
    summaries = [i["fields"]["summary"] for i in found]
    for n in range(total):
        assert summaries.count(f"Killed {n:02d}") == 1, f"Killed {n:02d}"
