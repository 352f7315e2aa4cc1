"""Slack's HTTP manners, as its servers show them to any client.

- every method takes GET with a query string and POST with a form or JSON body alike;
- method errors are HTTP 200 ``{"ok": false, "error": …}``; unknown methods 404
  ``unknown_method``; throttling 429 ``ratelimited`` with ``Retry-After``;
- JSON is ``application/json; charset=utf-8``, gzipped when asked; HEAD answers GET
  routes without a body; ``X-OAuth-Scopes`` names the token's scopes.
"""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.errors import ERRORS

JSON = "application/json; charset=utf-8"


@pytest.fixture(scope="module")
def slack() -> SlackEmulator:
    return SlackEmulator(size="tiny", generation=1, rate_limit=100_000)


def _bearer(slack: SlackEmulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {slack.credentials['api_token']}"}


def _json(response: Any) -> Any:
    return json.loads(response.get_data())


@pytest.mark.parametrize(
    ("method", "arguments"),
    [
        ("conversations.list", {"limit": "2", "types": "public_channel,private_channel"}),
        ("users.list", {"limit": "3"}),
        ("users.lookupByEmail", {"email": "EMAIL"}),
        ("usergroups.list", {"include_disabled": "true"}),
        ("pins.list", {"channel": "CHANNEL"}),
        ("files.list", {"count": "1"}),
    ],
)
def test_get_query_post_form_and_post_json_answer_alike(slack, method, arguments):
    real = {"EMAIL": slack.workspace.users[2]["profile"]["email"]}
    real["CHANNEL"] = slack.workspace.visible_channels()[0].id
    arguments = {key: real.get(value, value) for key, value in arguments.items()}
    client, headers = Client(slack), _bearer(slack)
    by_get = client.get(f"/api/{method}", query_string=arguments, headers=headers)
    by_form = client.post(f"/api/{method}", data=arguments, headers=headers)
    by_json = client.post(f"/api/{method}", json=arguments, headers=headers)
    token_in_form = client.post(
        f"/api/{method}", data={**arguments, "token": slack.credentials["api_token"]}
    )
    answers = [_json(r) for r in (by_get, by_form, by_json, token_in_form)]
    assert answers[0]["ok"] is True
    assert all(answer == answers[0] for answer in answers)


def test_method_errors_are_http_200_with_the_tables_body(slack):
    client, headers = Client(slack), _bearer(slack)
    response = client.get("/api/conversations.info?channel=C000NOSUCH", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == JSON
    assert _json(response) == dict(ERRORS["channel_not_found"].body)
    assert _json(client.post("/api/users.info", data={"user": "U0NOBODY0"}, headers=headers)) == {
        "ok": False,
        "error": "user_not_found",
    }


def test_a_missing_required_argument_is_invalid_arguments(slack):
    response = Client(slack).get("/api/usergroups.users.list", headers=_bearer(slack))
    assert _json(response) == {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": ["[ERROR] missing required field: usergroup"]},
    }
    shaped = Client(slack).post("/api/calls.info", data={}, headers=_bearer(slack))
    assert _json(shaped)["error"] == "invalid_arguments"


def test_unknown_methods_and_verbs_are_404_unknown_method(slack):
    client, headers = Client(slack), _bearer(slack)
    for response in (
        client.get("/api/chat.nothing", headers=headers),
        client.post("/api/admin.users.list", headers=headers),
        client.delete("/api/users.list", headers=headers),
    ):
        assert response.status_code == 404
        assert response.headers["Content-Type"] == JSON
        assert _json(response)["error"] == "unknown_method"
    assert _json(client.get("/api/chat.nothing"))["req_method"] == "chat.nothing"


def test_api_test_needs_no_token_and_echoes_its_arguments(slack):
    client = Client(slack)
    assert _json(client.get("/api/api.test?foo=bar")) == {"ok": True, "args": {"foo": "bar"}}
    failed = _json(client.post("/api/api.test", data={"error": "my_error"}))
    assert failed == {"ok": False, "error": "my_error", "args": {"error": "my_error"}}


def test_gzip_when_asked_and_head_without_a_body(slack):
    client, headers = Client(slack), _bearer(slack)
    plain = client.get("/api/users.list", headers=headers)
    zipped = client.get("/api/users.list", headers={**headers, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.get_data())) == _json(plain)
    head = client.head("/api/users.list", headers=headers)
    assert head.status_code == 200
    assert head.headers["Content-Type"] == JSON
    assert head.get_data() == b""


def test_scope_headers_name_the_tokens_scopes_and_the_methods(slack):
    response = Client(slack).get("/api/team.info", headers=_bearer(slack))
    assert "team:read" in response.headers["X-OAuth-Scopes"].split(",")
    assert response.headers["X-Accepted-OAuth-Scopes"] == "team:read"


def test_throttling_is_429_ratelimited_with_retry_after():
    slack = SlackEmulator(size="tiny", rate_limit="1/min", clock=lambda: 1_000.0)
    client, headers = Client(slack), _bearer(slack)
    assert client.get("/api/users.info", headers=headers).status_code == 200
    throttled = client.get("/api/users.info", headers=headers)
    assert throttled.status_code == 429
    assert throttled.headers["Content-Type"] == JSON
    assert throttled.headers["Retry-After"] == "60"
    assert _json(throttled) == {"ok": False, "error": "ratelimited"}
