"""Property-based conformance with Discord's own OpenAPI document (schemathesis).

For every GET operation the emulator answers from its seeded guilds, schemathesis generates
query parameters from the document; path ids are real ones of the seeded guilds (a generated snowflake names
nothing). Each answer must have a documented status, the documented content type and a
body valid against the documented schema, and never a 5xx.

The operations answered from documented shapes (audit logs, stickers, scheduled events…)
are checked alike: their shapes carry the document's constants (integer enums written as
``oneOf`` lists of ``const``) and id patterns (snowflakes), which shaped values follow.
"""

from __future__ import annotations

import pytest

from brainhub.sandbox.services.discord import DiscordEmulator
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)
from tests.support.discord_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = DiscordEmulator(size="tiny", generation=1, rate_limit=1_000_000)
schema = (
    served_schema(
        "discord",
        DiscordEmulator,
        load_document(),
        PREFIX,
        EXAMPLES_PER_OPERATION,
    )
    if DOCUMENT.exists()
    else None
)


def _real_path_values(path: str) -> dict[str, str]:
    """Ids of seeded objects for the parameters of ``path``."""
    data = EMULATOR.data
    guild_id = min(data.guilds, key=int)
    thread = data.threads(guild_id, archived=False)[0]
    channel = data.text_channels(guild_id)[0]
    on_thread = "thread-members" in path
    hook = min(data.webhooks.values(), key=lambda h: int(h["id"]))
    member = next(m for m in data.members[guild_id].values() if not m["user"]["bot"])
    owner = thread["owner_id"] if on_thread else member["user"]["id"]
    in_channel = thread if on_thread else channel
    return {
        "guild_id": guild_id,
        "channel_id": in_channel["id"],
        "user_id": owner,
        "message_id": min(data.messages[in_channel["id"]], key=int),
        "role_id": data.roles[guild_id][1]["id"],
        "emoji_id": data.emojis[guild_id][0]["id"],
        "code": next(iter(data.invites)),
        "webhook_id": hook["id"],
        "webhook_token": hook["token"],
    }


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        real = _real_path_values(case.operation.path)
        case.path_parameters = {
            name: real.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
        token = EMULATOR.credentials["bot_token"]
        case.headers = {**(case.headers or {}), "Authorization": f"Bot {token}"}
        case.call_and_validate(base_url=served.base_url, session=session, checks=CHECKS)
