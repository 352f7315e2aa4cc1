"""Error rules: what a response means (data, retry, throttle, skip, fail), per the spec.

Rules from the spec's ``errors:`` block are checked in order and the first match wins. When
none matches, the default applies:

- 2xx and 3xx are data (``ok``);
- 429, and 403 whose remaining-budget header is ``0``, are throttling (``throttle``);
- 408 and the statuses in ``http.retry.statuses`` are transient (``retry``);
- 401 is an authentication failure (``auth``);
- anything else (other 4xx, 501…) is fatal (``fail``).

A rule's ``reject`` says the request itself is wrong (Slack's HTTP 200 with ``ok: false``):
a target rejects the record that made it and goes on; anywhere else it is ``fail``.

The JSON body is parsed only when a rule asks for it, and only when the response says it is
JSON.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

from brainhub.errors import SpecError
from brainhub.http import _check
from brainhub.http.headers import parse_reset, parse_retry_after
from brainhub.http.messages import path_of, status_text

if TYPE_CHECKING:
    from brainhub.http.policy import HttpPolicy

ACTIONS = ("retry", "throttle", "skip", "fail", "reject")
_MISSING: Any = object()
_PLACEHOLDER = re.compile(r"\{(status|reason|method|path|body(?:\.[\w-]+)+)\}")


@dataclass(frozen=True)
class BodyCondition:
    """A test on one value of the JSON body, addressed by a dotted path (``error.code``)."""

    path: tuple[str, ...]
    equals: Any = _MISSING
    one_of: tuple[Any, ...] | None = None

    @property
    def has_equals(self) -> bool:
        """Whether the condition names the one value it expects (``equals``)."""
        return self.equals is not _MISSING

    def matches(self, body: Any) -> bool:
        """True if the value at ``path`` exists and passes ``equals`` / ``in`` (if given)."""
        value = value_at(body, self.path)
        if value is _MISSING:
            return False
        if self.equals is not _MISSING:
            return _same(value, self.equals)
        if self.one_of is not None:
            return any(_same(value, option) for option in self.one_of)
        return value is not None


@dataclass(frozen=True)
class ErrorRule:
    """One entry of the spec's ``errors:`` list."""

    action: str
    statuses: tuple[int, ...] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: BodyCondition | None = None
    message: str | None = None


@dataclass(frozen=True)
class Verdict:
    """What to do with a response.

        ``action`` is ``ok``, ``retry``, ``throttle``, ``skip``, ``fail``, ``reject`` or ``auth``; ``message``
        is the user-facing text of a matching rule (or empty); ``wait`` is the delay in seconds
        the server asked for, if it said (the body's ``http.rate_limit.body.retry_after`` first,
    then ``Retry-After``, then the reset header).
    """

    action: str
    message: str = ""
    wait: float | None = None
    #: A throttle that hit the API-wide limit rather than one route's (Discord's ``global``).
    global_limit: bool = False


