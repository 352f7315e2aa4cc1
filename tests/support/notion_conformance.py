"""What the Notion conformance test shares: the schemathesis schema of the GET operations
the emulator serves, and real ids for their path and id parameters."""

from __future__ import annotations

import os
import re
from typing import Any

import schemathesis
from schemathesis.checks import content_type_conformance, not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.sandbox.services.notion.render import data_source_id
from tests.support.notion_reference import PREFIX, load_document

#: Examples per operation (``BRAINHUB_CONFORMANCE_EXAMPLES`` asks for more).
EXAMPLES_PER_OPERATION = int(os.environ.get("BRAINHUB_CONFORMANCE_EXAMPLES", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: The version the document describes.
NOTION_VERSION = "2025-09-03"


def _normalised(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def conformance_schema(examples: int) -> Any:
    """The document as a schemathesis schema, limited to the served GET operations."""
    served = {
        _normalised(key.split(" ", 1)[1]) for key in coverage("notion", NotionEmulator).served
    }
    document = load_document()
    document["paths"] = {
        path: {"get": item["get"]}
        for path, item in document["paths"].items()
        if "get" in item and _normalised(path[len(PREFIX) :]) in served
    }
    schema = schemathesis.openapi.from_dict(document)
    schema.config.generation.update(
        modes=["positive"],
        max_examples=examples,
        deterministic=True,
        allow_extra_parameters=False,
        with_security_parameters=False,
    )
    return schema


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
