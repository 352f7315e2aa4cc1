"""Trello's OpenAPI document for tests: where it lives, and its errata.

The document (Atlassian's published Trello spec, OpenAPI 3.0) is vendor reference data kept
next to the repository (``../shared/apis/trello``), never inside it; tests that need it
skip with :data:`ABSENT_REASON` when it is not there. Its paths start at ``/1`` already
(the server URL carries the version), so :data:`PREFIX` is empty. The published spec is
loose; where it contradicts what Trello sends, :data:`ERRATA` patches it, each with its
reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "trello"
DOCUMENT = DOCUMENT / "trello-swagger.v3.json"
PREFIX = ""
ABSENT_REASON = "the Trello vendor reference (../shared/apis/trello) is not present"


def load_document() -> dict[str, Any]:
    """The document, parsed."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["components"]["schemas"]


def _nullable(node: dict[str, Any]) -> None:
    node["nullable"] = True


def _fix_nulls(doc: dict[str, Any]) -> None:
    """Trello sends ``null`` where the spec says a string or an id without ``nullable``:
    a board's or card's ``descData`` without emoji, a list's ``softLimit`` without a limit,
    a member's ``idEnterprise`` outside an Enterprise and ``email`` of other members, a
    workspace's ``idEnterprise``, a notification's ``dateRead`` while unread."""
    schemas = _schemas(doc)
    for name, field in (
        ("Board", "descData"),
        ("TrelloList", "softLimit"),
        ("Member", "idEnterprise"),
        ("Member", "email"),
        ("Organization", "idEnterprise"),
        ("Notification", "dateRead"),
        ("Notification", "idMemberCreator"),
    ):
        _nullable(schemas[name]["properties"][field])


def _fix_arrays(doc: dict[str, Any]) -> None:
    """A board's ``memberships``, ``powerUps`` and ``idTags`` are arrays (the spec says
    strings); a card's ``labels`` are label objects (the spec says ids)."""
    board = _schemas(doc)["Board"]["properties"]
    board["memberships"] = {"type": "array", "items": {"type": "object"}}
    board["powerUps"] = {"type": "array", "items": {"type": "string"}}
    board["idTags"] = {"type": "array", "items": {"type": "string"}}
    _schemas(doc)["Card"]["properties"]["labels"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Label"},
    }


def _fix_notification(doc: dict[str, Any]) -> None:
    """A notification's ``data`` is an object (the spec: a string) and its ``type`` one of
    many (the spec lists only ``cardDueSoon``)."""
    notification = _schemas(doc)["Notification"]["properties"]
    notification["data"] = {"type": "object"}
    notification["type"] = {"type": "string"}


def _fix_dates(doc: dict[str, Any]) -> None:
    """Dates typed ``format: date`` carry full ISO timestamps (``2019-09-16T16:19:17.156Z``,
    as the spec's own examples show); read them as ``date-time``."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("format") == "date":
                node["format"] = "date-time"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc["components"])
    walk(doc["paths"])


def _response(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return doc["paths"][path]["get"]["responses"]["200"]


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": "Success", "content": {"application/json": {"schema": schema}}}


def _fix_collections(doc: dict[str, Any]) -> None:
    """Reads that answer a list are documented as one object (board memberships, a
    board's Power-Ups, a member's actions as members) and one attachment as a list;
    search answers an object of model lists, not an array."""
    ref = "#/components/schemas/"
    paths = doc["paths"]
    paths["/boards/{id}/memberships"]["get"]["responses"]["200"] = _json(
        {"type": "array", "items": {"$ref": ref + "Memberships"}}
    )
    paths["/boards/{id}/plugins"]["get"]["responses"]["200"] = _json(
        {"type": "array", "items": {"$ref": ref + "Plugin"}}
    )
    paths["/members/{id}/actions"]["get"]["responses"]["200"] = _json(
        {"type": "array", "items": {"$ref": ref + "Action"}}
    )
    paths["/search"]["get"]["responses"]["200"] = _json({"type": "object"})
    paths["/cards/{id}/attachments/{idAttachment}"]["get"]["responses"]["200"] = _json(
        {"$ref": ref + "Attachment"}
    )


ERRATA: list[Callable[[dict[str, Any]], None]] = [
    _fix_nulls,
    _fix_arrays,
    _fix_notification,
    _fix_dates,
    _fix_collections,
]


def patched_document() -> dict[str, Any]:
    """The document with every erratum applied (a fresh copy on each call)."""
    document = load_document()
    for fix in ERRATA:
        fix(document)
    return document
