"""The webhook receiver: a werkzeug WSGI application answering ``/webhooks/<service>``.

For each POST, in this order (the first failure answers):

1. unknown service → 404; a body over ``max_body`` bytes → 413;
2. handshakes: Asana's ``X-Hook-Secret`` (echoed back and remembered, when no Asana secret
   is stored yet) and Notion's ``verification_token`` (remembered likewise);
3. no secret configured → 401; a signature that does not hold, or Slack's timestamp more
   than 5 minutes away → 401 with a one-line reason and an audit entry
   (``webhook.signature_rejected``), never a trigger;
4. Slack's ``url_verification`` → its ``challenge``; GitHub's ``ping`` → 200;
5. the delivery id (the vendor's where it sends one, else the SHA-256 of the body) already
   in the inbox → 409 (an audit entry ``webhook.replay_rejected``), except a Slack retry
   (``X-Slack-Retry-Num``) of a delivery already held, which gets 200 and no trigger;
6. otherwise the event is committed to the inbox (:mod:`brainhub.webhooks.inbox`), then
   handed to ``on_accept`` (the dispatcher), then answered 200 ``{"accepted": <id>}``.

``HEAD`` (and ``GET``) on a known service's path answer 200: Trello checks its callback URL
that way when a webhook is created.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from brainhub import audit
from brainhub.redaction import hidden
from brainhub.webhooks.inbox import Inbox, InboxEvent
from brainhub.webhooks.schemes import SCHEMES, TIMESTAMP_WINDOW_S, scheme_of, verify
from brainhub.webhooks.secrets import SecretSource, secret_name

#: Bodies larger than this many bytes are refused (413) unless configured otherwise.
DEFAULT_MAX_BODY = 1024 * 1024
PATH_PREFIX = "/webhooks/"


def _reason(status: int, reason: str) -> Response:
    return Response(reason + "\n", status=status, content_type="text/plain; charset=utf-8")


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _payload(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _field(payload: Any, *path: str) -> str | None:
    for key in path:
        if not isinstance(payload, dict):
            return None
        payload = payload.get(key)
    return payload if isinstance(payload, str) and payload else None


def delivery_id(service: str, headers: Any, body: bytes) -> str:
    """The vendor's id of this delivery (header or payload), else ``sha256:<hex of body>``."""
    scheme = scheme_of(service)
    if scheme.delivery_header and headers.get(scheme.delivery_header):
        return str(headers[scheme.delivery_header])[:200]
    payload = _payload(body)
    by_payload = {
        "slack": ("event_id",),
        "notion": ("id",),
        "trello": ("action", "id"),
    }.get(service)
    found = _field(payload, *by_payload) if by_payload else None
    return found[:200] if found else "sha256:" + hashlib.sha256(body).hexdigest()


def event_type(service: str, headers: Any, body: bytes, query: Any = None) -> str:
    """A short name of the event, for the inbox listing (``query``: the request's query
    parameters; a Confluence app names each webhook's event in its URL, ``?event=``)."""
    payload = _payload(body)
    if service == "github":
        action = _field(payload, "action")
        name = headers.get("X-GitHub-Event", "")
        return f"{name}.{action}" if action else name
    if service == "bitbucket":
        return str(headers.get("X-Event-Key", ""))[:100]
    if service == "gitlab":
        kind = _field(payload, "object_kind") or str(headers.get("X-Gitlab-Event", ""))
        action = _field(payload, "object_attributes", "action")
        return (f"{kind}.{action}" if action else kind)[:100]
    if service == "confluence":
        named = (query or {}).get("event") or ""
        objects = payload if isinstance(payload, dict) else {}
        found = next((k for k in ("comment", "page", "blogpost") if k in objects), "")
        return str(named or found)[:100]
    guesses = {
        "clickup": ("event",),
        "jira": ("webhookEvent",),
        "slack": ("event", "type"),
        "trello": ("action", "type"),
        "notion": ("type",),
    }.get(service)
    if service == "asana" and isinstance(payload, dict):
        events = payload.get("events")
        if isinstance(events, list) and events and isinstance(events[0], dict):
            return str(events[0].get("action", ""))[:100]
    return (_field(payload, *guesses) or "")[:100] if guesses else ""


