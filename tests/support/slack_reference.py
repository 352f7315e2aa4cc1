"""Slack's Web API document for tests: where it lives, how it is read, and its errata.

The document (Slack's own, MIT licensed, Swagger 2.0 of 2021, archived) is vendor
reference data kept next to the repository (``../shared/apis/slack``), never inside it;
tests that need it skip with :data:`ABSENT_REASON` when it is not there.

Read as it is, the document validates little: it writes alternatives (a channel or an
IM, a user or an enterprise user) as ``items: [a, b]`` on schemas that are no arrays,
which JSON Schema ignores. :func:`strict_document` reads them as ``anyOf`` so that they
really validate, and patches the few places (``ERRATA``) where the archived document
contradicts what Slack's servers answer today, each with its reason.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOCUMENT = Path(__file__).resolve().parents[2].parent / "shared" / "apis" / "slack"
DOCUMENT = DOCUMENT / "slack_web_openapi_v2.json"
PREFIX = ""
ABSENT_REASON = "the Slack vendor reference (../shared/apis/slack) is not present"


def load_document() -> dict[str, Any]:
    """The document, parsed, as published."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def _alternatives_as_any_of(node: Any) -> Any:
    if isinstance(node, list):
        return [_alternatives_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _alternatives_as_any_of(value) for key, value in node.items()}
    if isinstance(node.get("items"), list):
        if node.get("type") == "array":  # an array of any of these, not a tuple
            return {**node, "items": {"anyOf": node["items"]}}
        return {"anyOf": node.pop("items"), **node}
    return node


def _ok_schema(document: dict[str, Any], method: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["paths"][f"/{method}"]["get"]["responses"]["200"]["schema"]
    return schema


def _paged_messages(document: dict[str, Any]) -> None:
    """``conversations.history`` and ``.replies`` page with ``response_metadata.next_cursor``
    (Slack's pagination guide and every real answer with ``has_more``); the archived
    document's success schemas forbid the field."""
    for method in ("conversations.history", "conversations.replies"):
        _ok_schema(document, method)["properties"]["response_metadata"] = {
            "$ref": "#/definitions/objs_response_metadata"
        }


def _empty_lists(document: dict[str, Any]) -> None:
    """An empty window of history (``oldest`` after the last message) or a user group
    without members answers an empty list; the document's ``minItems: 1`` says never."""
    for method, field in (("conversations.history", "messages"),):
        _ok_schema(document, method)["properties"][field].pop("minItems", None)


def _thread_messages(document: dict[str, Any]) -> None:
    """A thread's messages are message objects like the history's (reactions, files,
    attachments, blocks…); the document's two narrow alternatives for a parent and a
    reply leave those out and require ``subscribed``, which bot tokens are not sent."""
    messages = _ok_schema(document, "conversations.replies")["properties"]["messages"]
    messages["items"] = {"$ref": "#/definitions/objs_message"}


ERRATA: list[Callable[[dict[str, Any]], None]] = [_paged_messages, _empty_lists, _thread_messages]

#: Errors Slack answers that the archived document does not list for the method.
UNLISTED_ERRORS: dict[str, set[str]] = {
    # a required argument that is absent: every method since 2022
    "*": {"invalid_arguments"},
    "usergroups.users.list": {"no_such_subteam"},
    "users.info": {"user_not_found"},
    "users.getPresence": {"user_not_found"},
    "dnd.info": {"user_not_found"},
    "conversations.history": {"not_in_channel"},
    "conversations.replies": {"not_in_channel"},
    "chat.getPermalink": {"message_not_found"},
    "team.info": {"team_not_found"},
    "conversations.list": {"invalid_types", "invalid_cursor"},
    "files.info": {"file_not_found"},
}


def strict_document() -> dict[str, Any]:
    """The document with alternatives read as ``anyOf`` and :data:`ERRATA` applied."""
    document = load_document()
    document["definitions"] = _alternatives_as_any_of(document["definitions"])
    document["paths"] = _alternatives_as_any_of(document["paths"])
    for fix in ERRATA:
        fix(document)
    return copy.deepcopy(document)
