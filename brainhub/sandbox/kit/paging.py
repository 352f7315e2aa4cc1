"""Server-side paginators shared by every emulator: page numbers, offsets, cursor tokens.

A vendor declares an operation's paging kind in its operation table and calls the
paginator from its handler; the paginator slices an ordered sequence and says how to ask
for the next page. Three kinds cover the vendors we emulate:

``PageNumbers``   ``?page=N`` (0- or 1-based) with a fixed page size; the vendor's
                  handler writes its own "last page" flag from ``Page.has_more``.
``Offsets``       ``?offset=N&limit=M`` (or ``startAt``/``maxResults``), limit capped.
``CursorTokens``  an opaque ``next_cursor`` that encodes where the next page starts
                  (the key of its first item) and a digest of the request's other
                  parameters: a token reused with different filters, or edited, is
                  refused, as the real APIs refuse it. Locating the next page by key
                  rather than by index keeps paging stable when items are added.

Bad input raises :class:`PagingError`; the vendor turns it into its own error response.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from brainhub.sandbox.params import whole_number

Item = TypeVar("Item")


class PagingError(ValueError):
    """A page parameter the vendor would refuse; ``reason`` says which and why."""

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}")
        self.parameter = parameter
        self.reason = reason


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of items and how to ask for the next one."""

    items: Sequence[Item]
    has_more: bool
    next_token: str | None = None
    next_offset: int | None = None


@dataclass(frozen=True)
class PageNumbers:
    """``?<parameter>=N`` pages of ``size`` items, counted from ``first``."""

    size: int
    parameter: str = "page"
    first: int = 0
    required: bool = False

    kind = "page_number"

    def page(self, items: Sequence[Item], args: Mapping[str, str]) -> Page[Item]:
        raw = args.get(self.parameter)
        if raw is None or raw == "":
            if self.required:
                raise PagingError(self.parameter, "is required")
            number = self.first
        else:
            parsed = whole_number(raw)
            if parsed is None or parsed < self.first:
                raise PagingError(self.parameter, f"must be a whole number >= {self.first}")
            number = parsed
        start = (number - self.first) * self.size
        return Page(items[start : start + self.size], start + self.size < len(items))


@dataclass(frozen=True)
class Offsets:
    """``?<offset>=N&<limit>=M``; ``limit`` defaults to ``default`` and is capped."""

    default: int
    maximum: int
    offset_parameter: str = "offset"
    limit_parameter: str = "limit"

    kind = "offset"

    def page(self, items: Sequence[Item], args: Mapping[str, str]) -> Page[Item]:
        offset = _whole(args, self.offset_parameter, 0)
        limit = min(_whole(args, self.limit_parameter, self.default), self.maximum)
        if limit < 1:
            raise PagingError(self.limit_parameter, "must be at least 1")
        end = offset + limit
        more = end < len(items)
        return Page(items[offset:end], more, next_offset=end if more else None)


@dataclass(frozen=True)
class CursorTokens:
    """Opaque cursors bound to the request's other parameters.

    ``key`` gives an item's stable key (its id); ``ignored`` names parameters that may
    change between pages without invalidating the token (the page size, auth tokens).
    """

    default: int
    maximum: int
    key: Callable[[Any], str]
    cursor_parameter: str = "cursor"
    limit_parameter: str = "limit"
    ignored: frozenset[str] = frozenset()

    kind = "cursor"

    def page(self, items: Sequence[Item], args: Mapping[str, str]) -> Page[Item]:
        limit = min(_whole(args, self.limit_parameter, self.default), self.maximum)
        if limit < 1:
            raise PagingError(self.limit_parameter, "must be at least 1")
        digest = self.digest(args)
        start = 0
        token = args.get(self.cursor_parameter) or ""
        if token:
            start_key = self._decode(token, digest)
            start = next((i for i, item in enumerate(items) if self.key(item) == start_key), -1)
            if start < 0:
                raise PagingError(self.cursor_parameter, "points at an item that no longer exists")
        end = start + limit
        if end >= len(items):
            return Page(items[start:end], False)
        return Page(items[start:end], True, next_token=self.encode(self.key(items[end]), digest))

    def digest(self, args: Mapping[str, str]) -> str:
        """A digest of every parameter except the cursor, the limit and ``ignored``."""
        skip = {self.cursor_parameter, self.limit_parameter, *self.ignored}
        getlist = getattr(args, "getlist", None)
        pairs = sorted(
            (name, value)
            for name in args
            if name not in skip
            for value in (getlist(name) if getlist else [args[name]])
        )
        return hashlib.sha256(json.dumps(pairs).encode()).hexdigest()[:16]

    @staticmethod
    def encode(start_key: str, digest: str) -> str:
        """The opaque token for a page starting at ``start_key``."""
        raw = json.dumps({"k": start_key, "p": digest}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, token: str, digest: str) -> str:
        try:
            padded = token + "=" * (-len(token) % 4)
            body = json.loads(base64.urlsafe_b64decode(padded.encode()))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise PagingError(self.cursor_parameter, "is not a token this API issued") from None
        if not isinstance(body, dict) or not isinstance(body.get("k"), str):
            raise PagingError(self.cursor_parameter, "is not a token this API issued")
        if body.get("p") != digest:
            raise PagingError(
                self.cursor_parameter, "was issued for a request with other parameters"
            )
        return str(body["k"])


def _whole(args: Mapping[str, str], name: str, default: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    value = whole_number(raw)
    if value is None or value < 0:
        raise PagingError(name, "must be a whole number >= 0")
    return value


#: Any paginator (what an operation's ``paging`` holds).
Paginator = PageNumbers | Offsets | CursorTokens
