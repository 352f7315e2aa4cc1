"""The seeded workspace: calendars and events, Gmail labels and messages, Drive files and
the Google Docs among them, at sizes tiny/demo/large, with generations.

Every item records the generation of its last change (``gen``); generation 0 is the seeded
dataset and every later generation, for each calendar, changes one event, cancels one and
adds two; in the mailbox adds one message and deletes one; in Drive edits one file, removes
one and adds one (every third added file a Google Doc). Deleted items stay as tombstones
(``deleted``), so a sync token from an earlier generation can be answered with exactly
what changed since, deletions included.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

#: calendars, events per calendar, messages, files (every fourth a Google Doc).
SIZES: dict[str, tuple[int, int, int, int]] = {
    "tiny": (1, 3, 4, 4),
    "demo": (2, 25, 60, 40),
    "large": (3, 400, 1000, 800),
}
OWNER = "robot@sandbox-workspace.example"
DOMAIN = "sandbox-workspace.example"
BASE_TIME = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DOC_MIME = "application/vnd.google-apps.document"
FOLDER_MIME = "application/vnd.google-apps.folder"
#: Gmail history ids advance by this much per generation.
HISTORY_STEP = 1000


def _stamp(generation: int, offset: int) -> str:
    moment = BASE_TIME + timedelta(days=generation, minutes=offset)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class Workspace:
    """The whole dataset of one (seed, size, generation)."""

    generation: int
    calendars: list[dict[str, Any]] = field(default_factory=list)
    #: calendar id → event id → event (tombstones have ``status: cancelled``).
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    labels: list[dict[str, Any]] = field(default_factory=list)
    #: message id → message (``deleted`` ones are tombstones).
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: file id → file (``deleted`` ones are tombstones).
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: document id → the Docs API document of a Google Doc file.
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)

    def live_events(self, calendar_id: str) -> list[dict[str, Any]]:
        return [e for e in self.events[calendar_id].values() if e["status"] != "cancelled"]

    def live_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if not m.get("deleted")]

    def live_files(self) -> list[dict[str, Any]]:
        return [f for f in self.files.values() if not f.get("deleted")]

    @property
    def history_id(self) -> int:
        """The mailbox's current history id."""
        return self.generation * HISTORY_STEP + HISTORY_STEP - 1


def build(seed: int, size: str, generation: int) -> Workspace:
    """The dataset of ``generation`` (0: the seeded one)."""
    calendars, per_calendar, messages, files = SIZES[size]
    rng = random.Random(f"google-workspace:{seed}:{size}")
    space = Workspace(generation=generation)
    for n in range(calendars):
        calendar_id = OWNER if n == 0 else f"c{seed}x{n:02d}@group.calendar.{DOMAIN}"
        space.calendars.append(_calendar(calendar_id, n))
        space.events[calendar_id] = {}
        for e in range(per_calendar):
            event = _event(calendar_id, f"ev{n}x{e:04d}", e, 0, rng)
            space.events[calendar_id][event["id"]] = event
    space.labels = _labels()
    for m in range(messages):
        message = _message(f"18c{seed:02x}{m:06x}", m, 0, rng)
        space.messages[message["id"]] = message
    for f in range(files):
        _add_file(space, f"1F{seed}x{f:05d}", f, 0, rng)
    for later in range(1, space.generation + 1):
        _mutate(space, later, rng)
    return space


def _mutate(space: Workspace, generation: int, rng: random.Random) -> None:
    for n, calendar in enumerate(space.calendars):
        events = space.events[calendar["id"]]
        live = [e for e in events.values() if e["status"] != "cancelled"]
        if len(live) >= 2:
            changed = live[generation % len(live)]
            changed.update(
                summary=f"{changed['summary']} (moved)",
                updated=_stamp(generation, 1),
                sequence=changed["sequence"] + 1,
                gen=generation,
            )
            cancelled = live[(generation + 1) % len(live)]
            if cancelled is not changed:
                cancelled.update(status="cancelled", updated=_stamp(generation, 2), gen=generation)
        for added in range(2):
            event_id = f"ev{n}g{generation:04d}x{added}"
            event = _event(calendar["id"], event_id, generation + added, generation, rng)
            events[event["id"]] = event
    live_messages = space.live_messages()
    if len(live_messages) >= 2:
        gone = live_messages[generation % len(live_messages)]
        gone.update(deleted=True, gen=generation)
    message = _message(f"19g{generation:06x}", generation, generation, rng)
    space.messages[message["id"]] = message
    live_files = [f for f in space.live_files() if f["mimeType"] != FOLDER_MIME]
    if len(live_files) >= 2:
        edited = live_files[generation % len(live_files)]
        edited.update(
            modifiedTime=_stamp(generation, 3),
            version=str(int(edited["version"]) + 1),
            gen=generation,
        )
        removed = live_files[(generation + 1) % len(live_files)]
        if removed is not edited:
            removed.update(deleted=True, gen=generation)
    _add_file(space, f"1G{generation:05d}", generation * 3, generation, rng)


def _calendar(calendar_id: str, n: int) -> dict[str, Any]:
    return {
        "kind": "calendar#calendarListEntry",
        "etag": f'"{1700000000000 + n}"',
        "id": calendar_id,
        "summary": OWNER if n == 0 else f"Team calendar {n}",
        "timeZone": "Europe/Berlin",
        "colorId": str(n + 1),
        "backgroundColor": "#9fe1e7",
        "foregroundColor": "#000000",
        "selected": True,
        "accessRole": "owner",
        "primary": n == 0,
        "defaultReminders": [{"method": "popup", "minutes": 10}],
    }


