"""Reading records out of responses: one JSON parse per page, simple JSONPaths without a parser.

``$.tasks[*]``-style paths (the vast majority) are read with plain lookups; anything richer
goes through the Singer SDK's JSONPath support.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import msgspec
import requests
from singer_sdk.helpers.jsonpath import extract_jsonpath

from brainhub.errors import RetriableError

_SIMPLE_PATH = re.compile(r"^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)*)(\[\*\])?$")
_decode = msgspec.json.Decoder().decode

Extractor = Callable[[Any], list[dict[str, Any]]]


def response_json(response: requests.Response) -> Any:
    """The response body parsed once (cached on the response); invalid JSON is retriable."""
    cached = getattr(response, "brainhub_json", None)
    if cached is not None:
        return cached
    content = response.content
    try:
        cached = _decode(content) if content else {}
    except msgspec.DecodeError:
        raise RetriableError(
            f"invalid JSON body ({len(content)} bytes) from {response.request.method} "
            f"{urlparse(response.url).path}"
        ) from None
    response.brainhub_json = cached  # type: ignore[attr-defined]
    return cached


def record_extractor(path: str) -> Extractor:
    """A function from a parsed body to its records, for a records JSONPath."""
    match = _SIMPLE_PATH.match(path)
    if not match:
        return lambda body: [r for r in extract_jsonpath(path, body) if isinstance(r, dict)]
    keys = [k for k in match.group(1).split(".") if k]
    many = bool(match.group(2))

    def extract(body: Any) -> list[dict[str, Any]]:
        for key in keys:
            if not isinstance(body, dict):
                return []
            body = body.get(key)
        if many:
            return body if isinstance(body, list) else []
        return [body] if isinstance(body, dict) else []

    return extract
