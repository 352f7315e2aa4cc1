"""PolicyAdapter against a scripted server on 127.0.0.1, with a fake clock for every wait."""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

import pytest
import requests

from brainhub.errors import AuthError, CircuitOpenError, FatalAPIError
from brainhub.http import (
    ENDPOINT_HEADER,
    HttpPolicy,
    PolicyAdapter,
    RequestStats,
    endpoint,
    skip_verdict,
)

NO_JITTER = {"backoff": {"initial": 1, "factor": 2, "max": 60, "jitter": "none"}}
SLACK_RULES = [
    {
        "when": {"status": 200, "body": {"path": "error", "equals": "ratelimited"}},
        "action": "throttle",
    },
    {
        "when": {"status": 200, "body": {"path": "ok", "equals": False}},
        "action": "fail",
        "message": "slack error: {body.error}",
    },
]


def make_session(
    clock: Any,
    http: dict[str, Any] | None = None,
    errors: list[Any] | None = None,
    connector: str = "clickup",
) -> tuple[requests.Session, PolicyAdapter, RequestStats]:
    spec = {"retry": dict(NO_JITTER), **(http or {})}
    policy = HttpPolicy.from_spec(spec, errors)
    stats = RequestStats()
    adapter = PolicyAdapter(
        policy,
        connector,
        "fingerprint-1",
        auth_hint="check the api_token setting",
        stats=stats,
        clock=clock,
        sleep=clock.sleep,
        rng=lambda: 0.5,
    )
    session = requests.Session()
    session.mount("http://", adapter)
    return session, adapter, stats


