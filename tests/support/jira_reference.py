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


def load(path: Path, *, errata: bool = True) -> dict[str, Any]:
    """One document, parsed afresh (callers may change it), with :data:`ERRATA` applied
    unless ``errata`` is false (the document as Atlassian publishes it)."""
    document = json.loads(_text(path))
    for fix in ERRATA if errata else ():
        fix(document)
    return document


def _fix_remote_links(document: dict[str, Any]) -> None:
    """``GET /issue/{key}/remotelink`` is documented as "returns the remote issue links
    for an issue" but typed as one ``RemoteIssueLink``; without ``globalId`` Jira answers
    an array of them (the document's own example is an array)."""
    item = document["paths"].get("/rest/api/3/issue/{issueIdOrKey}/remotelink")
    if item is None:
        return
    content = item["get"]["responses"]["200"]["content"]["application/json"]
    content["schema"] = {"type": "array", "items": content["schema"]}


#: How Jira writes timestamps: ``2026-02-27T13:33:48.000+0000`` (or ``…Z``).
JIRA_TIMESTAMP = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:?\d{2}|Z)$"


def _fix_timestamps(node: Any) -> None:
    """Timestamps are typed ``date-time`` (RFC 3339), but Jira writes the offset without
    a colon (``+0000``), which RFC 3339 does not allow; every client parses Jira's form.
    Check them against the form Jira writes instead."""
    if isinstance(node, dict):
        if node.get("format") == "date-time":
            del node["format"]
            node["pattern"] = JIRA_TIMESTAMP
        for value in node.values():
            _fix_timestamps(value)
    elif isinstance(node, list):
        for value in node:
            _fix_timestamps(value)


#: Where the documents contradict Jira's answers, each fix with its reason.
ERRATA = (_fix_remote_links, _fix_timestamps)
