"""Classifying responses: the spec's error rules first, then the defaults."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from brainhub.http import HttpPolicy, ResponseClassifier, Verdict
from brainhub.http.rules import render

NOW = 1_700_000_000.0


def response(
    status: int, body: Any = None, headers: dict[str, str] | None = None
) -> requests.Response:
    r = requests.Response()
    r.status_code = status
    r.reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests"}.get(status, "")
    r.url = "https://api.example.com/v1/things/7?token=abc"
    r.request = requests.Request("GET", r.url).prepare()
    r.headers = CaseInsensitiveDict(headers or {})
    if isinstance(body, str | bytes):
        r._content = body.encode() if isinstance(body, str) else body
        r.headers.setdefault("Content-Type", "text/plain")
    else:
        r._content = json.dumps(body).encode() if body is not None else b""
        r.headers.setdefault("Content-Type", "application/json; charset=utf-8")
    return r


def classify(r: requests.Response, errors=None, http=None) -> Verdict:
    return ResponseClassifier(HttpPolicy.from_spec(http, errors)).classify(r, NOW)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (200, "ok"),
        (201, "ok"),
        (204, "ok"),
        (304, "ok"),
        (400, "fail"),
        (401, "auth"),
        (403, "fail"),
        (404, "fail"),
        (409, "fail"),
        (422, "fail"),
        (408, "retry"),
        (429, "throttle"),
        (500, "retry"),
        (502, "retry"),
        (503, "retry"),
        (504, "retry"),
        (501, "fail"),
        (505, "fail"),
    ],
)
def test_default_classification(status, action):
    assert classify(response(status, {})).action == action


def test_retry_statuses_come_from_the_policy():
    http = {"retry": {"statuses": [500, 520]}}
    assert classify(response(520, {}), http=http).action == "retry"
    assert classify(response(503, {}), http=http).action == "fail"


def test_github_403_with_remaining_zero_is_throttling_by_default():
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 60)}
    assert classify(response(403, {}, headers)) == Verdict("throttle", "", 60.0)
    assert classify(response(403, {}, {"x-ratelimit-remaining": "12"})).action == "fail"


@pytest.mark.parametrize(
    ("headers", "http", "wait"),
    [
        ({"Retry-After": "7"}, None, 7.0),
        ({"Retry-After": "Tue, 14 Nov 2023 22:14:00 GMT"}, None, 40.0),
        ({"X-RateLimit-Reset": "1700000013"}, None, 13.0),
        ({"Retry-After": "3", "X-RateLimit-Reset": "1700000013"}, None, 3.0),
        ({"X-RateLimit-Reset": "1699999990"}, None, 0.0),
        (
            {"RateLimit-Reset": "9"},
            {
                "rate_limit": {
                    "requests": 1,
                    "per": 1,
                    "headers": {"reset": "RateLimit-Reset", "reset_format": "delta_seconds"},
                }
            },
            9.0,
        ),
        ({}, None, None),
    ],
)
def test_throttle_waits_come_from_retry_after_then_the_reset_header(headers, http, wait):
    assert classify(response(429, {}, headers), http=http).wait == wait


def test_retry_honours_retry_after_but_not_reset_headers():
    assert classify(response(503, {}, {"Retry-After": "5"})).wait == 5.0
    assert classify(response(503, {}, {"X-RateLimit-Reset": "1700000013"})).wait is None


def test_rules_are_checked_in_order_and_the_first_match_wins():
    rules = [
        {"when": {"status": 404}, "action": "skip", "message": "gone"},
        {"when": {"status": [404, 410]}, "action": "fail"},
    ]
    assert classify(response(404, {}), rules) == Verdict("skip", "gone")
    assert classify(response(410, {}), rules).action == "fail"
    assert classify(response(400, {}), rules).action == "fail"  # default


def test_header_conditions_are_case_insensitive_by_name_and_exact_by_value():
    rules = [{"when": {"status": 403, "headers": {"X-Limit-Left": "0"}}, "action": "throttle"}]
    assert classify(response(403, {}, {"x-limit-left": " 0 "}), rules).action == "throttle"
    assert classify(response(403, {}, {"x-limit-left": "00"}), rules).action == "fail"
    assert classify(response(403, {}), rules).action == "fail"


SLACK = [
    {"when": {"body": {"path": "error", "equals": "ratelimited"}}, "action": "throttle"},
    {
        "when": {"status": 200, "body": {"path": "ok", "equals": False}},
        "action": "fail",
        "message": "slack error: {body.error}",
    },
]


@pytest.mark.parametrize(
    ("body", "verdict"),
    [
        ({"ok": True, "channels": []}, Verdict("ok")),
        ({"ok": False, "error": "ratelimited"}, Verdict("throttle")),
        ({"ok": False, "error": "invalid_auth"}, Verdict("fail", "slack error: invalid_auth")),
        ({"ok": 0, "error": "x"}, Verdict("ok")),  # 0 is not false
        ({"ok": False}, Verdict("fail", "slack error: (none)")),
        ([1, 2], Verdict("ok")),
        ("ok: false", Verdict("ok")),  # not JSON: body rules do not apply
    ],
)
def test_slack_style_errors_inside_200_bodies(body, verdict):
    assert classify(response(200, body), SLACK) == verdict


def test_body_in_and_nested_paths():
    rules = [
        {"when": {"body": {"path": "errors.0.code", "in": ["RATE", "BUSY"]}}, "action": "throttle"},
        {"when": {"body": {"path": "error.detail"}}, "action": "fail"},
    ]
    assert classify(response(400, {"errors": [{"code": "BUSY"}]}), rules).action == "throttle"
    assert classify(response(400, {"errors": [{"code": "OTHER"}]}), rules).action == "fail"
    assert classify(response(200, {"error": {"detail": "x"}}), rules).action == "fail"
    assert classify(response(200, {"error": {"detail": None}}), rules).action == "ok"


def test_the_body_is_not_parsed_unless_a_rule_needs_it():
    r = response(200, b"{not json", {"Content-Type": "application/json"})
    assert classify(r, [{"when": {"status": 404}, "action": "skip"}]).action == "ok"
    assert classify(r, SLACK).action == "ok"  # unparseable: body conditions do not match


def test_render_fills_placeholders_and_leaves_unknown_ones():
    r = response(404, {"err": "Task not found", "meta": {"n": 3}})
    text = render("{status} {reason} {method} {path}: {body.err} n={body.meta.n} {other}", r)
    assert text == "404 404 Not Found GET /v1/things/7: Task not found n=3 {other}"
