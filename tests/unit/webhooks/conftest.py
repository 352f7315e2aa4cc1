"""A receiver on a private project with in-memory secrets, and signed requests per vendor."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client, TestResponse

from brainhub.webhooks.inbox import Inbox, InboxEvent
from brainhub.webhooks.receiver import WebhookReceiver
from brainhub.webhooks.schemes import signed_headers
from brainhub.webhooks.secrets import MemorySecrets

NOW = 1_780_000_000
SECRETS = {
    "clickup": "clickup-secret-1",
    "github": "github-secret-1",
    "jira": "jira-secret-1",
    "slack": "slack-signing-secret-1",
    "asana": "asana-hook-secret-1",
    "trello": "trello-app-secret-1",
    "notion": "notion-verification-token-1",
    "bitbucket": "bitbucket-hook-secret-1",
    "gitlab": "gitlab-secret-token-1",
    "confluence": "confluence-shared-secret-1",
}

#: One delivery body per vendor, in the vendor's shape.
BODIES: dict[str, dict[str, Any]] = {
    "clickup": {
        "event": "taskUpdated",
        "task_id": "86abc",
        "webhook_id": "wh-1",
        "history_items": [{"id": "h1", "field": "name", "before": "a", "after": "b"}],
    },
    "github": {"action": "edited", "issue": {"number": 3, "title": "T"}},
    "jira": {"webhookEvent": "jira:issue_updated", "issue": {"key": "PRJ-1"}, "changelog": {}},
    "slack": {"type": "event_callback", "event_id": "Ev01", "event": {"type": "message"}},
    "asana": {"events": [{"action": "changed", "resource": {"gid": "12"}}]},
    "trello": {"action": {"id": "a1", "type": "updateCard"}, "model": {"id": "b1"}},
    "notion": {"id": "n-evt-1", "type": "page.content_updated", "entity": {"id": "p1"}},
    "bitbucket": {"actor": {"nickname": "dev0"}, "issue": {"id": 4, "title": "T"}},
    "gitlab": {"object_kind": "issue", "object_attributes": {"iid": 3, "action": "update"}},
    "confluence": {"page": {"id": 1000001, "title": "T"}, "timestamp": 1780000000000},
}


@dataclass
class Harness:
    """The receiver, its inbox, what it handed on, and a client."""

    receiver: WebhookReceiver
    inbox: Inbox
    root: Path
    accepted: list[InboxEvent] = field(default_factory=list)

    @property
    def client(self) -> Client:
        return Client(self.receiver)

    def post(
        self,
        service: str,
        body: bytes | dict[str, Any] | None = None,
        *,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
        timestamp: int = NOW,
    ) -> TestResponse:
        """POST ``body`` (default: the vendor's sample) signed as the vendor would."""
        raw = body if isinstance(body, bytes) else json.dumps(body or BODIES[service]).encode()
        url = f"http://localhost/webhooks/{service}"
        signed = signed_headers(
            service, secret or SECRETS[service], raw, timestamp=timestamp, url=url
        )
        if service == "github":
            signed["X-GitHub-Event"] = "issues"
            signed["X-GitHub-Delivery"] = "d-" + hashlib.sha256(raw).hexdigest()[:12]
        return self.client.post(
            f"/webhooks/{service}",
            data=raw,
            headers={**signed, **(headers or {})},
            content_type="application/json",
        )

    def audit_actions(self) -> list[str]:
        path = self.root / "data" / "audit"
        lines = [
            json.loads(line)
            for log in path.glob("*.jsonl")
            for line in log.read_text().splitlines()
        ]
        return [entry["action"] for entry in lines]


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    inbox = Inbox(tmp_path / "data" / "webhooks" / "inbox.sqlite")
    accepted: list[InboxEvent] = []
    receiver = WebhookReceiver(
        inbox,
        MemorySecrets(SECRETS),
        on_accept=accepted.append,
        project_root=tmp_path,
        max_body=4096,
        clock=lambda: NOW,
    )
    yield Harness(receiver, inbox, tmp_path, accepted)
    inbox.close()
