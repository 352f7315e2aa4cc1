"""Slack writes (chat.postMessage, chat.update, chat.delete, reactions.add/remove) through
plain ``requests`` and ``slack_sdk`` against a served emulator, read back through its
read methods; writes outlive the process (the change journal), ``reset`` forgets them,
the per-channel posting limit answers 429, the tap's next incremental read picks a post
up, and bad writes get Slack's ``ok: false`` answers."""

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
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from brainhub.cli import main
from brainhub.redaction import hidden
from brainhub.sandbox import serve, state
from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.workspace import Channel
from tests.support.sandbox_process import serve_in_process
from tests.support.taps import final_state, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "slack")


class Api:
    """``requests`` against one served Slack emulator (JSON bodies, as slack_sdk posts)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, method: str, form: bool = False, **arguments: Any) -> Any:
        sent = {"data": arguments} if form else {"json": arguments}
        return requests.post(f"{self.base_url}/{method}", headers=self.headers, timeout=10, **sent)


class FakeClock:
    """A clock the test moves by hand (the posting limit reads it)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _emulator(state_dir: Path, **options: Any) -> SlackEmulator:
    return SlackEmulator(size="tiny", state_dir=state_dir, rate_limit=100_000, **options)


@contextmanager
def served(state_dir: Path, **options: Any) -> Iterator[tuple[SlackEmulator, Api]]:
    emulator = _emulator(state_dir, **options)
    with serve(emulator) as running:
        yield emulator, Api(running.base_url, running.credentials["api_token"])


@contextmanager
def serve_process(state_dir: Path) -> Iterator[Api]:
    """``brainhub sandbox serve slack --size tiny`` in its own process on ``state_dir``."""
    with serve_in_process("slack", state_dir) as info:
        yield Api(info["base_url"], info["credentials"]["api_token"])


def _member_channels(emulator: SlackEmulator) -> list[Channel]:
    return [
        c for c in emulator.workspace.visible_channels() if c.readable and not c.data["is_archived"]
    ]


def _history(api: Api, channel: str) -> list[dict[str, Any]]:
    answer = api("conversations.history", channel=channel, limit=999).json()
    assert answer["ok"] is True, answer
    return answer["messages"]


SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Deploy* done"}}]


# --------------------------------------------------------------------------- each write


def test_post_by_id_and_by_name_with_text_blocks_and_attachments_reads_back(tmp_path):
    with served(tmp_path, post_limit=0) as (emulator, api):
        channel = _member_channels(emulator)[0]
        before = emulator.counts()["messages"]
        posted = api("chat.postMessage", channel=channel.id, text="Hello from a target")
        assert posted.status_code == 200
        answer = posted.json()
        assert answer["ok"] is True
        assert answer["channel"] == channel.id
        message = answer["message"]
        assert (message["text"], message["ts"]) == ("Hello from a target", answer["ts"])
        assert message["user"] == emulator.workspace.bot_user_id
        assert message["bot_id"] == emulator.workspace.bot_id
        newest = _history(api, channel.id)[0]
        assert newest == message
        assert answer["ts"] > max(m["ts"] for m in channel.messages[:-1])

        named = api("chat.postMessage", channel=f"#{channel.data['name']}", blocks=SECTION)
        assert named.json()["channel"] == channel.id
        assert named.json()["message"]["blocks"] == SECTION
        assert _history(api, channel.id)[0]["blocks"] == SECTION
        form = api("chat.postMessage", form=True, channel=channel.data["name"],
                   blocks=json.dumps(SECTION), text="fallback")  # fmt: skip
        assert form.json()["message"]["blocks"] == SECTION
        legacy = [{"fallback": "Build passed", "color": "good", "text": "Build passed"}]
        attached = api("chat.postMessage", channel=channel.id, attachments=legacy)
        assert attached.json()["message"]["attachments"] == legacy
        assert _history(api, channel.id)[0]["attachments"] == legacy
        assert emulator.counts()["messages"] == before + 4


