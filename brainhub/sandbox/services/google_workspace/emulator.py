"""Google Workspace (Calendar v3, Gmail v1, Drive v3, Docs v1) as one emulator on the kit.

Every API is served on one root under its own path (``/calendar/v3``, ``/gmail/v1``,
``/drive/v3``, ``/v1/documents``), as the connector's hosts put them; ``operations.py``
lists every documented GET, served or left out with the reason.

**Auth** is a service account's: ``POST /token`` takes a JWT assertion
(``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``) signed with the sandbox key's
RS256 private key, checks the signature against its public key, ``iss`` (the key's
``client_email``), ``aud`` (the token URL, or Google's own, which google-auth always
signs for), ``iat``/``exp`` (at most an hour) and a
``scope``, and answers ``{"access_token", "expires_in": 3599, "token_type": "Bearer"}`` or
OAuth's ``{"error": "invalid_grant"}``. API requests need a bearer token it issued (else
401 ``authError``). The key (``credentials["service_account_key"]``) is made once per seed
and process.

**Paging** is Google's: ``pageToken``/``nextPageToken`` bound to the request's other
parameters, ``maxResults`` (Calendar, Gmail) or ``pageSize`` (Drive). **Sync**: Calendar's
``events.list`` ends with ``nextSyncToken`` and, given ``syncToken``, answers the events
changed since, cancelled ones as ``status: cancelled`` (a token older than
:data:`TOKENS_KEPT` generations, or not one of ours, is 410 ``fullSyncRequired``); Drive's
``changes.getStartPageToken`` and ``changes.list`` (``removed: true`` for deleted files,
``newStartPageToken`` on the last page); Gmail's ``history.list`` from ``startHistoryId``
(``messagesAdded``/``messagesDeleted``; a history id older than :data:`TOKENS_KEPT`
generations is 404). Drive answers the documented default fields (``kind, id, name,
mimeType``) unless ``fields=`` asks for more (``files(*)``, ``files(id,name)``, ``*``).

**Errors** are Google's ``{"error": {"code", "message", "errors": [...], "status"}}``
(404 for an unknown file, calendar, event, message, label, thread, a message's
attachment when the message is unknown, a draft or shared drive its shaped listing does not
list, and every long-running operation: the sandbox starts none); over
the rate limit (600 requests a minute per token here) the answer is 429
``rateLimitExceeded``.

**Writes** (in memory, for the target's tests): ``POST
/calendar/v3/calendars/{calendarId}/events`` and Gmail's ``POST
/gmail/v1/users/{userId}/messages/send`` (``{"raw": <RFC 2822, base64url>}``; a message
without a ``To`` header, or ``raw`` that is not base64url, is 400 ``invalidArgument``) and
Drive's ``POST /upload/drive/v3/files`` (``uploadType=media`` or ``multipart``).
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import hashlib
import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import CursorTokens, HttpManners, KitEmulator, PagingError
from brainhub.sandbox.params import whole_number
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.services.google_workspace import errors
from brainhub.sandbox.services.google_workspace.operations import OPERATIONS
from brainhub.sandbox.services.google_workspace.store import (
    DOC_MIME,
    HISTORY_STEP,
    OWNER,
    SIZES,
    Workspace,
    build,
)

TOKEN_PATH = "/token"  # noqa: S105 - the token endpoint's path
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: The audience Google's own libraries sign for, whatever the key's token_uri says.
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
SERVICE_ACCOUNT = "brainhub-sandbox@sandbox-workspace.iam.gserviceaccount.com"
ACCESS_TTL_S = 3599
#: Sync tokens and history ids of this many generations back are still answered.
TOKENS_KEPT = 5
#: Fields Drive answers for a file when ``fields=`` does not ask for others.
DRIVE_DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")
#: Internal fields of stored items that no API answers.
_INTERNAL = ("gen", "deleted")

#: Shaped items and the shaped listing that names them: (listing, its field, the id's
#: path parameter). An id its listing does not give is 404.
SHAPED_LISTINGS: dict[str, tuple[str, str, str]] = {
    "/gmail/v1/users/{userId}/drafts/{id}": ("/gmail/v1/users/{userId}/drafts", "drafts", "id"),
    "/drive/v3/drives/{driveId}": ("/drive/v3/drives", "drives", "driveId"),
}

_KEYS: dict[int, rsa.RSAPrivateKey] = {}
_KEYS_LOCK = threading.Lock()


def _paging(default: int, maximum: int, limit: str) -> CursorTokens:
    return CursorTokens(
        default=default,
        maximum=maximum,
        key=lambda item: str(item["id"]),
        cursor_parameter="pageToken",
        limit_parameter=limit,
        ignored=frozenset({"fields", "prettyPrint", "alt", "key", "access_token"}),
    )


CALENDAR_PAGES = _paging(250, 2500, "maxResults")
GMAIL_PAGES = _paging(100, 500, "maxResults")
DRIVE_PAGES = _paging(100, 1000, "pageSize")


def sandbox_key(seed: int) -> rsa.RSAPrivateKey:
    """The sandbox service account's private key for ``seed`` (made once per process)."""
    with _KEYS_LOCK:
        if seed not in _KEYS:
            _KEYS[seed] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _KEYS[seed]


