"""The Graph emulator's manners: error bodies and request ids, throttling, OData query
options, delta tokens that expire, and the documented example pages' keys."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.microsoft365 import Microsoft365Emulator
from brainhub.sandbox.services.microsoft365.errors import ERRORS
from tests.support.microsoft365_reference import (
    ABSENT_REASON,
    FIXTURES,
    load_fixture,
    microsoft365_token,
)


def _client(**options: Any) -> tuple[Microsoft365Emulator, Client, dict[str, str]]:
    emulator = Microsoft365Emulator(size="tiny", generation=0, **options)
    token = microsoft365_token(emulator)
    return emulator, Client(emulator), {"Authorization": f"Bearer {token}"}


def test_errors_have_graph_s_body_with_the_request_id_of_the_header() -> None:
    _, client, headers = _client()
    answer = client.get("/v1.0/users/no-such-user", headers=headers)
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert error["code"] == "Request_ResourceNotFound"
    assert error["innerError"]["request-id"] == answer.headers["request-id"]
    assert error["innerError"]["date"]
    unauthenticated = client.get("/v1.0/users")
    assert unauthenticated.status_code == 401
    assert unauthenticated.get_json()["error"]["code"] == "InvalidAuthenticationToken"
    echoed = client.get("/v1.0/users", headers={**headers, "client-request-id": "abc-1"})
    assert echoed.headers["client-request-id"] == "abc-1"


def test_every_named_error_has_graph_s_shape() -> None:
    for error in ERRORS.errors.values():
        assert set(error.body) == {"error"}
        assert {"code", "message", "innerError"} <= set(error.body["error"])


def test_over_the_limit_answers_429_with_retry_after() -> None:
    _, client, headers = _client(rate_limit="2/hour")
    assert client.get("/v1.0/teams", headers=headers).status_code == 200
    assert client.get("/v1.0/teams", headers=headers).status_code == 200
    throttled = client.get("/v1.0/teams", headers=headers)
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert throttled.get_json()["error"]["code"] == "TooManyRequests"


def test_top_select_and_filter_shape_the_listing() -> None:
    emulator, client, headers = _client()
    first = next(iter(emulator.tenant.collection("users").values()))
    name = first["displayName"].replace("'", "''")
    answer = client.get(
        "/v1.0/users",
        query_string={"$filter": f"displayName eq '{name}'", "$select": "displayName"},
        headers=headers,
    ).get_json()
    assert answer["value"] == [{"id": first["id"], "displayName": first["displayName"]}]
    page = client.get("/v1.0/users", query_string={"$top": "1"}, headers=headers).get_json()
    assert len(page["value"]) == 1
    assert page["@odata.nextLink"].startswith("http://localhost/v1.0/users?$skiptoken=")
    bad = client.get("/v1.0/users", query_string={"$filter": "nonsense("}, headers=headers)
    assert bad.status_code == 400
    assert bad.get_json()["error"]["message"].startswith("Invalid filter clause")
    too_big = client.get("/v1.0/users", query_string={"$top": "5000"}, headers=headers)
    assert too_big.status_code == 400


def _delta_link(client: Client, headers: dict[str, str], path: str) -> str:
    url = path
    while True:
        page = client.get(url, headers=headers).get_json()
        if "@odata.deltaLink" in page:
            return str(page["@odata.deltaLink"]).removeprefix("http://localhost")
        url = str(page["@odata.nextLink"]).removeprefix("http://localhost")


def test_delta_tokens_expire_and_foreign_ones_are_refused_with_410() -> None:
    emulator, client, headers = _client()
    link = _delta_link(client, headers, "/v1.0/users/delta?$top=2")
    emulator.set_generation(3)
    assert client.get(link, headers=headers).status_code == 200  # three generations: still valid
    emulator.set_generation(4)
    expired = client.get(link, headers=headers)
    assert expired.status_code == 410
    assert expired.get_json()["error"]["code"] == "syncStateNotFound"
    team = next(iter(emulator.tenant.collection("teams")))
    channel = next(iter(emulator.tenant.collection("channels", team)))
    token = link.split("$deltatoken=", 1)[1]
    # a token signed for another listing, and a damaged one, name no sync state here
    other = f"/v1.0/teams/{team}/channels/{channel}/messages/delta?$deltatoken={token}"
    assert client.get(other, headers=headers).status_code == 410
    damaged = client.get("/v1.0/users/delta?$deltatoken=abc.def", headers=headers)
    assert damaged.status_code == 410


def test_a_token_from_a_generation_the_dataset_no_longer_reaches_asks_for_a_resync() -> None:
    emulator, client, headers = _client()
    emulator.set_generation(2)
    link = _delta_link(client, headers, "/v1.0/users/delta")
    emulator.set_generation(1)
    answer = client.get(link, headers=headers)
    assert answer.status_code == 410
    assert answer.get_json()["error"]["code"] == "resyncRequired"


@pytest.mark.skipif(not FIXTURES.exists(), reason=ABSENT_REASON)
@pytest.mark.parametrize(
    ("fixture", "path"),
    [
        ("GET_users-delta.page1.json", "/v1.0/users/delta?$top=1"),
        ("GET_channel-messages-delta.page1.json", "channel"),
        ("GET_drive-root-delta.page1.json", "drive"),
    ],
)
def test_pages_carry_the_documented_example_s_keys(fixture: str, path: str) -> None:
    emulator, client, headers = _client()
    tenant = emulator.tenant
    uid = next(iter(tenant.collection("users")))
    team = next(iter(tenant.collection("teams")))
    channel = next(iter(tenant.collection("channels", team)))
    url = {
        "channel": f"/v1.0/teams/{team}/channels/{channel}/messages/delta?$top=1",
        "drive": f"/v1.0/drives/b!{uid.replace('-', '')}/root/delta?$top=1",
    }.get(path, path)
    page = client.get(url, headers=headers).get_json()
    example = load_fixture(fixture)
    page_keys = {k for k in example if k != "@odata.context"}
    assert page_keys <= set(page)
    documented = set().union(*(set(item) for item in example["value"])) - {
        "@odata.type",
        "deleted",
    }
    ours = set(page["value"][0])
    missing = documented - ours
    # Graph's examples print every property, null ones too; ours leave out some nulls
    assert len(missing) <= len(documented) // 3, sorted(missing)
