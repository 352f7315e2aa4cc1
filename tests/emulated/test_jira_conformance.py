"""Property-based conformance with Atlassian's own documents for Jira (schemathesis).

For every GET operation the emulator serves, from the platform document and from the
agile document, schemathesis generates query parameters from the document; path ids are
real ones of the seeded site (a generated id names nothing). Each answer must have a
documented status, the documented content type and a body valid against the documented
schema, and never a 5xx. A few examples per operation here (about 170 operations);
``scripts/conformance_jira.py`` runs many more. Every platform operation is also
checked once at ``/rest/api/2``.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from brainhub.sandbox.services.jira import JiraEmulator
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)
from tests.support.jira_conformance import real_path_values, real_query_values
from tests.support.jira_reference import ABSENT_REASON, AGILE, PLATFORM, PREFIX, load, present

pytestmark = pytest.mark.skipif(not present(), reason=ABSENT_REASON)

#: Examples per operation: 3 in the suite; ``BRAINHUB_CONFORMANCE_EXAMPLES`` asks more.
EXAMPLES = EXAMPLES_PER_OPERATION
EMULATOR = JiraEmulator(size="tiny", generation=1, rate_limit=1_000_000)


def _schema(path: Any) -> Any:
    return served_schema("jira", JiraEmulator, load(path), PREFIX, EXAMPLES) if present() else None


platform = _schema(PLATFORM)
agile = _schema(AGILE)
#: REST v2 is checked against the v3 document: the same resources, and the rich-text
#: fields (comment bodies, worklog comments, issue fields) are untyped there.
platform_v2 = _schema(PLATFORM)


def _auth() -> str:
    creds = EMULATOR.credentials
    pair = f"{creds['email']}:{creds['api_token']}".encode()
    return "Basic " + base64.b64encode(pair).decode()


def _call(case: Any, served: Any, session: requests.Session, version: int = 3) -> None:
    case.path_parameters = real_path_values(
        EMULATOR, case.operation.path, case.path_parameters or {}
    )
    if version == 2:
        case.path = case.path.replace("/rest/api/3/", "/rest/api/2/", 1)
    case.query = real_query_values(EMULATOR, case.query or {})
    case.headers = {**(case.headers or {}), "Authorization": _auth()}
    case.call_and_validate(base_url=served.root_url, session=session, checks=CHECKS)


if platform is not None and agile is not None and platform_v2 is not None:

    @platform.parametrize()
    @conformance_settings(EXAMPLES)
    def test_every_served_platform_get_conforms_to_the_document(case, served, session):
        _call(case, served, session)

    @agile.parametrize()
    @conformance_settings(EXAMPLES)
    def test_every_served_agile_get_conforms_to_the_document(case, served, session):
        _call(case, served, session)

    @platform_v2.parametrize()
    @conformance_settings(1)
    def test_every_served_platform_get_conforms_at_rest_api_2(case, served, session):
        _call(case, served, session, version=2)
