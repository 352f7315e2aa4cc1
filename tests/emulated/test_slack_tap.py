"""tap-slack against the Slack emulator: records, state, the request log, a second run.

The emulator is served on a loopback port (so its request log can be read) and the tap runs
as a subprocess, as Meltano runs it.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.tiers import TIER_LIMITS, tier_of
from tests.support.taps import final_state, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "slack")
START = "2020-01-01T00:00:00Z"


def bookmark(stream_state: dict[str, Any], channel: str) -> str | None:
    """The messages bookmark for a channel: its partition's, or the stream's single one."""
    if "partitions" not in stream_state:
        return stream_state.get("replication_key_value")
    for partition in stream_state["partitions"]:
        if partition["context"]["conversation_id"] == channel:
            return partition.get("replication_key_value")
    return None


def config_for(served: Any, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": served.base_url,
        "api_token": served.credentials["api_token"],
        "start_date": START,
        "rate_limit_requests": 10_000,
        **extra,
    }


@pytest.fixture
def emulator() -> SlackEmulator:
    return SlackEmulator(size="tiny", generation=0, rate_limit=10_000)


def test_first_run_reads_every_record_pages_and_bookmarks(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    with serve(emulator) as served:
        messages, stderr, code = run_tap(tmp_path, config_for(served, page_size=3))
    assert code == 0, stderr[-2000:]
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()
    # Paging: limit on every call, a cursor on the follow-up pages.
    log = emulator.request_log
    assert all(entry.query.get("limit") == ["3"] for entry in log)
    history = [e for e in log if e.path == "/api/conversations.history"]
    assert any("cursor" in e.query for e in history), "6+ messages per channel at 3 a page"
    listing = [e for e in log if e.path == "/api/conversations.list"]
    assert len(listing) == 2
    assert listing[0].query["types"] == ["public_channel,private_channel"]
    assert listing[1].query["cursor"]
    # Auth: the bot token as a Bearer header, never in the query string.
    token = emulator.credentials["api_token"]
    assert {e.headers.get("Authorization") for e in log} == {f"Bearer {hidden(token)}"}
    assert not any("token" in e.query for e in log)
    # History only of channels the app is in; replies only for thread parents.
    members = {c.id for c in emulator.workspace.visible_channels() if c.readable}
    assert {e.query["channel"][0] for e in history} == members
    assert all(e.query["oldest"] == ["1577836800.000000"] for e in history), "start_date"
    replies = [e for e in log if e.path == "/api/conversations.replies"]
    threads = {(c.id, ts) for c in emulator.workspace.channels if c.readable for ts in c.replies}
    assert {(e.query["channel"][0], e.query["ts"][0]) for e in replies} == threads
    # Records: replies leave the parent out; messages carry their conversation.
    reply_records = records(messages, "thread_replies")
    assert all(r["ts"] != r["thread_ts"] for r in reply_records)
    assert all(r["conversation_id"] in members for r in records(messages, "messages"))
    # State: the newest ts read (per channel where the runtime keeps partitions).
    newest = {
        c.id: max(m["ts"] for m in c.messages)
        for c in emulator.workspace.channels
        if c.id in members
    }
    state = final_state(messages)["bookmarks"]["messages"]
    for channel, ts in newest.items():
        expected = ts if "partitions" in state else max(newest.values())
        assert bookmark(state, channel) == expected
    assert token not in stderr


def test_second_run_after_a_mutation_reads_only_new_messages(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    with serve(emulator) as served:
        first, stderr, code = run_tap(tmp_path, config_for(served))
        assert code == 0, stderr[-2000:]
        state = final_state(first)
        bookmarks = state["bookmarks"]["messages"]
        old = {(c.id, m["ts"]) for c in emulator.workspace.channels for m in c.messages}
        emulator.set_generation(1)
        emulator.clear_request_log()
        second, stderr, code = run_tap(tmp_path, config_for(served), state)
    assert code == 0, stderr[-2000:]
    history = [e for e in emulator.request_log if e.path == "/api/conversations.history"]
    for entry in history:
        channel = entry.query["channel"][0]
        # A channel new since the first run starts from start_date when bookmarks are per
        # channel; with one bookmark per stream, every channel continues from it.
        expected = bookmark(bookmarks, channel) or "1577836800.000000"
        assert entry.query["oldest"] == [expected]
    read = {(m["conversation_id"], m["ts"]) for m in records(second, "messages")}
    now = {(c.id, m["ts"]) for c in emulator.workspace.channels if c.readable for m in c.messages}
    assert read == now - old, "exactly the messages posted since the first run"
    assert emulator.changes(0)["messages"] == len(read)
    new_replies = records(second, "thread_replies")
    assert len(new_replies) == emulator.changes(0)["thread_replies"]
    assert all((r["conversation_id"], r["thread_ts"]) in read for r in new_replies)


def test_slack_errors_in_200_answers_stop_the_run_without_the_token(
    tmp_path: Path, emulator: SlackEmulator
) -> None:
    wrong = "xoxb-0000000000-0000000000000-notTheRightTokenAtAll"
    with serve(emulator) as served:
        messages, stderr, code = run_tap(tmp_path, {**config_for(served), "api_token": wrong})
    assert code != 0
    assert "invalid_auth" in stderr
    assert "check the api_token setting" in stderr
    assert wrong not in stderr
    assert not [m for m in messages if m["type"] == "RECORD"], "an ok:false body is no data"
    assert "Traceback" not in stderr


def test_ratelimited_answers_are_waited_out(tmp_path: Path) -> None:
    emulator = SlackEmulator(
        size="tiny", generation=0, rate_limit=10_000, fault_rate=0.2, faults="429", fault_seed=3
    )
    with serve(emulator) as served:
        messages, stderr, code = run_tap(tmp_path, config_for(served))
    assert code == 0, stderr[-2000:]
    throttled = [e for e in emulator.request_log if e.status == 429]
    assert throttled, "the fault seed injects at least one 429"
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()


def test_a_default_demo_sync_stays_within_each_tier(tmp_path: Path) -> None:
    emulator = SlackEmulator(size="demo", generation=0)
    with serve(emulator) as served:
        config = {"base_url": served.base_url, "api_token": served.credentials["api_token"]}
        messages, stderr, code = run_tap(tmp_path, config)
    assert code == 0, stderr[-2000:]
    assert not [e for e in emulator.request_log if e.status == 429]
    per_tier = Counter(tier_of(e.path.rsplit("/", 1)[-1]) for e in emulator.request_log)
    for tier, used in per_tier.items():
        assert used < 0.8 * TIER_LIMITS[tier], f"tier {tier}: {used} requests in one run"
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()