def _event(
    calendar_id: str, event_id: str, n: int, generation: int, rng: random.Random
) -> dict[str, Any]:
    start = BASE_TIME + timedelta(days=n % 30, hours=rng.randint(0, 8))
    end = start + timedelta(minutes=30 * rng.randint(1, 4))
    topics = ("Planning", "Standup", "Review", "Customer call", "Retro", "1:1")
    return {
        "kind": "calendar#event",
        "etag": f'"{3400000000000000 + n * 10 + generation}"',
        "id": event_id,
        "status": "confirmed",
        "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
        "created": _stamp(0, n),
        "updated": _stamp(generation, n % 60),
        "summary": f"{topics[n % len(topics)]} {n}",
        "creator": {"email": OWNER, "self": True},
        "organizer": {"email": calendar_id, "self": calendar_id == OWNER},
        "start": {"dateTime": start.isoformat(), "timeZone": "Europe/Berlin"},
        "end": {"dateTime": end.isoformat(), "timeZone": "Europe/Berlin"},
        "iCalUID": f"{event_id}@google.com",
        "sequence": 0,
        "eventType": "default",
        "reminders": {"useDefault": True},
        "gen": generation,
    }


def _labels() -> list[dict[str, Any]]:
    system = ("INBOX", "SENT", "IMPORTANT", "UNREAD", "STARRED", "TRASH", "SPAM", "DRAFT")
    labels = [{"id": name, "name": name, "type": "system"} for name in system]
    labels += [
        {
            "id": f"Label_{n}",
            "name": name,
            "type": "user",
            "messageListVisibility": "show",
            "labelListVisibility": "labelShow",
        }
        for n, name in enumerate(("Customers", "Invoices", "Team"), start=1)
    ]
    return labels


def _message(message_id: str, n: int, generation: int, rng: random.Random) -> dict[str, Any]:
    sender = f"person{rng.randint(1, 40)}@example.org"
    subject = f"Update {n}: {('invoice', 'meeting notes', 'release', 'question')[n % 4]}"
    text = f"Hello,\r\n\r\nthis is message {n}.\r\n"
    sent = BASE_TIME + timedelta(days=generation, minutes=n)
    data = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    headers = [
        {"name": "From", "value": sender},
        {"name": "To", "value": OWNER},
        {"name": "Subject", "value": subject},
        {"name": "Date", "value": sent.strftime("%a, %d %b %Y %H:%M:%S +0000")},
    ]
    return {
        "id": message_id,
        "threadId": message_id,
        "labelIds": ["INBOX", "UNREAD"] if n % 3 else ["INBOX", "Label_1"],
        "snippet": text.split("\r\n")[2][:100],
        "historyId": str(generation * HISTORY_STEP + n % HISTORY_STEP),
        "internalDate": str(int(sent.timestamp() * 1000)),
        "sizeEstimate": 600 + len(text),
        "payload": {
            "partId": "",
            "mimeType": "text/plain",
            "filename": "",
            "headers": headers,
            "body": {"size": len(text), "data": data},
        },
        "gen": generation,
    }


def _add_file(space: Workspace, file_id: str, n: int, generation: int, rng: random.Random) -> None:
    kind = n % 4
    mime = (DOC_MIME, "application/pdf", "text/plain", "image/png")[kind]
    name = (f"Notes {n}", f"Invoice {n}.pdf", f"readme-{n}.txt", f"chart-{n}.png")[kind]
    created = _stamp(0, n)
    item: dict[str, Any] = {
        "kind": "drive#file",
        "id": file_id,
        "name": name,
        "mimeType": mime,
        "parents": ["0AsandboxRootFolder"],
        "createdTime": created,
        "modifiedTime": _stamp(generation, n % 60),
        "version": str(1 + rng.randint(0, 5)),
        "trashed": False,
        "starred": n % 5 == 0,
        "owners": [{"kind": "drive#user", "displayName": "Sandbox Robot", "emailAddress": OWNER}],
        "webViewLink": f"https://docs.google.com/file/d/{file_id}/view",
        "gen": generation,
    }
    if mime != DOC_MIME:
        item["size"] = str(1024 * (1 + n % 50))
        item["md5Checksum"] = f"{rng.getrandbits(128):032x}"
    space.files[file_id] = item
    if mime == DOC_MIME:
        space.documents[file_id] = _document(file_id, name, n)


def _document(document_id: str, title: str, n: int) -> dict[str, Any]:
    text = f"{title}\nAgenda item {n}: review the numbers.\n"
    content = [{"endIndex": 1, "sectionBreak": {"sectionStyle": {"columnSeparatorStyle": "NONE"}}}]
    index = 1
    for line in text.splitlines(keepends=True):
        end = index + len(line)
        content.append(
            {
                "startIndex": index,
                "endIndex": end,
                "paragraph": {
                    "elements": [
                        {"startIndex": index, "endIndex": end, "textRun": {"content": line}}
                    ],
                    "paragraphStyle": {"namedStyleType": "NORMAL_TEXT"},
                },
            }
        )
        index = end
    return {
        "documentId": document_id,
        "title": title,
        "revisionId": f"rev-{document_id}-1",
        "body": {"content": content},
        "documentStyle": {"pageSize": {"height": {"magnitude": 792, "unit": "PT"}}},
    }
