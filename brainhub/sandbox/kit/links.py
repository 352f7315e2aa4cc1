"""Page-number paging announced in a ``Link`` header (RFC 8288), as GitHub pages lists.

A list answers one page of a bare JSON array; ``?page=N`` (1-based) picks it and
``?per_page=M`` its size (a default, capped at a maximum). The ``Link`` header says where
the other pages are::

    Link: <https://api.example.com/items?per_page=2&page=3>; rel="next",
          <https://api.example.com/items?per_page=2&page=5>; rel="last"

``next`` and ``last`` while pages remain, ``prev`` and ``first`` after the first page; a
single page sends no header. Every other query parameter is repeated in the links as the
client sent it. Like GitHub, values that are not whole numbers fall back to the default,
a size is clamped into ``1..maximum`` and a page below 1 is page 1; a page beyond the last
is empty.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

from brainhub.sandbox.params import whole_number

Item = TypeVar("Item")


@dataclass(frozen=True)
class LinkedPage(Generic[Item]):
    """One page of items and the page numbers of its neighbours, by link relation."""

    items: Sequence[Item]
    number: int
    size: int
    last: int

    @property
    def has_more(self) -> bool:
        return self.number < self.last

    def relations(self) -> dict[str, int]:
        """``{"prev": 2, "next": 4, "last": 9, "first": 1}``: the pages worth a link."""
        rels: dict[str, int] = {}
        if self.number > 1:
            rels["prev"] = min(self.number - 1, self.last)
        if self.number < self.last:
            rels["next"] = self.number + 1
            rels["last"] = self.last
        if self.number > 1:
            rels["first"] = 1
        return rels


@dataclass(frozen=True)
class LinkHeaderPages:
    """``?page=N&per_page=M`` pages whose neighbours a ``Link`` header names."""

    default: int = 30
    maximum: int = 100
    page_parameter: str = "page"
    size_parameter: str = "per_page"

    kind = "link_header"

    def page(self, items: Sequence[Item], args: Mapping[str, str]) -> LinkedPage[Item]:
        """The page of ``items`` the request's arguments ask for."""
        size = min(max(_number(args.get(self.size_parameter), self.default), 1), self.maximum)
        number = max(_number(args.get(self.page_parameter), 1), 1)
        last = max(1, math.ceil(len(items) / size))
        start = (number - 1) * size
        return LinkedPage(items[start : start + size], number, size, last)

    def link_header(self, base_url: str, args: Mapping[str, str], page: LinkedPage) -> str | None:
        """The ``Link`` header of ``page`` for a request of ``base_url`` with ``args``
        (``None`` when there is only one page)."""
        links = []
        for rel, number in page.relations().items():
            query = {**dict(args.items()), self.page_parameter: str(number)}
            links.append(f'<{base_url}?{urlencode(query)}>; rel="{rel}"')
        return ", ".join(links) or None


def parse_link_header(header: str) -> dict[str, str]:
    """``{"next": url, …}`` from a ``Link`` header (what a client reads)."""
    found: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in header.split(","))):
        target, _, params = part.partition(";")
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "rel":
                found[value.strip('"')] = target.strip().removeprefix("<").removesuffix(">")
    return found


def _number(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    value = whole_number(raw)
    return default if value is None else value
