"""Notion's webhooks: configured in the integration's settings (the sandbox:
``brainhub sandbox webhooks add notion``, the secret being the verification token), each
change is delivered as ``{"id", "timestamp", "workspace_id", "subscription_id", "type",
"entity", "data"}`` signed ``X-Notion-Signature: sha256=<hex HMAC-SHA256 of the body>``."""

from __future__ import annotations

import uuid
from typing import Any

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent

#: ``(object, op)`` → (event type, entity type).
EVENTS = {
    ("page", "create"): ("page.created", "page"),
    ("page", "update"): ("page.properties_updated", "page"),
    ("page", "delete"): ("page.deleted", "page"),
    ("blocks", "create"): ("page.content_updated", "page"),
    ("comment", "create"): ("comment.created", "comment"),
}
#: Values of a generation's page change that are not properties.
_BOOKKEEPING = frozenset({"database", "last_edited_time"})
#: Notion retries a failed delivery with backoff, up to eight times.
RETRY_DELAYS_S = (60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 3840.0, 7680.0)


def event(change: Change, workspace_id: str, at: str, author: str) -> WebhookEvent | None:
    """The Notion event of one change."""
    known = EVENTS.get((change.object, change.op))
    if known is None:
        return None
    name, entity_type = known
    named = change.data.get("page")  # a page created through the API journals its object
    page = str(named.get("id", change.id) if isinstance(named, dict) else named or change.id)
    entity_id = change.id if entity_type == "comment" else page
    data: dict[str, Any] = {
        "parent": {
            "id": str(change.data.get("database", page)),
            "type": "database" if "database" in change.data else "page",
        }
    }
    if change.op == "update":
        changed = change.data.get("set") or {
            k: v for k, v in change.data.items() if k not in _BOOKKEEPING
        }  # a write's ``set``; a generation's changed values
        if "archived" in changed:  # moved to or out of the trash
            name = "page.deleted" if changed["archived"] else "page.undeleted"
        data["updated_properties"] = sorted(changed.keys() - {"archived", "in_trash"})
    if entity_type == "comment":
        data = {"page_id": page, "parent": {"id": page, "type": "page"}}
    body = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"notion:{change.seq}:{change.id}")),
        "timestamp": at,
        "workspace_id": workspace_id,
        "integration_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"notion:{workspace_id}")),
        "type": name,
        "authors": [{"id": author, "type": "bot"}],
        "attempt_number": 1,
        "entity": {"id": entity_id, "type": entity_type},
        "data": data,
    }
    return WebhookEvent(name, body)


def addressed(item: WebhookEvent, subscription: Subscription) -> WebhookEvent:
    """The event with the subscription's id."""
    return WebhookEvent(item.name, {**item.body, "subscription_id": subscription.id}, item.headers)
