"""Property-based conformance with Microsoft Graph's own document (schemathesis).

For every GET operation the emulator serves from its seeded tenant, schemathesis generates requests from the v1.0
document (its OData functions in their wire form, ``/users/delta``); path values are real
ones of the seeded tenant. Each answer must have a documented status (Graph documents
``2XX`` and a ``default`` error), the documented content type and a body valid against the
documented schema, and never a 5xx. The document's generator marks every schema open with
object-typed extra properties, which no real Graph answer satisfies (see
:func:`~tests.support.microsoft365_reference.for_validation`); that marker is removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox.kit.surface import normalised
from brainhub.sandbox.services.microsoft365 import Microsoft365Emulator
from brainhub.sandbox.services.microsoft365.operations import OPERATIONS
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)
from tests.support.microsoft365_reference import (
    ABSENT_REASON,
    DOCUMENT,
    PREFIX,
    for_validation,
    load_document,
    microsoft365_token,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = Microsoft365Emulator(size="tiny", generation=1, rate_limit=1_000_000)
#: Every served operation, those answered from the derived shapes too: the shapes stop at
#: seven levels (Graph's objects nest deeper), and a value cut there is an empty object or
#: array, or null, which the document accepts.
HANDLED = {normalised(op.path) for op in OPERATIONS.served}


def handled_only(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with only the paths the emulator answers from its seeded tenant."""
    paths = {p: item for p, item in document["paths"].items() if normalised(p) in HANDLED}
    return {**document, "paths": paths}


schema = (
    served_schema(
        "microsoft365",
        Microsoft365Emulator,
        handled_only(for_validation(load_document())),
        PREFIX,
        EXAMPLES_PER_OPERATION,
    )
    if DOCUMENT.exists()
    else None
)


def real_path_values() -> dict[str, Any]:
    """A real value for every path parameter of a served operation."""
    tenant = EMULATOR.tenant
    uid = next(iter(tenant.collection("users")))
    folder = next(iter(tenant.collection("mail_folders", uid)))
    team = next(iter(tenant.collection("teams")))
    channel = next(iter(tenant.collection("channels", team)))
    return {
        "user-id": uid,
        "team-id": team,
        "group-id": team,
        "channel-id": channel,
        "chatMessage-id": next(iter(tenant.collection("channel_messages", team, channel))),
        "mailFolder-id": folder,
        "message-id": next(iter(tenant.collection("messages", uid, folder))),
        "calendar-id": EMULATOR.get_calendar(None, uid)["id"],  # type: ignore[arg-type]
        "event-id": next(iter(tenant.collection("events", uid))),
        "drive-id": "b!" + uid.replace("-", ""),
        "driveItem-id": next(iter(tenant.collection("drive_items", uid))),
    }


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {microsoft365_token(EMULATOR)}"
        yield http


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        real = real_path_values()
        case.path_parameters = {
            name: real.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
        # a calendar view needs its window, as Graph's reference says (the document omits it)
        if case.path.endswith(("calendarView", "calendarView/delta", "instances")):
            case.query = {
                **(case.query or {}),
                "startDateTime": "2026-01-01T00:00:00Z",
                "endDateTime": "2027-01-01T00:00:00Z",
            }
        case.call_and_validate(base_url=served.base_url, session=session, checks=CHECKS)
