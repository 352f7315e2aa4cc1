"""Trello's webhooks: ``POST /webhooks`` with ``callbackURL`` and ``idModel`` (query or
body) first checks the callback with a ``HEAD`` (it must answer 200), then creates the
webhook; each action on the model is delivered as ``{"action", "model", "webhook"}``
signed ``X-Trello-Webhook`` = base64 HMAC-SHA1 of body + callback URL with the app
secret (the sandbox's: ``brainhub sandbox webhooks app-secret trello``)."""

from __future__ import annotations

from typing import Any

import requests
from werkzeug.routing import Rule

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent, is_loopback

RULES = (
    Rule("/webhooks", endpoint="create_webhook", methods=["POST"]),
    Rule("/webhooks/<webhook_id>", endpoint="delete_webhook", methods=["DELETE"]),
)
#: Trello retries a failed delivery three times: after 30, 60 and 120 seconds.
RETRY_DELAYS_S = (30.0, 60.0, 120.0)


def callback_answers(url: str) -> int | None:
    """The status of Trello's ``HEAD`` check of a callback URL (``None``: no answer)."""
    if not is_loopback(url):
        return None  # the sandbox calls nothing off this machine
    try:
        return requests.head(url, timeout=10).status_code
    except requests.RequestException:
        return None


def webhook_answer(subscription: Subscription) -> dict[str, Any]:
    """The webhook object Trello answers."""
    return {
        "id": subscription.id,
        "description": str(subscription.scope.get("description", "")),
        "idModel": subscription.scope.get("idModel"),
        "callbackURL": subscription.url,
        "active": True,
        "consecutiveFailures": 0,
        "firstConsecutiveFailDate": None,
    }


def event(change: Change) -> WebhookEvent | None:
    """The delivery of a change that made an action (cards, comments)."""
    action = change.data.get("action")
    if not isinstance(action, dict) or (change.object == "action" and change.op != "create"):
        return None  # an action already announced does not happen again when it goes
    return WebhookEvent(str(action.get("type", "")), {"action": action})


def addressed(item: WebhookEvent, subscription: Subscription) -> WebhookEvent | None:
    """The event for one webhook, when its model is the action's board, card or list."""
    data = item.body["action"].get("data") or {}
    models = {str((data.get(key) or {}).get("id")) for key in ("board", "card", "list")}
    model = str(subscription.scope.get("idModel"))
    if model not in models:
        return None
    body = {
        **item.body,
        "model": {"id": model},
        "webhook": webhook_answer(subscription),
    }
    return WebhookEvent(item.name, body, item.headers)
