"""Rate-limit hints in the body, per-route buckets learned from headers, per-endpoint budgets.

A scripted loopback server answers as Discord does (``X-RateLimit-Bucket``, ``Reset-After``,
429 bodies ``{"retry_after": 1.25, "global": false}``); a fake clock records every wait.
Rewinding the clock to the moment of a 429 shows what a request another stream sent then
would have to wait.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from brainhub.errors import SpecError
from brainhub.http import HttpPolicy, PolicyAdapter
from brainhub.spec.loader import load_spec
from tests.unit.http.conftest import FakeClock, Reply

DISCORD_HTTP = {
    "retry": {"backoff": {"initial": 1, "factor": 2, "max": 60, "jitter": "none"}},
    "rate_limit": {
        "requests": 50,
        "per": "second",
        "headers": {
            "limit": "X-RateLimit-Limit",
            "remaining": "X-RateLimit-Remaining",
            "reset": "X-RateLimit-Reset-After",
            "reset_format": "delta_seconds",
            "bucket": "X-RateLimit-Bucket",
            "global_limit": "X-RateLimit-Global",
        },
        "body": {"retry_after": "retry_after", "global_limit": "global"},
        "endpoints": [{"path": "/channels/*/messages", "method": "post", "requests": 2, "per": 10}],
    },
}


def _session(clock: FakeClock, http: dict[str, Any] = DISCORD_HTTP) -> requests.Session:
    adapter = PolicyAdapter(
        HttpPolicy.from_spec(http), "discord", "fp", clock=clock, sleep=clock.sleep
    )
    session = requests.Session()
    session.mount("http://", adapter)
    return session


def _bucket(name: str, remaining: int, reset_after: float) -> dict[str, str]:
    return {
        "X-RateLimit-Bucket": name,
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset-After": str(reset_after),
    }


def test_the_bodys_fractional_retry_after_is_waited_before_the_header(server, clock):
    server.add(
        "/x",
        429,
        {"message": "You are being rate limited.", "retry_after": 1.25, "global": False},
        headers={"Retry-After": "2"},
    )
    server.add("/x", 200, [])
    assert _session(clock).get(f"{server.url}/x").status_code == 200
    assert clock.sleeps == [1.25]


def test_routes_naming_one_bucket_share_its_budget_per_major_resource(server, clock):
    session = _session(clock)
    server.add("/channels/1/messages", 200, [], headers=_bucket("abc", 3, 2))
    server.add("/channels/1/pins", 200, [], headers=_bucket("abc", 0, 2))
    server.add("/channels/2/messages", 200, [], headers=_bucket("abc", 4, 9))
    server.add("/guilds/9", 200, {}, headers=_bucket("guild", 4, 9))
    for path in ("/channels/1/messages", "/channels/1/pins", "/channels/2/messages", "/guilds/9"):
        session.get(server.url + path)
    assert clock.sleeps == []  # another channel and another route keep their own budgets
    session.get(f"{server.url}/channels/1/messages")
    assert clock.sleeps == [2.0]  # the pins answer spent the bucket messages share


#: A connector budget too large to pace anything, so that rewinding the clock shows only holds.
ROOMY = {
    **DISCORD_HTTP,
    "rate_limit": {**DISCORD_HTTP["rate_limit"], "requests": 10**6, "per": "hour"},
}


def _rewind(clock: FakeClock, moment: float) -> None:
    """Back to ``moment``: what a request sent then (from another stream) would have to wait."""
    clock.now = moment
    clock.sleeps.clear()


def test_a_route_429_holds_that_route_and_a_global_one_holds_every_request(server, clock):
    session = _session(clock, ROOMY)
    for path, body in (("/channels/1/messages", []), ("/guilds/9/members", []), ("/users/@me", {})):
        server.add(path, 200, body)
    server.scripts["/channels/1/messages"].appendleft(
        Reply(429, {"message": "You are being rate limited.", "retry_after": 1.5, "global": False})
    )
    started = clock.now
    session.get(f"{server.url}/channels/1/messages")
    assert clock.sleeps == [1.5]
    _rewind(clock, started)
    session.get(f"{server.url}/guilds/9/members")
    assert clock.sleeps == []  # other routes go on
    session.get(f"{server.url}/channels/1/messages")
    assert clock.sleeps == [1.5]

    server.add("/guilds/9", 429, {"retry_after": 4, "global": True})
    server.add("/guilds/9", 200, {})
    started = clock.now
    session.get(f"{server.url}/guilds/9")
    _rewind(clock, started)
    session.get(f"{server.url}/users/@me")
    assert clock.sleeps == [4.0]


def test_a_global_header_alone_holds_every_request(server, clock):
    session = _session(clock, ROOMY)
    server.add("/a", 429, {"retry_after": 3}, headers={"X-RateLimit-Global": "true"})
    server.add("/a", 200, [])
    server.add("/b", 200, [])
    started = clock.now
    session.get(f"{server.url}/a")
    _rewind(clock, started)
    session.get(f"{server.url}/b")
    assert clock.sleeps == [3.0]


def test_an_endpoint_budget_paces_only_its_method_and_path(server, clock):
    session = _session(clock)
    server.add("/channels/7/messages", 200, {})
    server.add("/channels/8/messages", 200, {})
    for _ in range(2):
        session.post(f"{server.url}/channels/7/messages", json={"content": "hi"})
    for _ in range(3):
        session.get(f"{server.url}/channels/7/messages")
    assert clock.sleeps == []
    session.post(f"{server.url}/channels/8/messages", json={"content": "hi"})
    assert clock.sleeps == [10.0]  # the third POST waits for the window, wherever it goes


def test_slack_tiers_are_declared_as_endpoint_budgets() -> None:
    policy = load_spec(Path(__file__).parents[3] / "taps" / "slack" / "spec.yaml").http
    tiers = {limit.path: (limit.requests, limit.per) for limit in policy.endpoint_limits}
    assert tiers["/conversations.list"] == (20, 60.0)  # tier 2
    assert tiers["/users.list"] == (20, 60.0)
    assert policy.rate_limit is not None
    assert policy.rate_limit.requests == 50  # tier 3


@pytest.mark.parametrize(
    ("rate_limit", "where"),
    [
        ({"endpoints": {"path": "/x"}}, "http.rate_limit.endpoints"),
        ({"endpoints": [{"path": "/x", "requests": 0, "per": 1}]}, "endpoints[0].requests"),
        ({"endpoints": [{"requests": 1, "per": 1}]}, "endpoints[0]"),
        ({"body": {"wait": "retry_after"}}, "http.rate_limit.body.wait"),
        ({"headers": {"bucket": 3}}, "http.rate_limit.headers.bucket"),
    ],
)
def test_bad_budget_blocks_are_refused_naming_where(rate_limit: dict[str, Any], where: str):
    with pytest.raises(SpecError, match=where.replace("[", r"\[").replace("]", r"\]")):
        HttpPolicy.from_spec({"rate_limit": {"requests": 5, "per": 1, **rate_limit}})
