"""Jira's admin webhooks: ``POST /rest/webhooks/1.0/webhook`` with ``name``, ``url``,
``events`` and a ``secret`` (what a Jira administrator registers; the app API
``/rest/api/3/webhook`` carries no secret, so it is not served). Deliveries are
``{"timestamp", "webhookEvent": "jira:issue_updated", "issue_event_type_name", "user",
"issue", "changelog"?, "comment"?}`` with ``X-Atlassian-Webhook-Identifier`` and
``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>``."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent

ADMIN = "/rest/webhooks/1.0/webhook"
RULES = (
    Rule(ADMIN, endpoint="create_webhook", methods=["POST"]),
    Rule(f"{ADMIN}/<webhook_id>", endpoint="delete_webhook", methods=["DELETE"]),
)

#: ``(object, op)`` → (webhookEvent, issue_event_type_name).
EVENTS = {
    ("issue", "create"): ("jira:issue_created", "issue_created"),
    ("issue", "update"): ("jira:issue_updated", "issue_generic"),
    ("issue", "delete"): ("jira:issue_deleted", "issue_deleted"),
    ("comment", "create"): ("comment_created", None),
    ("comment", "update"): ("comment_updated", None),
    ("comment", "delete"): ("comment_deleted", None),
}
#: Draft keys that are bookkeeping, not fields a user changed.
_NOT_FIELDS = frozenset({"updated", "created", "issue", "project", "key", "doc", "reporter"})


def webhook_answer(subscription: Subscription, site: str, at_ms: int) -> dict[str, Any]:
    """What the admin API answers for a new webhook (never the secret)."""
    return {
        "self": f"{site}{ADMIN}/{subscription.id}",
        "name": subscription.scope.get("name", ""),
        "url": subscription.url,
        "events": list(subscription.events),
        "filters": {"issue-related-events-section": subscription.scope.get("jql", "")},
        "excludeBody": False,
        "enabled": True,
        "lastUpdated": at_ms,
    }


def changelog(change: Change) -> dict[str, Any]:
    """The ``changelog`` of an issue update: one item per field set."""
    items = [
        {
            "field": name,
            "fieldtype": "jira",
            "from": None,
            "fromString": None,
            "to": None if isinstance(value, (dict, list)) else value,
            "toString": None if value is None else str(value),
        }
        for name, value in sorted(change.data.items())
        if name not in _NOT_FIELDS
    ]
    return {"id": str(change.seq), "items": items}


def event(
    change: Change, at_ms: int, user: dict[str, Any], issue: dict[str, Any], **parts: Any
) -> WebhookEvent | None:
    """The Jira event of one change."""
    known = EVENTS.get((change.object, change.op))
    if known is None:
        return None
    name, type_name = known
    body: dict[str, Any] = {"timestamp": at_ms, "webhookEvent": name, "user": user}
    if type_name:
        body["issue_event_type_name"] = type_name
    body["issue"] = issue
    if change.object == "issue" and change.op == "update":
        body["changelog"] = changelog(change)
    body.update(parts)
    return WebhookEvent(name, body)
