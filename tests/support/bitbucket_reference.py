"""Bitbucket Cloud's OpenAPI (Swagger 2.0) document and recorded responses, for tests.

Both are vendor reference data kept next to the repository (``../shared/apis/bitbucket``),
never inside it; tests that need them skip with :data:`ABSENT_REASON` when absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "bitbucket"
DOCUMENT = FOLDER / "bitbucket-cloud-2.0.swagger.json"
FIXTURES = FOLDER / "fixtures"
PREFIX = ""
ABSENT_REASON = "the Bitbucket vendor reference (../shared/apis/bitbucket) is not present"


def load_document() -> dict[str, Any]:
    """The document, parsed."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def load_fixture(name: str) -> Any:
    """One recorded response (``GET_workspaces.200.json``), parsed."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
