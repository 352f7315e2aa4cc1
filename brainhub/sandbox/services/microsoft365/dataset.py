"""The seeded Microsoft 365 tenant: users, Teams, mail, calendars and OneDrive.

Every listing Graph serves is one *collection* of the :class:`Tenant`, keyed by what it
belongs to: ``("users",)``, ``("channels", team_id)``, ``("messages", user_id, folder_id)``…
Objects are plain dicts in Graph's shapes. A tenant is a function of ``(seed, size,
generation)``: generation 0 is the seeded one and each later generation changes, adds and
deletes a few objects of every kind (its own random stream), so ``brainhub sandbox mutate``
shows up in the next delta as changed and ``@removed`` items.
"""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

#: The tenant every object belongs to (Graph's own sample tenant id shape).
TENANT_ID = "2432b57b-0abd-43db-aa7b-16eadd115d34"
DOMAIN = "contoso.example"
#: The dataset's "now": generation 0 objects are older, later generations newer.
EPOCH = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

#: Per size: users, teams, channels per team, messages per channel, mail folders per
#: user, messages per folder, events per user, drive items per user.
_KINDS = ("users", "teams", "channels", "chat", "folders", "mail", "events", "items")
SIZES: dict[str, dict[str, int]] = {
    "tiny": dict(zip(_KINDS, (3, 1, 2, 3, 2, 3, 2, 3), strict=True)),
    "demo": dict(zip(_KINDS, (8, 3, 3, 6, 3, 5, 4, 6), strict=True)),
    "large": dict(zip(_KINDS, (60, 10, 5, 40, 4, 30, 20, 30), strict=True)),
}
FOLDER_NAMES = ("Inbox", "Sent Items", "Archive", "Drafts")
FIRST = ("Adele", "Alex", "Diego", "Grady", "Isaiah", "Johanna", "Lee", "Megan", "Nestor", "Patti")
LAST = ("Vance", "Wilber", "Siciliani", "Archie", "Langer", "Lauren", "Gu", "Bowen", "Wilke")
WORDS = ("budget", "launch", "roadmap", "review", "design", "hiring", "offsite", "metrics")


