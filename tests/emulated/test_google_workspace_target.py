"""target-google-workspace against the emulator: calendar events inserted on the Calendar
host with a service account's token, once per record (a rerun finds them in the id map), and
e-mails sent through Gmail as RFC 2822 messages encoded base64url, and files uploaded to
Drive as multipart/related (JSON metadata, then the content)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.google_workspace import GoogleWorkspaceEmulator
from tests.support.targets import run_target, schema, table_rows

CALENDAR = "robot@sandbox-workspace.example"
EVENTS = schema(
    "events",
    {
        "key": {"type": "string"},
        "calendar_id": {"type": "string"},
        "summary": {"type": "string"},
        "start_time": {"type": "string"},
        "end_time": {"type": "string"},
    },
)


def _event(key: str, summary: str) -> dict[str, Any]:
    record = {
        "key": key,
        "calendar_id": CALENDAR,
        "summary": summary,
        "start_time": "2026-03-02T10:00:00+01:00",
        "end_time": "2026-03-02T10:30:00+01:00",
    }
    return {"type": "RECORD", "stream": "events", "record": record}


def test_events_are_inserted_on_the_calendar_host_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = GoogleWorkspaceEmulator(size="tiny", generation=0)
    warehouse = tmp_path / "warehouse.duckdb"
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials, "warehouse": str(warehouse)}
        messages = [EVENTS, _event("a", "Kick-off"), _event("b", "Review")]
        first = run_target("google-workspace", config, messages, tmp_path, capsys)
        assert first.code == 0, first.stderr
        again = run_target("google-workspace", config, messages, tmp_path, capsys)
        assert again.code == 0, again.stderr
    writes = [(e.method, e.path, e.body) for e in emulator.request_log if e.method == "POST"]
    assert writes[0][:2] == ("POST", "/token")
    inserts = [w for w in writes if w[1] != "/token"]
    assert [(m, p) for m, p, _ in inserts] == [
        ("POST", f"/calendar/v3/calendars/{CALENDAR}/events"),
        ("POST", f"/calendar/v3/calendars/{CALENDAR}/events"),
    ]
    assert inserts[0][2]["summary"] == "Kick-off"
    assert inserts[0][2]["start"] == {"dateTime": "2026-03-02T10:00:00+01:00"}
    rows = table_rows(warehouse, "SELECT remote_id FROM writes_google_workspace._id_map")
    stored = {e["id"] for e in emulator.space.events[CALENDAR].values()}
    assert {remote for (remote,) in rows} <= stored
    assert len(rows) == 2
    assert "PRIVATE KEY" not in first.stderr + again.stderr


MESSAGES = schema(
    "messages",
    {
        "key": {"type": "string"},
        "to": {"type": "string"},
        "subject": {"type": "string"},
        "body": {"type": "string"},
    },
)


def test_messages_are_sent_through_gmail_as_raw_rfc2822(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = GoogleWorkspaceEmulator(size="tiny", generation=0)
    warehouse = tmp_path / "warehouse.duckdb"
    record = {"key": "m1", "to": "ann@example.org", "subject": "Report", "body": "Numbers."}
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials, "warehouse": str(warehouse)}
        messages = [MESSAGES, {"type": "RECORD", "stream": "messages", "record": record}]
        run = run_target("google-workspace", config, messages, tmp_path, capsys)
    assert run.code == 0, run.stderr
    (sent,) = [e for e in emulator.request_log if e.path.endswith("/messages/send")]
    assert sent.path == "/gmail/v1/users/me/messages/send"
    assert set(sent.body) == {"raw"}
    rows = table_rows(warehouse, "SELECT remote_id FROM writes_google_workspace._id_map")
    ((remote,),) = rows
    stored = emulator.space.messages[remote]
    headers = {h["name"]: h["value"] for h in stored["payload"]["headers"]}
    assert headers["To"] == "ann@example.org"
    assert headers["Subject"] == "Report"
    assert stored["labelIds"] == ["SENT"]


FILES = schema(
    "files",
    {
        "key": {"type": "string"},
        "name": {"type": "string"},
        "mime_type": {"type": "string"},
        "content": {"type": "string"},
    },
)


def test_files_are_uploaded_to_drive_as_metadata_and_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator = GoogleWorkspaceEmulator(size="tiny", generation=0)
    warehouse = tmp_path / "warehouse.duckdb"
    record = {"key": "f1", "name": "notes.txt", "mime_type": "text/plain", "content": "Größe 1"}
    with serve(emulator) as served:
        config = {"base_url": served.base_url, **served.credentials, "warehouse": str(warehouse)}
        messages = [FILES, {"type": "RECORD", "stream": "files", "record": record}]
        run = run_target("google-workspace", config, messages, tmp_path, capsys)
    assert run.code == 0, run.stderr
    (upload,) = [e for e in emulator.request_log if e.path.startswith("/upload/")]
    assert upload.path == "/upload/drive/v3/files"
    assert upload.query == {"uploadType": ["multipart"]}
    assert upload.headers["Content-Type"].startswith("multipart/related; boundary=")
    ((remote,),) = table_rows(warehouse, "SELECT remote_id FROM writes_google_workspace._id_map")
    assert emulator.uploads[remote] == "Größe 1".encode()
    stored = emulator.space.files[remote]
    assert (stored["name"], stored["mimeType"]) == ("notes.txt", "text/plain")
