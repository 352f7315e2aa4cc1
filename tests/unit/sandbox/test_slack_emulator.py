"""The Slack emulator: envelopes, cursors, filters, errors in 200s, tiers, data generations."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.slack import SlackEmulator

OPENAPI = Path(__file__).resolve().parents[3].parent / "shared/apis/slack/slack_web_openapi_v2.json"


def client_for(emulator: SlackEmulator) -> tuple[Client, dict[str, str]]:
    return Client(emulator), {"Authorization": f"Bearer {emulator.credentials['api_token']}"}


def call(emulator: SlackEmulator, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    client, headers = client_for(emulator)
    response = client.get(f"/api/{method}", query_string=params, headers=headers)
    return response.status_code, json.loads(response.get_data())


@pytest.fixture
def slack() -> SlackEmulator:
    return SlackEmulator(size="tiny", generation=0)


def member_channel(slack: SlackEmulator) -> Any:
    return next(c for c in slack.workspace.channels if c.readable and c.replies)


@pytest.mark.parametrize(
    ("headers", "error"),
    [({}, "not_authed"), ({"Authorization": "Bearer xoxb-1-2-nope"}, "invalid_auth")],
)
def test_auth_failures_are_http_200_with_ok_false(
    slack: SlackEmulator, headers: dict[str, str], error: str
) -> None:
    response = Client(slack).get("/api/users.list", headers=headers)
    assert response.status_code == 200
    assert json.loads(response.get_data()) == {"ok": False, "error": error}


def test_a_token_in_a_post_body_is_accepted(slack: SlackEmulator) -> None:
    token = slack.credentials["api_token"]
    response = Client(slack).post("/api/auth.test", data={"token": token})
    body = json.loads(response.get_data())
    assert body["ok"] is True
    assert body["team_id"] == slack.workspace.team_id


def test_unknown_methods_are_404_unknown_method(slack: SlackEmulator) -> None:
    client, headers = client_for(slack)
    response = client.get("/api/chat.nothing", headers=headers)
    assert response.status_code == 404
    assert json.loads(response.get_data()) == {
        "ok": False,
        "error": "unknown_method",
        "req_method": "chat.nothing",
    }


def test_conversations_list_pages_with_cursors_and_types(slack: SlackEmulator) -> None:
    seen, cursor = [], ""
    while True:
        _, body = call(
            slack,
            "conversations.list",
            types="public_channel,private_channel",
            limit=2,
            cursor=cursor,
        )
        assert body["ok"] is True
        seen += [c["id"] for c in body["channels"]]
        cursor = body["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == [c.id for c in slack.workspace.visible_channels()]
    _, public = call(slack, "conversations.list")
    assert all(not c["is_private"] for c in public["channels"]), "public_channel by default"
    hidden = next(c for c in slack.workspace.channels if c.data["is_private"] and not c.readable)
    assert hidden.id not in seen, "private channels the bot is not in stay invisible"


def test_exclude_archived_filters_after_paging_so_pages_come_back_short(
    slack: SlackEmulator,
) -> None:
    visible = slack.workspace.visible_channels()
    archived_at = next(i for i, c in enumerate(visible) if c.data["is_archived"])
    _, first = call(
        slack,
        "conversations.list",
        types="public_channel,private_channel",
        limit=archived_at + 1,
        exclude_archived="true",
    )
    assert len(first["channels"]) == archived_at, "one fewer than the limit"
    assert first["response_metadata"]["next_cursor"], "and yet more pages follow"


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"types": "public_channel,secret_channel"}, "invalid_types"),
    ],
)
def test_bad_list_arguments(slack: SlackEmulator, params: dict[str, str], error: str) -> None:
    assert call(slack, "conversations.list", **params) == (200, {"ok": False, "error": error})


def test_history_is_newest_first_paged_and_bounded_by_oldest(slack: SlackEmulator) -> None:
    channel = member_channel(slack)
    stamps, cursor = [], None
    while True:
        params = {"channel": channel.id, "limit": 3, **({"cursor": cursor} if cursor else {})}
        _, body = call(slack, "conversations.history", **params)
        stamps += [m["ts"] for m in body["messages"]]
        if not body["has_more"]:
            assert "response_metadata" not in body
            break
        cursor = body["response_metadata"]["next_cursor"]
    assert stamps == sorted((m["ts"] for m in channel.messages), reverse=True)
    middle = stamps[len(stamps) // 2]
    _, newer = call(slack, "conversations.history", channel=channel.id, oldest=middle)
    assert [m["ts"] for m in newer["messages"]] == [s for s in stamps if s > middle]
    _, inclusive = call(
        slack, "conversations.history", channel=channel.id, oldest=middle, inclusive="true"
    )
    assert inclusive["messages"][-1]["ts"] == middle
    _, older = call(slack, "conversations.history", channel=channel.id, latest=middle)
    assert all(Decimal(m["ts"]) < Decimal(middle) for m in older["messages"])


@pytest.mark.parametrize(
    ("pick", "params", "error"),
    [
        ("outsider", {}, "not_in_channel"),
        ("hidden", {}, "channel_not_found"),
        ("nothing", {}, "channel_not_found"),
        ("member", {"oldest": "yesterday"}, "invalid_ts_oldest"),
        ("member", {"latest": "soon"}, "invalid_ts_latest"),
    ],
)
def test_history_errors(
    slack: SlackEmulator, pick: str, params: dict[str, str], error: str
) -> None:
    channels = {
        "outsider": next(
            c.id for c in slack.workspace.channels if not c.data["is_private"] and not c.readable
        ),
        "hidden": next(
            c.id for c in slack.workspace.channels if c.data["is_private"] and not c.readable
        ),
        "nothing": "C0000000000",
        "member": member_channel(slack).id,
    }
    status, body = call(slack, "conversations.history", channel=channels[pick], **params)
    assert (status, body) == (200, {"ok": False, "error": error})


def test_replies_start_with_the_parent_then_replies_oldest_first(slack: SlackEmulator) -> None:
    channel = member_channel(slack)
    parent_ts, replies = next(iter(channel.replies.items()))
    _, body = call(slack, "conversations.replies", channel=channel.id, ts=parent_ts)
    assert [m["ts"] for m in body["messages"]] == [parent_ts] + [r["ts"] for r in replies]
    parent = body["messages"][0]
    assert parent["reply_count"] == len(replies)
    assert parent["thread_ts"] == parent_ts
    assert "parent_user_id" not in parent
    assert all(m["parent_user_id"] == parent["user"] for m in body["messages"][1:])
    _, lonely = call(slack, "conversations.replies", channel=channel.id, ts="1000000000.000001")
    assert lonely == {"ok": False, "error": "thread_not_found"}


def test_tiers_are_limited_separately_with_ratelimited_429s() -> None:
    now = [1_000.0]
    slack = SlackEmulator(size="tiny", generation=0, rate_limit=2, clock=lambda: now[0])
    channel = member_channel(slack)
    for _ in range(2):
        assert call(slack, "conversations.history", channel=channel.id)[0] == 200
    client, headers = client_for(slack)
    response = client.get(f"/api/conversations.history?channel={channel.id}", headers=headers)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert json.loads(response.get_data()) == {"ok": False, "error": "ratelimited"}
    assert call(slack, "users.list")[0] == 200, "tier 2 has its own window"
    now[0] += 60
    assert call(slack, "conversations.history", channel=channel.id)[0] == 200


def test_default_tier_limits() -> None:
    limiter = SlackEmulator(size="tiny", generation=0).rate_limiter
    assert limiter.limit_of("users.list") == 20  # type: ignore[attr-defined]
    assert limiter.limit_of("conversations.history") == 50  # type: ignore[attr-defined]


def test_data_is_deterministic_per_seed() -> None:
    one, two = SlackEmulator(size="tiny", generation=0), SlackEmulator(size="tiny", generation=0)
    assert call(one, "users.list") == call(two, "users.list")
    assert one.credentials == two.credentials
    other = SlackEmulator(seed=2, size="tiny", generation=0)
    assert other.workspace.team_id != one.workspace.team_id


def test_each_generation_adds_later_messages_and_changes_users() -> None:
    before = SlackEmulator(size="tiny", generation=0)
    after = SlackEmulator(size="tiny", generation=1)
    newest_before = max(m["ts"] for c in before.workspace.channels for m in c.messages)
    old = {(c.id, m["ts"]) for c in before.workspace.channels for m in c.messages}
    new = {(c.id, m["ts"]) for c in after.workspace.channels for m in c.messages} - old
    assert new
    assert all(ts > newest_before for _, ts in new), "so an oldest= bookmark finds them"
    changes = after.changes(0)
    assert changes["messages"] - changes["messages_deleted"] == (
        after.counts()["messages"] - before.counts()["messages"]
    )
    assert 3 <= changes["users"] <= 4, "two profiles edited, one joined, one deactivated"
    assert changes["conversations"] == changes["conversations_deleted"] == 1
    assert changes["thread_replies"] > 0


def test_each_generation_deletes_a_message_and_a_channel_and_deactivates_a_user() -> None:
    before = SlackEmulator(size="tiny", generation=0)
    after = SlackEmulator(size="tiny", generation=1)
    changes = after.changes(0)
    _, listed_before = call(before, "conversations.list", types="public_channel,private_channel")
    _, listed_after = call(after, "conversations.list", types="public_channel,private_channel")
    ids_before = {c["id"] for c in listed_before["channels"]}
    ids_after = {c["id"] for c in listed_after["channels"]}
    (gone,) = ids_before - ids_after
    assert call(before, "conversations.history", channel=gone)[1]["ok"] is True
    assert call(after, "conversations.history", channel=gone)[1] == {
        "ok": False,
        "error": "channel_not_found",
    }
    kept = {c.id: c for c in after.workspace.channels}
    deleted_messages = [
        (c.id, m["ts"])
        for c in before.workspace.channels
        if c.id in kept
        for m in c.messages
        if m["ts"] not in {n["ts"] for n in kept[c.id].messages}
    ]
    assert len(deleted_messages) == 1, "one message deleted from a channel that stays"
    channel, ts = deleted_messages[0]
    _, history = call(after, "conversations.history", channel=channel, limit="1000")
    assert ts not in {m["ts"] for m in history["messages"]}
    _, users = call(after, "users.list")
    deactivated = [u for u in users["members"] if u["deleted"]]
    assert changes["users_deactivated"] == 1
    assert len(deactivated) == 1 + 1, "still listed, with deleted: true (one was already)"


def test_counts_match_what_the_api_serves(slack: SlackEmulator) -> None:
    _, users = call(slack, "users.list")
    _, channels = call(slack, "conversations.list", types="public_channel,private_channel")
    counts = slack.counts()
    assert counts["users"] == len(users["members"])
    assert counts["conversations"] == len(channels["channels"])


# ---- the vendor's published schemas ----------------------------------------------------------


def _slack_schema(name: str) -> dict[str, Any]:
    """A definition of Slack's OpenAPI 2 document as a standalone JSON Schema.

    The document writes alternatives as ``items: [a, b]`` on object schemas (which JSON
    Schema ignores); they are read as ``anyOf`` so that they really validate.
    """
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))

    def fix(node: Any) -> Any:
        if isinstance(node, list):
            return [fix(item) for item in node]
        if not isinstance(node, dict):
            return node
        node = {key: fix(value) for key, value in node.items()}
        if isinstance(node.get("items"), list) and node.get("type") != "array":
            return {"anyOf": node.pop("items"), **node}
        return node

    definitions = fix(document["definitions"])
    return {"$ref": f"#/definitions/{name}", "definitions": definitions}


@pytest.mark.skipif(not OPENAPI.is_file(), reason="Slack's OpenAPI document is not available")
def test_objects_validate_against_slacks_published_schemas() -> None:
    from jsonschema import Draft4Validator

    slack = SlackEmulator(size="demo", generation=2)
    users = Draft4Validator(_slack_schema("objs_user"))
    conversations = Draft4Validator(_slack_schema("objs_conversation"))
    messages = Draft4Validator(_slack_schema("objs_message"))
    _, listed = call(slack, "users.list")
    for user in listed["members"]:
        users.validate(user)
    _, channels = call(slack, "conversations.list", types="public_channel,private_channel")
    for channel in channels["channels"]:
        conversations.validate(channel)
    for channel in (c for c in slack.workspace.channels if c.readable):
        _, history = call(slack, "conversations.history", channel=channel.id, limit=999)
        for message in history["messages"]:
            messages.validate(message)
        for parent_ts in channel.replies:
            _, thread = call(slack, "conversations.replies", channel=channel.id, ts=parent_ts)
            for message in thread["messages"]:
                messages.validate(message)


def test_json_answers_carry_slacks_charset(slack: SlackEmulator) -> None:
    """Slack's Web API answers ``application/json; charset=utf-8``; clients check it."""
    client, headers = client_for(slack)
    answers = [
        client.get("/api/users.list", headers=headers),
        client.get("/api/users.list"),  # ok:false, still HTTP 200 and JSON
    ]
    for response in answers:
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
