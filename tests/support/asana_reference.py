"""Asana's OpenAPI document for tests: where it lives.

The document (a subset of Asana's own, Apache 2.0, OpenAPI 3.0: the read operations and
the schemas they use) is vendor reference data kept next to the repository
(``../shared/apis/asana``), never inside it; tests that need it skip with
:data:`ABSENT_REASON` when it is not there. Its paths carry no prefix: the API lives under
``/api/1.0``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "asana"
DOCUMENT = DOCUMENT / "asana-subset.openapi.json"
PREFIX = ""
ABSENT_REASON = "the Asana vendor reference (../shared/apis/asana) is not present"


def load_document() -> dict[str, Any]:
    """The document, parsed."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def _lift_nullable(node: Any) -> Any:
    """``allOf: [{$ref}, {nullable: true}]`` is how Asana marks a reference nullable;
    OpenAPI 3.0 tools read ``nullable`` only beside a ``type``, so it is lifted onto the
    ``allOf`` schema itself (with the object type the references have)."""
    if isinstance(node, list):
        return [_lift_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _lift_nullable(value) for key, value in node.items()}
    parts = out.get("allOf")
    if isinstance(parts, list) and any(isinstance(p, dict) and p.get("nullable") for p in parts):
        out["nullable"] = True
        out.setdefault("type", "object")
    return out


def patched_document() -> dict[str, Any]:
    """The document with its errata fixed (a fresh copy on each call):

    - nullable references (see :func:`_lift_nullable`);
    - ``email_domains`` items are documented as ``format: uri`` while the document's own
      example (and Asana) has bare domains (``asana.com``): the format is dropped;
    - a webhook's ``last_failure_at``, ``next_attempt_after`` and
      ``failure_deletion_timestamp`` are documented as date-time strings, but a webhook
      that never failed has none (Asana sends ``null``): they are made nullable.
    """
    document = _lift_nullable(load_document())
    schemas = document["components"]["schemas"]
    workspace = schemas["WorkspaceResponse"]["allOf"][1]
    workspace["properties"]["email_domains"]["items"].pop("format", None)
    webhook = schemas["WebhookResponse"]["allOf"][1]["properties"]
    for name in ("last_failure_at", "next_attempt_after", "failure_deletion_timestamp"):
        webhook[name]["nullable"] = True
    return document
