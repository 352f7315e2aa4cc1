"""The Discord emulator's declared surface against Discord's document, and its HTTP manners:
``{"message", "code"}`` errors, ``Authorization: Bot``, per-route buckets and 429 bodies,
snowflakes that agree with timestamps, and the incoming webhook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from werkzeug.test import Client

from brainhub.cli import main
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.discord import DiscordEmulator
from brainhub.sandbox.services.discord.errors import ERRORS
from brainhub.sandbox.services.discord.operations import OPERATIONS
from brainhub.sandbox.services.discord.snowflakes import created_ms, iso
from tests.support.conformance import declared_operations, documented_gets
from tests.support.discord_reference import ABSENT_REASON, DOCUMENT, load_document

API = "/api/v10"


def _document() -> dict[str, Any]:
    if not DOCUMENT.exists():
        pytest.skip(ABSENT_REASON)
    return load_document()


def _client(**options: Any) -> tuple[Client, DiscordEmulator, dict[str, str]]:
    emulator = DiscordEmulator(size="tiny", seed=1, generation=0, **options)
    return Client(emulator), emulator, {"Authorization": f"Bot {emulator.credentials['bot_token']}"}


def test_the_operation_table_accounts_for_every_documented_get() -> None:
    assert declared_operations(OPERATIONS) == documented_gets(_document(), "")
    assert all(left.reason for left in OPERATIONS.left_out)


def test_the_surface_file_is_derived_from_the_current_document() -> None:
    surface = Path(DiscordEmulator.surface_file or "")
    assert json.loads(surface.read_text(encoding="utf-8")) == derive_surface(
        _document(), "", patterns=True
    )


def test_coverage_reports_the_served_operations_routed() -> None:
    report = coverage("discord", DiscordEmulator)
    assert report.documented == 103
    assert len(report.served) == 72
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /channels/{channel_id}/messages"] == "list_messages"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "discord"])
    assert text.exit_code == 0
    assert text.output.startswith("discord: 72 of 103 documented GET operations served")


def test_errors_are_message_and_code_and_a_bot_token_is_required() -> None:
    client, emulator, auth = _client()
    assert client.get(f"{API}/users/@me").json == {"message": "401: Unauthorized", "code": 0}
    bearer = {"Authorization": f"Bearer {emulator.credentials['bot_token']}"}
    assert client.get(f"{API}/users/@me", headers=bearer).status_code == 401
    assert client.get(f"{API}/nothing", headers=auth).json == {
        "message": "404: Not Found",
        "code": 0,
    }
    unknown = client.get(f"{API}/channels/1/messages", headers=auth)
    assert (unknown.status_code, unknown.json) == (
        404,
        {"message": "Unknown Channel", "code": 10003},
    )
    channel = next(iter(emulator.data.text_channels(min(emulator.data.guilds, key=int))))
    bad = client.get(f"{API}/channels/{channel['id']}/messages?limit=101", headers=auth)
    assert bad.status_code == 400
    assert bad.json["code"] == 50035
    assert "limit" in bad.json["errors"]
    for error in ERRORS.errors.values():
        assert set(error.body) == {"message", "code"}
        assert isinstance(error.body["code"], int)


def test_every_id_is_a_snowflake_of_its_objects_moment() -> None:
    emulator = DiscordEmulator(size="demo", seed=1, generation=2)
    for channel in emulator.data.messages.values():
        for message in channel.values():
            assert iso(created_ms(message["id"])) == message["timestamp"]


def test_route_buckets_are_reported_and_a_429_says_how_long_in_its_body() -> None:
    client, emulator, auth = _client(rate_limit="2/10")
    guild = min(emulator.data.guilds, key=int)
    answers = [client.get(f"{API}/guilds/{guild}/channels", headers=auth) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    first = answers[0].headers
    assert first["X-RateLimit-Limit"] == "2"
    assert first["X-RateLimit-Remaining"] == "1"
    assert float(first["X-RateLimit-Reset-After"]) > 0
    assert first["X-RateLimit-Bucket"] == answers[1].headers["X-RateLimit-Bucket"]
    throttled = answers[2]
    assert throttled.json["message"] == "You are being rate limited."
    assert throttled.json["global"] is False
    assert throttled.json["retry_after"] > 0
    assert throttled.headers["X-RateLimit-Scope"] == "user"
    assert "Retry-After" in throttled.headers
    # Another route has its own bucket: it still answers.
    other = client.get(f"{API}/guilds/{guild}/roles", headers=auth)
    assert other.status_code == 200
    assert other.headers["X-RateLimit-Bucket"] != first["X-RateLimit-Bucket"]


def test_the_incoming_webhook_posts_with_its_token_alone_and_never_logs_it() -> None:
    client, emulator, _auth = _client()
    creds = emulator.credentials
    url = f"{API}/webhooks/{creds['webhook_id']}/{creds['webhook_token']}"
    assert client.post(url, json={"content": "quiet"}).status_code == 204
    posted = client.post(f"{url}?wait=true", json={"content": "hello", "username": "ci"})
    assert posted.status_code == 200
    assert posted.json["webhook_id"] == creds["webhook_id"]
    assert posted.json["author"]["username"] == "ci"
    wrong = client.post(f"{API}/webhooks/{creds['webhook_id']}/nope", json={"content": "x"})
    assert wrong.json == {"message": "Invalid Webhook Token", "code": 50027}
    empty = client.post(url, json={"content": ""})
    assert empty.json == {"message": "Cannot send an empty message", "code": 50006}
    logged = json.dumps([entry.as_dict() for entry in emulator.request_log])
    assert creds["webhook_token"] not in logged


def test_json_gzip_head_and_doubled_slashes() -> None:
    client, emulator, auth = _client()
    channel = emulator.data.text_channels(min(emulator.data.guilds, key=int))[0]
    path = f"{API}/channels/{channel['id']}/messages"
    plain = client.get(path, headers=auth)
    assert plain.headers["Content-Type"] == "application/json"
    zipped = client.get(path, headers={**auth, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    head = client.head(path, headers=auth)
    assert head.status_code == 200
    assert head.get_data() == b""
    doubled = client.get(path.replace("/channels/", "/channels//"), headers=auth)
    assert doubled.status_code == 404  # Discord does not merge // in paths
