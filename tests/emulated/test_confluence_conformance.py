"""Property-based conformance with Confluence's own v2 OpenAPI document (schemathesis).

For every GET operation the emulator serves, schemathesis generates query parameters from
the document; path ids are real ones of the seeded site (a generated id names nothing)
and a generated ``cursor`` is dropped (a cursor is only ever one the API issued). Each
answer must have a documented status, the documented content type and a body valid
against the documented schema, and never a 5xx.
"""

from __future__ import annotations

import base64

import pytest

from brainhub.sandbox.services.confluence import ConfluenceEmulator
from tests.support.confluence_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document
from tests.support.conformance import (
    CHECKS,
    EXAMPLES_PER_OPERATION,
    conformance_settings,
    served_schema,
)

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

EMULATOR = ConfluenceEmulator(size="demo", generation=1, rate_limit=1_000_000)
schema = (
    served_schema(
        "confluence",
        ConfluenceEmulator,
        load_document(),
        PREFIX,
        EXAMPLES_PER_OPERATION,
    )
    if DOCUMENT.exists()
    else None
)


def _real_path_values(path: str) -> dict[str, str]:
    """Ids of seeded objects for the parameters of ``path`` (by the collection it names)."""
    wiki = EMULATOR.wiki
    page = next(p for p in wiki.pages.values() if wiki.properties.get(p["id"]))
    post = next(iter(wiki.blogposts.values()))
    owner = {
        "spaces": page["spaceId"],
        "pages": page["id"],
        "blogposts": post["id"],
        "footer-comments": next(iter(wiki.comments)),
        "labels": wiki.all_labels()[0]["id"],
        "attachments": next(a for group in wiki.attachments.values() for a in group)["id"],
    }.get(path.strip("/").split("/")[0], "7")
    owned = wiki.properties.get(owner, [{"id": "0"}])[0]["id"]
    return {
        "id": owner,
        "page-id": owner,
        "blogpost-id": owner,
        "space-id": owner,
        "comment-id": owner,
        "attachment-id": owner,
        "version-number": "1",
        "property-id": owned,
    }


if schema is not None:

    @schema.parametrize()
    @conformance_settings(EXAMPLES_PER_OPERATION)
    def test_every_served_get_conforms_to_the_document(case, served, session):
        real = _real_path_values(case.operation.path)
        case.path_parameters = {
            name: real.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
        case.query = {k: v for k, v in (case.query or {}).items() if k != "cursor"}
        creds = EMULATOR.credentials
        token = base64.b64encode(f"{creds['email']}:{creds['api_token']}".encode()).decode()
        case.headers = {**(case.headers or {}), "Authorization": f"Basic {token}"}
        case.call_and_validate(base_url=served.base_url, session=session, checks=CHECKS)
