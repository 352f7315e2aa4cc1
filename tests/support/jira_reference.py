"""Atlassian's OpenAPI documents for Jira, for tests: where they live.

Two documents describe the read surface: the Jira Cloud platform REST API (v3; v2 is the
same resources with wiki-markup rich text) and the Jira Software agile API. Both are
vendor reference data kept next to the repository (``../shared/apis/jira``), never inside
it; tests that need them skip with :data:`ABSENT_REASON` when they are not there. Their
paths carry the whole API prefix, so the emulator's table uses them as they are.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "jira"
PLATFORM = REFERENCE_DIR / "jira-platform-v3.openapi.json"
AGILE = REFERENCE_DIR / "jira-software-agile.openapi.json"
DOCUMENTS = (PLATFORM, AGILE)
PREFIX = ""
ABSENT_REASON = "the Jira vendor reference (../shared/apis/jira) is not present"


def present() -> bool:
    """Whether both documents are there."""
    return all(path.exists() for path in DOCUMENTS)


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load(path: Path) -> dict[str, Any]:
    """One document, parsed afresh (callers may change it)."""
    return json.loads(_text(path))
