"""The Google Workspace emulator's declared surface against Google's discovery documents,
and its manners: the service-account token endpoint, Google's error bodies, paging, sync
tokens, ``fields=`` on Drive and 429 ``rateLimitExceeded``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from werkzeug.test import Client

from brainhub.cli import main
from brainhub.connect.service_account import JWT_BEARER_GRANT, read_key, signed_assertion
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.surface import derive_discovery_surface
from brainhub.sandbox.services.google_workspace import GoogleWorkspaceEmulator
from brainhub.sandbox.services.google_workspace.operations import OPERATIONS

APIS = Path(__file__).resolve().parents[2].parent / "shared" / "apis"
DOCUMENTS = [
    APIS / "google-calendar" / "calendar.v3.discovery.json",
    APIS / "gmail" / "gmail.v1.discovery.json",
    APIS / "google-drive" / "drive.v3.discovery.json",
    APIS / "google-docs" / "docs.v1.discovery.json",
]
TOKEN_URL = "http://localhost/token"


def _documents() -> list[dict[str, Any]]:
    if not all(path.exists() for path in DOCUMENTS):
        pytest.skip("the Google discovery documents (../shared/apis/google-*) are not present")
    return [json.loads(path.read_text(encoding="utf-8")) for path in DOCUMENTS]


def _client(**options: Any) -> tuple[Client, GoogleWorkspaceEmulator]:
    emulator = GoogleWorkspaceEmulator(size="tiny", seed=1, generation=1, **options)
    return Client(emulator), emulator


def _token(client: Client, emulator: GoogleWorkspaceEmulator) -> dict[str, str]:
    key = read_key(emulator.credentials["service_account_key"], "service_account_key")
    assertion = signed_assertion(key, audience=TOKEN_URL, scopes=["https://x/calendar"])
    answer = client.post("/token", data={"grant_type": JWT_BEARER_GRANT, "assertion": assertion})
    assert answer.status_code == 200
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def test_the_operation_table_accounts_for_every_documented_get() -> None:
    surface = derive_discovery_surface(_documents())
    documented = sorted(f"GET {row['path']}" for row in surface["operations"])
    assert OPERATIONS.documented() == documented
    assert all(left.reason for left in OPERATIONS.left_out)


def test_the_surface_file_is_derived_from_the_current_documents() -> None:
    surface = Path(GoogleWorkspaceEmulator.surface_file or "")
    derived = derive_discovery_surface(_documents())
    assert json.loads(surface.read_text(encoding="utf-8")) == derived


def _per_api(keys: list[str]) -> dict[str, int]:
    prefixes = {"calendar": "GET /calendar/", "gmail": "GET /gmail/", "drive": "GET /drive/"}
    counted = {name: sum(k.startswith(p) for k in keys) for name, p in prefixes.items()}
    counted["docs"] = sum(k.startswith("GET /v1/") for k in keys)
    return counted


def test_coverage_reports_every_api_served_or_left_out_with_a_reason() -> None:
    report = coverage("google-workspace", GoogleWorkspaceEmulator)
    assert report.documented == 70
    assert report.missing == report.unrouted == report.undocumented == []
    served, left = _per_api(list(report.served)), _per_api(list(report.left_out))
    assert served == {"calendar": 9, "gmail": 11, "drive": 22, "docs": 1}
    assert left == {"calendar": 2, "gmail": 19, "drive": 6, "docs": 0}
    assert report.served["GET /calendar/v3/calendars/{calendarId}/events"] == "events"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "google-workspace"])
    assert text.exit_code == 0
    assert "43 of 70 documented GET operations served" in text.output


def test_the_token_endpoint_checks_the_assertions_signature() -> None:
    client, emulator = _client()
    good = _token(client, emulator)
    assert client.get("/drive/v3/about", headers=good).status_code == 200
    other = read_key(emulator.credentials["service_account_key"], "key")
    forged = signed_assertion(other, audience="http://localhost/elsewhere", scopes=["s"])
    refused = client.post("/token", data={"grant_type": JWT_BEARER_GRANT, "assertion": forged})
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "invalid_grant"
    broken = forged[:-6] + "AAAAAA"
    refused = client.post("/token", data={"grant_type": JWT_BEARER_GRANT, "assertion": broken})
    assert refused.get_json() == {
        "error": "invalid_grant",
        "error_description": "Invalid JWT Signature.",
    }


def test_errors_are_googles_error_bodies() -> None:
    client, emulator = _client()
    denied = client.get("/calendar/v3/users/me/calendarList")
    assert denied.status_code == 401
    error = denied.get_json()["error"]
    assert error["code"] == 401
    assert error["status"] == "UNAUTHENTICATED"
    assert error["errors"][0] == {
        "message": "Invalid Credentials",
        "domain": "global",
        "reason": "authError",
    }
    headers = _token(client, emulator)
    missing = client.get("/drive/v3/files/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["message"] == "File not found: nope."


def test_over_the_rate_limit_the_answer_is_429_rate_limit_exceeded() -> None:
    client, emulator = _client(rate_limit="2/60s")
    headers = _token(client, emulator)
    answers = [client.get("/gmail/v1/users/me/labels", headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].get_json()["error"]["errors"][0]["reason"] == "rateLimitExceeded"


def test_events_page_and_end_with_a_sync_token_that_refuses_filters_beside_it() -> None:
    client, emulator = _client()
    headers = _token(client, emulator)
    url = "/calendar/v3/calendars/robot@sandbox-workspace.example/events"
    first = client.get(url, query_string={"maxResults": 2}, headers=headers).get_json()
    assert len(first["items"]) == 2
    assert "nextSyncToken" not in first
    last = client.get(
        url, query_string={"maxResults": 2, "pageToken": first["nextPageToken"]}, headers=headers
    ).get_json()
    assert "nextPageToken" not in last
    token = last["nextSyncToken"]
    clash = client.get(url, query_string={"syncToken": token, "timeMin": "x"}, headers=headers)
    assert clash.status_code == 400
    unchanged = client.get(url, query_string={"syncToken": token}, headers=headers).get_json()
    assert unchanged["items"] == []
    gone = client.get(url, query_string={"syncToken": "CPnotours"}, headers=headers)
    assert gone.status_code == 410
    assert gone.get_json()["error"]["errors"][0]["reason"] == "fullSyncRequired"


def test_drive_answers_the_default_fields_unless_fields_asks_for_more() -> None:
    client, emulator = _client()
    headers = _token(client, emulator)
    plain = client.get("/drive/v3/files", headers=headers).get_json()
    assert set(plain["files"][0]) == {"kind", "id", "name", "mimeType"}
    chosen = client.get(
        "/drive/v3/files", query_string={"fields": "files(id,modifiedTime)"}, headers=headers
    ).get_json()
    assert set(chosen["files"][0]) == {"id", "modifiedTime"}
    every = client.get(
        "/drive/v3/files", query_string={"fields": "nextPageToken,files(*)"}, headers=headers
    ).get_json()
    assert {"modifiedTime", "owners", "parents"} <= set(every["files"][0])
    docs = client.get(
        "/drive/v3/files",
        query_string={"q": "mimeType = 'application/vnd.google-apps.document' and trashed = false"},
        headers=headers,
    ).get_json()
    assert [f["mimeType"] for f in docs["files"]] == ["application/vnd.google-apps.document"]


def test_gzip_when_asked_head_on_gets_and_doubled_slashes_not_merged() -> None:
    client, emulator = _client()
    headers = _token(client, emulator)
    url = "/drive/v3/files"
    fields = {"fields": "files(*)"}
    zipped = client.get(url, query_string=fields, headers={**headers, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Vary"] == "Accept-Encoding"
    assert zipped.headers["Content-Type"] == "application/json; charset=UTF-8"
    head = client.head(url, headers=headers)
    assert head.status_code == 200
    assert head.get_data() == b""
    assert client.get("/drive/v3//files", headers=headers).status_code == 404
