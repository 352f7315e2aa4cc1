"""Property-based conformance with Slack's own Web API document (schemathesis).

For every GET method the emulator serves, schemathesis generates arguments from the
document (Swagger 2.0, read strictly: see :mod:`tests.support.slack_reference`); ids are
real ones of the seeded workspace. Each answer must have a documented status, the
documented content type and a body valid against the documented schema (the success
schema, or for ``ok: false`` the method's documented error schema), and never a 5xx.
"""

from __future__ import annotations

import pytest
from schemathesis.checks import content_type_conformance, not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from brainhub.sandbox.services.slack import SlackEmulator
from tests.support.conformance import EXAMPLES_PER_OPERATION, conformance_settings, served_schema
from tests.support.slack_conformance import real_values, slack_envelope_conformance
from tests.support.slack_reference import ABSENT_REASON, DOCUMENT, PREFIX, strict_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = SlackEmulator(size="tiny", generation=1, rate_limit=1_000_000)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    slack_envelope_conformance,
]
schema = (
    served_schema("slack", SlackEmulator, strict_document(), PREFIX, EXAMPLES_PER_OPERATION)
    if DOCUMENT.exists()
    else None
)


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        case.query = real_values(EMULATOR, case.query or {})
        case.headers = {
            **(case.headers or {}),
            "Authorization": f"Bearer {EMULATOR.credentials['api_token']}",
        }
        case.call_and_validate(base_url=served.root_url + "/api", session=session, checks=CHECKS)
