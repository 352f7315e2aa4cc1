"""The Slack emulator's read methods beyond the tap's: what each answers, consistently
with the workspace (ids that resolve, counts that match), and complete objects."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.completion import (
    ONLY_WHEN_MODELLED,
    OTHER_KIND_CHANNEL_FIELDS,
)
from brainhub.sandbox.services.slack.directory import channel_members, user_groups
from brainhub.sandbox.services.slack.operations import OPERATIONS
from brainhub.sandbox.services.slack.tiers import METHOD_TIERS


@pytest.fixture(scope="module")
def slack() -> SlackEmulator:
    return SlackEmulator(size="demo", generation=2, rate_limit=100_000)


def call(slack: SlackEmulator, method: str, **params: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {slack.credentials['api_token']}"}
    response = Client(slack).post(f"/api/{method}", data=params, headers=headers)
    assert response.status_code == 200
    return json.loads(response.get_data())


def _fields(shape: dict[str, Any]) -> set[str]:
    return set(shape["o"])


def test_conversation_members_are_as_many_as_the_channel_says(slack):
    for channel in slack.workspace.visible_channels():
        members, cursor = [], ""
        while True:
            page = call(slack, "conversations.members", channel=channel.id, limit=4, cursor=cursor)
            members += page["members"]
            cursor = page["response_metadata"]["next_cursor"]
            if not cursor:
                break
        assert len(members) == len(set(members)) == channel.data["num_members"]
        assert (slack.workspace.bot_user_id in members) == channel.readable
        info = call(slack, "conversations.info", channel=channel.id)["channel"]
        assert info["id"] == channel.id
        assert info["num_members"] == len(members)


def test_users_conversations_are_the_channels_a_user_is_a_member_of(slack):
    ws = slack.workspace
    person = ws.users[3]
    listed = call(slack, "users.conversations", user=person["id"], types="public_channel")
    expected = [
        c.id
        for c in ws.visible_channels()
        if not c.data["is_private"] and person["id"] in channel_members(ws, c)
    ]
    assert [c["id"] for c in listed["channels"]] == expected
    assert all("num_members" not in c and "is_member" not in c for c in listed["channels"])
    own = call(slack, "users.conversations", types="public_channel,private_channel")["channels"]
    assert {c["id"] for c in own} == {c.id for c in ws.visible_channels() if c.readable}


def test_user_lookups_agree(slack):
    person = slack.workspace.users[4]
    by_id = call(slack, "users.info", user=person["id"])["user"]
    by_email = call(slack, "users.lookupByEmail", email=person["profile"]["email"].upper())["user"]
    assert by_id == by_email
    assert by_id["name"] == person["name"]
    profile = call(slack, "users.profile.get", user=person["id"])["profile"]
    assert profile["email"] == person["profile"]["email"]
    presence = call(slack, "users.getPresence", user=person["id"])
    assert presence["presence"] in ("active", "away")
    assert presence["online"] == (presence["presence"] == "active")
    assert call(slack, "users.lookupByEmail", email="nobody@acme.test")["error"] == (
        "users_not_found"
    )


def test_user_groups_hold_active_people_and_disabled_ones_only_when_asked(slack):
    ws = slack.workspace
    active = {u["id"] for u in ws.users if not u["deleted"]}
    listed = call(slack, "usergroups.list")["usergroups"]
    everything = call(slack, "usergroups.list", include_disabled="true")["usergroups"]
    assert [g["id"] for g in listed] == [g.id for g in user_groups(ws) if g.enabled]
    assert len(everything) == len(listed) + 1
    for group in listed:
        assert group["team_id"] == ws.team_id
        assert group["date_delete"] == 0
        assert group["date_create"] <= group["date_update"]
        assert set(group["users"]) <= active
        users = call(slack, "usergroups.users.list", usergroup=group["id"])["users"]
        assert users == group["users"]
        assert group["user_count"] == len(users)
    assert call(slack, "usergroups.users.list", usergroup="S0NOSUCH")["error"] == "no_such_subteam"


def test_team_bot_and_auth_name_the_same_workspace(slack):
    ws = slack.workspace
    auth = call(slack, "auth.test")
    team = call(slack, "team.info")["team"]
    bot = call(slack, "bots.info", bot=auth["bot_id"])["bot"]
    assert team["id"] == auth["team_id"] == ws.team_id
    assert bot["user_id"] == auth["user_id"] == ws.bot_user_id
    assert call(slack, "users.info", user=bot["user_id"])["user"]["is_bot"] is True
    assert call(slack, "team.info", team="T0OTHERTEAM")["error"] == "team_not_found"
    assert call(slack, "bots.info", bot="B0NOSUCHBOT")["error"] == "bot_not_found"


def test_permalinks_name_the_message_and_its_thread(slack):
    channel = next(c for c in slack.workspace.channels if c.readable and c.replies)
    parent, replies = next(iter(channel.replies.items()))
    top = call(slack, "chat.getPermalink", channel=channel.id, message_ts=parent)
    assert top["permalink"].endswith(f"/archives/{channel.id}/p{parent.replace('.', '')}")
    reply = call(slack, "chat.getPermalink", channel=channel.id, message_ts=replies[0]["ts"])
    assert reply["permalink"].endswith(f"?thread_ts={parent}&cid={channel.id}")
    missing = call(slack, "chat.getPermalink", channel=channel.id, message_ts="1.000001")
    assert missing["error"] == "message_not_found"


def test_emoji_and_dnd(slack):
    emoji = call(slack, "emoji.list")["emoji"]
    aliases = {name: v[len("alias:") :] for name, v in emoji.items() if v.startswith("alias:")}
    assert aliases
    assert set(aliases.values()) <= set(emoji)
    person = slack.workspace.users[2]
    dnd = call(slack, "dnd.info", user=person["id"])
    assert dnd["next_dnd_start_ts"] < dnd["next_dnd_end_ts"]


def test_users_and_conversations_are_the_same_object_whichever_method_answers(slack):
    ws = slack.workspace
    listed = {u["id"]: u for u in call(slack, "users.list")["members"]}
    for person in ws.users[:6]:
        assert call(slack, "users.info", user=person["id"])["user"] == listed[person["id"]]
    kinds = "public_channel,private_channel"
    channels = {c["id"]: c for c in call(slack, "conversations.list", types=kinds)["channels"]}
    for channel_id, channel in channels.items():
        assert call(slack, "conversations.info", channel=channel_id)["channel"] == channel


def test_objects_carry_every_documented_field(slack):
    surface = SlackEmulator.surface()
    user_shape = surface["GET /users.info"].shape["o"]["user"]
    channel_shape = surface["GET /conversations.info"].shape["o"]["channel"]
    team_shape = surface["GET /team.info"].shape["o"]["team"]
    person = slack.workspace.users[2]
    user = call(slack, "users.info", user=person["id"])["user"]
    assert set(user) >= _fields(user_shape)
    assert set(user["profile"]) >= _fields(user_shape["o"]["profile"]) - ONLY_WHEN_MODELLED
    assert user["id"] == person["id"]
    assert user["profile"]["email"] == person["profile"]["email"]
    assert user["profile"]["user_id"] == user["id"]
    bot = call(slack, "users.info", user=slack.workspace.bot_user_id)["user"]
    assert bot["profile"]["bot_id"] == slack.workspace.bot_id
    assert "bot_id" not in user["profile"]
    for channel in slack.workspace.visible_channels():
        info = call(slack, "conversations.info", channel=channel.id)["channel"]
        expected = _fields(channel_shape) - OTHER_KIND_CHANNEL_FIELDS
        if not channel.readable:
            expected.discard("latest")
        assert set(info) >= expected
        if channel.readable:
            assert info["latest"] == channel.messages[-1]
            assert info["last_read"] == channel.messages[-1]["ts"]
        assert info["display_counts"]["display_counts"] == info["num_members"]
    assert set(call(slack, "team.info")["team"]) >= _fields(team_shape)


def test_shaped_answers_carry_the_workspaces_ids_in_slacks_forms(slack):
    ws = slack.workspace
    stars = call(slack, "stars.list")["items"]
    assert stars
    assert {item["channel"] for item in stars} <= {c.id for c in ws.visible_channels()}
    files = call(slack, "files.list")["files"]
    assert files
    assert all(re.fullmatch(r"F[A-Z0-9]{8,}", f["id"]) for f in files)
    assert all(f["user"] == ws.bot_user_id for f in files)
    assert all(f["mimetype"] == "image/png" and f["filetype"] == "png" for f in files)
    assert all(f["created"] < 10**11 for f in files), "times are epoch seconds"
    info = call(slack, "files.info", file=files[0]["id"])["file"]
    assert info["id"] == files[0]["id"]
    assert call(slack, "files.info", file="not-a-file")["error"] == "file_not_found"
    assert call(slack, "pins.list", channel="C0NOSUCHONE")["error"] == "channel_not_found"


def test_every_served_method_has_a_rate_limit_tier():
    assert {op.path.lstrip("/") for op in OPERATIONS.served} <= set(METHOD_TIERS)


def test_reactions_list_pages_every_message_the_user_reacted_to(slack):
    ws = slack.workspace
    person = next(
        u["id"]
        for u in ws.users
        if sum(
            1
            for c in ws.channels
            if c.readable
            for m in c.messages
            for r in m.get("reactions", ())
            if u["id"] in r["users"]
        )
        > 2
    )
    expected = {
        (c.id, m["ts"])
        for c in ws.visible_channels()
        if c.readable
        for m in c.messages
        if any(person in r["users"] for r in m.get("reactions", ()))
    }
    seen, cursor = [], ""
    while True:
        page = call(slack, "reactions.list", user=person, limit=2, cursor=cursor)
        assert page["paging"]["total"] == len(expected)
        seen += [(item["channel"], item["message"]["ts"]) for item in page["items"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(expected)
    assert len(seen) == len(set(seen))
    channel_id, ts = seen[0]
    got = call(slack, "reactions.get", channel=channel_id, timestamp=ts)
    assert got["type"] == "message"
    assert got["message"] == next(m for m in ws.channel(channel_id).messages if m["ts"] == ts)
    assert call(slack, "reactions.get")["error"] == "no_item_specified"


def test_nothing_is_pinned_anywhere_as_history_says(slack):
    for channel in (c for c in slack.workspace.visible_channels() if c.readable):
        assert call(slack, "pins.list", channel=channel.id)["items"] == []
        assert call(slack, "conversations.history", channel=channel.id, limit=1)["pin_count"] == 0
        assert call(slack, "conversations.info", channel=channel.id)["channel"]["has_pins"] is False


def test_search_finds_readable_messages_by_words_channel_and_author(slack):
    ws = slack.workspace
    readable = [c for c in ws.visible_channels() if c.readable]
    everything = [
        (c, m)
        for c in readable
        for m in [*c.messages, *(r for rs in c.replies.values() for r in rs)]
    ]
    word = "checkout"
    expected = sorted(
        (m["ts"] for _, m in everything if word in m.get("text", "").lower()), reverse=True
    )
    found = call(slack, "search.messages", query=word.upper(), count=100)["messages"]
    assert found["total"] == len(expected) > 0
    assert [m["ts"] for m in found["matches"]] == expected[:100]
    channel, message = next((c, m) for c, m in everything if "user" in m)
    author = next(u["name"] for u in ws.users if u["id"] == message["user"])
    narrowed = call(slack, "search.messages", query=f"in:#{channel.data['name']} from:@{author}")
    matches = narrowed["messages"]["matches"]
    assert matches
    assert {(m["channel"]["id"], m["user"]) for m in matches} == {(channel.id, message["user"])}
    paged = call(slack, "search.messages", query=word, count=2, page=2)["messages"]
    assert [m["ts"] for m in paged["matches"]] == expected[2:4]
    assert paged["paging"] == {
        "count": 2,
        "total": len(expected),
        "page": 2,
        "pages": -(-len(expected) // 2),
    }


@pytest.mark.parametrize("generation", [0, 3])
def test_every_active_account_has_a_whole_second_time_zone_offset(generation):
    ws = SlackEmulator(size="demo", generation=generation).workspace
    for user in ws.users:
        if user["deleted"]:
            continue
        assert isinstance(user["tz_offset"], int), user["name"]
        assert "/" in user["tz"], user["name"]
