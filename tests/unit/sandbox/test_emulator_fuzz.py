"""Odd input never makes an emulator answer 5xx: every route of every emulator, every query
parameter its handler reads, odd values (negative, huge, non-numeric, bad dates, unknown
enum values, empty, unicode digits, control characters), repeated parameters, odd path ids
and odd JSON bodies. The vendor answers these with a 4xx error body (or ignores them), so
must the emulator. Faults are off, so any 5xx or exception is a defect.

The parameters are not listed by hand: a first, valid request to each route records which
query parameters its handler reads (``Request.parameter_storage_class``), so a parameter
added later is fuzzed too, plus common paging names. A route without a valid sample request
fails the test. A few thousand in-process requests per service.
"""

from __future__ import annotations

import base64
from typing import Any, ClassVar

import pytest
from emulator_samples import auth, fill, path_values, required_query, without_sample
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.test import Client
from werkzeug.wrappers import Request

from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.registry import emulator_class, services

ODD_VALUES = (
    "-1",
    "0",
    "-0",
    "99999999999999999999999999",
    "1e309",
    "1.5",
    "NaN",
    "inf",
    "abc",
    "",
    " ",
    "null",
    "true",
    "0x1f",
    "²",
    "١٢",
    "\uff11\uff12",
    "🦄",
    "\x00",
    "2020-13-45",
    "2020-02-30T25:61:00Z",
    "9999-12-31T23:59:59.999Z",
    "0000-00-00T00:00:00",
    "1703980800.000100.5",
    "a,b,,",
    ",",
    "[]",
    "{}",
    "%",
)
ODD_IDS = ("0", "-1", "abc", "🦄", "9" * 40, "%00", "..", "1.5")
ODD_JSON: tuple[Any, ...] = (
    None,
    -1,
    0,
    10**40,
    1.5,
    "",
    "🦄",
    "abc",
    "1e309",
    [],
    {},
    True,
    [None],
    [[]],
    {"add": 5, "rem": "x"},
)
JSON_KEYS = (
    "page_size",
    "start_cursor",
    "filter",
    "sorts",
    "query",
    "maxResults",
    "nextPageToken",
    "jql",
    "fields",
    "name",
    "status",
    "priority",
    "assignees",
    "comment_text",
    "cursor",
    "limit",
    "channel",
    "oldest",
    "latest",
    "inclusive",
    "ts",
    "types",
    "due_date",
    "start_date",
    "time_estimate",
    "points",
    "tags",
    "archived",
    "parent",
    "assignee",
    "description",
    "markdown_content",
    "properties",
)
#: Paging and filter names fuzzed on every route as well (a handler that copies the query
#: into a plain dict, as Slack's methods do, is not seen reading them).
COMMON_PARAMS = {
    "limit",
    "page",
    "cursor",
    "oldest",
    "latest",
    "inclusive",
    "types",
    "exclude_archived",
    "since",
    "offset",
}
ODD_AUTHORIZATION = (
    "",
    "Bearer",
    "Bearer ",
    "Bearer 🦄",
    "Basic",
    "Basic !!!",
    "Basic " + base64.b64encode(b"no-colon").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:\x00").decode(),
    'OAuth oauth_consumer_key="x", oauth_token=""',
    "token " + "x" * 5000,
)
#: Parameters that carry credentials: fuzzing them only exercises authentication.
CREDENTIAL_PARAMS = {"key", "token"}


class RecordingArgs(ImmutableMultiDict):  # type: ignore[type-arg]
    """Query arguments that remember which names a handler looked up."""

    seen: ClassVar[set[str]] = set()

    def __getitem__(self, key: Any) -> Any:
        self.seen.add(str(key))
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)

    def get(self, key: Any, default: Any = None, type: Any = None) -> Any:
        self.seen.add(str(key))
        return super().get(key, default, type)

    def getlist(self, key: Any, type: Any = None) -> Any:
        self.seen.add(str(key))
        return super().getlist(key, type)


