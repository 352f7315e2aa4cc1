"""Property-based conformance with GitHub's own REST description (schemathesis).

For every GET operation the emulator serves, schemathesis generates query parameters from
the document; ids are real ones of the seeded organization and requests carry the API
version the document describes. Each answer must have a documented status, the
documented content type and a body valid against the documented schema, and never a 5xx.
"""

from __future__ import annotations

import pytest

from brainhub.sandbox.services.github import GitHubEmulator
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)
from tests.support.github_conformance import API_VERSION, patched_document, real_values
from tests.support.github_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = GitHubEmulator(size="tiny", generation=1, rate_limit=1_000_000)
schema = (
    served_schema(
        "github",
        GitHubEmulator,
        patched_document(load_document()),
        PREFIX,
        EXAMPLES_PER_OPERATION,
    )
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
            "Authorization": f"Bearer {EMULATOR.credentials['api_token']}",
            "X-GitHub-Api-Version": API_VERSION,
        }
        case.call_and_validate(base_url=served.root_url, session=session, checks=CHECKS)