def test_thread_replies_update_the_parents_reply_fields(tmp_path):
    with served(tmp_path) as (emulator, api):
        channel = _member_channels(emulator)[0]
        parent = api("chat.postMessage", channel=channel.id, text="Parent").json()["ts"]
        first = api("chat.postMessage", channel=channel.id, text="one", thread_ts=parent).json()
        second = api("chat.postMessage", channel=channel.id, text="two", thread_ts=parent).json()
        assert first["message"]["thread_ts"] == parent
        assert first["message"]["parent_user_id"] == emulator.workspace.bot_user_id
        head = next(m for m in _history(api, channel.id) if m["ts"] == parent)
        assert head["reply_count"] == 2
        assert head["latest_reply"] == second["ts"]
        assert head["reply_users"] == [emulator.workspace.bot_user_id]
        assert head["thread_ts"] == parent
        thread = api("conversations.replies", channel=channel.id, ts=parent).json()["messages"]
        assert [m["text"] for m in thread] == ["Parent", "one", "two"]
        assert [m["ts"] for m in _history(api, channel.id)].count(first["ts"]) == 0

        assert api("chat.delete", channel=channel.id, ts=second["ts"]).json()["ok"] is True
        head = next(m for m in _history(api, channel.id) if m["ts"] == parent)
        assert (head["reply_count"], head["latest_reply"]) == (1, first["ts"])
        # a deleted parent with replies stays as Slack's tombstone
        assert api("chat.delete", channel=channel.id, ts=parent).json()["ok"] is True
        head = next(m for m in _history(api, channel.id) if m["ts"] == parent)
        assert (head["subtype"], head["reply_count"]) == ("tombstone", 1)


def test_update_and_delete_change_the_bots_own_messages(tmp_path):
    with served(tmp_path) as (emulator, api):
        channel = _member_channels(emulator)[0]
        ts = api("chat.postMessage", channel=channel.id, text="draft").json()["ts"]
        updated = api("chat.update", channel=channel.id, ts=ts, text="final", blocks=SECTION)
        body = updated.json()
        assert (body["ok"], body["channel"], body["ts"], body["text"]) == (
            True,
            channel.id,
            ts,
            "final",
        )
        stored = next(m for m in _history(api, channel.id) if m["ts"] == ts)
        assert (stored["text"], stored["blocks"]) == ("final", SECTION)
        assert stored["edited"]["user"] == emulator.workspace.bot_user_id
        assert stored["edited"]["ts"] > ts
        assert body["message"] == stored

        deleted = api("chat.delete", channel=channel.id, ts=ts).json()
        assert deleted == {"ok": True, "channel": channel.id, "ts": ts}
        assert ts not in {m["ts"] for m in _history(api, channel.id)}
        assert api("chat.delete", channel=channel.id, ts=ts).json() == {
            "ok": False,
            "error": "message_not_found",
        }


def test_reactions_are_added_and_removed_and_read_back(tmp_path):
    with served(tmp_path) as (emulator, api):
        channel = _member_channels(emulator)[0]
        ts = channel.messages[3]["ts"]
        bot = emulator.workspace.bot_user_id
        assert api("reactions.add", channel=channel.id, timestamp=ts, name="rocket").json() == {
            "ok": True
        }
        got = api("reactions.get", channel=channel.id, timestamp=ts).json()["message"]
        rocket = next(r for r in got["reactions"] if r["name"] == "rocket")
        assert bot in rocket["users"]
        assert rocket["count"] == len(rocket["users"])
        again = api("reactions.add", channel=channel.id, timestamp=ts, name=":rocket:").json()
        assert again == {"ok": False, "error": "already_reacted"}
        removed = api("reactions.remove", channel=channel.id, timestamp=ts, name="rocket")
        assert removed.json() == {"ok": True}
        got = api("reactions.get", channel=channel.id, timestamp=ts).json()["message"]
        assert all(bot not in r["users"] for r in got.get("reactions", []))
        gone = api("reactions.remove", channel=channel.id, timestamp=ts, name="rocket").json()
        assert gone == {"ok": False, "error": "no_reaction"}


