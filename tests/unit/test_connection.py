"""One connection per service, built from the spec and the config, for either direction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.connect import Connection, open_base_url, register_scheme
from brainhub.connect.schemes import known_schemes
from brainhub.errors import ConfigError
from brainhub.http import RequestStats
from brainhub.spec.loader import parse_spec

SPEC = """
name: toyconn
base_url: https://{config.site}.example.com/api/
settings:
  site: {type: string, required: true}
  api_token: {type: string, secret: true}
  workspace: {type: string}
auth: {type: bearer, token: "{config.api_token}"}
headers:
  X-Workspace: "{config.workspace}"
streams:
  items: {path: /items, primary_key: id, skip_on: [404]}
"""


@pytest.fixture
def spec(tmp_path: Path) -> Any:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "items.json").write_text('{"properties": {"id": {}}}')
    return parse_spec(SPEC, tmp_path / "spec.yaml")


class FakeService:
    base_url = "http://127.0.0.1:1/api"
    credentials = {"api_token": "served-token", "site": "served"}
    stopped = False

    def stop(self) -> None:
        self.stopped = True


def test_a_plain_base_url_starts_nothing() -> None:
    config, started = open_base_url({"base_url": "https://x.example.com"})
    assert started is None
    assert config == {"base_url": "https://x.example.com"}


def test_a_served_base_url_is_started_by_its_scheme_and_fills_unset_credentials() -> None:
    service = FakeService()
    seen: list[str] = []
    register_scheme("toyserved", lambda url: seen.append(url) or service)
    config, started = open_base_url({"base_url": "toyserved://toy?size=3", "site": "mine"})
    assert started is service
    assert seen == ["toyserved://toy?size=3"]
    assert config == {"base_url": service.base_url, "site": "mine", "api_token": "served-token"}
    assert "toyserved" in known_schemes()


def test_an_unknown_scheme_names_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        open_base_url({"base_url": "ftp://files.example.com"})
    message = str(caught.value)
    assert "no provider serves ftp:// URLs" in message
    assert "sandbox" in message
    assert "https" in message


def test_base_url_headers_and_auth_come_from_spec_and_config(spec: Any) -> None:
    connection = Connection(spec, {"site": "acme", "api_token": "t0k"})
    assert connection.base_url == "https://acme.example.com/api"
    assert connection.headers() == {}  # the unset workspace leaves its header out
    assert Connection(spec, {"site": "a", "workspace": "w"}).headers() == {"X-Workspace": "w"}
    assert connection.authenticator.auth_headers["Authorization"] == "Bearer t0k"
    assert connection.authenticator is connection.authenticator  # tokens persist
    assert connection.auth_hint == "check the api_token setting"


def test_the_fingerprint_follows_the_credential_only(spec: Any) -> None:
    one = Connection(spec, {"site": "a", "api_token": "t1"}).fingerprint
    assert one == Connection(spec, {"site": "b", "api_token": "t1"}).fingerprint
    assert one != Connection(spec, {"site": "a", "api_token": "t2"}).fingerprint
    assert "t1" not in one


def test_skip_statuses_come_before_the_specs_rules_and_overrides_apply(spec: Any) -> None:
    connection = Connection(spec, {"site": "a", "max_tries": 3})
    assert connection.policy.retry.max_tries == 3
    skipping = connection.policy_skipping([404])
    assert [(r.action, r.statuses) for r in skipping.errors] == [("skip", (404,))]
    assert skipping.retry.max_tries == 3
    assert connection.policy_skipping([]) is connection.policy


def test_rejects_turn_the_specs_reject_rules_into_skips_for_a_target(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "items.json").write_text('{"properties": {"id": {}}}')
    rules = (
        "errors:\n"
        "  - {when: {body: {path: error, equals: ratelimited}}, action: throttle}\n"
        "  - {when: {body: {path: ok, equals: false}}, action: reject}\n"
    )
    spec = parse_spec(SPEC + rules, tmp_path / "spec.yaml")
    connection = Connection(spec, {"site": "a"})
    reading = connection.policy_skipping([404])
    assert [r.action for r in reading.errors] == ["skip", "throttle", "reject"]
    writing = connection.policy_skipping([404], rejects=True)
    assert [r.action for r in writing.errors] == ["skip", "throttle", "skip"]
    assert writing.errors[2].body == reading.errors[2].body


def test_a_session_sends_through_the_policy_adapter(spec: Any) -> None:
    session = Connection(spec, {"site": "a"}).session(RequestStats(), skip_statuses=[404])
    assert isinstance(session, requests.Session)
    adapter = session.get_adapter("https://a.example.com/api/items")
    assert type(adapter).__name__ == "PolicyAdapter"
