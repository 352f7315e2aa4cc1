"""Paginators built from a stream's typed ``paginator:`` block, on the Singer SDK's paginator base.

Each paginator's ``current_value`` is what the next request needs; :func:`page_request` turns
it into query parameters, a JSON body field, or a whole next URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import requests
from singer_sdk.pagination import BaseAPIPaginator, SinglePagePaginator

from brainhub.spec.blocks import (
    AfterIdPagination,
    CursorPagination,
    LastRecordPagination,
    NextUrlPagination,
    OffsetPagination,
    PageNumberPagination,
    PaginatorBlock,
)
from brainhub.spec.jsonpaths import body_value
from brainhub.spec.placeholders import dig
from taps.runtime.ids import id_greater, largest_id
from taps.runtime.records import response_json


class PageRequest:
    """What a page adds to a request: params, body fields, or a full URL to follow."""

    __slots__ = ("body", "params", "url")

    def __init__(
        self,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        url: str | None = None,
    ) -> None:
        self.params = params or {}
        self.body = body or {}
        self.url = url


class _SpecPaginator(BaseAPIPaginator[Any]):
    """Common ground: the spec block, the parsed body of the last page, and stop rules."""

    def __init__(self, config: PaginatorBlock, start_value: Any) -> None:
        super().__init__(start_value)
        self.config = config
        self.last_records: list[dict[str, Any]] = []

    def observe(self, records: list[dict[str, Any]]) -> None:
        """Called with the page's records before ``advance``; some paginators need them."""
        self.last_records = records

    def first_request(self) -> PageRequest:
        return self.request_for(self.current_value)

    def request_for(self, value: Any) -> PageRequest:
        return self._sized(PageRequest())

    def _sized(self, page: PageRequest) -> PageRequest:
        size_param, size = self.config.option("size_param"), self.config.option("size")
        if size_param and size:
            page.params[size_param] = size
        return page

    def _stopped(self, response: requests.Response) -> bool:
        stop = self.config.option("stop")
        if stop is None:
            return False
        body = response_json(response)
        if stop.when_true is not None and bool(body_value(body, stop.when_true)):
            return True
        if stop.when_false is not None and not body_value(body, stop.when_false):
            return True
        size = self.config.option("size")
        return bool(stop.short_page and size and len(self.last_records) < size)

    def expected(self, response: requests.Response) -> tuple[int | None, int | None]:
        """The records and pages the whole listing holds, as far as this page tells
        (a ``stop: {total: …}`` count in the body; the ``last`` link of a Link header)."""
        try:
            total = self._total(response)
        except (TypeError, ValueError):
            return None, None
        if total is None and isinstance(self, OffsetPaginator):
            # Offset APIs commonly report the whole count beside the page (Jira's ``total``).
            body = response_json(response)
            announced = body.get("total") if isinstance(body, dict) else None
            if isinstance(announced, int) and not isinstance(announced, bool):
                total = announced
        return total, None

    def _total(self, response: requests.Response) -> int | None:
        """The total record count the body reports, when a stop rule names where."""
        stop = self.config.option("stop")
        if stop is None or stop.total is None:
            return None
        return int(body_value(response_json(response), stop.total) or 0)


class PageNumberPaginator(_SpecPaginator):
    """``page=start, start+1, …`` until a stop rule, an empty page, or the total is reached."""

    config: PageNumberPagination

    def __init__(self, config: PageNumberPagination) -> None:
        super().__init__(config, config.start)
        self.seen = 0

    def request_for(self, value: Any) -> PageRequest:
        return self._sized(PageRequest({self.config.param: value}))

    def has_more(self, response: requests.Response) -> bool:
        self.seen += len(self.last_records)
        if not self.last_records or self._stopped(response):
            return False
        total = self._total(response)
        return total is None or self.seen < total

    def get_next(self, response: requests.Response) -> Any:
        return self.current_value + 1


class OffsetPaginator(_SpecPaginator):
    """``offset=0, size, 2·size, …`` with a limit parameter."""

    config: OffsetPagination

    def __init__(self, config: OffsetPagination) -> None:
        super().__init__(config, config.start)

    def request_for(self, value: Any) -> PageRequest:
        return PageRequest(
            {self.config.offset_param: value, self.config.limit_param: self.config.size}
        )

    def has_more(self, response: requests.Response) -> bool:
        if len(self.last_records) < self.config.size or self._stopped(response):
            return False
        total = self._total(response)
        return total is None or self.current_value + self.config.size < total

    def get_next(self, response: requests.Response) -> Any:
        return self.current_value + self.config.size


