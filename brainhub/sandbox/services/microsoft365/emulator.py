"""The Microsoft Graph v1.0 emulator: users, Teams, Outlook mail and calendars, OneDrive.

- **Auth**: app-only tokens from Microsoft's identity platform,
  ``POST /{tenant}/oauth2/v2.0/token`` (client credentials, scope
  ``https://graph.microsoft.com/.default``), served beside the API (``/v1.0``) on the same
  port; the sandbox's ``authority_url`` credential points the connector at it.
- **Listings**: ``{"@odata.context", "value", "@odata.nextLink"}`` with absolute next links
  carrying an opaque ``$skiptoken``; ``$top``, ``$select`` and ``$filter`` (comparisons and
  ``startswith``) on every listing (:mod:`.listing`).
- **Delta**: ``users/delta``, mail folders and messages per folder, events and calendar
  view, drive items and channel messages. A whole read ends with ``@odata.deltaLink``;
  that link answers what changed since — by later generations (``brainhub sandbox
  mutate``) and by writes — with ``@removed`` for what is gone; stale, foreign or damaged
  tokens answer 410 (``syncStateNotFound`` / ``resyncRequired``).
- **Manners**: every answer has ``request-id`` and ``client-request-id`` headers, and every
  error Graph's ``{"error": {"code", "message", "innerError"}}`` body; over the rate limit
  it answers 429 with ``Retry-After``.
- **Writes**: channel messages (201), calendar events (201), ``sendMail`` (202, the message
  lands in the sender's Sent Items), journalled so later processes replay them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from brainhub.sandbox.kit import Change, HttpManners, KitEmulator
from brainhub.sandbox.kit.oauth import CLIENT_ID, OAuthProfile
from brainhub.sandbox.ratelimit import RateLimitDecision
from brainhub.sandbox.server import ROOT_URL_PLACEHOLDER
from brainhub.sandbox.services.microsoft365 import dataset, listing
from brainhub.sandbox.services.microsoft365.dataset import TENANT_ID, Tenant, drive_id
from brainhub.sandbox.services.microsoft365.errors import ERRORS
from brainhub.sandbox.services.microsoft365.operations import OPERATIONS
from brainhub.sandbox.services.microsoft365.writes import APPLY, GraphWrites, bad_request

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
#: The listings a default sync reads, by stream: what ``counts`` reports.
COUNTED = {
    "users": "users",
    "teams": "teams",
    "channels": "channels",
    "channel_messages": "channel_messages",
    "mail_folders": "mail_folders",
    "messages": "messages",
    "events": "events",
    "drive_items": "drive_items",
}


@lru_cache(maxsize=8)
def _tenant(seed: int, size: str, generation: int) -> Tenant:
    return dataset.build(seed, size, generation)


class Microsoft365Emulator(GraphWrites, KitEmulator):
    """Microsoft Graph v1.0 on the kit; see the module doc."""

    service = "microsoft365"
    base_path = "/v1.0"
    operations = OPERATIONS
    surface_file = Path(__file__).with_name("surface.json")
    manners = HttpManners("application/json; odata.metadata=minimal; charset=utf-8")
    shape_host = "graph.microsoft.com"
    #: Outlook's documented limit: 10,000 requests per 10 minutes per app and mailbox.
    default_rate_limit = 10_000
    rate_limit_window_s = 600.0
    oauth: ClassVar[OAuthProfile | None] = OAuthProfile(
        endpoint=f"/{TENANT_ID}/oauth2/v2.0/token",
        type_spelling="Bearer",
        prefix="eyJ0eXAiOiJKV1Qi.",
        client_credentials=True,
        scope=GRAPH_SCOPE,
        vendor_fields=lambda emulator: {"ext_expires_in": int(emulator.oauth_ttl_s or 3600)},
    )

    # ------------------------------------------------------------------ dataset

    def load(self) -> None:
        self.tenant = _tenant(self.seed, self.size, self.generation).copy()
        #: Writes applied to this tenant, in journal order (delta tokens name a position).
        self.applied: list[Change] = []
        self.replay_changes()

    @property
    def credentials(self) -> dict[str, str]:
        issuer = self.token_issuer
        assert issuer is not None
        return {
            "tenant_id": TENANT_ID,
            "client_id": CLIENT_ID,
            "client_secret": issuer.app_client_secret(),
            "authority_url": ROOT_URL_PLACEHOLDER,
        }

    def counts(self) -> dict[str, int]:
        counts = {stream: self.tenant.count(kind) for stream, kind in COUNTED.items()}
        # every user has a OneDrive, and a mailbox read through mailbox_owners
        counts["drives"] = counts["mailbox_owners"] = counts["users"]
        return dict(sorted(counts.items()))

    def changes(self, since_generation: int) -> dict[str, int]:
        before = _tenant(self.seed, self.size, since_generation)
        out: dict[str, int] = {}
        for stream, kind in COUNTED.items():
            old = {(k, i): v for k, items in before.of_kind(kind) for i, v in items.items()}
            new = {(k, i): v for k, items in self.tenant.of_kind(kind) for i, v in items.items()}
            out[f"{stream}_changed"] = sum(1 for key, v in new.items() if old.get(key) != v)
            out[f"{stream}_deleted"] = sum(1 for key in old if key not in new)
        # every user has one OneDrive, made and deleted with them
        old_users, new_users = before.collection("users"), self.tenant.collection("users")
        out["drives_changed"] = sum(1 for uid in new_users if uid not in old_users)
        out["drives_deleted"] = out["users_deleted"]
        out["mailbox_owners_changed"] = out["drives_changed"]
        out["mailbox_owners_deleted"] = out["users_deleted"]
        return dict(sorted(out.items()))

    # ------------------------------------------------------------------ manners

    def authenticate(self, request: Request) -> Response | None:
        if self.bearer_token_issued(request):
            return None
        header = request.headers.get("Authorization", "")
        return ERRORS.response("TOKEN_EXPIRED" if header else "UNAUTHENTICATED")

    def throttled_response(self, decision: RateLimitDecision) -> Response:
        response = ERRORS.response("THROTTLED")
        response.headers["Retry-After"] = str(decision.retry_after_whole_s)
        return response

    def not_found_response(self, request: Request) -> Response:
        return ERRORS.response("NOT_FOUND")

    def server_error_response(self, status: int) -> Response:
        response = ERRORS.response("GENERAL")
        response.status_code = status
        return response

    def missing_query_response(self, name: str) -> Response:
        return ERRORS.response("BAD_REQUEST")

    def dress(self, request: Request, response: Response) -> Response:
        request_id = str(uuid.uuid4())
        client_id = request.headers.get("client-request-id") or request_id
        response.headers["request-id"] = request_id
        response.headers["client-request-id"] = client_id
        if response.status_code >= 400 and response.mimetype == "application/json":
            try:
                body = json.loads(response.get_data())
            except ValueError:
                body = None
            error = body.get("error") if isinstance(body, dict) else None
            inner = error.get("innerError") if isinstance(error, dict) else None
            if isinstance(inner, dict):
                inner.update(
                    {
                        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                        "request-id": request_id,
                        "client-request-id": client_id,
                    }
                )
                response.set_data(json.dumps(body, separators=(",", ":")))
        return super().dress(request, response)

    def shape_context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        return {**values, "tenantId": TENANT_ID}

    # ------------------------------------------------------------------ listings

    def _secret(self, key: tuple[str, ...]) -> str:
        return f"microsoft365|{self.seed}|{self.size}|{'/'.join(key)}"

    def _listing(
        self,
        request: Request,
        key: tuple[str, ...],
        *,
        kind: str,
        delta: bool = False,
        items: Callable[[Tenant], list[dict[str, Any]]] | None = None,
    ) -> Response | dict[str, Any]:
        """One page of the collection ``key`` (or of ``items``), a delta read when asked."""
        secret = self._secret(key)
        skip = request.args.get("$skiptoken")
        token = request.args.get("$deltatoken")
        if skip is not None:
            state = listing.decode(skip, secret)
            if state is None:
                return ERRORS.response("BAD_REQUEST")
        else:
            state = {"o": 0, "q": self._options(request, delta)}
            if token is not None:
                since = listing.decode(token, secret)
                if since is None:
                    return ERRORS.response("SYNC_STATE_NOT_FOUND")
                if since["g"] > self.generation or since["s"] > len(self.applied):
                    return ERRORS.response("RESYNC_REQUIRED")
                if self.generation - since["g"] > listing.DELTA_TOKEN_GENERATIONS:
                    return ERRORS.response("SYNC_STATE_NOT_FOUND")
                state = {"o": 0, "q": since["q"], "since": [since["g"], since["s"]]}
        options = state["q"]
        try:
            keep = listing.where(options.get("filter"))
            top = listing.page_size(
                {"$top": options.get("top")} if options.get("top") else {}, kind
            )
        except listing.QueryError as exc:
            return bad_request(str(exc))
        rows = self._rows(key, items, state.get("since"), kind)
        if options.get("window"):
            start, end = options["window"]
            rows = [r for r in rows if _removed(r) or _in_window(r, start, end)]
        rows = [r for r in rows if _removed(r) or keep(r)]
        offset = int(state["o"])
        page = listing.select(rows[offset : offset + top], options.get("select"))
        link = request.base_url
        body: dict[str, Any] = {
            "@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#{kind}",
            "value": page,
        }
        if offset + top < len(rows):
            following = listing.encode({**state, "o": offset + top}, secret)
            body["@odata.nextLink"] = f"{link}?$skiptoken={quote(following)}"
        elif delta:
            issued = {"g": self.generation, "s": len(self.applied), "q": options}
            body["@odata.deltaLink"] = f"{link}?$deltatoken={quote(listing.encode(issued, secret))}"
        return body

    def _options(self, request: Request, delta: bool) -> dict[str, Any]:
        args = request.args
        options: dict[str, Any] = {
            name[1:]: args[name] for name in ("$select", "$filter", "$top") if args.get(name)
        }
        start, end = args.get("startDateTime"), args.get("endDateTime")
        if start and end:
            options["window"] = [start, end]
        return options

    def _rows(
        self,
        key: tuple[str, ...],
        items: Callable[[Tenant], list[dict[str, Any]]] | None,
        since: list[int] | None,
        kind: str,
    ) -> list[dict[str, Any]]:
        def of(tenant: Tenant) -> list[dict[str, Any]]:
            if items is not None:
                return items(tenant)
            return list((tenant.find(*key) or {}).values())

        current = of(self.tenant)
        if since is None:
            return current
        before = {row["id"]: row for row in of(self._tenant_at(*since))}
        now = {row["id"]: row for row in current}
        changed = [row for rid, row in now.items() if before.get(rid) != row]
        removed = [_removal(kind, rid) for rid in before if rid not in now]
        return changed + removed

    def _tenant_at(self, generation: int, applied: int) -> Tenant:
        """The tenant as a delta token issued at ``(generation, applied writes)`` saw it."""
        tenant = _tenant(self.seed, self.size, generation).copy()
        for change in self.applied[:applied]:
            APPLY[(change.object, change.op)](tenant, change)
        return tenant

    def _owned(self, *key: str, error: str = "NOT_FOUND") -> dict[str, dict[str, Any]]:
        found = self.tenant.find(*key)
        if found is None:
            ERRORS.fail(error)
        return found

    def _user(self, user_id: str) -> dict[str, Any]:
        user = self.tenant.collection("users").get(user_id)
        if user is None:
            users = self.tenant.collection("users").values()
            user = next((u for u in users if u["userPrincipalName"] == user_id), None)
        if user is None:
            ERRORS.fail("USER_NOT_FOUND")
        return user

    def _one(self, items: Mapping[str, dict[str, Any]], item_id: str, error: str) -> Any:
        item = items.get(item_id)
        if item is None:
            ERRORS.fail(error)
        return {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata", **item}

    # ------------------------------------------------------------------ directory

    def list_users(self, request: Request) -> Any:
        return self._listing(request, ("users",), kind="users")

    def users_delta(self, request: Request) -> Any:
        return self._listing(request, ("users",), kind="users", delta=True)

    def get_user(self, request: Request, user_id: str) -> Any:
        return self._one({user_id: self._user(user_id)}, user_id, "USER_NOT_FOUND")

    # ------------------------------------------------------------------ Teams

    def list_teams(self, request: Request) -> Any:
        return self._listing(request, ("teams",), kind="teams")

    def get_team(self, request: Request, team_id: str) -> Any:
        return self._one(self.tenant.collection("teams"), team_id, "NOT_FOUND")

    def joined_teams(self, request: Request, user_id: str) -> Any:
        self._user(user_id)
        return self._listing(request, ("teams",), kind="teams")

    def list_channels(self, request: Request, team_id: str) -> Any:
        self._owned("channels", team_id)
        return self._listing(request, ("channels", team_id), kind="channels")

    def primary_channel(self, request: Request, team_id: str) -> Any:
        channels = self._owned("channels", team_id)
        return self._one(channels, next(iter(channels)), "NOT_FOUND")

    def get_channel(self, request: Request, team_id: str, channel_id: str) -> Any:
        return self._one(self._owned("channels", team_id), channel_id, "NOT_FOUND")

    def list_channel_messages(self, request: Request, team_id: str, channel_id: str) -> Any:
        key = ("channel_messages", team_id, channel_id)
        self._owned(*key)
        return self._listing(request, key, kind="chatMessage")

    def channel_messages_delta(self, request: Request, team_id: str, channel_id: str) -> Any:
        key = ("channel_messages", team_id, channel_id)
        self._owned(*key)
        return self._listing(request, key, kind="chatMessage", delta=True)

    def get_channel_message(
        self, request: Request, team_id: str, channel_id: str, chat_message_id: str
    ) -> Any:
        messages = self._owned("channel_messages", team_id, channel_id)
        return self._one(messages, chat_message_id, "NOT_FOUND")

    def list_replies(
        self, request: Request, team_id: str, channel_id: str, chat_message_id: str
    ) -> Any:
        self.get_channel_message(request, team_id, channel_id, chat_message_id)
        key = ("replies", team_id, channel_id, chat_message_id)
        return self._listing(request, key, kind="chatMessage", items=lambda t: [])

    def replies_delta(
        self, request: Request, team_id: str, channel_id: str, chat_message_id: str
    ) -> Any:
        self.get_channel_message(request, team_id, channel_id, chat_message_id)
        key = ("replies", team_id, channel_id, chat_message_id)
        return self._listing(request, key, kind="chatMessage", delta=True, items=lambda t: [])

    def team_all_messages(self, request: Request, team_id: str) -> Any:
        self._owned("channels", team_id)

        def rows(tenant: Tenant) -> list[dict[str, Any]]:
            return [
                m
                for k, items in tenant.of_kind("channel_messages")
                if k[1] == team_id
                for m in items.values()
            ]

        return self._listing(request, ("team_messages", team_id), kind="chatMessage", items=rows)

    def all_team_messages(self, request: Request) -> Any:
        def rows(tenant: Tenant) -> list[dict[str, Any]]:
            return [m for _, items in tenant.of_kind("channel_messages") for m in items.values()]

        return self._listing(request, ("all_team_messages",), kind="chatMessage", items=rows)

    # ------------------------------------------------------------------ mail

    def list_mail_folders(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._listing(request, ("mail_folders", uid), kind="mailFolder")

    def mail_folders_delta(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._listing(request, ("mail_folders", uid), kind="mailFolder", delta=True)

    def get_mail_folder(self, request: Request, user_id: str, folder_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._one(self.tenant.collection("mail_folders", uid), folder_id, "MAIL_NOT_FOUND")

    def child_folders(self, request: Request, user_id: str, folder_id: str) -> Any:
        self.get_mail_folder(request, user_id, folder_id)
        key = ("child_folders", user_id, folder_id)
        return self._listing(request, key, kind="mailFolder", items=lambda t: [])

    def _folder_key(self, user_id: str, folder_id: str) -> tuple[str, ...]:
        uid = self._user(user_id)["id"]
        key = ("messages", uid, folder_id)
        self._owned(*key, error="MAIL_NOT_FOUND")
        return key

    def list_folder_messages(self, request: Request, user_id: str, folder_id: str) -> Any:
        return self._listing(request, self._folder_key(user_id, folder_id), kind="message")

    def folder_messages_delta(self, request: Request, user_id: str, folder_id: str) -> Any:
        key = self._folder_key(user_id, folder_id)
        return self._listing(request, key, kind="message", delta=True)

    def get_folder_message(
        self, request: Request, user_id: str, folder_id: str, message_id: str
    ) -> Any:
        messages = self.tenant.collections[self._folder_key(user_id, folder_id)]
        return self._one(messages, message_id, "MAIL_NOT_FOUND")

    def _all_mail(self, uid: str) -> Callable[[Tenant], list[dict[str, Any]]]:
        return lambda t: [
            m for k, items in t.of_kind("messages") if k[1] == uid for m in items.values()
        ]

    def list_user_messages(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._listing(request, ("all_mail", uid), kind="message", items=self._all_mail(uid))

    def user_messages_delta(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        key = ("all_mail", uid)
        return self._listing(request, key, kind="message", delta=True, items=self._all_mail(uid))

    def get_user_message(self, request: Request, user_id: str, message_id: str) -> Any:
        uid = self._user(user_id)["id"]
        everything = {m["id"]: m for m in self._all_mail(uid)(self.tenant)}
        return self._one(everything, message_id, "MAIL_NOT_FOUND")

    # ------------------------------------------------------------------ calendar

    def _calendar(self, uid: str) -> dict[str, Any]:
        owner = self.tenant.collection("users")[uid]
        return {
            "id": "AAMkAC" + hashlib.sha256(uid.encode()).hexdigest()[:24],
            "name": "Calendar",
            "color": "auto",
            "isDefaultCalendar": True,
            "canEdit": True,
            "canShare": True,
            "canViewPrivateItems": True,
            "owner": {"name": owner["displayName"], "address": owner["mail"]},
        }

    def get_calendar(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._calendar(uid)

    def list_calendars(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        calendar = self._calendar(uid)
        return self._listing(
            request, ("calendars", uid), kind="calendar", items=lambda t: [calendar]
        )

    def _checked_calendar(self, user_id: str, calendar_id: str) -> str:
        uid = self._user(user_id)["id"]
        if calendar_id != self._calendar(uid)["id"]:
            ERRORS.fail("MAIL_NOT_FOUND")
        return uid

    def get_calendar_by_id(self, request: Request, user_id: str, calendar_id: str) -> Any:
        return self._calendar(self._checked_calendar(user_id, calendar_id))

    def list_events(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._listing(request, ("events", uid), kind="event")

    def list_calendar_events(self, request: Request, user_id: str, calendar_id: str) -> Any:
        uid = self._checked_calendar(user_id, calendar_id)
        return self._listing(request, ("events", uid), kind="event")

    def get_calendar_event(
        self, request: Request, user_id: str, calendar_id: str, event_id: str
    ) -> Any:
        uid = self._checked_calendar(user_id, calendar_id)
        return self._one(self.tenant.collection("events", uid), event_id, "MAIL_NOT_FOUND")

    def calendar_events_delta(self, request: Request, user_id: str, calendar_id: str) -> Any:
        uid = self._checked_calendar(user_id, calendar_id)
        return self._listing(request, ("events", uid), kind="event", delta=True)

    def events_delta(self, request: Request, user_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._listing(request, ("events", uid), kind="event", delta=True)

    def get_event(self, request: Request, user_id: str, event_id: str) -> Any:
        uid = self._user(user_id)["id"]
        return self._one(self.tenant.collection("events", uid), event_id, "MAIL_NOT_FOUND")

    def event_instances(self, request: Request, user_id: str, event_id: str) -> Any:
        self.get_event(request, user_id, event_id)
        if not self._window_given(request):
            return ERRORS.response("MISSING_WINDOW")
        key = ("instances", user_id, event_id)
        return self._listing(request, key, kind="event", items=lambda t: [])

    def _window_given(self, request: Request) -> bool:
        return bool(request.args.get("startDateTime") and request.args.get("endDateTime"))

    def _view(self, request: Request, uid: str, delta: bool) -> Any:
        resuming = "$skiptoken" in request.args or "$deltatoken" in request.args
        if not resuming and not self._window_given(request):
            return ERRORS.response("MISSING_WINDOW")
        return self._listing(request, ("events", uid), kind="event", delta=delta)

    def calendar_view(self, request: Request, user_id: str) -> Any:
        return self._view(request, self._user(user_id)["id"], delta=False)

    def calendar_view_delta(self, request: Request, user_id: str) -> Any:
        return self._view(request, self._user(user_id)["id"], delta=True)

    def calendar_view_of(self, request: Request, user_id: str, calendar_id: str) -> Any:
        return self._view(request, self._checked_calendar(user_id, calendar_id), delta=False)

    def calendar_view_delta_of(self, request: Request, user_id: str, calendar_id: str) -> Any:
        return self._view(request, self._checked_calendar(user_id, calendar_id), delta=True)

    # ------------------------------------------------------------------ drives

    def _drive(self, uid: str) -> dict[str, Any]:
        owner = self.tenant.collection("users")[uid]
        return {
            "id": drive_id(uid),
            "driveType": "business",
            "name": "OneDrive",
            "createdDateTime": owner["createdDateTime"],
            "lastModifiedDateTime": owner["createdDateTime"],
            "webUrl": f"https://contoso-my.sharepoint.com/personal/{uid[:8]}/Documents",
            "owner": {"user": {"id": uid, "displayName": owner["displayName"]}},
            "quota": {
                "total": 1099511627776,
                "used": 0,
                "remaining": 1099511627776,
                "state": "normal",
            },
        }

    def _drive_owner(self, drive: str) -> str:
        for uid in self.tenant.collection("users"):
            if drive_id(uid) == drive:
                return uid
        return ERRORS.fail("ITEM_NOT_FOUND")

    def list_drives(self, request: Request) -> Any:
        return self._listing(
            request,
            ("drives",),
            kind="drive",
            items=lambda t: [self._drive(uid) for uid in t.collection("users")],
        )

    def user_drive(self, request: Request, user_id: str) -> Any:
        return self._drive(self._user(user_id)["id"])

    def user_drives(self, request: Request, user_id: str) -> Any:
        drive = self._drive(self._user(user_id)["id"])
        return self._listing(
            request, ("user_drives", user_id), kind="drive", items=lambda t: [drive]
        )

    def get_drive(self, request: Request, drive_id: str) -> Any:
        return self._drive(self._drive_owner(drive_id))

    def drive_root(self, request: Request, drive_id: str) -> Any:
        uid = self._drive_owner(drive_id)
        drive = self._drive(uid)
        return {
            "id": "01ROOT" + uid.replace("-", "")[:20].upper(),
            "name": "root",
            "root": {},
            "folder": {"childCount": len(self.tenant.collection("drive_items", uid))},
            "createdDateTime": drive["createdDateTime"],
            "lastModifiedDateTime": drive["lastModifiedDateTime"],
            "webUrl": drive["webUrl"],
            "parentReference": {"driveId": drive_id, "driveType": "business"},
        }

    def drive_children(self, request: Request, drive_id: str) -> Any:
        uid = self._drive_owner(drive_id)
        return self._listing(request, ("drive_items", uid), kind="driveItem")

    def drive_delta(self, request: Request, drive_id: str) -> Any:
        uid = self._drive_owner(drive_id)
        return self._listing(request, ("drive_items", uid), kind="driveItem", delta=True)

    def get_drive_item(self, request: Request, drive_id: str, item_id: str) -> Any:
        uid = self._drive_owner(drive_id)
        return self._one(self.tenant.collection("drive_items", uid), item_id, "ITEM_NOT_FOUND")

    def item_children(self, request: Request, drive_id: str, item_id: str) -> Any:
        self.get_drive_item(request, drive_id, item_id)
        key = ("children", drive_id, item_id)
        return self._listing(request, key, kind="driveItem", items=lambda t: [])

    def item_delta(self, request: Request, drive_id: str, item_id: str) -> Any:
        self.get_drive_item(request, drive_id, item_id)
        key = ("children", drive_id, item_id)
        return self._listing(request, key, kind="driveItem", delta=True, items=lambda t: [])


def _removal(kind: str, item_id: str) -> dict[str, Any]:
    """How a delta reports an item gone: OneDrive with the ``deleted`` facet, the others with
    ``@removed`` (``changed`` for users: deleted users stay restorable for 30 days)."""
    if kind == "driveItem":
        return {"id": item_id, "deleted": {"state": "deleted"}}
    return {"id": item_id, "@removed": {"reason": "changed" if kind == "users" else "deleted"}}


def _removed(row: Mapping[str, Any]) -> bool:
    return "@removed" in row or "deleted" in row


def _in_window(event: Mapping[str, Any], start: str, end: str) -> bool:
    begins = str((event.get("start") or {}).get("dateTime", ""))[:19]
    finishes = str((event.get("end") or {}).get("dateTime", ""))[:19]
    return begins < end[:19] and finishes > start[:19]
