"""Property-based conformance with ClickUp's own OpenAPI v2 document (schemathesis).

For every GET operation the emulator serves, schemathesis generates query parameters and
headers from the document; path ids are real ones of the seeded workspace (a generated
id names nothing). Each answer must have a documented status, the documented content
type and a body valid against the documented (errata-patched) schema, and never a 5xx.
A few examples per operation here; ``scripts/conformance_clickup.py`` runs many more.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from brainhub.sandbox.services.clickup import ClickUpEmulator
from tests.support.clickup_conformance import real_path_values, real_query_values
from tests.support.clickup_reference import ABSENT_REASON, DOCUMENT, patched_document
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = ClickUpEmulator(size="tiny", generation=1, rate_limit=1_000_000)
schema = (
    served_schema("clickup", ClickUpEmulator, patched_document(), "/v2", EXAMPLES_PER_OPERATION)
    if DOCUMENT.exists()
    else None
)


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.headers["Authorization"] = EMULATOR.credentials["api_token"]
        yield http


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        case.path_parameters = real_path_values(EMULATOR, case.path_parameters or {})
        case.query = real_query_values(EMULATOR, case.query or {})
        case.headers = {**(case.headers or {}), "Authorization": EMULATOR.credentials["api_token"]}
        case.call_and_validate(
            base_url=served.root_url + "/api",
            session=session,
            checks=CHECKS,
        )