class CursorPaginator(_SpecPaginator):
    """An opaque token from the body or a header, sent back as a query or body parameter."""

    config: CursorPagination

    def __init__(self, config: CursorPagination) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        page = self._sized(PageRequest())
        if value is not None:
            target = page.body if self.config.in_ == "body" else page.params
            target[self.config.param] = value
        return page

    def has_more(self, response: requests.Response) -> bool:
        return not self._stopped(response) and bool(self.get_next(response))

    def get_next(self, response: requests.Response) -> Any:
        if self.config.from_header is not None:
            return response.headers.get(self.config.from_header) or None
        where = self.config.from_body if self.config.from_body is not None else self.config.param
        return body_value(response_json(response), where) or None


class NextUrlPaginator(_SpecPaginator):
    """The next page's URL (absolute or relative to the current one) from the body."""

    config: NextUrlPagination

    def __init__(self, config: NextUrlPagination) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        return PageRequest(url=value) if value else PageRequest()

    def get_next(self, response: requests.Response) -> Any:
        link = body_value(response_json(response), self.config.from_body)
        return urljoin(response.url, link) if link else None


class LinkHeaderPaginator(_SpecPaginator):
    """RFC 8288 ``Link: <…>; rel="next"`` headers (GitHub and many others)."""

    def __init__(self, config: PaginatorBlock) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        return PageRequest(url=value) if value else self._sized(PageRequest())

    def get_next(self, response: requests.Response) -> Any:
        link = response.links.get("next", {}).get("url")
        return urljoin(response.url, link) if link else None

    def expected(self, response: requests.Response) -> tuple[int | None, int | None]:
        """The page number of the ``last`` link (GitHub sends it on every page but the last)."""
        last = response.links.get("last", {}).get("url")
        if not last:
            return None, None
        pages = [v for k, v in parse_qsl(urlsplit(last).query) if k == "page"]
        return None, int(pages[0]) if pages and pages[0].isdigit() else None


class LastRecordPaginator(_SpecPaginator):
    """The next page starts after the last record: params taken from its fields."""

    config: LastRecordPagination

    def __init__(self, config: LastRecordPagination) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        return self._sized(PageRequest(dict(value or {})))

    def has_more(self, response: requests.Response) -> bool:
        return len(self.last_records) >= self.config.size

    def get_next(self, response: requests.Response) -> Any:
        last = self.last_records[-1]
        return {param: dig(last, field) for param, field in self.config.params.items()}


class AfterIdPaginator(_SpecPaginator):
    """Keyset paging on ids: ``after=<the largest id seen>``, whatever order a page is in.

    Ids are compared as whole numbers even when they travel as text (Discord's snowflakes
    exceed 2^53). The first request sends no ``after`` of its own: the stream's params or
    its incremental bookmark say where to start. A short page is the last; so is a page
    whose ids do not pass the last one (the API ignored ``after``).
    """

    config: AfterIdPagination

    def __init__(self, config: AfterIdPagination) -> None:
        super().__init__(config, None)
        self._largest: str | None = None

    def request_for(self, value: Any) -> PageRequest:
        page = self._sized(PageRequest())
        if value is not None:
            page.params[self.config.param] = value
        return page

    def has_more(self, response: requests.Response) -> bool:
        if len(self.last_records) < self.config.size:
            return False
        largest = largest_id(dig(record, self.config.field) for record in self.last_records)
        if largest is None or not id_greater(largest, self._largest):
            return False
        self._largest = largest
        return True

    def get_next(self, response: requests.Response) -> Any:
        return self._largest


class NoPaginator(_SpecPaginator):
    """One request, one page."""

    def __init__(self, config: PaginatorBlock) -> None:
        super().__init__(config, None)

    def has_more(self, response: requests.Response) -> bool:
        return False

    def get_next(self, response: requests.Response) -> Any:
        return None


PAGINATORS: dict[str, Callable[[Any], _SpecPaginator]] = {
    "none": NoPaginator,
    "page_number": PageNumberPaginator,
    "offset": OffsetPaginator,
    "cursor": CursorPaginator,
    "next_url": NextUrlPaginator,
    "link_header": LinkHeaderPaginator,
    "last_record": LastRecordPaginator,
    "after_id": AfterIdPaginator,
}


def new_paginator(config: PaginatorBlock) -> _SpecPaginator:
    """A fresh paginator for one partition of a stream."""
    return PAGINATORS[config.kind](config)


__all__ = ["PAGINATORS", "PageRequest", "SinglePagePaginator", "new_paginator"]
