"""target-discord against the Discord emulator: messages sent to channels by the bot, and
through an incoming webhook whose token never shows in what the target writes or logs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.discord import DiscordEmulator
from tests.support.targets import run_target, schema, table_rows

API = "/api/v10"
MESSAGES = schema(
    "messages",
    {
        "key": {"type": "string"},
        "channel_id": {"type": "string"},
        "content": {"type": "string"},
        "reply_to": {"type": ["string", "null"]},
    },
)
HOOKED = schema(
    "webhook_messages",
    {"key": {"type": "string"}, "content": {"type": "string"}, "username": {"type": "string"}},
)


@dataclass
class Guilds:
    emulator: DiscordEmulator
    config: dict[str, Any]
    warehouse: Path

    def writes(self) -> list[tuple[str, str, Any]]:
        return [(e.method, e.path, e.body) for e in self.emulator.request_log if e.method != "GET"]

    def id_map(self) -> dict[str, str]:
        rows = table_rows(
            self.warehouse, "SELECT source_key, remote_id FROM writes_discord._id_map"
        )
        return {str(source): str(remote) for source, remote in rows}


@pytest.fixture
def guilds(tmp_path: Path) -> Iterator[Guilds]:
    emulator = DiscordEmulator(size="tiny", state_dir=tmp_path / "sandbox", rate_limit=100_000)
    with serve(emulator) as running:
        warehouse = tmp_path / "warehouse.duckdb"
        config = {"base_url": running.base_url, **running.credentials, "warehouse": str(warehouse)}
        yield Guilds(emulator, config, warehouse)


def _record(stream: str, **fields: Any) -> dict[str, Any]:
    return {"type": "RECORD", "stream": stream, "record": fields}


def test_messages_are_sent_to_their_channels_and_replies_name_their_message(
    guilds: Guilds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = guilds.emulator.data
    channel = data.text_channels(min(data.guilds, key=int))[0]["id"]
    earlier = min(data.messages[channel], key=int)
    run = run_target(
        "discord",
        guilds.config,
        [
            MESSAGES,
            _record("messages", key="m1", channel_id=channel, content="deploy started"),
            _record("messages", key="m2", channel_id=channel, content="done", reply_to=earlier),
        ],
        tmp_path,
        capsys,
    )
    assert run.code == 0, run.stderr
    writes = guilds.writes()
    assert [(m, p) for m, p, _ in writes] == [("POST", f"{API}/channels/{channel}/messages")] * 2
    assert writes[0][2]["content"] == "deploy started"
    assert writes[1][2]["message_reference"] == {"message_id": earlier}
    ids = guilds.id_map()
    sent = {key: data.messages[channel][remote] for key, remote in ids.items()}
    assert sorted(m["content"] for m in sent.values()) == ["deploy started", "done"]
    assert all(m["author"]["id"] == data.bot["id"] for m in sent.values())


def test_webhook_messages_go_through_the_webhook_and_its_token_is_never_shown(
    guilds: Guilds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    token = guilds.config["webhook_token"]
    run = run_target(
        "discord",
        guilds.config,
        [
            HOOKED,
            _record("webhook_messages", key="w1", content="build green", username="ci"),
            _record("webhook_messages", key="w2", content="", username="ci"),  # refused: empty
        ],
        tmp_path,
        capsys,
    )
    ((method, path, body), refused) = guilds.writes()
    assert method == "POST"
    assert path == f"{API}/webhooks/{guilds.config['webhook_id']}/<redacted>"
    assert body == {"content": "build green", "username": "ci"}
    assert refused[2]["content"] == ""
    hook = guilds.emulator.data.webhooks[guilds.config["webhook_id"]]
    (remote,) = guilds.id_map().values()
    message = guilds.emulator.data.messages[hook["channel_id"]][remote]
    assert message["webhook_id"] == hook["id"]
    rejects = table_rows(guilds.warehouse, "SELECT * FROM writes_discord._write_rejects")
    assert len(rejects) == 1
    assert "Cannot send an empty message" in json.dumps(rejects, default=str)
    everything = run.stdout + run.stderr + json.dumps(rejects, default=str)
    everything += json.dumps(
        table_rows(guilds.warehouse, "SELECT * FROM writes_discord._id_map"), default=str
    )
    assert token not in everything
