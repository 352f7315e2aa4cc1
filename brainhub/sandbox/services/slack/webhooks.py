"""Slack's Events API: configured in the app's settings (the sandbox:
``brainhub sandbox webhooks add slack``), each message change is delivered as an
``event_callback`` signed ``X-Slack-Signature: v0=<hex HMAC-SHA256 of
"v0:{X-Slack-Request-Timestamp}:{body}">`` with the signing secret."""

from __future__ import annotations

import hashlib
from typing import Any

from brainhub.sandbox.kit.journal import Change
from brainhub.sandbox.kit.webhooks import WebhookEvent

#: The sandbox app's id in ``api_app_id``.
APP_ID = "A0SANDBOX01"
#: Slack retries a failed delivery immediately, after a minute and after five.
RETRY_DELAYS_S = (1.0, 60.0, 300.0)


def event(change: Change, team_id: str, at: int) -> WebhookEvent | None:
    """The ``message`` event of one message change."""
    if change.object != "message":
        return None
    channel = str(change.data.get("channel", ""))
    if change.op == "create":
        message = dict(change.data.get("message") or {})
        inner: dict[str, Any] = {"type": "message", "channel": channel, **message}
        inner.setdefault("event_ts", message.get("ts"))
    elif change.op == "update":
        ts = str(change.data.get("ts", ""))
        inner = {
            "type": "message",
            "subtype": "message_changed",
            "channel": channel,
            "hidden": True,
            "message": {
                "ts": ts,
                **dict(change.data.get("set") or change.data.get("message") or {}),
            },
            "ts": f"{at}.000100",
            "event_ts": f"{at}.000100",
        }
    else:
        ts = str(change.data.get("ts", ""))
        inner = {
            "type": "message",
            "subtype": "message_deleted",
            "channel": channel,
            "hidden": True,
            "deleted_ts": ts,
            "ts": f"{at}.000100",
            "event_ts": f"{at}.000100",
        }
    body = {
        "token": "sandbox-verification-token",
        "team_id": team_id,
        "api_app_id": APP_ID,
        "event": inner,
        "type": "event_callback",
        "event_id": f"Ev{change.seq:06d}{hashlib.sha256(change.id.encode()).hexdigest()[:8].upper()}",
        "event_time": at,
        "authorizations": [{"team_id": team_id, "is_bot": True}],
    }
    return WebhookEvent("message", body)