# ------------------------------------------------------------------------------ the fuzz


class Fuzzer:
    """Sends requests to one emulator in-process and collects every 5xx or exception."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.client = Client(emulator)
        self.headers, self.auth_query = auth(emulator)
        self.failures: list[str] = []
        self.sent = 0

    def send(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> int:
        self.sent += 1
        url = self.emulator.base_path + path
        args = [*self.auth_query.items(), *query]
        try:
            if body is None:
                response = self.client.open(
                    url,
                    method=method,
                    query_string=args,
                    headers={**self.headers, **(headers or {})},
                )
            elif isinstance(body, bytes):
                response = self.client.open(
                    url,
                    method=method,
                    query_string=args,
                    headers={**self.headers, "Content-Type": "application/json"},
                    data=body,
                )
            else:
                response = self.client.open(
                    url, method=method, query_string=args, headers=self.headers, json=body
                )
        except Exception as exc:
            self.failures.append(f"{method} {path} {query} {body!r}: {type(exc).__name__}: {exc}")
            return 599
        if response.status_code >= 500:
            text = response.get_data(as_text=True)[:200]
            self.failures.append(f"{method} {path} {query} {body!r}: {response.status_code} {text}")
        return response.status_code


def _params_read(
    fuzzer: Fuzzer, method: str, path: str, required: dict[str, str], *, sample: bool
) -> set[str]:
    RecordingArgs.seen = set()
    status = fuzzer.send(method, path, list(required.items()))
    ceiling = 400 if sample else 500
    assert status < ceiling or method != "GET", f"the sample request {method} {path} got {status}"
    return RecordingArgs.seen - CREDENTIAL_PARAMS


@pytest.mark.parametrize("service", services())
def test_odd_input_never_gets_a_5xx(service: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Request, "parameter_storage_class", RecordingArgs)
    emulator = emulator_class(service)(size="tiny", generation=1, rate_limit="100000000")
    fuzzer = Fuzzer(emulator)
    values = path_values(emulator)
    required_by_rule = required_query(emulator)
    for rule in emulator.routes:
        methods = sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"})
        path = fill(rule.rule, values)
        required = required_by_rule.get(rule.rule, {})
        for method in methods:
            sample = without_sample(service, rule.rule) is None
            names = _params_read(fuzzer, method, path, required, sample=sample) | COMMON_PARAMS
            for name in sorted(names):
                others = [(k, v) for k, v in required.items() if k != name]
                for value in ODD_VALUES:
                    fuzzer.send(method, path, [*others, (name, value)])
                fuzzer.send(method, path, [*others, (name, "1"), (name, "abc")])
                fuzzer.send(method, path, [*others, (name, ""), (name, "-1")])
            for value in ODD_AUTHORIZATION:
                fuzzer.send(method, path, list(required.items()), headers={"Authorization": value})
            for version in ("", "1999-01-01", "🦄"):
                fuzzer.send(
                    method, path, list(required.items()), headers={"Notion-Version": version}
                )
            for variable in rule.arguments:
                for odd in ODD_IDS:
                    fuzzer.send(method, fill(rule.rule, values, (variable, odd)), [])
            if method in ("POST", "PUT"):
                _fuzz_bodies(fuzzer, method, path)
    assert fuzzer.sent > 100
    assert not fuzzer.failures, f"{len(fuzzer.failures)} of {fuzzer.sent}:\n" + "\n".join(
        fuzzer.failures[:30]
    )


def _fuzz_bodies(fuzzer: Fuzzer, method: str, path: str) -> None:
    for raw in (b"", b"{", b"[]", b"null", b'"x"', b"\xff\xfe", b"1e999999"):
        fuzzer.send(method, path, [], raw)
    for key in JSON_KEYS:
        for value in ODD_JSON:
            fuzzer.send(method, path, [], {key: value})
            fuzzer.send(method, path, [], {"name": "fuzz", "comment_text": "fuzz", key: value})
