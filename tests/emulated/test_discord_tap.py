"""tap-discord against the Discord emulator: records, state and the request log, on a first
run and an incremental one after a new generation (snowflake cursors, per-route buckets)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.discord import DiscordEmulator
from taps.runtime.registry import load_connector
from taps.runtime.tap import tap_class
from tests.support.taps import SyncOutput as Run

API = "/api/v10"


def _sync(
    emulator: DiscordEmulator,
    capsys: Any,
    state: dict[str, Any] | None = None,
    only: set[str] | None = None,
    **settings: Any,
) -> Run:
    """One sync; ``only`` selects some streams (the others, children too, are not read)."""
    tap = tap_class(load_connector("discord"))
    emulator.clear_request_log()
    capsys.readouterr()
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials, **settings}
        catalog = None
        if only is not None:
            catalog = tap(config=config).catalog_dict
            for entry in catalog["streams"]:
                root = next(m for m in entry["metadata"] if m["breadcrumb"] == [])
                root["metadata"]["selected"] = entry["tap_stream_id"] in only
        tap(config=config, state=copy.deepcopy(state), catalog=catalog).sync_all()
    return Run(capsys.readouterr().out)


@pytest.fixture
def emulator() -> DiscordEmulator:
    return DiscordEmulator(size="demo", seed=1, generation=0)


def test_first_run_reads_every_record_and_bookmarks_each_channel(
    emulator: DiscordEmulator, capsys: Any
) -> None:
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    log = emulator.request_log
    token = emulator.credentials["bot_token"]
    assert {e.headers["Authorization"] for e in log} == {f"Bot {hidden(token)}"}
    assert all(e.status == 200 for e in log)
    # Messages: oldest first from after=0, pages of 100 continuing after the largest id.
    channel = emulator.data.text_channels(next(iter(emulator.data.guilds)))[0]
    ids = sorted(int(m) for m in emulator.data.messages[channel["id"]])
    pages = [e for e in log if e.path == f"{API}/channels/{channel['id']}/messages"]
    assert [e.query["after"] for e in pages] == [["0"], [str(ids[99])]]
    assert {e.query["limit"][0] for e in pages} == {"100"}
    bookmarks = run.bookmarks("messages", "channel_id")
    assert bookmarks[channel["id"]] == str(ids[-1])
    # Channels without messages (categories, voice) are not asked for any.
    read = {e.path.split("/")[4] for e in log if e.path.endswith("/messages")}
    assert read == {
        c["id"]
        for c in emulator.data.channels.values()
        if c.get("last_message_id") and c["type"] == 0
    }
    # Members page by user id, a thousand at a time.
    members = [e for e in log if e.path.endswith("/members")]
    assert {e.query["limit"][0] for e in members} == {"1000"}
    assert {r["user_id"] for r in run.records["members"]} == {
        uid for guild in emulator.data.members.values() for uid in guild
    }
    # Every answer carried its route's bucket; messages' ids are text and grow with time.
    assert all(isinstance(m["id"], str) for m in run.records["messages"])


def test_second_run_after_a_generation_reads_only_new_messages(
    emulator: DiscordEmulator, capsys: Any
) -> None:
    first = _sync(emulator, capsys)
    emulator.set_generation(1)
    second = _sync(emulator, capsys, first.state)
    texts = [c for g in emulator.data.guilds for c in emulator.data.text_channels(g)]
    assert len(second.records["messages"]) == 2 * len(texts)  # two new per text channel
    pages = [e for e in emulator.request_log if e.path.endswith("/messages")]
    assert len(pages) == len(texts), "one request per channel"
    before = first.bookmarks("messages", "channel_id")
    for entry in pages:
        channel_id = entry.path.split("/")[4]
        assert entry.query["after"] == [before[channel_id]]
    after = second.bookmarks("messages", "channel_id")
    assert all(int(after[c]) > int(before[c]) for c in before)
    assert second.counts()["members"] == emulator.counts()["members"]
    # Nothing new: only the channel holding the highest last message id seen is asked again
    # (parents at the mark are read, in case more arrived in the same instant); none has news.
    third = _sync(emulator, capsys, second.state)
    assert third.records.get("messages", []) == []
    latest = max(texts, key=lambda c: int(c["last_message_id"]))
    asked = [e.path for e in emulator.request_log if e.path.endswith("/messages")]
    assert asked == [f"{API}/channels/{latest['id']}/messages"]


def test_members_page_by_user_id_a_thousand_at_a_time(capsys: Any) -> None:
    emulator = DiscordEmulator(size="large", seed=1, generation=0)
    run = _sync(emulator, capsys, only={"guilds", "members"})
    guild = min(emulator.data.guilds, key=int)
    ids = sorted(int(uid) for uid in emulator.data.members[guild])
    pages = [e for e in emulator.request_log if e.path == f"{API}/guilds/{guild}/members"]
    assert [e.query.get("after") for e in pages] == [None, [str(ids[999])], [str(ids[1999])]]
    assert {e.query["limit"][0] for e in pages} == {"1000"}
    assert len(run.records["members"]) == emulator.counts()["members"]
    assert {e.path.split("/")[-1] for e in emulator.request_log} == {"guilds", "members"}


def test_guild_ids_setting_reads_only_those_guilds(emulator: DiscordEmulator, capsys: Any) -> None:
    chosen = sorted(emulator.data.guilds, key=int)[1]
    run = _sync(emulator, capsys, guild_ids=[chosen])
    assert [g["id"] for g in run.records["guilds"]] == [chosen]
    assert {r["guild_id"] for r in run.records["members"]} == {chosen}


def test_learned_route_buckets_keep_a_tight_limit_from_answering_429(capsys: Any) -> None:
    # One request per 0.1 s per route and channel: each channel's second page of messages
    # waits for its bucket's Reset-After instead of being refused.
    emulator = DiscordEmulator(size="demo", seed=1, generation=0, rate_limit="1/0.1")
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    assert [e for e in emulator.request_log if e.status == 429] == []
    buckets = {
        e.path for e in emulator.request_log if "after" in e.query and e.query["after"] != ["0"]
    }
    assert buckets, "second pages were read"


def test_a_429_is_waited_out_as_its_body_says_and_retried(capsys: Any) -> None:
    emulator = DiscordEmulator(
        size="tiny", seed=1, generation=0, faults="429", fault_rate=0.15, fault_seed=3
    )
    run = _sync(emulator, capsys)
    assert run.counts() == emulator.counts()
    log = emulator.request_log
    throttled = [n for n, e in enumerate(log) if e.status == 429]
    assert throttled, "the fault seed throttles at least one request"
    for n in throttled:
        again = next(e for e in log[n + 1 :] if e.path == log[n].path and e.status == 200)
        assert again.query == log[n].query