def test_slack_sdk_posts_replies_updates_and_reacts(tmp_path):
    with served(tmp_path) as (emulator, api):
        client = WebClient(token=emulator.credentials["api_token"], base_url=api.base_url + "/")
        channel = _member_channels(emulator)[1]
        posted = client.chat_postMessage(channel=channel.id, text="via sdk", blocks=SECTION)
        assert posted["ok"] is True
        ts = posted["ts"]
        reply = client.chat_postMessage(channel=channel.id, text="reply", thread_ts=ts)
        assert reply["message"]["thread_ts"] == ts
        client.chat_update(channel=channel.id, ts=ts, text="via sdk, edited")
        client.reactions_add(channel=channel.id, timestamp=ts, name="tada")
        history = client.conversations_history(channel=channel.id, limit=5)["messages"]
        head = next(m for m in history if m["ts"] == ts)
        assert head["text"] == "via sdk, edited"
        assert head["reply_count"] == 1
        assert head["reactions"] == [
            {"name": "tada", "users": [emulator.workspace.bot_user_id], "count": 1}
        ]
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="#no-such-channel", text="x")
        assert refused.value.response.data == {"ok": False, "error": "channel_not_found"}


# --------------------------------------------------------------------------- errors


def _places(emulator: SlackEmulator) -> dict[str, str]:
    ws = emulator.workspace
    member = _member_channels(emulator)[0]
    others = next(m for m in member.messages if m.get("user") not in (None, ws.bot_user_id))
    outsider = next(c for c in ws.visible_channels() if not c.readable)
    archived = next(c for c in ws.channels if c.data["is_archived"])
    hidden_channel = next(c for c in ws.channels if c not in ws.visible_channels())
    return {
        "member": member.id,
        "theirs": others["ts"],
        "outsider": outsider.id,
        "archived": archived.id,
        "hidden": hidden_channel.id,
    }


@pytest.mark.parametrize(
    ("method", "arguments", "answer"),
    [
        ("chat.postMessage", {"channel": "CNOSUCH0000", "text": "x"},
         {"ok": False, "error": "channel_not_found"}),
        ("chat.postMessage", {"channel": "{hidden}", "text": "x"},
         {"ok": False, "error": "channel_not_found"}),
        ("chat.postMessage", {"channel": "#nowhere", "text": "x"},
         {"ok": False, "error": "channel_not_found"}),
        ("chat.postMessage", {"channel": "{member}"}, {"ok": False, "error": "no_text"}),
        ("chat.postMessage", {"channel": "{member}", "text": "x" * 40_001},
         {"ok": False, "error": "msg_too_long"}),
        ("chat.postMessage", {"channel": "{outsider}", "text": "x"},
         {"ok": False, "error": "not_in_channel"}),
        ("chat.postMessage", {"channel": "{archived}", "text": "x"},
         {"ok": False, "error": "is_archived"}),
        ("chat.postMessage", {"channel": "{member}", "text": "x", "thread_ts": "1.000001"},
         {"ok": False, "error": "thread_not_found"}),
        ("chat.postMessage", {"channel": "{member}", "blocks": [{"type": "section"}]},
         {"ok": False, "error": "invalid_blocks",
          "errors": ["must provide either text or fields [json-pointer:/blocks/0]"],
          "response_metadata": {"messages": [
              "[ERROR] must provide either text or fields [json-pointer:/blocks/0]"]}}),
        ("chat.postMessage", {"channel": "{member}", "blocks": [{"type": "banner"}]},
         {"ok": False, "error": "invalid_blocks",
          "errors": ["unsupported type: banner [json-pointer:/blocks/0/type]"],
          "response_metadata": {"messages": [
              "[ERROR] unsupported type: banner [json-pointer:/blocks/0/type]"]}}),
        ("chat.postMessage", {"channel": "{member}", "blocks": "not json"},
         {"ok": False, "error": "invalid_blocks_format"}),
        ("chat.postMessage", {"channel": "{member}", "attachments": "not json"},
         {"ok": False, "error": "invalid_attachments"}),
        ("chat.postMessage", {"channel": "{member}", "attachments": [{}] * 101},
         {"ok": False, "error": "too_many_attachments"}),
        ("chat.update", {"channel": "{member}", "ts": "1.000001", "text": "x"},
         {"ok": False, "error": "message_not_found"}),
        ("chat.update", {"channel": "{member}", "ts": "{theirs}", "text": "x"},
         {"ok": False, "error": "cant_update_message"}),
        ("chat.delete", {"channel": "{member}", "ts": "{theirs}"},
         {"ok": False, "error": "cant_delete_message"}),
        ("chat.delete", {"channel": "CNOSUCH0000", "ts": "{theirs}"},
         {"ok": False, "error": "channel_not_found"}),
        ("reactions.add", {"channel": "{member}", "timestamp": "1.000001", "name": "eyes"},
         {"ok": False, "error": "message_not_found"}),
        ("reactions.add", {"channel": "{member}", "timestamp": "{theirs}", "name": "no way"},
         {"ok": False, "error": "invalid_name"}),
        ("reactions.add", {"name": "eyes"}, {"ok": False, "error": "no_item_specified"}),
    ],
)  # fmt: skip
def test_bad_writes_get_slacks_ok_false_answers(tmp_path, method, arguments, answer):
    with served(tmp_path) as (emulator, api):
        places = _places(emulator)
        sent = {k: v.format(**places) if isinstance(v, str) and "{" in v else v
                for k, v in arguments.items()}  # fmt: skip
        before = emulator.counts()
        got = api(method, **sent)
        assert got.status_code == 200
        assert got.headers["Content-Type"] == "application/json; charset=utf-8"
        assert got.json() == answer
        assert emulator.counts() == before
    assert not state.changes_file("slack", tmp_path).exists()


