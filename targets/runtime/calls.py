"""Sending rendered calls through the core connection, and reading what they answer.

The session is the :class:`~brainhub.connect.Connection`'s: the spec's rate limit, retries,
circuit breaker and redaction apply as they do to reads, and a spec that declares a budget
for writes (``http.rate_limit.writes``) has every write wait for it too. A 4xx that says the
record is wrong (400, 404, 409, 422), or a response a spec's ``reject`` error rule matches
(Slack's 200 with ``ok: false``), comes back as a :class:`Refusal` for the rejects table; every
other failure (401/403, retries spent, an open circuit) stops the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import requests
from singer_sdk.helpers.jsonpath import extract_jsonpath

from brainhub.connect import Connection
from brainhub.connect.auth import renewing_token
from brainhub.http import RequestStats
from brainhub.http.adapter import ENDPOINT_HEADER
from brainhub.http.ratelimit import RateLimitBucket
from brainhub.redaction import redact
from brainhub.spec.placeholders import dig
from targets.runtime.records import RenderedCall

#: Statuses that mean "this record is wrong", not "the run cannot go on".
RECORD_STATUSES = (400, 404, 409, 422)
ERROR_TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Refusal:
    """The service refused one call: its status and its own error text."""

    call: RenderedCall
    status: int
    error: str


class Sender:
    """Sends calls of one target run; counts them for the report and the tests."""

    def __init__(
        self, connection: Connection, *, write_bucket: RateLimitBucket | None = None
    ) -> None:
        self.connection = connection
        self.stats = RequestStats()
        self.session = connection.session(self.stats, skip_statuses=RECORD_STATUSES, rejects=True)
        self.calls = 0
        limit = connection.policy.write_rate_limit
        #: The budget only writes spend (None: the spec declares none).
        self.write_bucket = write_bucket or (RateLimitBucket(limit) if limit else None)

    def send(self, call: RenderedCall, *, cost: int = 1) -> Any:
        """Send ``call``; its parsed JSON answer (None if empty), or a :class:`Refusal`.

        ``cost``: how many requests the service counts it as (a batch whose every action
        counts against the rate limit); the rate limit is spent that many times first.
        """
        headers = {**self.connection.headers(), **call.headers, ENDPOINT_HEADER: call.endpoint}
        self.calls += 1
        bucket = getattr(self.session.get_adapter(self.connection.base_url), "bucket", None)
        if cost > 1 and bucket is not None:
            for _ in range(cost - 1):
                bucket.acquire().release()  # the request itself takes the last one
        payload: dict[str, Any] = {"json": call.body}
        if call.media is not None:
            data, content_type = media_payload(call.body, *call.media)
            payload = {"data": data}
            headers["Content-Type"] = content_type
        with contextlib.ExitStack() as budget:
            if self.write_bucket is not None and call.method != "GET":
                budget.enter_context(self.write_bucket.acquire())
            response = renewing_token(
                lambda: self.session.request(
                    call.method,
                    self.connection.url_for(call.host) + call.path,
                    params=call.params or None,
                    headers=headers,
                    auth=self.connection.authenticator,
                    **payload,
                ),
                self.connection.authenticator,
            )
        if getattr(response, "brainhub_skip", None) is not None:
            return Refusal(call, response.status_code, _error_text(response))
        parsed = getattr(response, "brainhub_json", None)
        if parsed is None and response.content.strip():
            try:
                parsed = response.json()
            except ValueError:
                parsed = None
        return parsed

    def close(self) -> None:
        self.session.close()


def media_payload(body: Any, content: bytes, content_type: str) -> tuple[bytes, str]:
    """The request body and its ``Content-Type`` for an upload: the content alone, or, with
    a JSON body, ``multipart/related`` (the JSON metadata part, then the content part)."""
    if not body:
        return content, content_type
    boundary = "brainhub-" + hashlib.sha256(content).hexdigest()[:24]
    metadata = json.dumps(body, ensure_ascii=False).encode("utf-8")
    parts = [
        f"--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n".encode(),
        metadata,
        f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\n\r\n".encode(),
        content,
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f'multipart/related; boundary="{boundary}"'


def answer_id(answer: Any, id_from: str | None) -> str | None:
    """The object's id in an answer: a dotted path or a JSONPath (``$.data.gid``)."""
    if id_from is None or answer is None:
        return None
    if id_from.startswith("$"):
        found = next(iter(extract_jsonpath(id_from, answer)), None)
    else:
        found = dig(answer, id_from)
    return None if found in (None, "") else str(found)


def _error_text(response: requests.Response) -> str:
    text = response.text.strip()
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return redact(text[:ERROR_TEXT_LIMIT]) or f"HTTP {response.status_code}"
