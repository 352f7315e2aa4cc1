"""Webhooks the emulators send: subscriptions, signed deliveries, the vendor's retries.

Every emulator on the kit sends a signed webhook for each change it makes: a write through
its API (:meth:`KitEmulator.record_change`) and ``brainhub sandbox mutate`` (the changes
of the new generation, where the vendor names them). A vendor only says what its events
look like (``webhook_events(change)``) and how its subscription API reads and answers;
this module keeps the subscriptions, signs each delivery with the vendor's scheme
(:mod:`brainhub.webhooks.schemes`) and posts it from a background thread, retrying a
non-2xx answer after the vendor's delays scaled down for the sandbox.

Subscriptions live beside the sandbox state, ``<dir>/<service>.webhooks.json``, so the
emulator serving a tap and the one ``mutate`` builds share them; an emulator with a pinned
generation keeps them in memory. Vendors whose webhooks are configured in an app's UI
(Slack's Events API, Notion) are subscribed with ``brainhub sandbox webhooks add``.

Retry delays: the vendor's own (``retry_delays_s`` on the emulator class, in real seconds)
times ``$BRAINHUB_SANDBOX_WEBHOOK_TIME_SCALE`` (default ``0.001``: a minute becomes 60 ms).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import secrets
import threading
import time
import uuid
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from brainhub.webhooks.schemes import SCHEMES, signed_headers

TIME_SCALE_ENV = "BRAINHUB_SANDBOX_WEBHOOK_TIME_SCALE"
DEFAULT_TIME_SCALE = 0.001
#: Seconds a delivery waits for the receiver's answer.
DELIVERY_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Subscription:
    """One webhook subscription: where to send, the secret to sign with, which events."""

    id: str
    url: str
    secret: str
    events: tuple[str, ...] = ("*",)
    scope: Mapping[str, Any] = field(default_factory=dict)

    def wants(self, event: str) -> bool:
        """Whether this subscription asked for ``event``."""
        return "*" in self.events or event in self.events

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["events"] = list(self.events)
        data["scope"] = dict(self.scope)
        return data


@dataclass(frozen=True)
class WebhookEvent:
    """One event a change makes: its name (what subscriptions filter on), the body and
    the vendor's extra headers (``X-GitHub-Event``…)."""

    name: str
    body: Mapping[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """A signed request ready to send, and what became of it."""

    subscription_id: str
    url: str
    body: bytes
    headers: Mapping[str, str]


@dataclass
class Attempt:
    """One try of a delivery: the status received (``None``: no answer) and when."""

    delivery: Delivery
    status: int | None
    error: str | None = None


class SubscriptionBook:
    """The subscriptions of one service: a JSON file in the state directory, or memory."""

    def __init__(self, service: str, directory: Path | None) -> None:
        self.service = service
        self.path = directory / f"{service}.webhooks.json" if directory is not None else None
        self._memory: dict[str, Any] = {"subscriptions": []}
        self._lock = threading.Lock()

    def all(self) -> list[Subscription]:
        """Every subscription, oldest first."""
        return [_subscription(raw) for raw in self._read()["subscriptions"]]

    def add(
        self,
        url: str,
        *,
        secret: str | None = None,
        events: Sequence[str] = ("*",),
        scope: Mapping[str, Any] | None = None,
        subscription_id: str | None = None,
        app: bool = False,
    ) -> Subscription:
        """Store a new subscription (a secret is generated when none is given; ``""``:
        deliveries go unsigned, as GitLab and Bitbucket send them to a hook without one;
        ``app``: signed with the app secret, following it when it is replaced)."""
        subscription = Subscription(
            id=subscription_id or uuid.uuid4().hex[:16],
            url=url,
            secret=self.app_secret()
            if app
            else (secret if secret is not None else secrets.token_hex(32)),
            events=tuple(events) or ("*",),
            scope=dict(scope or {}),
        )
        with self._editing() as document:
            document["subscriptions"].append({**subscription.as_dict(), "app": app})
        return subscription

    def app_secret(self) -> str:
        """The app's signing secret (Trello signs with the app secret, not a webhook's own):
        made on first use, replaced with :meth:`set_app_secret`."""
        stored = self._read().get("app_secret")
        if isinstance(stored, str) and stored:
            return stored
        with self._editing() as document:
            if not document.get("app_secret"):
                document["app_secret"] = secrets.token_hex(32)
            return str(document["app_secret"])

    def set_app_secret(self, value: str) -> None:
        """Replace the app's signing secret (and so every subscription's)."""
        with self._editing() as document:
            document["app_secret"] = value
            for raw in document["subscriptions"]:
                if raw.get("app"):
                    raw["secret"] = value

    def remove(self, subscription_id: str) -> bool:
        """Forget one subscription; whether it existed."""
        with self._editing() as document:
            before = len(document["subscriptions"])
            document["subscriptions"] = [
                s for s in document["subscriptions"] if s["id"] != subscription_id
            ]
            return len(document["subscriptions"]) < before

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return self._memory
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"subscriptions": []}
        except (OSError, ValueError):
            return {"subscriptions": []}
        if not isinstance(document, dict) or not isinstance(document.get("subscriptions"), list):
            return {"subscriptions": []}
        return document

    @contextlib.contextmanager
    def _editing(self) -> Iterator[dict[str, Any]]:
        with self._lock:
            if self.path is None:
                yield self._memory
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock_path = self.path.with_suffix(".lock")
            with open(lock_path, "a", encoding="utf-8") as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                document = self._read()
                yield document
                tmp = self.path.with_suffix(".json.tmp")
                tmp.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
                os.chmod(tmp, 0o600)  # it holds the signing secrets
                tmp.replace(self.path)


