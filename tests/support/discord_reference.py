"""Discord's OpenAPI document for tests: where it lives.

The document is vendor reference data kept next to the repository (``../shared/apis/discord``),
never inside it; tests that need it skip with :data:`ABSENT_REASON` when it is not there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "discord"
DOCUMENT = DOCUMENT / "discord-openapi.json"
PREFIX = ""
ABSENT_REASON = "the Discord vendor reference (../shared/apis/discord) is not present"


def load_document() -> dict[str, Any]:
    """The document, parsed."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))
