"""Property-based conformance with Asana's own OpenAPI document (schemathesis).

For every GET operation the emulator serves, schemathesis generates query parameters
(``opt_fields`` among them) from the document; ids are real ones of the seeded
organization. Each answer must have a documented status, the documented content type and
a body valid against the documented schema, and never a 5xx.
"""

from __future__ import annotations

import pytest

from brainhub.sandbox.services.asana import AsanaEmulator
from tests.support.asana_conformance import real_values
from tests.support.asana_reference import ABSENT_REASON, DOCUMENT, PREFIX, patched_document
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = AsanaEmulator(size="tiny", generation=1, rate_limit=1_000_000)
schema = (
    served_schema("asana", AsanaEmulator, patched_document(), PREFIX, EXAMPLES_PER_OPERATION)
    if DOCUMENT.exists()
    else None
)


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        case.path_parameters = real_values(EMULATOR, case.path_parameters or {})
        case.query = real_values(EMULATOR, case.query or {})
        case.headers = {
            **(case.headers or {}),
            "Authorization": f"Bearer {EMULATOR.credentials['access_token']}",
        }
        case.call_and_validate(
            base_url=served.root_url + "/api/1.0", session=session, checks=CHECKS
        )
