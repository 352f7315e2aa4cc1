"""target-microsoft365 against the Graph emulator: channel messages posted (201), calendar
events created (201) and mail sent (202, no body), each once; the writes show up in the
next delta; a token the service stops accepting mid-run is renewed once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.microsoft365 import Microsoft365Emulator
from tests.support.targets import run_target, schema, table_rows

TOKEN_PATH = "/2432b57b-0abd-43db-aa7b-16eadd115d34/oauth2/v2.0/token"


@dataclass
class Graph:
    emulator: Microsoft365Emulator
    config: dict[str, Any]
    warehouse: Path

    def writes(self) -> list[tuple[str, str, int | None]]:
        return [
            (e.method, e.path, e.status)
            for e in self.emulator.request_log
            if e.method == "POST" and e.path != TOKEN_PATH
        ]


@pytest.fixture
def graph(tmp_path: Path) -> Iterator[Graph]:
    emulator = Microsoft365Emulator(size="tiny", state_dir=tmp_path / "sandbox")
    with serve(emulator) as running:
        warehouse = tmp_path / "warehouse.duckdb"
        config = {**running.credentials, "base_url": running.base_url, "warehouse": str(warehouse)}
        yield Graph(emulator, config, warehouse)


def _ids(graph: Graph) -> tuple[str, str, str]:
    tenant = graph.emulator.tenant
    team = next(iter(tenant.collection("teams")))
    return (
        next(iter(tenant.collection("users"))),
        team,
        next(iter(tenant.collection("channels", team))),
    )


def test_messages_events_and_mail_are_written_once(graph, tmp_path, capsys):
    user, team, channel = _ids(graph)
    messages = [
        schema(
            "channel_messages",
            {
                "key": {"type": "string"},
                "team_id": {"type": "string"},
                "channel_id": {"type": "string"},
                "content": {"type": "string"},
                "content_type": {"type": "string"},
            },
        ),
        {
            "type": "RECORD",
            "stream": "channel_messages",
            "record": {
                "key": "m1",
                "team_id": team,
                "channel_id": channel,
                "content": "<b>Deploy</b> done",
                "content_type": "html",
            },
        },
        schema(
            "events",
            {
                "key": {"type": "string"},
                "user_id": {"type": "string"},
                "subject": {"type": "string"},
                "start": {"type": "object"},
                "end": {"type": "object"},
            },
        ),
        {
            "type": "RECORD",
            "stream": "events",
            "record": {
                "key": "e1",
                "user_id": user,
                "subject": "Retro",
                "start": {"dateTime": "2026-03-10T10:00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2026-03-10T10:30:00", "timeZone": "UTC"},
            },
        },
        schema(
            "mail",
            {
                "key": {"type": "string"},
                "user_id": {"type": "string"},
                "subject": {"type": "string"},
                "body": {"type": "object"},
                "to_recipients": {"type": "array"},
            },
        ),
        {
            "type": "RECORD",
            "stream": "mail",
            "record": {
                "key": "s1",
                "user_id": user,
                "subject": "Weekly numbers",
                "body": {"contentType": "text", "content": "Attached."},
                "to_recipients": [{"emailAddress": {"address": "cfo@contoso.example"}}],
            },
        },
    ]
    run = run_target("microsoft365", graph.config, messages, tmp_path, capsys)
    assert run.code == 0, run.stderr
    assert graph.writes() == [
        ("POST", f"/v1.0/teams/{team}/channels/{channel}/messages", 201),
        ("POST", f"/v1.0/users/{user}/events", 201),
        ("POST", f"/v1.0/users/{user}/sendMail", 202),
    ]
    posted = graph.emulator.request_log[-3].body
    assert posted == {"body": {"contentType": "html", "content": "<b>Deploy</b> done"}}
    tenant = graph.emulator.tenant
    contents = [
        m["body"]["content"] for m in tenant.collection("channel_messages", team, channel).values()
    ]
    assert "<b>Deploy</b> done" in contents
    assert "Retro" in [e["subject"] for e in tenant.collection("events", user).values()]
    sent = [
        m["subject"]
        for key, items in tenant.of_kind("messages")
        if key[1] == user
        for m in items.values()
    ]
    assert "Weekly numbers" in sent
    # events are inserted once (their ids kept in the id map); messages and mail are appended
    sql = "SELECT source_key, remote_id FROM writes_microsoft365._id_map"
    ids = dict(table_rows(graph.warehouse, sql))
    assert set(ids) == {"e1"}
    assert ids["e1"] in tenant.collection("events", user)
    again = run_target("microsoft365", graph.config, messages[2:4], tmp_path, capsys)
    assert again.code == 0, again.stderr
    assert len(graph.writes()) == 3  # the event already exists: nothing is sent


def test_a_token_refused_mid_run_is_renewed_once(graph, tmp_path, capsys):
    _, team, channel = _ids(graph)
    header = schema(
        "channel_messages",
        {
            "key": {"type": "string"},
            "team_id": {"type": "string"},
            "channel_id": {"type": "string"},
            "content": {"type": "string"},
        },
    )

    def record(key: str) -> dict[str, Any]:
        body = {"key": key, "team_id": team, "channel_id": channel, "content": f"note {key}"}
        return {"type": "RECORD", "stream": "channel_messages", "record": body}

    emulator = graph.emulator
    original = emulator.post_channel_message
    calls = {"n": 0}

    def revoke_after_first(request: Any, team_id: str, channel_id: str) -> Any:
        calls["n"] += 1
        answer = original(request, team_id, channel_id)
        if calls["n"] == 1:  # a key rollover: every token issued so far stops working
            issuer = emulator.token_issuer
            assert issuer is not None
            state = issuer._read()
            state["access"] = {}
            issuer._write(state)
        return answer

    emulator.post_channel_message = revoke_after_first  # type: ignore[method-assign]
    run = run_target(
        "microsoft365", graph.config, [header, record("a"), record("b")], tmp_path, capsys
    )
    assert run.code == 0, run.stderr
    statuses = [(e.method, e.path == TOKEN_PATH, e.status) for e in emulator.request_log]
    assert statuses == [
        ("POST", True, 200),
        ("POST", False, 201),
        ("POST", False, 401),
        ("POST", True, 200),
        ("POST", False, 201),
    ]