# --------------------------------------------------------------------------- limits and log


def test_the_per_channel_posting_limit_answers_429_with_retry_after(tmp_path):
    clock = FakeClock()
    with served(tmp_path, clock=clock, post_limit="1/s", post_burst=2) as (emulator, api):
        first, second = (c.id for c in _member_channels(emulator)[:2])
        refused = api("chat.postMessage", channel=first, text="")  # uses none of the allowance
        assert (refused.status_code, refused.json()["error"]) == (200, "no_text")
        answers = [api("chat.postMessage", channel=first, text=f"{n}") for n in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert answers[2].json() == {"ok": False, "error": "ratelimited"}
        assert answers[2].headers["Retry-After"] == "1"
        # another channel has its own allowance; a refused post was not made
        assert api("chat.postMessage", channel=second, text="x").status_code == 200
        assert [m["text"] for m in _history(api, first)[:2]] == ["1", "0"]
        clock.now += 1
        assert api("chat.postMessage", channel=first, text="later").status_code == 200
        assert api("chat.postMessage", channel=first, text="again").status_code == 429
    with served(tmp_path / "raised", clock=FakeClock(), post_limit=0) as (emulator, api):
        channel = _member_channels(emulator)[0].id
        codes = {api("chat.postMessage", channel=channel, text="x").status_code for _ in range(8)}
        assert codes == {200}


def test_slack_sdk_waits_out_the_posting_limit(tmp_path):
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    clock = FakeClock()
    with served(tmp_path, clock=clock, post_burst=1) as (emulator, api):
        channel = _member_channels(emulator)[0].id
        client = WebClient(token=emulator.credentials["api_token"], base_url=api.base_url + "/")
        client.chat_postMessage(channel=channel, text="first")
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel=channel, text="second")
        assert refused.value.response.status_code == 429
        assert refused.value.response.headers["Retry-After"] == "1"

        waits: list[str] = []

        class MovesTheClock(RateLimitErrorRetryHandler):
            """Waits ``Retry-After`` on the emulator's clock instead of sleeping."""

            def prepare_for_next_attempt(self, *, state: Any, response: Any = None, **_: Any):
                waits.append(response.headers["Retry-After"][0])
                clock.now += int(waits[-1])
                state.next_attempt_requested = True
                state.increment_current_attempt()

        client.retry_handlers.append(MovesTheClock(max_retry_count=1))
        assert client.chat_postMessage(channel=channel, text="second")["ok"] is True
        assert waits == ["1"]
        assert [m["text"] for m in _history(api, channel)[:2]] == ["second", "first"]


