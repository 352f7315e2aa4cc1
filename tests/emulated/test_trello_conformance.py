"""Property-based conformance with Trello's own OpenAPI document (schemathesis).

For every GET operation the emulator serves, schemathesis generates query parameters from
the (errata-patched) document; path ids are real ones of the seeded account and choices
the spec types as free strings take values Trello accepts. Each answer must have a
documented status, the documented content type and a body valid against the documented
schema, and never a 5xx. A few examples per operation (``BRAINHUB_CONFORMANCE_EXAMPLES``
asks more).
"""

from __future__ import annotations

import pytest

from brainhub.sandbox.services.trello import TrelloEmulator
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)
from tests.support.trello_conformance import real_path_values, real_query_values
from tests.support.trello_reference import ABSENT_REASON, DOCUMENT, PREFIX, patched_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = TrelloEmulator(size="tiny", generation=1, rate_limit=1_000_000)
schema = (
    served_schema("trello", TrelloEmulator, patched_document(), PREFIX, EXAMPLES_PER_OPERATION)
    if DOCUMENT.exists()
    else None
)


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        credentials = EMULATOR.credentials
        case.path_parameters = real_path_values(
            EMULATOR, case.operation.path, case.path_parameters or {}
        )
        case.query = {
            **real_query_values(EMULATOR, case.operation.path, case.query or {}),
            "key": credentials["api_key"],
            "token": credentials["api_token"],
        }
        case.call_and_validate(base_url=served.root_url + "/1", session=session, checks=CHECKS)
