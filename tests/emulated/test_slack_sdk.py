"""Slack's official Python SDK (``slack_sdk``), unchanged but for ``base_url``, reads the
emulated workspace and gets what ``brainhub sandbox counts slack`` says.

The SDK posts most calls form-encoded and pages with its own cursor iteration
(``for page in client.conversations_list(limit=…)`` follows
``response_metadata.next_cursor``); its ``RateLimitErrorRetryHandler`` waits out a 429's
``Retry-After`` and calls again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from brainhub.cli import main
from brainhub.sandbox.server import serve
from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.directory import user_groups

SEED, SIZE, GENERATION = 3, "demo", 2
PAGE = 7


@pytest.fixture(scope="module")
def emulator() -> SlackEmulator:
    return SlackEmulator(seed=SEED, size=SIZE, generation=GENERATION, rate_limit=100_000)


@pytest.fixture(scope="module")
def client(emulator: SlackEmulator) -> Iterator[WebClient]:
    with serve(emulator) as served:
        yield WebClient(token=emulator.credentials["api_token"], base_url=served.base_url + "/")


@pytest.fixture(scope="module")
def counts() -> dict[str, int]:
    result = CliRunner().invoke(
        main,
        [
            *("sandbox", "counts", "slack", "--seed", str(SEED)),
            *("--size", SIZE, "--generation", str(GENERATION)),
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _every(pages: Any, key: str) -> list[Any]:
    items: list[Any] = []
    for page in pages:
        assert page["ok"] is True
        items.extend(page[key])
    return items


def test_conversations_users_messages_and_threads_match_the_counts(client, counts):
    conversations = _every(
        client.conversations_list(limit=PAGE, types="public_channel,private_channel"), "channels"
    )
    assert len(conversations) == len({c["id"] for c in conversations}) == counts["conversations"]
    users = _every(client.users_list(limit=PAGE), "members")
    assert len(users) == len({u["id"] for u in users}) == counts["users"]
    messages = replies = 0
    for channel in (c for c in conversations if c["is_member"]):
        history = _every(
            client.conversations_history(channel=channel["id"], limit=PAGE), "messages"
        )
        messages += len(history)
        for parent in (m for m in history if m.get("reply_count")):
            thread = _every(
                client.conversations_replies(channel=channel["id"], ts=parent["ts"], limit=2),
                "messages",
            )
            assert thread[0]["ts"] == parent["ts"]
            assert len(thread) - 1 == parent["reply_count"]
            replies += len(thread) - 1
    assert messages == counts["messages"]
    assert replies == counts["thread_replies"]


def test_several_pages_were_followed_by_posted_calls(client, emulator, counts):
    emulator.clear_request_log()
    pages = list(client.users_list(limit=PAGE))
    assert len(pages) == -(-counts["users"] // PAGE)
    assert pages[-1]["response_metadata"]["next_cursor"] == ""
    assert {(entry.method, entry.path) for entry in emulator.request_log} == {
        ("POST", "/api/users.list")
    }


def test_team_and_user_groups_are_the_workspaces(client, emulator):
    team = client.team_info()["team"]
    assert team["id"] == emulator.workspace.team_id
    assert team["name"] == emulator.workspace.team_name
    groups = client.usergroups_list(include_users=True)["usergroups"]
    expected = [g for g in user_groups(emulator.workspace) if g.enabled]
    assert [g["id"] for g in groups] == [g.id for g in expected]
    for group in groups:
        members = client.usergroups_users_list(usergroup=group["id"])["users"]
        assert members == group["users"]
        assert group["user_count"] == len(members)
        assert all(client.users_info(user=user)["user"]["id"] == user for user in members)


def test_errors_are_sdk_errors_with_slacks_codes(client):
    with pytest.raises(SlackApiError) as raised:
        client.conversations_info(channel="C0NOSUCHONE")
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "channel_not_found"


def test_the_rate_limit_retry_handler_waits_out_a_429_and_succeeds():
    throttled = SlackEmulator(seed=SEED, size="tiny", generation=0, rate_limit="1/1s")
    with serve(throttled) as served:
        client = WebClient(token=throttled.credentials["api_token"], base_url=served.base_url + "/")
        client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
        assert client.auth_test()["ok"] is True
        assert client.auth_test()["user_id"] == throttled.workspace.bot_user_id
    statuses = [entry.status for entry in throttled.request_log]
    assert statuses[:2] == [200, 429]
    assert statuses[-1] == 200