def iso(moment: datetime) -> str:
    """Graph's timestamp form: UTC with a ``Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Tenant:
    """Every collection of one tenant, by key; objects by id, in listing order."""

    seed: int
    size: str
    generation: int = 0
    collections: dict[tuple[str, ...], dict[str, dict[str, Any]]] = field(default_factory=dict)

    def collection(self, *key: str) -> dict[str, dict[str, Any]]:
        """The collection ``key`` (created empty when it does not exist yet)."""
        return self.collections.setdefault(tuple(key), {})

    def find(self, *key: str) -> dict[str, dict[str, Any]] | None:
        """The collection ``key``, or None when its owner does not exist."""
        return self.collections.get(tuple(key))

    def of_kind(self, kind: str) -> Iterator[tuple[tuple[str, ...], dict[str, dict[str, Any]]]]:
        """Every collection of one kind (``messages`` of every folder of every user)."""
        for key, items in list(self.collections.items()):
            if key[0] == kind:
                yield key, items

    def count(self, kind: str) -> int:
        return sum(len(items) for _, items in self.of_kind(kind))

    def copy(self) -> Tenant:
        return Tenant(self.seed, self.size, self.generation, copy.deepcopy(self.collections))


class Builder:
    """Makes the objects of one tenant, deterministically from a random stream."""

    def __init__(self, tenant: Tenant, rng: random.Random) -> None:
        self.tenant = tenant
        self.rng = rng

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def moment(self, generation: int) -> datetime:
        minutes = self.rng.randint(0, 60 * 24 * 20)
        if generation == 0:
            return EPOCH - timedelta(days=30) + timedelta(minutes=minutes)
        return EPOCH + timedelta(days=generation, minutes=minutes % 600)

    # ---- users --------------------------------------------------------------------------------

    def user(self, generation: int) -> dict[str, Any]:
        first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
        uid = self.guid()
        nick = f"{first}{last[0]}{uid[:4]}".lower()
        user = {
            "id": uid,
            "displayName": f"{first} {last}",
            "givenName": first,
            "surname": last,
            "userPrincipalName": f"{nick}@{DOMAIN}",
            "mail": f"{nick}@{DOMAIN}",
            "jobTitle": self.rng.choice(("Engineer", "Designer", "Manager", "Analyst")),
            "officeLocation": self.rng.choice(("12/1110", "18/2111", "131/1104")),
            "businessPhones": [f"+1 425 555 {self.rng.randint(100, 999):04d}"],
            "mobilePhone": None,
            "preferredLanguage": "en-US",
            "accountEnabled": True,
            "createdDateTime": iso(self.moment(generation)),
        }
        self.tenant.collection("users")[uid] = user
        for name in FOLDER_NAMES[: SIZES[self.tenant.size]["folders"]]:
            self.folder(uid, name)
        self.tenant.collection("events", uid)
        self.tenant.collection("drive_items", uid)
        return user

    def folder(self, uid: str, name: str) -> dict[str, Any]:
        fid = "AAMkAD" + self.guid().replace("-", "")[:24] + "AAA="
        folder = {
            "id": fid,
            "displayName": name,
            "parentFolderId": "AAMkADroot",
            "childFolderCount": 0,
            "unreadItemCount": 0,
            "totalItemCount": 0,
            "isHidden": False,
        }
        self.tenant.collection("mail_folders", uid)[fid] = folder
        self.tenant.collection("messages", uid, fid)
        return folder

    def mail(self, uid: str, fid: str, generation: int) -> dict[str, Any]:
        users = list(self.tenant.collection("users").values())
        sender = self.rng.choice(users)
        owner = self.tenant.collection("users")[uid]
        when = self.moment(generation)
        mid = "AAMkAG" + self.guid().replace("-", "")
        subject = f"{self.rng.choice(WORDS).title()} {self.rng.choice(WORDS)}"
        message = {
            "id": mid,
            "createdDateTime": iso(when),
            "lastModifiedDateTime": iso(when),
            "receivedDateTime": iso(when),
            "sentDateTime": iso(when),
            "subject": subject,
            "bodyPreview": f"Notes on the {subject.lower()}.",
            "body": {"contentType": "text", "content": f"Notes on the {subject.lower()}."},
            "importance": "normal",
            "isRead": self.rng.random() < 0.5,
            "isDraft": False,
            "hasAttachments": False,
            "conversationId": "AAQkAD" + self.guid().replace("-", "")[:20],
            "parentFolderId": fid,
            "from": _address(sender),
            "sender": _address(sender),
            "toRecipients": [_address(owner)],
            "ccRecipients": [],
            "categories": [],
            "webLink": f"https://outlook.office365.com/owa/?ItemID={mid}",
        }
        self.tenant.collection("messages", uid, fid)[mid] = message
        return message

    def event(self, uid: str, generation: int) -> dict[str, Any]:
        owner = self.tenant.collection("users")[uid]
        start = EPOCH + timedelta(days=self.rng.randint(-20, 40), hours=self.rng.randint(8, 16))
        created = self.moment(generation)
        eid = "AAMkAE" + self.guid().replace("-", "")
        event = {
            "id": eid,
            "createdDateTime": iso(created),
            "lastModifiedDateTime": iso(created),
            "subject": f"{self.rng.choice(WORDS).title()} sync",
            "bodyPreview": "",
            "body": {"contentType": "html", "content": ""},
            "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": "UTC"},
            "end": {
                "dateTime": (start + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
                "timeZone": "UTC",
            },
            "isAllDay": False,
            "isCancelled": False,
            "isOnlineMeeting": False,
            "showAs": "busy",
            "type": "singleInstance",
            "location": {"displayName": self.rng.choice(("Room 1", "Room 2", "Online"))},
            "organizer": _address(owner),
            "attendees": [],
            "webLink": f"https://outlook.office365.com/owa/?itemid={eid}",
        }
        self.tenant.collection("events", uid)[eid] = event
        return event

    def drive_item(self, uid: str, generation: int) -> dict[str, Any]:
        owner = self.tenant.collection("users")[uid]
        when = self.moment(generation)
        iid = "01" + self.guid().replace("-", "")[:32].upper()
        folder = self.rng.random() < 0.25
        name = f"{self.rng.choice(WORDS)}-{iid[-4:].lower()}" + ("" if folder else ".docx")
        item: dict[str, Any] = {
            "id": iid,
            "name": name,
            "createdDateTime": iso(when),
            "lastModifiedDateTime": iso(when),
            "eTag": f'"{{{iid[2:10]}}},1"',
            "cTag": f'"c:{{{iid[2:10]}}},1"',
            "size": 0 if folder else self.rng.randint(1_000, 900_000),
            "webUrl": f"https://contoso-my.sharepoint.com/personal/{uid[:8]}/Documents/{name}",
            "createdBy": {"user": {"id": uid, "displayName": owner["displayName"]}},
            "lastModifiedBy": {"user": {"id": uid, "displayName": owner["displayName"]}},
            "parentReference": {
                "driveId": drive_id(uid),
                "driveType": "business",
                "path": "/drive/root:",
            },
        }
        if folder:
            item["folder"] = {"childCount": 0}
        else:
            item["file"] = {
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        self.tenant.collection("drive_items", uid)[iid] = item
        return item

    # ---- teams --------------------------------------------------------------------------------

    def team(self, generation: int) -> dict[str, Any]:
        tid = self.guid()
        word = self.rng.choice(WORDS).title()
        team = {
            "id": tid,
            "displayName": f"{word} team {tid[:4]}",
            "description": f"Everything about the {word.lower()}.",
            "createdDateTime": iso(self.moment(generation)),
            "visibility": self.rng.choice(("public", "private")),
            "isArchived": False,
            "tenantId": TENANT_ID,
            "webUrl": f"https://teams.microsoft.com/l/team/19%3a{tid[:8]}%40thread.tacv2",
        }
        self.tenant.collection("teams")[tid] = team
        for n in range(SIZES[self.tenant.size]["channels"]):
            self.channel(
                tid, "General" if n == 0 else f"{self.rng.choice(WORDS).title()}", generation
            )
        return team

    def channel(self, tid: str, name: str, generation: int) -> dict[str, Any]:
        cid = f"19:{self.guid().replace('-', '')}@thread.tacv2"
        channel = {
            "id": cid,
            "displayName": name,
            "description": f"{name} channel",
            "createdDateTime": iso(self.moment(generation)),
            "membershipType": "standard",
            "email": "",
            "tenantId": TENANT_ID,
            "webUrl": f"https://teams.microsoft.com/l/channel/{cid}/{name}",
        }
        self.tenant.collection("channels", tid)[cid] = channel
        self.tenant.collection("channel_messages", tid, cid)
        return channel

    def chat_message(self, tid: str, cid: str, generation: int) -> dict[str, Any]:
        author = self.rng.choice(list(self.tenant.collection("users").values()))
        when = self.moment(generation)
        mid = str(int(when.timestamp() * 1000) + self.rng.randint(0, 999))
        message: dict[str, Any] = {
            "id": mid,
            "replyToId": None,
            "etag": mid,
            "messageType": "message",
            "createdDateTime": iso(when),
            "lastModifiedDateTime": iso(when),
            "lastEditedDateTime": None,
            "deletedDateTime": None,
            "subject": None,
            "importance": "normal",
            "locale": "en-us",
            "from": {
                "user": {
                    "id": author["id"],
                    "displayName": author["displayName"],
                    "userIdentityType": "aadUser",
                    "tenantId": TENANT_ID,
                }
            },
            "body": {"contentType": "text", "content": f"About the {self.rng.choice(WORDS)}."},
            "channelIdentity": {"teamId": tid, "channelId": cid},
            "attachments": [],
            "mentions": [],
            "reactions": [],
        }
        self.tenant.collection("channel_messages", tid, cid)[mid] = message
        return message


def drive_id(uid: str) -> str:
    """The id of a user's OneDrive (``b!`` and the user's id, as SharePoint drive ids look)."""
    return "b!" + uid.replace("-", "")


def _address(user: dict[str, Any]) -> dict[str, Any]:
    return {"emailAddress": {"name": user["displayName"], "address": user["mail"]}}


def build(seed: int, size: str, generation: int) -> Tenant:
    """The tenant of ``(seed, size)`` at ``generation``."""
    counts = SIZES[size]
    tenant = Tenant(seed, size)
    make = Builder(tenant, random.Random(f"microsoft365:{seed}:{size}:0"))
    for _ in range(counts["users"]):
        make.user(0)
    for uid in list(tenant.collection("users")):
        for fid in list(tenant.collection("mail_folders", uid)):
            for _ in range(counts["mail"]):
                make.mail(uid, fid, 0)
        for _ in range(counts["events"]):
            make.event(uid, 0)
        for _ in range(counts["items"]):
            make.drive_item(uid, 0)
    for _ in range(counts["teams"]):
        make.team(0)
    for key, _ in list(tenant.of_kind("channel_messages")):
        for _ in range(counts["chat"]):
            make.chat_message(key[1], key[2], 0)
    for number in range(1, generation + 1):
        mutate(tenant, number)
    return tenant


#: What each generation does per kind: which listings change, gain and lose an object.
CHANGED_FIELD = {
    "users": ("jobTitle", lambda g: f"Lead {g}"),
    "messages": ("isRead", lambda g: bool(g % 2)),
    "events": ("subject", lambda g: f"Moved sync ({g})"),
    "drive_items": ("name", lambda g: f"renamed-{g}.docx"),
    "channel_messages": ("body", lambda g: {"contentType": "text", "content": f"Edited ({g})."}),
}


def mutate(tenant: Tenant, generation: int) -> None:
    """Generation ``generation``'s changes: per kind one object changed, one added, one
    deleted (users: a new user is added and one is deleted with everything they own)."""
    make = Builder(tenant, random.Random(f"microsoft365:{tenant.seed}:{tenant.size}:{generation}"))
    when = iso(EPOCH + timedelta(days=generation))
    for kind, (name, value) in CHANGED_FIELD.items():
        keys = [key for key, items in tenant.of_kind(kind) if items]
        if not keys:
            continue
        items = tenant.collections[make.rng.choice(keys)]
        changed = items[make.rng.choice(sorted(items))]
        changed[name] = value(generation)
        if "lastModifiedDateTime" in changed:
            changed["lastModifiedDateTime"] = when
        if kind == "drive_items":
            changed["eTag"] = f'"{{{changed["id"][2:10]}}},{generation + 1}"'
    # deletions, then additions (an object added this generation is not deleted at once)
    for kind in ("messages", "events", "drive_items", "channel_messages"):
        keys = [key for key, items in tenant.of_kind(kind) if len(items) > 1]
        if keys:
            items = tenant.collections[make.rng.choice(keys)]
            del items[make.rng.choice(sorted(items))]
    users = tenant.collection("users")
    if len(users) > 2:
        gone = make.rng.choice(sorted(users))
        del users[gone]
        for key in [k for k in tenant.collections if len(k) > 1 and k[1] == gone]:
            del tenant.collections[key]
    uid = make.user(generation)["id"]
    for fid in list(tenant.collection("mail_folders", uid)):
        make.mail(uid, fid, generation)
    for kind in ("messages", "events", "drive_items", "channel_messages"):
        keys = sorted(key for key, _ in tenant.of_kind(kind))
        key = make.rng.choice(keys)
        if kind == "messages":
            make.mail(key[1], key[2], generation)
        elif kind == "events":
            make.event(key[1], generation)
        elif kind == "drive_items":
            make.drive_item(key[1], generation)
        else:
            make.chat_message(key[1], key[2], generation)
    tenant.generation = generation
