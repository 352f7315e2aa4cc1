"""Paginators built from a stream's ``paginator:`` block, on the Singer SDK's paginator base.

Each paginator's ``current_value`` is what the next request needs; :func:`page_request` turns
it into query parameters, a JSON body field, or a whole next URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin

import requests
from singer_sdk.pagination import BaseAPIPaginator, SinglePagePaginator

from brainhub.spec.jsonpaths import body_value
from brainhub.spec.placeholders import dig
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

    def __init__(self, config: dict[str, Any], start_value: Any) -> None:
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
        if self.config.get("size_param") and self.config.get("size"):
            page.params[self.config["size_param"]] = self.config["size"]
        return page

    def _stopped(self, response: requests.Response) -> bool:
        stop = self.config.get("stop") or {}
        body = response_json(response)
        if "when_true" in stop and bool(body_value(body, stop["when_true"])):
            return True
        if "when_false" in stop and not body_value(body, stop["when_false"]):
            return True
        size = self.config.get("size")
        return bool(stop.get("short_page") and size and len(self.last_records) < size)


class PageNumberPaginator(_SpecPaginator):
    """``page=start, start+1, …`` until a stop rule, an empty page, or the total is reached."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config, config.get("start", 1))
        self.seen = 0

    def request_for(self, value: Any) -> PageRequest:
        return self._sized(PageRequest({self.config.get("param", "page"): value}))

    def has_more(self, response: requests.Response) -> bool:
        self.seen += len(self.last_records)
        if not self.last_records or self._stopped(response):
            return False
        total_path = (self.config.get("stop") or {}).get("total")
        return not (
            total_path and self.seen >= int(body_value(response_json(response), total_path) or 0)
        )

    def get_next(self, response: requests.Response) -> Any:
        return self.current_value + 1


class OffsetPaginator(_SpecPaginator):
    """``offset=0, size, 2·size, …`` with a limit parameter."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config, config.get("start", 0))

    def request_for(self, value: Any) -> PageRequest:
        return PageRequest(
            {
                self.config.get("offset_param", "offset"): value,
                self.config.get("limit_param", "limit"): self.config["size"],
            }
        )

    def has_more(self, response: requests.Response) -> bool:
        if len(self.last_records) < self.config["size"] or self._stopped(response):
            return False
        total_path = (self.config.get("stop") or {}).get("total")
        if total_path:
            return bool(
                self.current_value + self.config["size"]
                < int(body_value(response_json(response), total_path) or 0)
            )
        return True

    def get_next(self, response: requests.Response) -> Any:
        return self.current_value + self.config["size"]


class CursorPaginator(_SpecPaginator):
    """An opaque token from the body or a header, sent back as a query or body parameter."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        page = self._sized(PageRequest())
        if value is not None:
            target = page.body if self.config.get("in") == "body" else page.params
            target[self.config["param"]] = value
        return page

    def has_more(self, response: requests.Response) -> bool:
        return not self._stopped(response) and bool(self.get_next(response))

    def get_next(self, response: requests.Response) -> Any:
        if "from_header" in self.config:
            return response.headers.get(self.config["from_header"]) or None
        return (
            body_value(response_json(response), self.config.get("from_body", self.config["param"]))
            or None
        )


class NextUrlPaginator(_SpecPaginator):
    """The next page's URL (absolute or relative to the current one) from the body."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        return PageRequest(url=value) if value else PageRequest()

    def get_next(self, response: requests.Response) -> Any:
        link = body_value(response_json(response), self.config["from_body"])
        return urljoin(response.url, link) if link else None


class LinkHeaderPaginator(_SpecPaginator):
    """RFC 8288 ``Link: <…>; rel="next"`` headers (GitHub and many others)."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        return PageRequest(url=value) if value else self._sized(PageRequest())

    def get_next(self, response: requests.Response) -> Any:
        link = response.links.get("next", {}).get("url")
        return urljoin(response.url, link) if link else None


class LastRecordPaginator(_SpecPaginator):
    """The next page starts after the last record: params taken from its fields."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config, None)

    def request_for(self, value: Any) -> PageRequest:
        return self._sized(PageRequest(dict(value or {})))

    def has_more(self, response: requests.Response) -> bool:
        return len(self.last_records) >= self.config["size"]

    def get_next(self, response: requests.Response) -> Any:
        last = self.last_records[-1]
        return {param: dig(last, field) for param, field in self.config["params"].items()}


class NoPaginator(_SpecPaginator):
    """One request, one page."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config, None)

    def has_more(self, response: requests.Response) -> bool:
        return False

    def get_next(self, response: requests.Response) -> Any:
        return None


PAGINATORS: dict[str, Callable[[dict[str, Any]], _SpecPaginator]] = {
    "none": NoPaginator,
    "page_number": PageNumberPaginator,
    "offset": OffsetPaginator,
    "cursor": CursorPaginator,
    "next_url": NextUrlPaginator,
    "link_header": LinkHeaderPaginator,
    "last_record": LastRecordPaginator,
}


def new_paginator(config: dict[str, Any]) -> _SpecPaginator:
    """A fresh paginator for one partition of a stream."""
    return PAGINATORS[config["type"]](config)


__all__ = ["PAGINATORS", "PageRequest", "SinglePagePaginator", "new_paginator"]
