"""The request log keeps the auth scheme and a fingerprint of each credential, never its value."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

from werkzeug.test import Client

from brainhub.redaction import hidden
from brainhub.sandbox.services.jira import JiraEmulator
from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.trello import TrelloEmulator
from tests.support.secrets import leaks


def test_query_credentials_are_fingerprinted_and_echoes_elsewhere_redacted(
    tmp_path: Path,
) -> None:
    log = tmp_path / "requests.jsonl"
    emulator = TrelloEmulator(size="tiny", generation=0, request_log_path=log)
    key, token = emulator.credentials["api_key"], emulator.credentials["api_token"]
    client = Client(emulator)
    query = f"key={key}&token={token}&filter=open&note={quote(token)}"
    assert client.get(f"/1/members/me/boards?{query}").status_code == 200
    client.get(f"/1/boards/{token}?key={key}", headers={"X-Debug": f"sent {token}"})

    first, second = emulator.request_log
    assert first.query == {
        "key": [hidden(key)],
        "token": [hidden(token)],
        "filter": ["open"],
        "note": ["<redacted>"],
    }
    assert first.status == 200
    assert second.path == "/1/boards/<redacted>"
    assert second.headers["X-Debug"] == "sent <redacted>"
    written = log.read_text() + json.dumps([e.as_dict() for e in emulator.request_log])
    assert leaks(key, written) == []
    assert leaks(token, written) == []


def test_auth_headers_keep_their_scheme_and_a_fingerprint() -> None:
    emulator = JiraEmulator(size="tiny", generation=0)
    creds = emulator.credentials
    basic = base64.b64encode(f"{creds['email']}:{creds['api_token']}".encode()).decode()
    client = Client(emulator)
    client.get(
        "/rest/api/3/project/search",
        headers={"Authorization": f"Basic {basic}", "X-Session": "abc", "X-Api-Key": "k1"},
    )
    client.get("/rest/api/3/project/search", headers={"Authorization": "Bearer wrong-token"})
    ok, refused = emulator.request_log
    assert ok.status == 200
    assert ok.headers["Authorization"] == f"Basic {hidden(basic)}"
    assert ok.headers["X-Session"] == hidden("abc")
    assert ok.headers["X-Api-Key"] == hidden("k1")
    assert refused.status == 401
    assert refused.headers["Authorization"] == f"Bearer {hidden('wrong-token')}"
    written = json.dumps([e.as_dict() for e in emulator.request_log])
    assert leaks(creds["api_token"], written, basic_user=creds["email"]) == []
    assert "wrong-token" not in written


def test_a_form_body_the_handler_parsed_is_logged_with_its_token_hidden() -> None:
    emulator = SlackEmulator(size="tiny", generation=0, post_limit=0)
    token = emulator.credentials["api_token"]
    channel = next(c for c in emulator.workspace.channels if c.readable).id
    form = {"token": token, "channel": channel, "text": f"echo {token}"}
    answer = Client(emulator).post("/api/chat.postMessage", data=form)
    assert answer.json is not None
    assert answer.json["ok"] is True
    assert emulator.request_log[-1].body == {
        "token": hidden(token),
        "channel": channel,
        "text": "echo <redacted>",
    }
