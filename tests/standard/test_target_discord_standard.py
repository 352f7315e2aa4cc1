"""The Singer SDK's standard target tests, run against target-discord.

The standard inputs are not Discord messages: every stream is written as ``messages`` in
mode ``append`` (the ``object_types`` and ``modes`` settings; ``append`` because keyless
streams have no source key for the id map). Their records carry no ``channel_id``, so the
Discord emulator served for this module answers each send with an error and the record
lands in the rejects table. What the suite checks is the message handling: schemas, keys,
state, odd names and types.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from singer_sdk.testing import get_target_test_class

from brainhub.sandbox import serve
from brainhub.sandbox.services.discord import DiscordEmulator
from targets.runtime.cli import load_writer_spec
from targets.runtime.target import target_class
from tests.support.standard_targets import KEYED, KEYLESS

_DIR = Path(tempfile.mkdtemp(prefix="target-discord-standard-"))
atexit.register(shutil.rmtree, _DIR, True)
_SERVED = serve(DiscordEmulator(size="tiny", state_dir=_DIR / "sandbox", rate_limit=100_000))
_RUNNING = _SERVED.__enter__()
atexit.register(_SERVED.__exit__, None, None, None)

STREAMS = [*KEYED, *KEYLESS]

TestTargetDiscordStandard = get_target_test_class(
    target_class(load_writer_spec("discord")),
    config={
        "base_url": _RUNNING.base_url,
        "bot_token": _RUNNING.credentials["bot_token"],
        "warehouse": str(_DIR / "standard.duckdb"),
        "object_types": dict.fromkeys(STREAMS, "messages"),
        "modes": {"messages": "append"},
        "max_tries": 1,
        # The spec paces sends to 5 per 5 seconds a channel; the suite sends more than that.
        "rate_limit_requests": 100_000,
    },
)
