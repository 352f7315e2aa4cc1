"""Notion's OpenAPI document for tests: where it lives.

The document (Notion's own, MIT licensed, OpenAPI 3.1, Notion-Version 2025-09-03) is
vendor reference data kept next to the repository (``../shared/apis/notion``), never
inside it; tests that need it skip with :data:`ABSENT_REASON` when it is not there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "notion"
DOCUMENT = DOCUMENT / "notion-openapi.json"
PREFIX = "/v1"
ABSENT_REASON = "the Notion vendor reference (../shared/apis/notion) is not present"


def load_document() -> dict[str, Any]:
    """The document, parsed."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))