class WebhookReceiver:
    """The WSGI application; see the module doc."""

    def __init__(
        self,
        inbox: Inbox,
        secrets: SecretSource,
        *,
        on_accept: Callable[[InboxEvent], None] = lambda event: None,
        project_root: Path = Path("."),
        max_body: int = DEFAULT_MAX_BODY,
        public_url: str | None = None,
        clock: Callable[[], float] = time.time,
        window_s: float = TIMESTAMP_WINDOW_S,
        log: Callable[[str], None] = lambda line: None,
        audit_record: Callable[..., object] | None = None,
    ) -> None:
        self.inbox = inbox
        self.secrets = secrets
        self.on_accept = on_accept
        self.project_root = project_root
        self.max_body = max_body
        self.public_url = public_url.rstrip("/") if public_url else None
        self.clock = clock
        self.window_s = window_s
        self.log = log
        #: Records refusals and learnt secrets (default: the project's audit log).
        self.audit_record = audit_record or audit.record

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self.respond(request)
        return response(environ, start_response)

    def callback_url(self, request: Request, service: str) -> str:
        """The URL the vendor was given for ``service`` (what Trello signs)."""
        if self.public_url:
            query = request.query_string.decode("latin-1")
            return f"{self.public_url}{PATH_PREFIX}{service}" + (f"?{query}" if query else "")
        return request.url

    def respond(self, request: Request) -> Response:
        """The answer to one request (see the module doc)."""
        if not request.path.startswith(PATH_PREFIX):
            return _reason(
                404, f"no such path {request.path!r}; webhooks go to /webhooks/<service>"
            )
        service = request.path[len(PATH_PREFIX) :].strip("/")
        if service not in SCHEMES:
            return _reason(
                404, f"unknown service {service!r}; valid services are {', '.join(sorted(SCHEMES))}"
            )
        if request.method in ("HEAD", "GET"):
            return _reason(200, f"{service} webhooks are received here")
        if request.method != "POST":
            return _reason(405, f"{request.method} is not accepted; vendors POST webhooks")
        length = request.content_length
        if length is not None and length > self.max_body:
            return _reason(413, f"body of {length} bytes is over the limit of {self.max_body}")
        body = request.stream.read(self.max_body + 1)
        if len(body) > self.max_body:
            return _reason(413, f"body is over the limit of {self.max_body} bytes")
        handshake = self._handshake(service, request, body)
        if handshake is not None:
            return handshake
        secret = self.secrets.get(service)
        if not secret:
            return self._reject(
                service, f"no webhook secret for {service}; set {secret_name(service)}", body
            )
        problem = verify(
            service,
            secret,
            body,
            request.headers,
            now=self.clock(),
            url=self.callback_url(request, service),
            window_s=self.window_s,
        )
        if problem is not None:
            return self._reject(service, problem, body)
        payload = _payload(body)
        if service == "slack" and _field(payload, "type") == "url_verification":
            return _json({"challenge": _field(payload, "challenge") or ""})
        if service == "github" and request.headers.get("X-GitHub-Event") == "ping":
            return _json({"ok": True, "zen": "pong"})
        delivery = delivery_id(service, request.headers, body)
        accepted = self.inbox.accept(
            service,
            delivery,
            event_type(service, request.headers, body, request.args),
            body,
            self.clock(),
        )
        if accepted is None:
            if service == "slack" and request.headers.get("X-Slack-Retry-Num"):
                return _json({"duplicate": delivery})
            self._audit("webhook.replay_rejected", service, {"delivery": delivery})
            return _reason(409, f"delivery {delivery} was already received; not processed again")
        event = self.inbox.get(accepted)
        if event is not None:
            self.on_accept(event)
        self.log(f"accepted {service} delivery {delivery} as event {accepted}")
        return _json({"accepted": accepted})

    def _handshake(self, service: str, request: Request, body: bytes) -> Response | None:
        if service == "asana" and request.headers.get("X-Hook-Secret"):
            offered = request.headers["X-Hook-Secret"]
            if self.secrets.get(service):
                return self._reject(
                    service,
                    f"an Asana secret is already stored; delete {secret_name(service)} to "
                    "accept a new handshake",
                    body,
                )
            self._learn(service, offered)
            return Response(status=200, headers={"X-Hook-Secret": offered})
        if service == "notion":
            token = _field(_payload(body), "verification_token")
            if token and not request.headers.get(scheme_of(service).header):
                if self.secrets.get(service):
                    return self._reject(
                        service,
                        f"a Notion verification token is already stored; delete "
                        f"{secret_name(service)} to accept a new one",
                        body,
                    )
                self._learn(service, token)
                return _json({"ok": True})
        return None

    def _learn(self, service: str, value: str) -> None:
        self.secrets.remember(service, value)
        self._audit("webhook.secret_learnt", service, {}, after=hidden(value))
        self.log(f"{service}: handshake accepted, secret stored as {secret_name(service)}")

    def _reject(self, service: str, reason: str, body: bytes) -> Response:
        digest = hashlib.sha256(body).hexdigest()[:16]
        self._audit(
            "webhook.signature_rejected", service, {"reason": reason, "body_sha256": digest}
        )
        self.log(f"rejected {service} delivery: {reason}")
        return _reason(401, reason)

    def _audit(
        self, action: str, service: str, detail: dict[str, str], after: str | None = None
    ) -> None:
        self.audit_record(
            action, service, after=after, detail=detail, project_root=self.project_root
        )
