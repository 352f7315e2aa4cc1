"""GitHub's repository webhooks: ``POST /repos/{owner}/{repo}/hooks`` with
``config.url`` and ``config.secret`` (a ``ping`` is delivered at once), then ``issues`` and
``issue_comment`` events ``{"action", "issue", "comment"?, "repository", "sender"}`` with
``X-GitHub-Event``, ``X-GitHub-Delivery``, ``X-GitHub-Hook-ID`` and
``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>``."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import Subscription, WebhookEvent

RULES = (
    Rule("/repos/<owner>/<repo>/hooks", endpoint="create_hook", methods=["POST"]),
    Rule("/repos/<owner>/<repo>/hooks/<hook_id>", endpoint="delete_hook", methods=["DELETE"]),
)

#: ``(object, op)`` → (event, action).
EVENTS = {
    ("issue", "create"): ("issues", "opened"),
    ("issue", "update"): ("issues", "edited"),
    ("comment", "create"): ("issue_comment", "created"),
    ("comment", "update"): ("issue_comment", "edited"),
    ("comment", "delete"): ("issue_comment", "deleted"),
}


def hook_answer(subscription: Subscription, api_url: str, at: str) -> dict[str, Any]:
    """What ``POST /repos/{owner}/{repo}/hooks`` answers (the secret is masked)."""
    url = f"{api_url}/hooks/{subscription.id}"
    return {
        "type": "Repository",
        "id": int(subscription.id),
        "name": "web",
        "active": True,
        "events": list(subscription.events),
        "config": {
            "content_type": "json",
            "insecure_ssl": "0",
            "url": subscription.url,
            "secret": "********",
        },
        "updated_at": at,
        "created_at": at,
        "url": url,
        "test_url": f"{url}/test",
        "ping_url": f"{url}/pings",
        "deliveries_url": f"{url}/deliveries",
        "last_response": {"code": None, "status": "unused", "message": None},
    }


def ping(subscription: Subscription, hook: dict[str, Any]) -> WebhookEvent:
    """The ``ping`` GitHub sends a new hook."""
    body = {"zen": "Keep it logically awesome.", "hook_id": hook["id"], "hook": hook}
    return WebhookEvent("ping", body, {"X-GitHub-Event": "ping"})


def event(change: Change, action: str | None = None, **parts: Any) -> WebhookEvent | None:
    """The event of one change, with the rendered ``issue``, ``comment``, ``repository``
    and ``sender`` in ``parts``."""
    known = EVENTS.get((change.object, change.op))
    if known is None:
        return None
    name, default_action = known
    body = {"action": action or default_action, **parts}
    return WebhookEvent(name, body, {"X-GitHub-Event": name})


def addressed(item: WebhookEvent, subscription: Subscription) -> WebhookEvent:
    """The event with the hook's id header."""
    return WebhookEvent(item.name, item.body, {**item.headers, "X-GitHub-Hook-ID": subscription.id})