def test_writes_count_against_the_tier_limit_and_are_logged_with_secrets_hidden(tmp_path):
    emulator = SlackEmulator(size="tiny", state_dir=tmp_path, rate_limit=2, post_limit=0)
    with serve(emulator) as running:
        token = running.credentials["api_token"]
        api = Api(running.base_url, token)
        channel = _member_channels(emulator)[0].id
        codes = [
            api("chat.postMessage", form=True, channel=channel, text=f"token {token}").status_code
            for _ in range(3)
        ]
        assert codes == [200, 200, 429]
        logged = emulator.request_log[0]
        assert logged.path == "/api/chat.postMessage"
        assert logged.headers["Authorization"] == f"Bearer {hidden(token)}"
        assert logged.body == {"channel": channel, "text": "token <redacted>"}
        assert token not in json.dumps(logged.as_dict())


# --------------------------------------------------------------------------- persistence


def test_writes_persist_across_serve_processes_and_reset_forgets_them(tmp_path, monkeypatch):
    state_dir = tmp_path / "sandbox"
    monkeypatch.setenv(state.STATE_DIR_ENV, str(state_dir))
    channel = _member_channels(_emulator(state_dir))[0].id
    with serve_process(state_dir) as first, serve_process(state_dir) as second:
        ts = first("chat.postMessage", channel=channel, text="From process one").json()["ts"]
        # the other, already running process catches up with the journal
        assert _history(second, channel)[0]["text"] == "From process one"
        assert second("chat.update", channel=channel, ts=ts, text="Edited by two").json()["ok"]
        assert _history(first, channel)[0]["text"] == "Edited by two"
    with serve_process(state_dir) as third:  # a new process replays the journal
        assert _history(third, channel)[0]["text"] == "Edited by two"
    lines = state.changes_file("slack", state_dir).read_text().splitlines()
    changes = [json.loads(line) for line in lines]
    assert [(c["seq"], c["op"], c["object"], c["id"]) for c in changes] == [
        (1, "create", "message", f"{channel}/{ts}"),
        (2, "update", "message", f"{channel}/{ts}"),
    ]
    seeded = SlackEmulator(size="tiny", generation=0).counts()
    counted = CliRunner().invoke(main, ["sandbox", "counts", "slack", "--size", "tiny"])
    assert counted.exit_code == 0, counted.output
    assert json.loads(counted.output)["messages"] == seeded["messages"] + 1

    result = CliRunner().invoke(main, ["sandbox", "reset", "slack"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["changes_cleared"] == 2
    assert _emulator(state_dir).counts() == seeded


def test_a_pinned_generation_keeps_writes_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv(state.STATE_DIR_ENV, str(tmp_path))
    emulator = SlackEmulator(size="tiny", generation=0, rate_limit=100_000)
    with serve(emulator) as running:
        api = Api(running.base_url, running.credentials["api_token"])
        channel = _member_channels(emulator)[0].id
        assert api("chat.postMessage", channel=channel, text="kept here").json()["ok"]
        assert _history(api, channel)[0]["text"] == "kept here"
    assert not state.changes_file("slack", tmp_path).exists()


def test_the_taps_next_incremental_read_picks_up_a_post_made_by_another_process(tmp_path):
    state_dir = tmp_path / "sandbox"
    reader = _emulator(state_dir)
    with serve(reader) as running:
        config = {
            "base_url": running.base_url,
            **running.credentials,
            "start_date": "2020-01-01T00:00:00Z",
            "rate_limit_requests": 10_000,
        }
        first, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr[-2000:]
        channel = _member_channels(reader)[0].id
        with serve_process(state_dir) as writer:
            posted = writer("chat.postMessage", channel=channel, text="Written").json()
        second, stderr, code = run_tap(tmp_path, config, final_state(first))
        assert code == 0, stderr[-2000:]
    read = [(r["conversation_id"], r["ts"], r["text"]) for r in records(second, "messages")]
    assert read == [(channel, posted["ts"], "Written")]