def metric_points(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    points = []
    for record in caplog.records:
        message = record.getMessage()
        if record.name == "brainhub.metrics" and message.startswith("METRIC: "):
            points.append(json.loads(message.removeprefix("METRIC: ")))
    return points


def test_503_twice_then_200_succeeds_after_exponential_backoff(server, clock, caplog):
    caplog.set_level(logging.INFO, logger="brainhub.metrics")
    server.add("/list/1/task", 503, {"err": "down"})
    server.add("/list/1/task", 503, {"err": "down"})
    server.add("/list/1/task", 200, {"tasks": [{"id": "a"}]})
    session, _, stats = make_session(clock)

    response = session.get(
        f"{server.url}/list/1/task", headers={ENDPOINT_HEADER: "/list/{list_id}/task"}
    )

    assert response.status_code == 200
    assert response.brainhub_json == {"tasks": [{"id": "a"}]}
    assert clock.sleeps == [1.0, 2.0]
    snapshot = stats.snapshot()
    assert (snapshot.requests, snapshot.retries, snapshot.waited) == (3, 2, 3.0)
    points = metric_points(caplog)
    assert [p["tags"]["attempt"] for p in points] == [1, 2, 3]
    assert [p["tags"]["http_status_code"] for p in points] == [503, 503, 200]
    assert [p["tags"]["status"] for p in points] == ["failed", "failed", "succeeded"]
    assert {p["tags"]["endpoint"] for p in points} == {"/list/{list_id}/task"}
    assert {p["metric"] for p in points} == {"http_request_duration"}
    assert all(p["type"] == "timer" and p["value"] >= 0 for p in points)
    assert all(ENDPOINT_HEADER not in headers for headers in server.request_headers)


def test_endpoint_named_by_context_or_falls_back_to_path(server, clock, caplog):
    caplog.set_level(logging.INFO, logger="brainhub.metrics")
    server.add("/team/9/space", 200, {"spaces": []})
    session, _, _ = make_session(clock)
    with endpoint("/team/{team_id}/space"):
        session.get(f"{server.url}/team/9/space")
    session.get(f"{server.url}/team/9/space?archived=false")
    assert [p["tags"]["endpoint"] for p in metric_points(caplog)] == [
        "/team/{team_id}/space",
        "/team/9/space",
    ]


def test_retry_after_seconds_is_waited_exactly(server, clock):
    server.add("/search", 429, {"message": "slow down"}, headers={"Retry-After": "7"})
    server.add("/search", 200, {"issues": []})
    session, _, stats = make_session(clock)
    assert session.get(f"{server.url}/search").status_code == 200
    assert clock.sleeps == [7.0]
    assert stats.snapshot().throttled == 1


def test_503_retry_after_is_waited_exactly_too(server, clock):
    # Microsoft Graph answers 503 (as well as 429) with Retry-After when it sheds load.
    server.add(
        "/v1.0/users", 503, {"error": {"code": "serviceNotAvailable"}}, headers={"Retry-After": "4"}
    )
    server.add("/v1.0/users", 200, {"value": []})
    session, _, stats = make_session(clock)
    assert session.get(f"{server.url}/v1.0/users").status_code == 200
    assert clock.sleeps == [4.0]
    assert stats.snapshot().retries == 1


def test_clickup_429_waits_until_epoch_reset(server, clock):
    reset = int(clock.now) + 13
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    server.add("/team", 429, {"err": "Rate limit reached", "ECODE": "APP_002"}, headers=headers)
    server.add("/team", 200, {"teams": []})
    session, _, _ = make_session(clock)
    assert session.get(f"{server.url}/team").status_code == 200
    assert sum(clock.sleeps) == pytest.approx(13.0)


def test_github_403_with_remaining_zero_waits_until_reset_and_does_not_fail(server, clock):
    reset = int(clock.now) + 42
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    body = {"message": "API rate limit exceeded for user ID 1."}
    server.add("/repos/o/r/issues", 403, body, headers=headers)
    server.add("/repos/o/r/issues", 200, [{"id": 1}])
    session, _, stats = make_session(clock, connector="github")
    response = session.get(f"{server.url}/repos/o/r/issues")
    assert response.json() == [{"id": 1}]
    assert clock.sleeps == [42.0]
    assert stats.snapshot().throttled == 1


def test_plain_403_is_fatal_with_status_method_path_and_body(server, clock):
    server.add("/repos/o/r", 403, {"message": "Resource not accessible by integration"})
    session, _, _ = make_session(clock, connector="github")
    with pytest.raises(FatalAPIError) as caught:
        session.get(f"{server.url}/repos/o/r")
    message = str(caught.value)
    assert "github: GET /repos/o/r failed with HTTP 403 Forbidden" in message
    assert "Resource not accessible by integration" in message
    assert clock.sleeps == []


def test_slack_ratelimited_in_a_200_body_is_throttling(server, clock):
    server.add("/conversations.list", 200, {"ok": False, "error": "ratelimited"})
    server.add("/conversations.list", 200, {"ok": True, "channels": []})
    session, _, stats = make_session(clock, errors=SLACK_RULES, connector="slack")
    response = session.get(f"{server.url}/conversations.list")
    assert response.brainhub_json == {"ok": True, "channels": []}
    assert clock.sleeps == [1.0]
    assert stats.snapshot().throttled == 1


def test_slack_error_in_a_200_body_is_raised_not_loaded(server, clock):
    server.add("/conversations.list", 200, {"ok": False, "error": "invalid_auth"})
    session, _, _ = make_session(clock, errors=SLACK_RULES, connector="slack")
    with pytest.raises(FatalAPIError, match="slack: slack error: invalid_auth") as caught:
        session.get(f"{server.url}/conversations.list")
    assert "HTTP 200 OK on GET /conversations.list" in str(caught.value)


def test_a_reject_rule_stops_a_read_like_fail(server, clock):
    server.add("/chat.postMessage", 200, {"ok": False, "error": "channel_not_found"})
    rules = [dict(SLACK_RULES[1], action="reject")]
    session, _, _ = make_session(clock, errors=rules, connector="slack")
    with pytest.raises(FatalAPIError, match="slack error: channel_not_found"):
        session.post(f"{server.url}/chat.postMessage")


def test_401_is_an_auth_error_naming_connector_and_setting(server, clock):
    server.add("/team", 401, {"err": "Token invalid", "ECODE": "OAUTH_025"})
    session, _, _ = make_session(clock)
    with pytest.raises(AuthError) as caught:
        session.get(f"{server.url}/team")
    message = str(caught.value)
    assert message.startswith("clickup: the API rejected the credentials")
    assert "401 Unauthorized on GET /team" in message
    assert "check the api_token setting" in message
    assert "OAUTH_025" in message


def test_404_skipped_by_rule_is_returned_and_marked(server, clock):
    server.add("/task/9hx/comment", 404, {"err": "Task not found", "ECODE": "ITEM_013"})
    rules = [{"when": {"status": 404}, "action": "skip", "message": "task gone: {body.err}"}]
    session, _, _ = make_session(clock, errors=rules)
    response = session.get(f"{server.url}/task/9hx/comment")
    verdict = skip_verdict(response)
    assert verdict is not None
    assert verdict.message == "task gone: Task not found"
    assert clock.sleeps == []


def test_body_cut_short_is_retried(server, clock):
    server.add("/list/1/task", 200, {"tasks": [{"id": "a"}]}, mode="truncate")
    server.add("/list/1/task", 200, {"tasks": [{"id": "a"}]})
    session, _, stats = make_session(clock)
    assert session.get(f"{server.url}/list/1/task").brainhub_json == {"tasks": [{"id": "a"}]}
    assert stats.snapshot().retries == 1


def test_invalid_json_body_is_retried(server, clock):
    server.add(
        "/list/1/task", 200, b'{"tasks": [{"id": "a"', headers={"Content-Type": "application/json"}
    )
    server.add("/list/1/task", 200, {"tasks": []})
    session, _, stats = make_session(clock)
    assert session.get(f"{server.url}/list/1/task").brainhub_json == {"tasks": []}
    assert stats.snapshot().retries == 1


def test_connection_reset_is_retried(server, clock):
    server.add("/team", mode="reset")
    server.add("/team", 200, {"teams": []})
    session, _, stats = make_session(clock)
    assert session.get(f"{server.url}/team").status_code == 200
    assert stats.snapshot().requests == 2


def test_read_timeout_is_retried(server, clock):
    server.add("/team", 200, {"teams": []}, mode="slow", delay=1.0)
    server.add("/team", 200, {"teams": ["t"]})
    session, _, stats = make_session(clock, {"timeout": {"connect": 2, "read": 0.3}})
    assert session.get(f"{server.url}/team").brainhub_json == {"teams": ["t"]}
    # the slow answer was abandoned (a loaded machine may time out once more, never less)
    assert stats.snapshot().retries >= 1


def test_an_outage_opens_the_circuit_and_the_request_waits_for_the_probe(server, clock):
    for _ in range(3):
        server.add("/list/1/task", 503, "Service Unavailable")
    server.add("/list/1/task", 200, {"tasks": []})
    http = {
        "retry": {**NO_JITTER, "max_tries": 10},
        "circuit_breaker": {"failures": 3, "cooldown": 30},
    }
    session, adapter, stats = make_session(clock, http)
    url = f"{server.url}/list/1/task"
    response = session.get(url, headers={ENDPOINT_HEADER: "/list/{list_id}/task"})
    assert response.brainhub_json == {"tasks": []}
    # backoff 1 and 2 s; the third failure opens the circuit: backoff 4 s, then the rest
    # of the 30 s cooldown, then the request goes out as the probe and closes the circuit
    assert clock.sleeps == [1, 2, 4, 26]
    assert len(server.requests) == 4
    assert stats.snapshot().circuit_openings == 1
    assert adapter.breaker.state == "closed"


def test_a_new_request_during_an_outage_waits_for_the_circuit_instead_of_failing(server, clock):
    server.add("/team", 502, "Bad Gateway")
    http = {
        "retry": {**NO_JITTER, "max_tries": 3},
        "circuit_breaker": {"failures": 3, "cooldown": 30},
    }
    session, adapter, _ = make_session(clock, http)
    with pytest.raises(FatalAPIError, match="after 3 attempts"):
        session.get(f"{server.url}/team")  # its own budget is spent; the circuit is open
    assert adapter.breaker.state == "open"
    server.add("/team", 200, {"teams": []})
    clock.advance(5)
    assert session.get(f"{server.url}/team").brainhub_json == {"teams": []}
    assert clock.sleeps[-1] == 25  # waited for the cooldown, sent nothing meanwhile
    assert len(server.requests) == 4


def test_an_unreachable_host_is_tried_for_the_whole_retry_budget(clock, caplog):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = {
        "retry": {**NO_JITTER, "max_tries": 50, "max_time": 120},
        "circuit_breaker": {"failures": 3, "cooldown": 30},
    }
    session, _, stats = make_session(clock, http)
    with (
        caplog.at_level(logging.INFO, logger="brainhub.http"),
        pytest.raises(FatalAPIError) as caught,
    ):
        session.get(f"http://127.0.0.1:{port}/team")
    message = str(caught.value)
    # failures at 0, 1 and 3 s open the circuit; probes at 33, 63 and 93 s fail; the next
    # backoff (32 s) would pass the 120 s budget
    assert message.startswith(
        "clickup: GET /team failed after 6 attempts in 93 s; waiting 32 s more "
    )
    assert "retry time limit of 120 s (the circuit has been open for 90 s, probing" in message
    assert "last: ConnectionError" in message
    assert "raise the max_retry_time setting" in message
    assert sum(clock.sleeps) == 93
    assert stats.snapshot().circuit_openings == 4
    opened = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(opened) == 1  # one warning per outage; failed probes are logged at INFO
    assert opened[0].startswith(
        "circuit open for clickup after 3 consecutive failures (last: ConnectionError ("
    )
    assert opened[0].endswith(
        " on GET /team); requests wait, one probe every 30 s; each request keeps retrying "
        "within its budget (50 attempts, 120 s)"
    )


def test_waiting_for_the_circuit_stops_at_the_retry_time_limit(server, clock):
    server.add("/team", 503, "Service Unavailable")
    http = {
        "retry": {**NO_JITTER, "max_tries": 2, "max_time": 100},
        "circuit_breaker": {"failures": 2, "cooldown": 300},
    }
    session, _, _ = make_session(clock, http)
    with pytest.raises(FatalAPIError):
        session.get(f"{server.url}/team")
    with pytest.raises(CircuitOpenError) as caught:
        session.get(f"{server.url}/team")
    assert str(caught.value) == (
        "clickup: GET /team gave up after 0 s (attempts: none): circuit open for clickup after "
        "2 consecutive failures (last: 503 Service Unavailable on GET /team); requests wait, "
        "one probe every 300 s; it has been open for 0 s, and waiting 300 s more would pass "
        "the retry time limit of 100 s. Try again later, or raise the max_retry_time setting"
    )
    assert len(server.requests) == 2


def test_max_tries_exhausted_says_attempts_and_last_status(server, clock):
    server.add("/team", 502, "Bad Gateway")
    http = {"retry": {**NO_JITTER, "max_tries": 3}, "circuit_breaker": {"failures": 50}}
    session, _, _ = make_session(clock, http)
    with pytest.raises(FatalAPIError) as caught:
        session.get(f"{server.url}/team")
    message = str(caught.value)
    assert "clickup: GET /team failed after 3 attempts" in message
    assert "last: 502 Bad Gateway" in message
    assert "max_tries" in message
    assert clock.sleeps == [1.0, 2.0]


def test_wait_beyond_max_time_fails_at_once_and_names_the_setting(server, clock):
    server.add("/team", 429, "slow down", headers={"Retry-After": "900"})
    session, _, _ = make_session(clock, {"retry": {**NO_JITTER, "max_time": 600}})
    with pytest.raises(FatalAPIError, match="max_retry_time"):
        session.get(f"{server.url}/team")
    assert clock.sleeps == []


def test_declared_rate_limit_paces_requests(server, clock):
    server.add("/team", 200, {"teams": []})
    session, _, stats = make_session(clock, {"rate_limit": {"requests": 2, "per": "second"}})
    for _ in range(5):
        session.get(f"{server.url}/team")
    assert clock.sleeps == [1.0, 1.0]
    assert stats.snapshot().waited == pytest.approx(2.0)


def test_secrets_never_reach_logs_or_errors(server, clock, caplog):
    caplog.set_level(logging.DEBUG)
    secret, token = "SuperSecretKey123", "tok_VerySecretToken"
    server.add("/team", mode="reset")
    server.add("/team", 503, f"upstream rejected key={secret}")
    server.add("/team", 400, {"error": f"bad api_key {secret}", "auth": f"Bearer {token}"})
    session, _, _ = make_session(clock)
    with pytest.raises(FatalAPIError) as caught:
        session.get(
            f"{server.url}/team",
            params={"api_key": secret},
            headers={"Authorization": f"Bearer {token}"},
        )
    texts = [str(caught.value), repr(caught.value.__cause__), repr(caught.value.__context__)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("GET /team" in text for text in texts)
    for text in texts:
        assert secret not in text
        assert token not in text
    assert "bad api_key <redacted>" in str(caught.value)


def test_rule_messages_echoing_a_secret_are_redacted(server, clock):
    secret = "SuperSecretKey123"
    server.add("/items", 404, {"error": f"no item for key {secret}"})
    server.add("/other", 400, {"error": f"bad key {secret}"})
    rules = [
        {"when": {"status": 404}, "action": "skip", "message": "{body.error}"},
        {"when": {"status": 400}, "action": "fail", "message": "{body.error}"},
    ]
    session, _, _ = make_session(clock, errors=rules)
    response = session.get(f"{server.url}/items", params={"key": secret})
    assert skip_verdict(response).message == "no item for key <redacted>"
    with pytest.raises(FatalAPIError) as caught:
        session.get(f"{server.url}/other", params={"key": secret})
    assert str(caught.value) == "clickup: bad key <redacted> (HTTP 400 Bad Request on GET /other)"


def test_summary_line_after_a_run(server, clock):
    server.add("/team", 429, "", headers={"Retry-After": "2"})
    server.add("/team", 200, {"teams": []})
    session, _, stats = make_session(clock)
    session.get(f"{server.url}/team")
    stats.add_records(7)
    assert stats.summary_line("teams") == (
        "brainhub summary: stream=teams records=7 requests=2 retries=1 throttled=1 "
        "waited=2.0s circuit_openings=0"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bearer tok_Line\r\nX-Injected: yes", "the request could not be sent (ValueError"),
        ("Bearer ключ-tökën-42", "a header value holds characters an HTTP header cannot carry"),
    ],
)
def test_a_header_http_client_refuses_is_one_redacted_error(server, clock, value, expected):
    """An authenticator may set headers after requests checked them; http.client refuses."""
    server.add("/team", 200, {"teams": []})
    _, adapter, _ = make_session(clock)
    request = requests.Request("GET", f"{server.url}/team").prepare()
    request.headers["Authorization"] = value
    with pytest.raises(FatalAPIError) as caught:
        adapter.send(request)
    message = str(caught.value)
    assert message.startswith("clickup: GET /team: ")
    assert expected in message
    assert caught.value.__cause__ is None
    credential = value.split(" ", 1)[1]
    for spelling in (credential, repr(credential)[1:-1], repr(credential.encode())[2:-1]):
        assert spelling not in message
