"""Asana's webhooks: ``POST /webhooks`` ``{"data": {"resource", "target"}}`` first makes
the handshake (Asana posts ``X-Hook-Secret`` to the target, which echoes it back) and only
then creates the webhook; events ``{"events": [{"user", "created_at", "action",
"resource", "parent", "change"?}]}`` are signed ``X-Hook-Signature`` (hex HMAC-SHA256 of
the body with that secret)."""

from __future__ import annotations

import secrets
from typing import Any

import requests
from werkzeug.routing import Rule

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import WebhookEvent, is_loopback

RULES = (
    Rule("/webhooks", endpoint="create_webhook", methods=["POST"]),
    Rule("/webhooks/<webhook_gid>", endpoint="delete_webhook", methods=["DELETE"]),
)
#: Asana retries a failed delivery with exponential backoff for a day.
RETRY_DELAYS_S = (60.0, 120.0, 240.0, 480.0, 960.0)
HANDSHAKE_FAILED = (
    "Could not complete activation handshake with target URL. Please ensure that the "
    "receiving server is accepting connections and echoes the X-Hook-Secret header."
)


def handshake(target: str) -> str | None:
    """Post the handshake to ``target``; the secret when it was echoed, else ``None``."""
    if not is_loopback(target):
        return None  # the sandbox calls nothing off this machine
    offered = secrets.token_hex(32)
    try:
        answer = requests.post(target, headers={"X-Hook-Secret": offered}, timeout=10)
    except requests.RequestException:
        return None
    if answer.status_code not in (200, 204) or answer.headers.get("X-Hook-Secret") != offered:
        return None
    return offered


def webhook_answer(gid: str, resource: dict[str, Any], target: str, at: str) -> dict[str, Any]:
    """What ``POST /webhooks`` answers (201)."""
    return {
        "data": {
            "gid": gid,
            "resource_type": "webhook",
            "active": True,
            "resource": resource,
            "target": target,
            "created_at": at,
            "last_failure_at": None,
            "last_failure_content": "",
            "last_success_at": None,
            "filters": [],
        }
    }


#: A change's ``op`` → Asana's event ``action``.
_ACTIONS = {"create": "added", "update": "changed", "delete": "deleted"}


def events(change: Change, user_gid: str, at: str) -> list[WebhookEvent]:
    """The Asana events of one change (one per field changed)."""
    user = {"gid": user_gid, "resource_type": "user"}
    if change.object == "story":
        task = str(change.data.get("task", ""))
        parent = {"gid": task, "resource_type": "task"}
        items = [_event(_ACTIONS[change.op], change.id, "story", user, at, parent)]
    elif change.object == "task" and change.op == "update":
        changed = change.data.get("set") or change.data  # a write's ``set``; a generation's values
        fields = sorted(changed.keys() - {"modified_at"}) or ["name"]
        items = [
            {
                **_event("changed", change.id, "task", user, at, None),
                "change": {"field": field, "action": "changed"},
            }
            for field in fields
        ]
    elif change.object == "task":
        action = "added" if change.op == "create" else "deleted"
        items = [_event(action, change.id, "task", user, at, None)]
    else:
        return []
    return [WebhookEvent(items[0]["action"], {"events": items})]


def _event(
    action: str, gid: str, kind: str, user: dict[str, Any], at: str, parent: Any
) -> dict[str, Any]:
    return {
        "user": user,
        "created_at": at,
        "action": action,
        "resource": {"gid": gid, "resource_type": kind, "resource_subtype": f"default_{kind}"},
        "parent": parent,
    }
