"""target-slack against the Slack emulator: the calls it makes (request log) for posts,
thread replies, edits and deletes; reruns that call nothing; ``ok: false`` answers in the
rejects table; the per-channel posting budget that keeps the emulator's 429 away; secrets
kept out of every output; bad settings in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.request_log import LoggedRequest
from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.workspace import Channel
from tests.support.targets import run_target, run_target_process, schema, table_rows

MESSAGE_PROPERTIES: dict[str, Any] = {
    "key": {"type": "string"},
    "channel": {"type": "string"},
    "text": {"type": ["string", "null"]},
    "blocks": {"type": ["array", "null"], "items": {"type": "object"}},
    "parent_key": {"type": ["string", "null"]},
    "thread_ts": {"type": ["string", "null"]},
}
MESSAGES_SCHEMA = schema("messages", MESSAGE_PROPERTIES)
SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Deploy* done"}}]


@dataclass
class Slack:
    """A served emulator, two channels the bot may post in, and a target config."""

    emulator: SlackEmulator
    base_url: str
    token: str
    warehouse: Path

    @property
    def config(self) -> dict[str, Any]:
        return {
            "base_url": self.base_url,
            "api_token": self.token,
            "warehouse": str(self.warehouse),
        }

    @property
    def channels(self) -> list[Channel]:
        return [
            c
            for c in self.emulator.workspace.visible_channels()
            if c.readable and not c.data["is_archived"]
        ]

    def writes(self) -> list[LoggedRequest]:
        return [e for e in self.emulator.request_log if e.path.startswith("/api/chat.")]

    def history(self, channel: str) -> list[dict[str, Any]]:
        answer = requests.get(
            f"{self.base_url}/conversations.history",
            params={"channel": channel, "limit": 999},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        ).json()
        assert answer["ok"] is True, answer
        return answer["messages"]

    def replies(self, channel: str, ts: str) -> list[dict[str, Any]]:
        answer = requests.get(
            f"{self.base_url}/conversations.replies",
            params={"channel": channel, "ts": ts},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        ).json()
        assert answer["ok"] is True, answer
        return answer["messages"]


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[Slack]:
    emulator = SlackEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        yield Slack(
            emulator,
            running.base_url,
            running.credentials["api_token"],
            tmp_path / "warehouse.duckdb",
        )


def message(key: str, channel: str, **fields: Any) -> dict[str, Any]:
    record = {"key": key, "channel": channel, **fields}
    return {"type": "RECORD", "stream": "messages", "record": record}


def state_message(n: int) -> dict[str, Any]:
    return {"type": "STATE", "value": {"bookmarks": {"messages": {"n": n}}}}


def test_posts_and_thread_replies_send_the_declared_calls_and_reruns_send_none(
    slack: Slack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    general, random = slack.channels[:2]
    messages = [
        MESSAGES_SCHEMA,
        message("parent", f"#{general.data['name']}", text="Deploy starts", blocks=SECTION),
        message("reply", f"#{general.data['name']}", text="Step one", parent_key="parent"),
        message("other", random.id, text="Hello random"),
        state_message(3),
    ]

    run = run_target("slack", slack.config, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    assert run.states == [{"bookmarks": {"messages": {"n": 3}}}]
    posts = slack.writes()
    assert [(e.method, e.path, e.status) for e in posts] == [
        ("POST", "/api/chat.postMessage", 200)
    ] * 3
    parent_ts = slack.history(general.id)[0]["ts"]
    assert [e.body for e in posts] == [
        {"channel": "#general", "text": "Deploy starts", "blocks": SECTION},
        {"channel": "#general", "text": "Step one", "thread_ts": parent_ts},
        {"channel": random.id, "text": "Hello random"},
    ]
    thread = slack.replies(general.id, parent_ts)
    assert [m["text"] for m in thread] == ["Deploy starts", "Step one"]
    assert slack.history(random.id)[0]["text"] == "Hello random"
    id_map = table_rows(
        slack.warehouse,
        "SELECT source_key, remote_id, kept FROM writes_slack._id_map ORDER BY source_key",
    )
    assert [(k, json.loads(kept)) for k, _, kept in id_map] == [
        ("other", {"channel_id": random.id}),
        ("parent", {"channel_id": general.id}),
        ("reply", {"channel_id": general.id}),
    ]
    assert {k: ts for k, ts, _ in id_map}["parent"] == parent_ts

    rerun = run_target("slack", slack.config, messages, tmp_path, capsys)

    assert rerun.code == 0, rerun.stderr
    assert len(slack.writes()) == 3  # nothing new: every record is unchanged
    assert "0 created, 0 updated, 0 deleted, 3 unchanged" in rerun.stderr


def test_an_edited_row_makes_exactly_one_update_in_the_posted_channel_and_mirror_deletes(
    slack: Slack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    general = slack.channels[0]
    by_name = f"#{general.data['name']}"
    first = [MESSAGES_SCHEMA, message("a", by_name, text="Old"), message("b", by_name, text="B")]
    assert run_target("slack", slack.config, first, tmp_path, capsys).code == 0
    ts_a = table_rows(
        slack.warehouse, "SELECT remote_id FROM writes_slack._id_map WHERE source_key = 'a'"
    )[0][0]

    edited = [MESSAGES_SCHEMA, message("a", by_name, text="New"), message("b", by_name, text="B")]
    run = run_target("slack", slack.config, edited, tmp_path, capsys)

    assert run.code == 0, run.stderr
    updates = slack.writes()[2:]
    assert [(e.method, e.path, e.body) for e in updates] == [
        ("POST", "/api/chat.update", {"channel": general.id, "ts": ts_a, "text": "New"})
    ]
    assert next(m for m in slack.history(general.id) if m["ts"] == ts_a)["text"] == "New"

    gone = message("b", by_name, text="B")
    gone["record"]["_sdc_deleted_at"] = "2026-01-01T00:00:00Z"
    config = {**slack.config, "modes": {"messages": "mirror"}}
    run = run_target("slack", config, [MESSAGES_SCHEMA, gone], tmp_path, capsys)

    assert run.code == 0, run.stderr
    deletes = slack.writes()[3:]
    assert [(e.path, e.body["channel"]) for e in deletes] == [("/api/chat.delete", general.id)]
    assert "B" not in [m["text"] for m in slack.history(general.id)]
    assert table_rows(slack.warehouse, "SELECT source_key FROM writes_slack._id_map") == [("a",)]


def test_append_posts_every_record_again(
    slack: Slack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    channel = slack.channels[1]
    config = {**slack.config, "modes": {"messages": "append"}}
    messages = [MESSAGES_SCHEMA, message("digest", channel.id, text="Daily digest")]

    for _ in range(2):
        assert run_target("slack", config, messages, tmp_path, capsys).code == 0

    assert [e.path for e in slack.writes()] == ["/api/chat.postMessage"] * 2
    assert [m["text"] for m in slack.history(channel.id)[:2]] == ["Daily digest"] * 2


def test_posts_keep_to_one_per_second_per_channel_and_draw_no_429(
    slack: Slack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The emulator lets a channel take a burst of 3 posts, then one a second (429 beyond):
    # five posts in a row to one channel would draw a 429 without the spec's budget.
    busy, quiet = slack.channels[:2]
    messages = [MESSAGES_SCHEMA]
    messages += [message(f"busy-{n}", busy.id, text=f"Busy {n}") for n in range(5)]
    messages.append(message("quiet", quiet.id, text="Quiet"))

    run = run_target("slack", slack.config, messages, tmp_path, capsys)

    assert run.code == 0, run.stderr
    posts = [e for e in slack.emulator.request_log if e.path == "/api/chat.postMessage"]
    assert [e.status for e in posts] == [200] * 6  # not one 429, so no retry either
    texts = [m["text"] for m in slack.history(busy.id)[:5]]
    assert texts == [f"Busy {n}" for n in reversed(range(5))]


def test_an_ok_false_answer_lands_in_the_rejects_table_and_fails_the_run(
    slack: Slack, tmp_path: Path
) -> None:
    general = slack.channels[0]
    messages = [
        MESSAGES_SCHEMA,
        message("good", general.id, text="Fine"),
        message("nowhere", "#no-such-channel", text="Lost"),
        message("empty", general.id),
        message("orphan", general.id, text="Reply", parent_key="never-written"),
        message("after", general.id, text="Also fine"),
        state_message(5),
    ]

    run = run_target_process("slack", slack.config, messages, tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == (
        "target-slack: 3 records rejected by the service; each is in "
        f"writes_slack._write_rejects of {slack.warehouse} with the call, the status and "
        "the service's error"
    )
    assert run.states == [{"bookmarks": {"messages": {"n": 5}}}]
    rejects = table_rows(
        slack.warehouse,
        "SELECT source_key, call, status, error FROM writes_slack._write_rejects ORDER BY 1",
    )
    assert [(k, c, s) for k, c, s, _ in rejects] == [
        ("empty", "POST /chat.postMessage", 200),
        ("nowhere", "POST /chat.postMessage", 200),
        ("orphan", "", None),
    ]
    errors = {k: e for k, _, _, e in rejects}
    assert json.loads(errors["empty"]) == {"ok": False, "error": "no_text"}
    assert json.loads(errors["nowhere"]) == {"ok": False, "error": "channel_not_found"}
    assert (
        "parent_key 'never-written' is not in the id map of stream 'messages'" in (errors["orphan"])
    )
    assert [m["text"] for m in slack.history(general.id)[:2]] == ["Also fine", "Fine"]
    assert table_rows(
        slack.warehouse, "SELECT source_key FROM writes_slack._id_map ORDER BY 1"
    ) == [("after",), ("good",)]


def test_secrets_never_reach_the_output_or_the_warehouse(slack: Slack, tmp_path: Path) -> None:
    general = slack.channels[0]
    messages = [
        MESSAGES_SCHEMA,
        message("a", general.id, text="Hi"),
        message("bad", "#nope", text="x"),
    ]

    run = run_target_process("slack", slack.config, messages, tmp_path)

    assert run.code == 1
    stored = table_rows(slack.warehouse, "SELECT * FROM writes_slack._id_map") + table_rows(
        slack.warehouse, "SELECT * FROM writes_slack._write_rejects"
    )
    for text in (run.stdout, run.stderr, repr(stored)):
        assert slack.token not in text


def test_a_refused_token_stops_the_run_in_one_line_without_showing_it(
    slack: Slack, tmp_path: Path
) -> None:
    wrong = "xoxb-0000-0000-WRONGTOKENVALUE"
    config = {**slack.config, "api_token": wrong}
    messages = [MESSAGES_SCHEMA, message("a", slack.channels[0].id, text="Hi")]

    run = run_target_process("slack", config, messages, tmp_path)

    assert run.code == 1
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-slack: slack: Slack rejected the token (invalid_auth)"), last
    assert wrong not in run.stderr + run.stdout


def test_bad_settings_are_one_line(slack: Slack, tmp_path: Path) -> None:
    config = {**slack.config, "modes": {"messages": "sideways"}}
    messages = [MESSAGES_SCHEMA, message("a", slack.channels[0].id, text="Hi")]

    run = run_target_process("slack", config, messages, tmp_path)

    assert run.code != 0
    assert "Traceback" not in run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("target-slack: invalid settings:"), last
    assert "sideways" in last
    assert slack.token not in run.stderr
