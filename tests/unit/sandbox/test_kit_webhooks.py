"""The kit's webhook machinery: subscriptions kept beside the sandbox state, and deliveries
retried after the vendor's (scaled) delays until the receiver answers 2xx."""

from __future__ import annotations

import json
from pathlib import Path

from werkzeug.wrappers import Request, Response

from brainhub.sandbox import Emulator, serve
from brainhub.sandbox.kit.webhooks import (
    Outbox,
    Subscription,
    SubscriptionBook,
    WebhookEvent,
    is_loopback,
    sign,
)
from brainhub.webhooks.schemes import verify


class FlakyReceiver(Emulator):
    """Answers 503 to the first ``failures`` posts, then 200; keeps what it received."""

    service = "flaky"

    def load(self) -> None:
        self.failures = 2
        self.received: list[tuple[bytes, dict[str, str]]] = []

    def wsgi_app(self, environ, start_response):  # type: ignore[no-untyped-def]
        request = Request(environ)
        self.received.append((request.get_data(), dict(request.headers)))
        status = 503 if len(self.received) <= self.failures else 200
        return Response(status=status)(environ, start_response)


def test_a_failed_delivery_is_retried_until_the_receiver_takes_it() -> None:
    receiver = FlakyReceiver(generation=0)
    with serve(receiver) as served:
        subscription = Subscription("s1", served.root_url + "/hook", "k")
        outbox = Outbox([0.0, 0.0, 0.0])
        outbox.send(sign("clickup", subscription, WebhookEvent("taskUpdated", {"a": 1}), 0))
        assert outbox.flush(timeout=30)
    assert [attempt.status for attempt in outbox.attempts] == [503, 503, 200]
    body, headers = receiver.received[-1]
    assert json.loads(body) == {"a": 1}
    assert verify("clickup", "k", body, headers, now=0) is None


def test_a_delivery_gives_up_after_the_vendors_retries() -> None:
    receiver = FlakyReceiver(generation=0)
    receiver.failures = 10
    with serve(receiver) as served:
        outbox = Outbox([0.0])
        subscription = Subscription("s1", served.root_url + "/hook", "k")
        outbox.send(sign("github", subscription, WebhookEvent("issues", {}), 0))
        assert outbox.flush(timeout=30)
    assert [attempt.status for attempt in outbox.attempts] == [503, 503]


def test_subscriptions_outlive_the_process_and_keep_their_secret_private(tmp_path: Path) -> None:
    book = SubscriptionBook("clickup", tmp_path)
    added = book.add("http://127.0.0.1:9/webhooks/clickup", events=["taskUpdated"])
    again = SubscriptionBook("clickup", tmp_path).all()
    assert again == [added]
    assert (tmp_path / "clickup.webhooks.json").stat().st_mode & 0o077 == 0
    assert again[0].wants("taskUpdated")
    assert not again[0].wants("taskCreated")
    assert SubscriptionBook("clickup", tmp_path).remove(added.id)
    assert SubscriptionBook("clickup", tmp_path).all() == []


def test_app_signed_subscriptions_follow_the_app_secret(tmp_path: Path) -> None:
    book = SubscriptionBook("trello", tmp_path)
    book.add("http://127.0.0.1:9/webhooks/trello", app=True)
    book.set_app_secret("new-app-secret")
    [subscription] = SubscriptionBook("trello", tmp_path).all()
    assert subscription.secret == "new-app-secret"


def test_the_sandbox_delivers_only_to_this_machine() -> None:
    assert is_loopback("http://127.0.0.1:8750/webhooks/github")
    assert is_loopback("https://localhost/webhooks/github")
    assert not is_loopback("https://hooks.example.com/webhooks/github")
    assert not is_loopback("ftp://127.0.0.1/x")
    assert not is_loopback("http://[::1")
    outbox = Outbox([0.0])
    subscription = Subscription("s1", "https://hooks.example.com/webhooks/clickup", "k")
    outbox.send(sign("clickup", subscription, WebhookEvent("taskUpdated", {}), 0))
    assert outbox.flush(timeout=30)
    assert [(a.status, a.error) for a in outbox.attempts] == [
        (None, "the sandbox delivers only to 127.0.0.1")
    ] * 2