def _public(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _INTERNAL}


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _encode_token(prefix: str, data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return prefix + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_token(prefix: str, token: str) -> dict[str, Any] | None:
    if not token.startswith(prefix):
        return None
    try:
        data = json.loads(_b64decode(token[len(prefix) :]))
    except (ValueError, binascii.Error):
        return None
    return data if isinstance(data, dict) else None


class GoogleWorkspaceEmulator(KitEmulator):
    """Calendar, Gmail, Drive and Docs over one seeded workspace; see the module doc."""

    service = "google-workspace"
    base_path = ""
    size_names = tuple(SIZES)
    default_rate_limit = 600
    rate_limit_window_s = 60.0
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners("application/json; charset=UTF-8", gzip_when_asked=True)
    shape_host: ClassVar[str] = "www.googleapis.com"

    def load(self) -> None:
        self.space: Workspace = build(self.seed, self.size, self.generation)
        self._issued: dict[str, float] = getattr(self, "_issued", {})
        #: The content of files uploaded in this process, by file id.
        self.uploads: dict[str, bytes] = {}

    # ------------------------------------------------------------ settings and counts

    @property
    def credentials(self) -> dict[str, str]:
        pem = (
            sandbox_key(self.seed)
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )
        key = {
            "type": "service_account",
            "project_id": "brainhub-sandbox",
            "private_key_id": hashlib.sha256(f"sandbox-key-{self.seed}".encode()).hexdigest()[:40],
            "private_key": pem,
            "client_email": SERVICE_ACCOUNT,
            "client_id": "100000000000000000001",
            "token_uri": TOKEN_PATH,
        }
        return {"service_account_key": json.dumps(key)}

    def counts(self) -> dict[str, int]:
        space = self.space
        return {
            "calendars": len(space.calendars),
            "events": sum(len(space.live_events(c["id"])) for c in space.calendars),
            "labels": len(space.labels),
            "messages": len(space.live_messages()),
            "message_details": len(space.live_messages()),
            "files": len(space.live_files()),
            "documents": sum(1 for f in space.live_files() if f["mimeType"] == DOC_MIME),
        }

    def changes(self, since_generation: int) -> dict[str, int]:
        space, since = self.space, since_generation
        events = [
            e for c in space.calendars for e in space.events[c["id"]].values() if e["gen"] > since
        ]
        messages = [m for m in space.messages.values() if m["gen"] > since]
        files = [f for f in space.files.values() if f["gen"] > since]
        return {
            "events_changed": sum(1 for e in events if e["status"] != "cancelled"),
            "events_deleted": sum(1 for e in events if e["status"] == "cancelled"),
            "messages_added": sum(1 for m in messages if not m.get("deleted")),
            "messages_deleted": sum(1 for m in messages if m.get("deleted")),
            # a deleted message's details and a removed Doc's content stay loaded as rows
            "message_details_deleted": sum(1 for m in messages if m.get("deleted")),
            "files_changed": sum(1 for f in files if not f.get("deleted")),
            "files_deleted": sum(1 for f in files if f.get("deleted")),
            "documents_deleted": sum(
                1 for f in files if f.get("deleted") and f["mimeType"] == DOC_MIME
            ),
        }

    # ------------------------------------------------------------------ auth

    def answer_outside_routes(self, request: Request) -> Response | None:
        if request.path != TOKEN_PATH:
            return None
        if request.method != "POST":
            return errors.response("METHOD_NOT_ALLOWED")
        return self._token(request)

    def _token(self, request: Request) -> Response:
        form = request.form
        if form.get("grant_type") != JWT_BEARER:
            return errors.token_refusal("Invalid grant_type: " + str(form.get("grant_type")))
        claims = self._verified_claims(form.get("assertion", ""), request.base_url)
        if isinstance(claims, str):
            return errors.token_refusal(claims)
        digest = hashlib.sha256(f"{self.seed}:{claims['iat']}:{len(self._issued)}".encode())
        token = "ya29.sandbox-" + digest.hexdigest()[:40]
        with self.data_lock:
            self._issued[token] = self.clock() + ACCESS_TTL_S
        body = {"access_token": token, "expires_in": ACCESS_TTL_S, "token_type": "Bearer"}
        return self.json_response(body)

    def _verified_claims(self, assertion: str, audience: str) -> dict[str, Any] | str:
        """The assertion's claims, or Google's description of what is wrong with it."""
        parts = assertion.split(".")
        if len(parts) != 3:
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe"
        try:
            header, claims = json.loads(_b64decode(parts[0])), json.loads(_b64decode(parts[1]))
            sandbox_key(self.seed).public_key().verify(
                _b64decode(parts[2]),
                f"{parts[0]}.{parts[1]}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (ValueError, binascii.Error, InvalidSignature):
            return "Invalid JWT Signature."
        if not isinstance(header, dict) or header.get("alg") != "RS256":
            return "Invalid JWT: the algorithm must be RS256"
        if not isinstance(claims, dict) or claims.get("iss") != SERVICE_ACCOUNT:
            return "Invalid JWT: the issuer is not this service account"
        if claims.get("aud") not in (audience, GOOGLE_TOKEN_URL):
            return f"Invalid JWT audience: expected {audience} or {GOOGLE_TOKEN_URL}"
        issued, expires = claims.get("iat"), claims.get("exp")
        if not isinstance(issued, int) or not isinstance(expires, int):
            return "Invalid JWT: iat and exp are required"
        if not 0 < expires - issued <= 3600 or expires < self.clock():
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe"
        if not claims.get("scope"):
            return "Invalid JWT: no scope requested"
        return claims

    def access_token(self) -> str:
        """A live access token, as the token endpoint issues them (for sample requests)."""
        token = "ya29.sandbox-sample-" + hashlib.sha256(str(self.seed).encode()).hexdigest()[:24]
        with self.data_lock:
            self._issued[token] = self.clock() + ACCESS_TTL_S
        return token

    def authenticate(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expiry = self._issued.get(token) if scheme.lower() == "bearer" else None
        if expiry is None or expiry < self.clock():
            return errors.response("AUTH_ERROR")
        return None

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        return errors.response("RATE_LIMIT_EXCEEDED")

    def not_found_response(self, request: Request) -> Response:
        return errors.response("NOT_FOUND", f"No API method at {request.method} {request.path}")

    def server_error_response(self, status: int) -> Response:
        if status == 500:
            return errors.response("BACKEND_ERROR")
        return super().server_error_response(status)

    def missing_query_response(self, name: str) -> Response:
        return errors.response("BAD_REQUEST", f"Required parameter: {name}")

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        return {**values, "emailAddress": OWNER, "user": {"emailAddress": OWNER}}

    def check_path_ids(self, values: Mapping[str, Any]) -> None:
        file_id = values.get("fileId")
        if file_id is not None and file_id not in self._live_file_ids():
            errors.fail("NOT_FOUND", f"File not found: {file_id}.")
        calendar_id = values.get("calendarId")
        if calendar_id is not None and calendar_id not in self.space.events:
            errors.fail("NOT_FOUND")
        message_id = values.get("messageId")
        if message_id is not None and message_id not in self._live_message_ids():
            errors.fail("NOT_FOUND", "Requested entity was not found.")

    def shaped(self, request: Request, key: str, values: Mapping[str, Any]) -> Any:
        path = key.partition(" ")[2]
        # a thread is the conversation of the live messages that name it
        if path.endswith("/threads/{id}") and values.get("id") not in self._live_thread_ids():
            errors.fail("NOT_FOUND", "Requested entity was not found.")
        if path.endswith("/operations/{name}"):
            errors.fail("NOT_FOUND", f"Operation not found: {values.get('name')}.")
        listed = SHAPED_LISTINGS.get(path)
        if listed is not None:
            listing, field, name = listed
            known = self._listed_ids(request, listing, field, values)
            if values.get(name) not in known:
                errors.fail("NOT_FOUND", "Requested entity was not found.")
        return super().shaped(request, key, values)

    def _listed_ids(
        self, request: Request, listing: str, field: str, values: Mapping[str, Any]
    ) -> set[str]:
        """The ids the shaped answer of ``listing`` lists under ``field``."""
        own = {k: v for k, v in values.items() if "{" + k + "}" in listing}
        answer = super().shaped(request, f"GET {listing}", own)
        return {str(item.get("id")) for item in answer.get(field, [])}

    # ------------------------------------------------------------------ helpers

    def _live_file_ids(self) -> set[str]:
        return {f["id"] for f in self.space.live_files()}

    def _live_message_ids(self) -> set[str]:
        return {m["id"] for m in self.space.live_messages()}

    def _live_thread_ids(self) -> set[str]:
        return {m["threadId"] for m in self.space.live_messages()}

    @staticmethod
    def _page(paging: CursorTokens, items: list[Any], request: Request) -> Any:
        try:
            return paging.page(items, request.args)
        except PagingError as exc:
            errors.fail("INVALID_PARAMETER", f"Invalid value for {exc.parameter}: {exc.reason}")

    def _calendar_entry(self, calendar_id: str) -> dict[str, Any]:
        entry = next((e for e in self.space.calendars if e["id"] == calendar_id), None)
        if entry is None:
            errors.fail("NOT_FOUND")
        return entry

    def _sync_generation(self, token: str, scope: str) -> int:
        """The generation a sync token of ``scope`` was given at; 410 when too old or not ours."""
        data = _decode_token("CP", token)
        generation = data.get("g") if data and data.get("s") == scope else None
        if not isinstance(generation, int) or generation < self.space.generation - TOKENS_KEPT:
            errors.fail("FULL_SYNC_REQUIRED")
        return generation

    # ------------------------------------------------------------------ Calendar

    def calendar_list(self, request: Request) -> dict[str, Any]:
        page = self._page(CALENDAR_PAGES, self.space.calendars, request)
        body: dict[str, Any] = {
            "kind": "calendar#calendarList",
            "etag": f'"p{self.space.generation}"',
            "items": list(page.items),
        }
        if page.next_token:
            body["nextPageToken"] = page.next_token
        else:
            body["nextSyncToken"] = _encode_token("CP", {"s": "list", "g": self.space.generation})
        return body

    def calendar_list_entry(self, request: Request, calendarId: str) -> dict[str, Any]:  # noqa: N803
        return self._calendar_entry(calendarId)

    def calendar(self, request: Request, calendarId: str) -> dict[str, Any]:  # noqa: N803
        entry = self._calendar_entry(calendarId)
        return {
            "kind": "calendar#calendar",
            "etag": entry["etag"],
            "id": entry["id"],
            "summary": entry["summary"],
            "timeZone": entry["timeZone"],
        }

    def events(self, request: Request, calendarId: str) -> dict[str, Any]:  # noqa: N803
        entry = self._calendar_entry(calendarId)
        stored = list(self.space.events[calendarId].values())
        token = request.args.get("syncToken")
        if token:
            clashing = [
                name
                for name in ("timeMin", "timeMax", "updatedMin", "q", "orderBy", "iCalUID")
                if name in request.args
            ]
            if clashing:
                errors.fail(
                    "INVALID_PARAMETER",
                    f"Parameter {clashing[0]} is not allowed together with syncToken",
                )
            since = self._sync_generation(token, f"events:{calendarId}")
            items = [e for e in stored if e["gen"] > since]  # cancelled ones included
        else:
            show_deleted = request.args.get("showDeleted") == "true"
            items = [e for e in stored if show_deleted or e["status"] != "cancelled"]
            items = self._in_time_range(items, request)
        page = self._page(CALENDAR_PAGES, items, request)
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"e{self.space.generation}"',
            "summary": entry["summary"],
            "updated": "2026-03-01T09:00:00.000Z",
            "timeZone": entry["timeZone"],
            "accessRole": "owner",
            "defaultReminders": entry["defaultReminders"],
            "items": [self._event_answer(e) for e in page.items],
        }
        if page.next_token:
            body["nextPageToken"] = page.next_token
        else:
            scope = f"events:{calendarId}"
            body["nextSyncToken"] = _encode_token("CP", {"s": scope, "g": self.space.generation})
        return body

    @staticmethod
    def _event_answer(event: Mapping[str, Any]) -> dict[str, Any]:
        if event["status"] == "cancelled":
            # Google answers a deleted event with its id and status only.
            return {"kind": "calendar#event", "etag": event["etag"], "id": event["id"],
                    "status": "cancelled"}  # fmt: skip
        return _public(event)

    @staticmethod
    def _in_time_range(items: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
        lower, upper = request.args.get("timeMin"), request.args.get("timeMax")
        if lower and upper and lower >= upper:
            errors.fail("INVALID_PARAMETER", "The specified time range is empty.")
        updated = request.args.get("updatedMin")
        return [e for e in items if not updated or e["updated"] >= updated]

    def event(self, request: Request, calendarId: str, eventId: str) -> dict[str, Any]:  # noqa: N803
        self._calendar_entry(calendarId)
        event = self.space.events[calendarId].get(eventId)
        if event is None:
            errors.fail("NOT_FOUND")
        return self._event_answer(event)

    def insert_event(self, request: Request, calendarId: str) -> Any:  # noqa: N803
        self._calendar_entry(calendarId)
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("start"), dict):
            errors.fail("BAD_REQUEST", "Missing start time.")
        if not isinstance(body.get("end"), dict):
            errors.fail("BAD_REQUEST", "Missing end time.")
        with self.data_lock:
            events = self.space.events[calendarId]
            event_id = hashlib.sha256(f"{calendarId}:{len(events)}".encode()).hexdigest()[:26]
            event = {
                "kind": "calendar#event",
                "etag": f'"{len(events)}"',
                "id": event_id,
                "status": "confirmed",
                "created": "2026-03-01T09:00:00.000Z",
                "updated": "2026-03-01T09:00:00.000Z",
                "summary": body.get("summary", ""),
                "description": body.get("description"),
                "start": body["start"],
                "end": body["end"],
                "creator": {"email": SERVICE_ACCOUNT},
                "organizer": {"email": calendarId},
                "iCalUID": f"{event_id}@google.com",
                "sequence": 0,
                "gen": self.space.generation,
            }
            events[event_id] = {k: v for k, v in event.items() if v is not None}
        return _public(events[event_id])

    # ------------------------------------------------------------------ Gmail

    def _user(self, user_id: str) -> None:
        if user_id not in ("me", OWNER):
            errors.fail("AUTH_ERROR", "Delegation denied for " + OWNER)

    def profile(self, request: Request, userId: str) -> dict[str, Any]:  # noqa: N803
        self._user(userId)
        live = self.space.live_messages()
        return {
            "emailAddress": OWNER,
            "messagesTotal": len(live),
            "threadsTotal": len(live),
            "historyId": str(self.space.history_id),
        }

    def messages(self, request: Request, userId: str) -> dict[str, Any]:  # noqa: N803
        self._user(userId)
        wanted = request.args.getlist("labelIds")
        live = [
            m
            for m in reversed(self.space.live_messages())  # newest first, as Gmail lists them
            if all(label in m["labelIds"] for label in wanted)
        ]
        page = self._page(GMAIL_PAGES, live, request)
        body: dict[str, Any] = {
            "messages": [{"id": m["id"], "threadId": m["threadId"]} for m in page.items],
            "resultSizeEstimate": len(live),
        }
        if page.next_token:
            body["nextPageToken"] = page.next_token
        return body

    def message(self, request: Request, userId: str, id: str) -> dict[str, Any]:  # noqa: N803
        self._user(userId)
        stored = self.space.messages.get(id)
        if stored is None or stored.get("deleted"):
            errors.fail("NOT_FOUND", "Requested entity was not found.")
        answer = _public(stored)
        shown = request.args.get("format", "full")
        if shown == "minimal":
            answer.pop("payload")
        elif shown == "metadata":
            answer["payload"] = {**answer["payload"], "body": {"size": 0}}
        elif shown == "raw":
            payload = answer.pop("payload")
            headers = "".join(f"{h['name']}: {h['value']}\r\n" for h in payload["headers"])
            text = _b64decode(payload["body"]["data"]).decode()
            answer["raw"] = base64.urlsafe_b64encode(f"{headers}\r\n{text}".encode()).decode()
        elif shown != "full":
            errors.fail("INVALID_PARAMETER", f"Invalid format: {shown}")
        return answer

    def send_message(self, request: Request, userId: str) -> Any:  # noqa: N803
        self._user(userId)
        body = request.get_json(silent=True)
        raw = body.get("raw") if isinstance(body, dict) else None
        try:
            text = _b64decode(raw).decode("utf-8") if isinstance(raw, str) else ""
        except (ValueError, binascii.Error):
            text = ""
        parsed = email.message_from_string(text, policy=email.policy.default)
        if not text or not parsed.get("To"):
            errors.fail("INVALID_ARGUMENT", "Invalid To header")
        with self.data_lock:
            count = len(self.space.messages)
            message_id = hashlib.sha256(f"sent:{count}:{text}".encode()).hexdigest()[:16]
            content = parsed.get_content() if not parsed.is_multipart() else ""
            data = base64.urlsafe_b64encode(str(content).encode()).decode().rstrip("=")
            headers = [{"name": k, "value": str(v)} for k, v in parsed.items()]
            self.space.messages[message_id] = {
                "id": message_id,
                "threadId": message_id,
                "labelIds": ["SENT"],
                "snippet": str(content)[:100],
                "historyId": str(self.space.history_id),
                "internalDate": "1772355600000",
                "sizeEstimate": len(text),
                "payload": {
                    "partId": "",
                    "mimeType": "text/plain",
                    "filename": "",
                    "headers": headers,
                    "body": {"size": len(str(content)), "data": data},
                },
                "gen": self.space.generation,
            }
        return {"id": message_id, "threadId": message_id, "labelIds": ["SENT"]}

    def history(self, request: Request, userId: str) -> dict[str, Any]:  # noqa: N803
        self._user(userId)
        since = whole_number(request.args.get("startHistoryId"), signed=False)
        if since is None:
            errors.fail("BAD_REQUEST", "Required parameter: startHistoryId")
        if since < (self.space.generation - TOKENS_KEPT) * HISTORY_STEP:
            errors.fail("HISTORY_NOT_FOUND")
        entries: list[dict[str, Any]] = []
        for n, message in enumerate(self.space.messages.values()):
            history_id = message["gen"] * HISTORY_STEP + n % HISTORY_STEP
            if message["gen"] * HISTORY_STEP + HISTORY_STEP - 1 <= since:
                continue
            brief = {"id": message["id"], "threadId": message["threadId"]}
            change = "messagesDeleted" if message.get("deleted") else "messagesAdded"
            listed = {**brief, "labelIds": message["labelIds"]}
            entries.append(
                {"id": str(history_id), "messages": [brief], change: [{"message": listed}]}
            )
        entries.sort(key=lambda entry: int(entry["id"]))
        page = self._page(GMAIL_PAGES, entries, request)
        body: dict[str, Any] = {
            "history": list(page.items),
            "historyId": str(self.space.history_id),
        }
        if page.next_token:
            body["nextPageToken"] = page.next_token
        return body

    def labels(self, request: Request, userId: str) -> dict[str, Any]:  # noqa: N803
        self._user(userId)
        return {"labels": self.space.labels}

    def label(self, request: Request, userId: str, id: str) -> dict[str, Any]:  # noqa: N803
        self._user(userId)
        label = next((x for x in self.space.labels if x["id"] == id), None)
        if label is None:
            errors.fail("NOT_FOUND", "Requested entity was not found.")
        return label

    # ------------------------------------------------------------------ Drive

    def files(self, request: Request) -> dict[str, Any]:
        items = self._queried(self.space.live_files(), request.args.get("q", ""))
        page = self._page(DRIVE_PAGES, items, request)
        shown = _drive_fields(request.args.get("fields"), "files")
        body: dict[str, Any] = {
            "kind": "drive#fileList",
            "incompleteSearch": False,
            "files": [_select(f, shown) for f in page.items],
        }
        if page.next_token:
            body["nextPageToken"] = page.next_token
        return body

    @staticmethod
    def _queried(files: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
        """Drive's ``q`` for the terms the sandbox understands (``trashed``, ``mimeType``)."""
        for term in filter(None, (t.strip() for t in re.split(r"\band\b", query))):
            match = re.fullmatch(r"(trashed|mimeType)\s*(=|!=)\s*'?([^']*)'?", term)
            if match is None:
                errors.fail("INVALID_PARAMETER", f"Invalid Value: q ({term})")
            name, operator, value = match.groups()
            expected: Any = value == "true" if name == "trashed" else value
            files = [f for f in files if (f[name] == expected) is (operator == "=")]
        return files

    def file(self, request: Request, fileId: str) -> dict[str, Any]:  # noqa: N803
        stored = self.space.files.get(fileId)
        if stored is None or stored.get("deleted"):
            errors.fail("NOT_FOUND", f"File not found: {fileId}.")
        return _select(stored, _drive_fields(request.args.get("fields"), None))

    def upload_file(self, request: Request) -> dict[str, Any]:
        """``uploadType=media`` (the body is the content) or ``multipart`` (JSON metadata,
        then the content, as ``multipart/related``)."""
        kind = request.args.get("uploadType")
        metadata: dict[str, Any] = {}
        if kind == "multipart":
            head = f"Content-Type: {request.headers.get('Content-Type', '')}\r\n\r\n"
            parsed = email.message_from_bytes(
                head.encode() + request.get_data(), policy=email.policy.default
            )
            parts = list(parsed.iter_parts()) if parsed.is_multipart() else []
            if parsed.get_content_type() != "multipart/related" or len(parts) != 2:
                errors.fail("BAD_REQUEST", "Multipart upload needs metadata and media parts")
            try:
                metadata = json.loads(_part_bytes(parts[0]) or b"{}")
            except ValueError:
                errors.fail("BAD_REQUEST", "Invalid JSON in the metadata part")
            content = _part_bytes(parts[1])
            mime = parts[1].get_content_type()
        elif kind == "media":
            content, mime = request.get_data(), request.mimetype or "application/octet-stream"
        else:
            errors.fail("INVALID_PARAMETER", "Invalid value for uploadType")
        if not isinstance(metadata, dict):
            errors.fail("BAD_REQUEST", "The metadata part must be a JSON object")
        with self.data_lock:
            file_id = "1U" + hashlib.sha256(f"{len(self.space.files)}".encode()).hexdigest()[:20]
            stored = {
                "kind": "drive#file",
                "id": file_id,
                "name": str(metadata.get("name") or "Untitled"),
                "mimeType": str(metadata.get("mimeType") or mime),
                "parents": metadata.get("parents") or ["0AsandboxRootFolder"],
                "createdTime": "2026-03-01T09:00:00.000Z",
                "modifiedTime": "2026-03-01T09:00:00.000Z",
                "version": "1",
                "trashed": False,
                "size": str(len(content)),
                "md5Checksum": hashlib.md5(content, usedforsecurity=False).hexdigest(),
                "gen": self.space.generation,
            }
            self.space.files[file_id] = stored
            self.uploads[file_id] = content
        return _select(stored, _drive_fields(request.args.get("fields"), None))

    def start_page_token(self, request: Request) -> dict[str, Any]:
        return {"kind": "drive#startPageToken", "startPageToken": str(self.space.generation)}

    def drive_changes(self, request: Request) -> dict[str, Any]:
        token = request.args.get("pageToken", "")
        if not token:
            errors.fail("BAD_REQUEST", "Required parameter: pageToken")
        # A start token is a generation; a next page's token adds where the page starts.
        since_text, _, offset_text = token.partition("~")
        since = whole_number(since_text, signed=False)
        offset = whole_number(offset_text or "0", signed=False)
        if since is None or offset is None or since > self.space.generation:
            errors.fail("INVALID_PARAMETER", "Invalid Value: pageToken")
        size = whole_number(request.args.get("pageSize", "100"), signed=False)
        if size is None or not 1 <= size <= 1000:
            errors.fail("INVALID_PARAMETER", "Invalid value for pageSize")
        include_removed = request.args.get("includeRemoved", "true") != "false"
        shown = _drive_fields(request.args.get("fields"), "changes", "file")
        feed = []
        for item in self.space.files.values():
            if item["gen"] <= since or (item.get("deleted") and not include_removed):
                continue
            change: dict[str, Any] = {
                "kind": "drive#change",
                "changeType": "file",
                "time": item["modifiedTime"],
                "removed": bool(item.get("deleted")),
                "fileId": item["id"],
            }
            if not item.get("deleted"):
                change["file"] = _select(item, shown)
            feed.append(change)
        end = offset + size
        body: dict[str, Any] = {"kind": "drive#changeList", "changes": feed[offset:end]}
        if end < len(feed):
            body["nextPageToken"] = f"{since}~{end}"
        else:
            body["newStartPageToken"] = str(self.space.generation)
        return body

    # ------------------------------------------------------------------ Docs

    def document(self, request: Request, documentId: str) -> dict[str, Any]:  # noqa: N803
        stored = self.space.files.get(documentId)
        document = self.space.documents.get(documentId)
        if stored is None or stored.get("deleted") or document is None:
            errors.fail("NOT_FOUND", "Requested entity was not found.")
        return document


def _part_bytes(part: Any) -> bytes:
    """The decoded bytes of one part of a multipart body."""
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _drive_fields(
    fields: str | None, listing: str | None, inner: str | None = None
) -> tuple[str, ...] | None:
    """The file fields ``fields=`` asks for (None: all of them), Drive's default otherwise.

    ``*``, ``files(*)`` and ``changes(file(*))`` ask for every field; ``files(id,name)``
    for those.
    """
    if not fields:
        return DRIVE_DEFAULT_FIELDS
    if fields.strip() == "*":
        return None
    pattern = rf"{listing}\(([^()]*(?:\([^()]*\))?[^()]*)\)" if listing else None
    chosen = fields
    if pattern:
        match = re.search(pattern, fields)
        if match is None:
            return DRIVE_DEFAULT_FIELDS
        chosen = match.group(1)
    if inner:
        match = re.search(rf"{inner}\(([^()]*)\)", chosen)
        chosen = match.group(1) if match else ("*" if chosen.strip() == "*" else "")
    names = tuple(n.strip() for n in chosen.split(",") if n.strip())
    return None if "*" in names else (names or DRIVE_DEFAULT_FIELDS)


def _select(item: Mapping[str, Any], fields: tuple[str, ...] | None) -> dict[str, Any]:
    public = _public(item)
    if fields is None:
        return public
    return {k: public[k] for k in fields if k in public}
