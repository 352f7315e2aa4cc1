"""ClickUp's webhooks: ``POST /team/{team_id}/webhook`` answers the subscription with its
``secret``; each task or comment change is delivered as
``{"event": "taskUpdated", "task_id", "webhook_id", "history_items": [...]}`` signed with
``X-Signature`` (hex HMAC-SHA256 of the body)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent

RULES = (
    Rule("/team/<team_id>/webhook", endpoint="create_webhook", methods=["POST"]),
    Rule("/webhook/<webhook_id>", endpoint="delete_webhook", methods=["DELETE"]),
)

#: ``(object, op)`` → ClickUp's event name.
EVENTS = {
    ("task", "create"): "taskCreated",
    ("task", "update"): "taskUpdated",
    ("task", "delete"): "taskDeleted",
    ("comment", "create"): "taskCommentPosted",
    ("comment", "update"): "taskCommentUpdated",
    ("comment", "delete"): "taskCommentDeleted",
}
#: Where a subscription may be narrowed to.
SCOPES = ("space_id", "folder_id", "list_id", "task_id")


def subscription_answer(subscription: Subscription, team_id: str, user_id: int) -> dict[str, Any]:
    """What ``POST /team/{team_id}/webhook`` answers (the secret is shown once)."""
    return {
        "id": subscription.id,
        "webhook": {
            "id": subscription.id,
            "userid": user_id,
            "team_id": int(team_id) if team_id.isdigit() else team_id,
            "endpoint": subscription.url,
            "client_id": "sandbox",
            "events": list(subscription.events),
            **{key: subscription.scope.get(key) for key in SCOPES},
            "health": {"status": "active", "fail_count": 0},
            "secret": subscription.secret,
        },
    }


def events_of(change: Change, user: dict[str, Any]) -> list[WebhookEvent]:
    """The ClickUp events of one journalled change."""
    name = EVENTS.get((change.object, change.op))
    if name is None:
        return []
    data = dict(change.data)
    task_id = str(data.get("task_id", change.id)) if change.object == "comment" else change.id
    when = str(data.get("updated_ms") or data.get("date_ms") or "")
    fields = sorted(k for k in data if k not in ("updated_ms", "date_ms", "index", "task_id"))
    items = [
        {
            "id": f"{change.seq}.{number}",
            "type": 1,
            "date": when,
            "field": "comment" if change.object == "comment" else field,
            "parent_id": str(data.get("list_id", "")),
            "data": {},
            "source": None,
            "user": user,
            "before": None,
            "after": data.get(field) if change.object == "task" else change.id,
        }
        for number, field in enumerate(fields or [change.op], start=1)
    ]
    body = {"event": name, "task_id": task_id, "history_items": items}
    return [WebhookEvent(name, body)]


def addressed(event: WebhookEvent, subscription: Subscription) -> WebhookEvent:
    """The event with the ``webhook_id`` of the subscription it goes to."""
    return WebhookEvent(event.name, {**event.body, "webhook_id": subscription.id}, event.headers)
