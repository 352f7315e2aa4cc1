"""Conformance of the Google Workspace emulator with Google's own discovery documents.

For every GET the emulator serves, the kit's discovery reader (:mod:`brainhub.sandbox.kit.
discovery`) gives the documented response schema and query parameters to try: the first
request has none, the next ones each documented enum value and simple integer and boolean
values in turn. Path ids are seeded ones. Every answer must be 200 with a JSON body valid
against the documented schema (``date-time``, ``int64`` as a string of digits and ``byte``
checked); an unknown id must get 404 with Google's error body.

``BRAINHUB_CONFORMANCE_EXAMPLES`` (3 by default) sets the requests per operation.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from werkzeug.test import Client

from brainhub.sandbox.kit.discovery import (
    ERROR_BODY,
    discovery_methods,
    parameter_examples,
    path_parameters,
    response_validator,
)
from brainhub.sandbox.kit.surface import normalised
from brainhub.sandbox.services.google_workspace import GoogleWorkspaceEmulator
from brainhub.sandbox.services.google_workspace.operations import OPERATIONS
from brainhub.sandbox.services.google_workspace.store import DOC_MIME, OWNER
from tests.support.conformance import EXAMPLES_PER_OPERATION

APIS = Path(__file__).resolve().parents[2].parent / "shared" / "apis"
DOCUMENTS = [
    APIS / "google-calendar" / "calendar.v3.discovery.json",
    APIS / "gmail" / "gmail.v1.discovery.json",
    APIS / "google-drive" / "drive.v3.discovery.json",
    APIS / "google-docs" / "docs.v1.discovery.json",
]
pytestmark = pytest.mark.skipif(
    not all(path.exists() for path in DOCUMENTS),
    reason="the Google discovery documents (../shared/apis/google-*) are not present",
)
SERVED = sorted(operation.path for operation in OPERATIONS.served if operation.method == "GET")
UNKNOWN = "unknown-id-404"
#: Long-running operations: the sandbox starts none, so every name is unknown.
NONE_HELD = {"/drive/v3/operations/{name}"}


def _methods() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Every documented method by normalised path, with its document."""
    found = {}
    for path in DOCUMENTS:
        document = json.loads(path.read_text(encoding="utf-8"))
        for method_path, method in discovery_methods(document):
            if method.get("httpMethod") == "GET":
                found[normalised(method_path)] = (document, method)
    return found


@pytest.fixture(scope="module")
def methods() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    return _methods()


@pytest.fixture(scope="module")
def emulator() -> GoogleWorkspaceEmulator:
    return GoogleWorkspaceEmulator(size="tiny", seed=1, generation=2, rate_limit=1_000_000)


def _seeded(emulator: GoogleWorkspaceEmulator, path: str) -> dict[str, str]:
    """Ids of seeded items for the path parameters of ``path``."""
    space = emulator.space
    message = space.live_messages()[0]
    document = next(f for f in space.live_files() if f["mimeType"] == DOC_MIME)
    values = {
        "calendarId": OWNER,
        "eventId": space.live_events(OWNER)[0]["id"],
        "userId": "me",
        "messageId": message["id"],
        "fileId": space.live_files()[0]["id"],
        "documentId": document["id"],
    }
    if "/drives/" in path:
        values["driveId"] = _listed(emulator, "/drive/v3/drives", "drives")
    if "/labels/" in path:
        values["id"] = "INBOX"
    elif "/drafts/" in path:
        values["id"] = _listed(emulator, "/gmail/v1/users/me/drafts", "drafts")
    elif "/threads/" in path:
        values["id"] = message["threadId"]
    else:
        values["id"] = message["id"]
    return values


def _listed(emulator: GoogleWorkspaceEmulator, listing: str, field: str) -> str:
    """The first id a listing answers, as a client finds one."""
    answer = Client(emulator).get(listing, headers=_headers(emulator))
    return str(answer.get_json()[field][0]["id"])


def _required(emulator: GoogleWorkspaceEmulator) -> dict[str, str]:
    """Values of the required query parameters a served GET has."""
    return {
        "startHistoryId": str(emulator.space.history_id - 1),
        "pageToken": str(emulator.space.generation - 1),
    }


def _url(path: str, values: dict[str, str], method: dict[str, Any]) -> str:
    for name in path_parameters(method):
        path = path.replace("{" + name + "}", values.get(name, f"sandbox-{name}"), 1)
    return path


def _headers(emulator: GoogleWorkspaceEmulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.access_token()}"}


#: Query parameters Google requires though the document does not mark them required.
REQUIRED_UNMARKED = {"startHistoryId"}


def _required_query(method: dict[str, Any], emulator: GoogleWorkspaceEmulator) -> dict[str, str]:
    known = _required(emulator)
    return {
        name: known[name]
        for name, parameter in method.get("parameters", {}).items()
        if parameter.get("location") == "query"
        and (parameter.get("required") or name in REQUIRED_UNMARKED)
    }


@pytest.mark.parametrize("path", [p for p in SERVED if p not in NONE_HELD])
def test_every_served_get_answers_its_documented_schema(path, methods, emulator) -> None:
    document, method = methods[normalised(path)]
    validator = response_validator(document, method)
    client = Client(emulator)
    url = _url(path, _seeded(emulator, path), method)
    for query in parameter_examples(method, EXAMPLES_PER_OPERATION):
        asked = {**query, **_required_query(method, emulator)}
        answer = client.get(url, query_string=asked, headers=_headers(emulator))
        assert answer.status_code == 200, (url, asked, answer.get_data(as_text=True)[:300])
        assert answer.mimetype == "application/json"
        problems = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(answer.get_json())
        ]
        assert problems == [], (url, asked, problems[:5])


WITH_IDS = [p for p in SERVED if "{" in p.replace("{userId}", "")]


@pytest.mark.parametrize("path", WITH_IDS)
def test_an_unknown_id_is_googles_404_error_body(path, methods, emulator) -> None:
    _, method = methods[normalised(path)]
    seeded = _seeded(emulator, path)
    unknown = {name: UNKNOWN for name in path_parameters(method) if name != "userId"}
    client = Client(emulator)
    url = _url(path, {**seeded, **unknown}, method)
    answer = client.get(
        url, query_string=_required_query(method, emulator), headers=_headers(emulator)
    )
    assert answer.status_code == 404, (url, answer.get_data(as_text=True)[:300])
    body = answer.get_json()
    assert list(Draft202012Validator(ERROR_BODY).iter_errors(body)) == []
    assert body["error"]["code"] == 404
    assert body["error"]["status"] == "NOT_FOUND"
