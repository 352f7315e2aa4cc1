"""Graph's documented client flow, with plain ``requests``, against the emulator.

Microsoft's own SDK (``msgraph-sdk``) needs ``msal`` → ``cryptography`` < 51, which conflicts
with the project's pin (cryptography 51.0.1), so it is not installed. These tests follow
Graph's documented examples instead, as any HTTP client does: the client-credentials token
request to the identity platform, following ``@odata.nextLink`` verbatim until it is
absent, and a delta round trip (page to the ``@odata.deltaLink``, change the data, request
the link, apply ``@removed``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.sandbox import serve
from brainhub.sandbox.services.microsoft365 import Microsoft365Emulator

SCOPE = "https://graph.microsoft.com/.default"


@pytest.fixture
def graph() -> Iterator[tuple[Microsoft365Emulator, str, requests.Session]]:
    emulator = Microsoft365Emulator(size="demo", seed=3, generation=0)
    with serve(emulator) as served:
        creds = served.credentials
        # POST https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token
        answer = requests.post(
            f"{creds['authority_url']}/{creds['tenant_id']}/oauth2/v2.0/token",
            data={
                "client_id": creds["client_id"],
                "client_secret": creds["client_secret"],
                "scope": SCOPE,
                "grant_type": "client_credentials",
            },
            timeout=10,
        )
        assert answer.status_code == 200
        token = answer.json()
        assert token["token_type"] == "Bearer"
        assert token["expires_in"] > 0
        assert "refresh_token" not in token  # app-only tokens are requested again, not refreshed
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield emulator, served.base_url, session


def _all_pages(session: requests.Session, url: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while True:
        page = session.get(url, timeout=10).json()
        items += page["value"]
        if "@odata.nextLink" not in page:
            return items, page
        url = page["@odata.nextLink"]


def test_a_wrong_secret_or_scope_gets_no_token(graph):
    emulator, base_url, _ = graph
    root = base_url.removesuffix("/v1.0")
    endpoint = f"{root}/{emulator.credentials['tenant_id']}/oauth2/v2.0/token"
    form = {"client_id": "sandbox-client", "grant_type": "client_credentials", "scope": SCOPE}
    bad_secret = requests.post(endpoint, data={**form, "client_secret": "nope"}, timeout=10)
    assert bad_secret.status_code == 400
    assert bad_secret.json()["error"] == "invalid_client"
    good = {**form, "client_secret": emulator.credentials["client_secret"]}
    bad_scope = requests.post(endpoint, data={**good, "scope": "User.Read"}, timeout=10)
    assert bad_scope.json()["error"] == "invalid_scope"


def test_paging_follows_next_links_until_there_is_none(graph):
    emulator, base_url, session = graph
    users, last = _all_pages(session, f"{base_url}/users?$top=3&$select=displayName,mail")
    assert len(users) == emulator.counts()["users"]
    assert len({u["id"] for u in users}) == len(users)
    assert all(set(u) == {"id", "displayName", "mail"} for u in users)
    assert "@odata.deltaLink" not in last  # a plain listing has no delta link


def test_a_delta_round_trip_applies_changes_and_removals(graph):
    emulator, base_url, session = graph
    known, last = _all_pages(session, f"{base_url}/users/delta?$top=2")
    local = {u["id"]: u for u in known}
    delta_link = last["@odata.deltaLink"]

    emulator.set_generation(1)
    changes, last = _all_pages(session, delta_link)
    for item in changes:
        if "@removed" in item:
            local.pop(item["id"], None)
        else:
            local[item["id"]] = item
    assert {u["id"]: u for u in emulator.tenant.collection("users").values()} == local
    # nothing changed since: the new link answers an empty page and a fresh link
    again = session.get(last["@odata.deltaLink"], timeout=10).json()
    assert again["value"] == []
    assert again["@odata.deltaLink"]
