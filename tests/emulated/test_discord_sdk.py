"""discord.py, Discord's most used Python client, against the emulator over plain REST.

discord.py is a Gateway (WebSocket) client, but its HTTP half runs alone: ``Client.login``
only checks the token (``GET /users/@me``) and every ``fetch_*``, ``history`` and ``send``
is a REST call built on ``discord.http.Route.BASE``, which points it at the emulator. The
Gateway itself (events, presences) is out of the emulator's scope.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.discord import DiscordEmulator

with warnings.catch_warnings():
    # discord.py imports the standard library's audioop (for voice), deprecated in 3.11.
    warnings.simplefilter("ignore", DeprecationWarning)
    import discord
    import discord.http


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[DiscordEmulator, Any]]:
    emulator = DiscordEmulator(size="demo", seed=1, generation=0)
    with serve(emulator) as running:
        monkeypatch.setattr(discord.http.Route, "BASE", running.base_url)
        yield emulator, running


async def _read_and_write(emulator: DiscordEmulator, token: str) -> dict[str, Any]:
    intents = discord.Intents.none()
    intents.members = True  # the privileged intent fetch_members needs (a REST call here)
    client = discord.Client(intents=intents)
    await client.login(token)
    try:
        guilds = [g async for g in client.fetch_guilds(limit=None)]
        guild = await client.fetch_guild(guilds[0].id)
        channels = await guild.fetch_channels()
        members = [m async for m in guild.fetch_members(limit=None)]
        text = next(c for c in channels if isinstance(c, discord.TextChannel))
        history = [m async for m in text.history(limit=None, oldest_first=True)]
        newest = [m async for m in text.history(limit=5)]
        threads = await guild.active_threads()
        sent = await text.send("deploy finished")
        again = await text.fetch_message(sent.id)
    finally:
        await client.close()
    hook = min(emulator.data.webhooks.values(), key=lambda h: int(h["id"]))
    async with aiohttp.ClientSession() as session:
        webhook = discord.Webhook.partial(int(hook["id"]), hook["token"], session=session)
        posted = await webhook.send("from CI", username="builder", wait=True)
    return {
        "guilds": guilds,
        "guild": guild,
        "channels": channels,
        "members": members,
        "text": text,
        "history": history,
        "newest": newest,
        "threads": threads,
        "sent": sent,
        "again": again,
        "posted": posted,
    }


def test_discord_py_reads_pages_and_writes_through_the_emulator(served: Any) -> None:
    emulator, running = served
    got = asyncio.run(_read_and_write(emulator, running.credentials["bot_token"]))
    data = emulator.data
    assert sorted(str(g.id) for g in got["guilds"]) == sorted(data.guilds)
    guild_id = str(got["guild"].id)
    assert {str(c.id) for c in got["channels"]} == {c["id"] for c in data.guild_channels(guild_id)}
    assert len(got["members"]) == len(data.members[guild_id])
    written = {str(got["sent"].id), str(got["posted"].id)}
    stored = data.messages[str(got["text"].id)]
    before_send = sorted((i for i in stored if i not in written), key=int)
    assert [str(m.id) for m in got["history"]] == before_send
    assert [str(m.id) for m in got["newest"]] == before_send[::-1][:5]
    assert {str(t.id) for t in got["threads"]} == {t["id"] for t in data.threads(guild_id, False)}
    assert got["again"].content == "deploy finished"
    assert got["posted"].author.name == "builder"
    assert (
        str(got["posted"].channel.id)
        == min(data.webhooks.values(), key=lambda h: int(h["id"]))["channel_id"]
    )
    # discord.py paged the history with after=<snowflake> and limit=100, as documented.
    pages = [
        e
        for e in emulator.request_log
        if e.path.endswith(f"/{got['text'].id}/messages") and e.method == "GET"
    ]
    assert any("after" in e.query for e in pages)
    assert all(e.status in (200, 204) for e in emulator.request_log)
