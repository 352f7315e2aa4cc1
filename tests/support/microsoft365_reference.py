"""Microsoft Graph's OpenAPI document (the v1.0 subset) and its documented examples, for tests.

Both are vendor reference data kept next to the repository (``../shared/apis/microsoft-graph``),
never inside it; tests that need them skip with :data:`ABSENT_REASON` when absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from werkzeug.test import Client

from brainhub.sandbox.kit.surface import unwrap_odata_functions

FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "microsoft-graph"
DOCUMENT = FOLDER / "msgraph-v1.0-subset.openapi.json"
FIXTURES = FOLDER / "fixtures"
PREFIX = ""
#: The shapes' depth ``scripts/derive_surface.py`` keeps for Graph.
MAX_DEPTH = 7
ABSENT_REASON = (
    "the Microsoft Graph vendor reference (../shared/apis/microsoft-graph) is not present"
)


def load_document() -> dict[str, Any]:
    """The document, parsed, with its paths in their wire form (``/users/delta``)."""
    return unwrap_odata_functions(json.loads(DOCUMENT.read_text(encoding="utf-8")))


def load_fixture(name: str) -> Any:
    """One documented example body (``GET_users-delta.page1.json``), parsed."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def microsoft365_token(emulator: Any) -> str:
    """An app-only access token from the emulator's identity-platform endpoint."""
    creds = emulator.credentials
    answer = Client(emulator).post(
        emulator.oauth.endpoint,
        data={
            "grant_type": "client_credentials",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "scope": "https://graph.microsoft.com/.default",
        },
    )
    return str(answer.get_json()["access_token"])


def for_validation(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the generator's ``additionalProperties: {type: object}`` removed.

    The PowerShell SDK's documents mark every schema open with extra properties that must
    be objects. Under ``allOf`` each part is checked alone, so a user's ``id`` (declared by
    ``entity``, the first part) is "extra" to the second part and must be an object, and a
    collection's ``@odata.context`` string is refused: no answer Graph itself sends could
    pass. Removing that one marker keeps every declared property's type checked.
    """

    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: clean(value)
                for key, value in node.items()
                if not (key == "additionalProperties" and value == {"type": "object"})
            }
        if isinstance(node, list):
            return [clean(item) for item in node]
        return node

    return clean(document)
