"""Real ids for the Notion conformance test: a generated id names nothing, so path and
id parameters are replaced by ones of the seeded workspace (the rest is in
:mod:`tests.support.conformance`)."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.sandbox.services.notion.render import data_source_id

#: The version the document describes.
NOTION_VERSION = "2025-09-03"


def real_ids(emulator: NotionEmulator) -> dict[str, str]:
    """Ids of live objects of the seeded workspace, by parameter name."""
    workspace = emulator.workspace
    database = workspace.live_databases()[0]
    page = next(p for p in database.pages if not p["archived"])
    block = workspace.blocks[page["id"]][0]
    return {
        "user_id": workspace.users[0]["id"],
        "database_id": database.id,
        "data_source_id": data_source_id(database.id),
        "page_id": page["id"],
        "block_id": block["id"],
        "property_id": "title",
    }


def real_values(emulator: NotionEmulator, generated: dict[str, Any]) -> dict[str, Any]:
    """``generated`` parameters with ids replaced by real ones (a generated id names
    nothing); ``filter_properties`` names a real property."""
    real = real_ids(emulator)
    out = {name: real.get(name, value) for name, value in generated.items()}
    if "filter_properties" in out:
        out["filter_properties"] = "title"
    return out