def parse_error_rules(value: Any, path: str) -> tuple[ErrorRule, ...]:
    """Validate the spec's ``errors:`` list; raise ``SpecError`` naming the bad entry."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SpecError(f"expected a list of rules, got {value!r}", path=path)
    return tuple(_parse_rule(item, f"{path}[{i}]") for i, item in enumerate(value))


def _parse_rule(value: Any, path: str) -> ErrorRule:
    rule = _check.mapping(value, path, ("when", "action", "message"), required=("when", "action"))
    when = _check.mapping(rule["when"], f"{path}.when", ("status", "headers", "body"))
    if not when:
        raise SpecError("expected at least one of status, headers, body", path=f"{path}.when")
    statuses = None
    if "status" in when:
        statuses = _check.status_list(when["status"], f"{path}.when.status")
    headers = when.get("headers") or {}
    if not isinstance(headers, dict):
        raise SpecError(f"expected a mapping, got {headers!r}", path=f"{path}.when.headers")
    header_pairs = []
    for name, expected in headers.items():
        if not isinstance(expected, str):
            raise SpecError(
                f"expected a string (header values are text; quote numbers), got {expected!r}",
                path=f"{path}.when.headers.{name}",
            )
        header_pairs.append((name, expected.strip()))
    body = None
    if "body" in when:
        body = _parse_body_condition(when["body"], f"{path}.when.body")
    message = rule.get("message")
    if message is not None:
        message = _check.text(message, f"{path}.message")
    return ErrorRule(
        action=_check.choice(rule["action"], f"{path}.action", ACTIONS),
        statuses=statuses,
        headers=tuple(header_pairs),
        body=body,
        message=message,
    )


def _parse_body_condition(value: Any, path: str) -> BodyCondition:
    block = _check.mapping(value, path, ("path", "equals", "in"), required=("path",))
    dotted = _check.text(block["path"], f"{path}.path")
    if "equals" in block and "in" in block:
        raise SpecError("use either equals or in, not both", path=path)
    one_of = None
    if "in" in block:
        if not isinstance(block["in"], list):
            raise SpecError(f"expected a list, got {block['in']!r}", path=f"{path}.in")
        one_of = tuple(block["in"])
    return BodyCondition(
        path=tuple(dotted.split(".")), equals=block.get("equals", _MISSING), one_of=one_of
    )


class ResponseClassifier:
    """Applies a policy's error rules and defaults to responses."""

    def __init__(self, policy: HttpPolicy) -> None:
        self.rules = policy.errors
        self.retry_statuses = frozenset(policy.retry.statuses)
        self.headers = policy.rate_limit_headers
        self.throttle_body = policy.throttle_body

    def classify(self, response: requests.Response, now: float, body: Any = _MISSING) -> Verdict:
        """Decide what ``response`` means. ``body`` may pass an already parsed JSON body."""
        lazy = _LazyBody(response, body)
        for rule in self.rules:
            if self._matches(rule, response, lazy):
                message = render(rule.message, response, lazy) if rule.message else ""
                return self._verdict(rule.action, message, response, now, lazy)
        return self._verdict(self._default_action(response), "", response, now, lazy)

    def _verdict(
        self, action: str, message: str, response: requests.Response, now: float, body: _LazyBody
    ) -> Verdict:
        wait = self._body_wait(action, body)
        if wait is None:
            wait = self._wait(action, response, now)
        throttled = action == "throttle"
        return Verdict(action, message, wait, throttled and self._global(response, body))

    def _body_wait(self, action: str, body: _LazyBody) -> float | None:
        """The seconds the throttled answer's body asks for, where the spec says it does."""
        where = self.throttle_body.retry_after
        if action not in ("throttle", "retry") or where is None:
            return None
        value = value_at(body.value(), tuple(where.split(".")))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return max(float(value), 0.0) if math.isfinite(value) else None

    def _global(self, response: requests.Response, body: _LazyBody) -> bool:
        """Whether the throttle hit the API-wide limit (a header or body flag says so)."""
        header = self.headers.global_limit
        if header is not None and (response.headers.get(header) or "").strip().lower() == "true":
            return True
        where = self.throttle_body.global_limit
        return where is not None and value_at(body.value(), tuple(where.split("."))) is True

    def _matches(self, rule: ErrorRule, response: requests.Response, body: _LazyBody) -> bool:
        if rule.statuses is not None and response.status_code not in rule.statuses:
            return False
        for name, expected in rule.headers:
            actual = response.headers.get(name)
            if actual is None or actual.strip() != expected:
                return False
        return rule.body is None or rule.body.matches(body.value())

    def _default_action(self, response: requests.Response) -> str:
        status = response.status_code
        if status < 400:
            return "ok"
        if status == 429:
            return "throttle"
        if status == 403 and (response.headers.get(self.headers.remaining) or "").strip() == "0":
            return "throttle"
        if status == 408 or status in self.retry_statuses:
            return "retry"
        if status == 401:
            return "auth"
        return "fail"

    def _wait(self, action: str, response: requests.Response, now: float) -> float | None:
        if action not in ("throttle", "retry"):
            return None
        wait = parse_retry_after(response.headers.get("Retry-After"), now)
        if wait is not None or action == "retry":
            return wait
        reset_at = parse_reset(
            response.headers.get(self.headers.reset), self.headers.reset_format, now
        )
        return None if reset_at is None else max(reset_at - now, 0.0)


def render(template: str, response: requests.Response, body: _LazyBody | None = None) -> str:
    """Fill ``{status}``, ``{reason}``, ``{method}``, ``{path}`` and ``{body.<path>}``."""
    lazy = body or _LazyBody(response, _MISSING)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "status":
            return str(response.status_code)
        if name == "reason":
            return status_text(response)
        if name == "method":
            return (response.request.method or "") if response.request else ""
        if name == "path":
            return path_of(response.url)
        value = value_at(lazy.value(), tuple(name.split(".")[1:]))
        if value is _MISSING:
            return "(none)"
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        return text[:200]

    return _PLACEHOLDER.sub(fill, template)


def value_at(body: Any, path: tuple[str, ...]) -> Any:
    """The value at a dotted path in parsed JSON (digits index lists), or a private sentinel."""
    node = body
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def is_json(response: requests.Response) -> bool:
    """True if the response declares a JSON content type (``application/json``, ``…+json``)."""
    return "json" in (response.headers.get("Content-Type") or "").lower()


class _LazyBody:
    """Parses the JSON body once, on first use, and only if the response declares JSON."""

    def __init__(self, response: requests.Response, parsed: Any) -> None:
        self._response = response
        self._parsed = parsed

    def value(self) -> Any:
        if self._parsed is _MISSING:
            self._parsed = None
            if is_json(self._response) and self._response.content:
                try:
                    self._parsed = json.loads(self._response.content)
                except ValueError:
                    self._parsed = None
        return self._parsed


def _same(value: Any, expected: Any) -> bool:
    """Equality that does not confuse ``false`` with ``0`` or ``true`` with ``1``."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    return bool(value == expected)
