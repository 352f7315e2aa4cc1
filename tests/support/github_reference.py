"""GitHub's REST description for tests: where it lives.

The document (GitHub's own, MIT licensed, OpenAPI 3.0.3: the 46 GET operations we hold
and the components they use) and the recorded webhook payloads are vendor reference data
kept next to the repository (``../shared/apis/github``), never inside it; tests that need
them skip with :data:`ABSENT_REASON` when they are not there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "github"
DOCUMENT = REFERENCE_DIR / "github-rest-subset.json"
FIXTURES = REFERENCE_DIR / "fixtures"
PREFIX = ""
ABSENT_REASON = "the GitHub vendor reference (../shared/apis/github) is not present"


def load_document() -> dict[str, Any]:
    """The document, parsed."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def load_fixture(event: str) -> list[dict[str, Any]]:
    """The recorded webhook deliveries of ``event``."""
    return json.loads((FIXTURES / f"webhook-{event}.json").read_text(encoding="utf-8"))
