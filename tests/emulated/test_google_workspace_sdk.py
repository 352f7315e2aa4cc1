"""Google's own client (google-api-python-client with google-auth's service-account
credentials) against the emulator, unchanged but for where it points: each API's discovery
document with ``client_options={"api_endpoint": …}`` set to the emulator, and the key's
``token_uri`` set to the emulator's token endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.google_workspace import GoogleWorkspaceEmulator

discovery = pytest.importorskip("googleapiclient.discovery")
errors = pytest.importorskip("googleapiclient.errors")
service_account = pytest.importorskip("google.oauth2.service_account")

APIS = Path(__file__).resolve().parents[2].parent / "shared" / "apis"
DOCUMENTS = {
    "calendar": (APIS / "google-calendar" / "calendar.v3.discovery.json", "/calendar/v3/"),
    "gmail": (APIS / "gmail" / "gmail.v1.discovery.json", "/"),
    "drive": (APIS / "google-drive" / "drive.v3.discovery.json", "/drive/v3/"),
    "docs": (APIS / "google-docs" / "docs.v1.discovery.json", "/"),
}
SCOPES = [
    "https://www.googleapis.com/auth/calendar.readonly",
    "https://www.googleapis.com/auth/gmail.readonly",
    "https://www.googleapis.com/auth/drive.readonly",
    "https://www.googleapis.com/auth/documents.readonly",
]
OWNER = "robot@sandbox-workspace.example"


@pytest.fixture(scope="module")
def workspace() -> Iterator[tuple[GoogleWorkspaceEmulator, dict[str, Any]]]:
    if not all(path.exists() for path, _ in DOCUMENTS.values()):
        pytest.skip("the Google discovery documents (../shared/apis/google-*) are not present")
    emulator = GoogleWorkspaceEmulator(size="demo", generation=0)
    with serve(emulator) as served:
        info = json.loads(served.credentials["service_account_key"])
        info["token_uri"] = served.base_url + "/token"
        credentials = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        clients = {
            name: discovery.build_from_document(
                json.loads(path.read_text(encoding="utf-8")),
                credentials=credentials,
                client_options={"api_endpoint": served.base_url + prefix},
            )
            for name, (path, prefix) in DOCUMENTS.items()
        }
        yield emulator, clients


def test_calendar_events_page_to_a_sync_token_and_a_bad_token_is_410(
    workspace: tuple[GoogleWorkspaceEmulator, dict[str, Any]],
) -> None:
    emulator, clients = workspace
    events = clients["calendar"].events()
    request = events.list(calendarId=OWNER, maxResults=10)
    seen, last = [], None
    while request is not None:
        last = request.execute()
        seen += [item["id"] for item in last["items"]]
        request = events.list_next(request, last)
    assert len(seen) == len(emulator.space.live_events(OWNER))
    assert last is not None
    changed = events.list(calendarId=OWNER, syncToken=last["nextSyncToken"]).execute()
    assert changed["items"] == []
    with pytest.raises(errors.HttpError) as caught:
        events.list(calendarId=OWNER, syncToken="CPexpired").execute()
    assert caught.value.status_code == 410
    assert caught.value.error_details[0]["reason"] == "fullSyncRequired"


def test_gmail_lists_and_gets_messages_and_reads_the_history(
    workspace: tuple[GoogleWorkspaceEmulator, dict[str, Any]],
) -> None:
    emulator, clients = workspace
    users = clients["gmail"].users()
    profile = users.getProfile(userId="me").execute()
    listed = users.messages().list(userId="me", maxResults=500).execute()
    assert (
        len(listed["messages"]) == profile["messagesTotal"] == len(emulator.space.live_messages())
    )
    first = users.messages().get(userId="me", id=listed["messages"][0]["id"]).execute()
    assert {h["name"] for h in first["payload"]["headers"]} >= {"From", "Subject"}
    history = users.history().list(userId="me", startHistoryId=profile["historyId"]).execute()
    assert history["history"] == []
    assert history["historyId"] == profile["historyId"]


def test_drive_files_changes_and_a_docs_document(
    workspace: tuple[GoogleWorkspaceEmulator, dict[str, Any]],
) -> None:
    emulator, clients = workspace
    files = clients["drive"].files()
    request = files.list(pageSize=7, fields="nextPageToken,files(id,name,mimeType)")
    found = []
    while request is not None:
        page = request.execute()
        found += page["files"]
        request = files.list_next(request, page)
    assert len(found) == len(emulator.space.live_files())
    start = clients["drive"].changes().getStartPageToken().execute()["startPageToken"]
    changes = clients["drive"].changes().list(pageToken=start).execute()
    assert changes["changes"] == []
    assert changes["newStartPageToken"] == start
    doc = next(f for f in found if f["mimeType"] == "application/vnd.google-apps.document")
    document = clients["docs"].documents().get(documentId=doc["id"]).execute()
    assert document["title"] == doc["name"]