#: The hosts the sandbox delivers to: it never sends anything off this machine.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def is_loopback(url: str) -> bool:
    """Whether ``url`` is an http(s) URL on this machine (the only kind the sandbox calls)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and (parts.hostname or "") in LOOPBACK_HOSTS


def time_scale() -> float:
    """How much shorter than the vendor's the sandbox's retry delays are."""
    raw = os.environ.get(TIME_SCALE_ENV)
    try:
        return float(raw) if raw else DEFAULT_TIME_SCALE
    except ValueError:
        return DEFAULT_TIME_SCALE


def sign(service: str, subscription: Subscription, event: WebhookEvent, now: float) -> Delivery:
    """The request the vendor sends ``subscription`` for ``event``."""
    body = json.dumps(event.body, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", **event.headers}
    scheme = SCHEMES[service]
    if scheme.delivery_header and scheme.delivery_header not in headers:
        headers[scheme.delivery_header] = str(uuid.uuid4())
    if subscription.secret:  # a hook made without a secret is delivered unsigned
        headers.update(
            signed_headers(
                service, subscription.secret, body, timestamp=int(now), url=subscription.url
            )
        )
    return Delivery(subscription.id, subscription.url, body, headers)


_OUTBOXES: weakref.WeakSet[Outbox] = weakref.WeakSet()


def flush_outboxes(timeout: float = 30.0) -> bool:
    """Wait for every outbox of this process (a command about to exit); whether all emptied."""
    finished = [outbox.flush(timeout) for outbox in list(_OUTBOXES)]  # every one, no short cut
    return all(finished)


class Outbox:
    """Posts deliveries from one background thread, retrying after ``delays_s``."""

    def __init__(self, delays_s: Sequence[float]) -> None:
        _OUTBOXES.add(self)
        self.delays_s = tuple(delays_s)
        self.attempts: list[Attempt] = []
        self._queue: queue.Queue[tuple[Delivery, int]] = queue.Queue()
        self._idle = threading.Condition()
        self._busy = 0
        self._thread: threading.Thread | None = None
        self._session = requests.Session()

    def send(self, delivery: Delivery) -> None:
        """Queue one delivery (the thread starts on first use)."""
        with self._idle:
            self._busy += 1
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="webhook-outbox", daemon=True
                )
                self._thread.start()
        self._queue.put((delivery, 0))

    def flush(self, timeout: float = 30.0) -> bool:
        """Wait until every queued delivery was delivered or gave up; whether it finished."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def _run(self) -> None:
        while True:
            delivery, tries = self._queue.get()
            attempt = self._post(delivery)
            self.attempts.append(attempt)
            ok = attempt.status is not None and 200 <= attempt.status < 300
            if not ok and tries < len(self.delays_s):
                time.sleep(self.delays_s[tries])
                self._queue.put((delivery, tries + 1))
                continue
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _post(self, delivery: Delivery) -> Attempt:
        if not is_loopback(delivery.url):
            return Attempt(delivery, None, "the sandbox delivers only to 127.0.0.1")
        try:
            response = self._session.post(
                delivery.url,
                data=delivery.body,
                headers=dict(delivery.headers),
                timeout=DELIVERY_TIMEOUT_S,
            )
        except requests.RequestException as exc:
            return Attempt(delivery, None, type(exc).__name__)
        return Attempt(delivery, response.status_code)


def _subscription(raw: Mapping[str, Any]) -> Subscription:
    return Subscription(
        id=str(raw["id"]),
        url=str(raw["url"]),
        secret=str(raw["secret"]),
        events=tuple(raw.get("events") or ("*",)),
        scope=dict(raw.get("scope") or {}),
    )
