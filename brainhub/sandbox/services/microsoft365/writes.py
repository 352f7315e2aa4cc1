"""Graph's writes on the emulator: channel messages (201), calendar events (201) and
``sendMail`` (202, a copy in the sender's Sent Items), each journalled so that later
processes replay it (:mod:`brainhub.sandbox.kit.journal`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from werkzeug.exceptions import abort
from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import Change, Draft, Replay
from brainhub.sandbox.kit.oauth import CLIENT_ID
from brainhub.sandbox.services.microsoft365.dataset import Tenant
from brainhub.sandbox.services.microsoft365.errors import ERRORS


class GraphWrites:
    """The write handlers of :class:`~.emulator.Microsoft365Emulator` (a mixin)."""

    tenant: Tenant
    applied: list[Change]
    clock: Callable[[], float]
    record_change: Callable[[Callable[[], Draft]], Change]
    _owned: Callable[..., dict[str, dict[str, Any]]]
    _user: Callable[[str], dict[str, Any]]

    def change_replay(self) -> Replay:
        def applier(kind: tuple[str, str]) -> Callable[[Change], None]:
            def apply(change: Change) -> None:
                APPLY[kind](self.tenant, change)
                self.applied.append(change)

            return apply

        return Replay({kind: applier(kind) for kind in APPLY})

    def _json_body(self, request: Request) -> dict[str, Any]:
        try:
            body = json.loads(request.get_data(as_text=True) or "null")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            abort(bad_request("Empty Payload. JSON content expected."))
        return body

    def post_channel_message(self, request: Request, team_id: str, channel_id: str) -> Any:
        body = self._json_body(request)
        content = body.get("body")
        if not isinstance(content, dict) or not str(content.get("content") or "").strip():
            return bad_request("Missing body content")
        key = ("channel_messages", team_id, channel_id)

        def build() -> Draft:
            self._owned(*key)
            now = self.clock()
            mid = str(int(now * 1000))
            while mid in self.tenant.collections[key]:
                mid = str(int(mid) + 1)
            when = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            message = {
                "id": mid,
                "replyToId": None,
                "etag": mid,
                "messageType": "message",
                "createdDateTime": when,
                "lastModifiedDateTime": when,
                "lastEditedDateTime": None,
                "deletedDateTime": None,
                "subject": body.get("subject"),
                "importance": body.get("importance", "normal"),
                "locale": "en-us",
                "from": {"application": {"id": CLIENT_ID, "displayName": "brainhub sandbox app"}},
                "body": {
                    "contentType": content.get("contentType", "text"),
                    "content": content["content"],
                },
                "channelIdentity": {"teamId": team_id, "channelId": channel_id},
                "attachments": [],
                "mentions": [],
                "reactions": [],
            }
            return Draft("create", "channel_message", mid, {"key": list(key), "item": message})

        change = self.record_change(build)
        return Response(
            json.dumps(change.data["item"]), status=201, content_type="application/json"
        )

    def post_event(self, request: Request, user_id: str) -> Any:
        body = self._json_body(request)
        for part in ("start", "end"):
            value = body.get(part)
            if not isinstance(value, dict) or not value.get("dateTime"):
                return bad_request(f"Property '{part}' is required: dateTime and timeZone.")
        uid = self._user(user_id)["id"]
        owner = self.tenant.collection("users")[uid]

        def build() -> Draft:
            now = datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            eid = "AAMkAE" + hashlib.sha256(f"{uid}|{now}|{len(self.applied)}".encode()).hexdigest()
            event = {
                "id": eid,
                "createdDateTime": now,
                "lastModifiedDateTime": now,
                "subject": body.get("subject", ""),
                "bodyPreview": str((body.get("body") or {}).get("content", ""))[:255],
                "body": body.get("body") or {"contentType": "html", "content": ""},
                "start": body["start"],
                "end": body["end"],
                "isAllDay": bool(body.get("isAllDay", False)),
                "isCancelled": False,
                "isOnlineMeeting": bool(body.get("isOnlineMeeting", False)),
                "showAs": body.get("showAs", "busy"),
                "type": "singleInstance",
                "location": body.get("location") or {"displayName": ""},
                "organizer": {
                    "emailAddress": {"name": owner["displayName"], "address": owner["mail"]}
                },
                "attendees": body.get("attendees") or [],
                "webLink": f"https://outlook.office365.com/owa/?itemid={eid}",
            }
            return Draft("create", "event", eid, {"key": ["events", uid], "item": event})

        change = self.record_change(build)
        return Response(
            json.dumps(change.data["item"]), status=201, content_type="application/json"
        )

    def send_mail(self, request: Request, user_id: str) -> Any:
        body = self._json_body(request)
        message = body.get("message")
        if not isinstance(message, dict) or not message.get("toRecipients"):
            return bad_request("At least one recipient is required.")
        uid = self._user(user_id)["id"]
        owner = self.tenant.collection("users")[uid]
        folders = self.tenant.collection("mail_folders", uid)
        sent = next((f for f, v in folders.items() if v["displayName"] == "Sent Items"), None)
        if sent is None or body.get("saveToSentItems") is False:
            return Response(status=202)  # sent; no copy kept

        def build() -> Draft:
            now = datetime.fromtimestamp(self.clock(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            mid = "AAMkAG" + hashlib.sha256(f"{uid}|{now}|{len(self.applied)}".encode()).hexdigest()
            sender = {"emailAddress": {"name": owner["displayName"], "address": owner["mail"]}}
            item = {
                "id": mid,
                "createdDateTime": now,
                "lastModifiedDateTime": now,
                "receivedDateTime": now,
                "sentDateTime": now,
                "subject": message.get("subject", ""),
                "bodyPreview": str((message.get("body") or {}).get("content", ""))[:255],
                "body": message.get("body") or {"contentType": "text", "content": ""},
                "importance": "normal",
                "isRead": True,
                "isDraft": False,
                "hasAttachments": False,
                "conversationId": "AAQkAD" + mid[6:26],
                "parentFolderId": sent,
                "from": sender,
                "sender": sender,
                "toRecipients": message["toRecipients"],
                "ccRecipients": message.get("ccRecipients") or [],
                "categories": [],
                "webLink": f"https://outlook.office365.com/owa/?ItemID={mid}",
            }
            return Draft("create", "message", mid, {"key": ["messages", uid, sent], "item": item})

        self.record_change(build)
        return Response(status=202)


def _create(tenant: Tenant, change: Change) -> None:
    key = tuple(change.data["key"])
    if key in tenant.collections:  # its owner may be gone in a later generation
        tenant.collections[key][change.id] = dict(change.data["item"])


APPLY: dict[tuple[str, str], Callable[[Tenant, Change], None]] = {
    ("channel_message", "create"): _create,
    ("event", "create"): _create,
    ("message", "create"): _create,
}


def bad_request(message: str) -> Response:
    """Graph's 400 ``BadRequest`` with ``message``."""
    response = ERRORS.response("BAD_REQUEST")
    body = json.loads(response.get_data())
    body["error"]["message"] = message
    response.set_data(json.dumps(body, separators=(",", ":")))
    return response
