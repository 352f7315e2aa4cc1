"""The totals a listing announces, from which progress lines estimate the time left."""

from __future__ import annotations

import json

import requests

from brainhub.spec.blocks import LinkHeaderPagination, OffsetPagination, PageNumberPagination
from taps.runtime.paging import new_paginator


def response(body: object, link: str | None = None) -> requests.Response:
    r = requests.Response()
    r.status_code = 200
    r._content = json.dumps(body).encode()
    r.url = "https://api.example.com/repos/o/r/issues?per_page=100"
    if link:
        r.headers["Link"] = link
    return r


def test_githubs_last_link_gives_the_pages() -> None:
    paginator = new_paginator(LinkHeaderPagination(size=100, size_param="per_page"))
    link = (
        '<https://api.example.com/repos/o/r/issues?per_page=100&page=2>; rel="next", '
        '<https://api.example.com/repos/o/r/issues?per_page=100&page=34>; rel="last"'
    )
    assert paginator.expected(response([], link)) == (None, 34)
    assert paginator.expected(response([])) == (None, None)  # the last page has no last link


def test_an_offset_apis_total_gives_the_records() -> None:
    paginator = new_paginator(OffsetPagination(size=50))
    assert paginator.expected(response({"total": 1234, "issues": []})) == (1234, None)
    assert paginator.expected(response({"total": "many", "issues": []})) == (None, None)
    assert paginator.expected(response([1, 2])) == (None, None)


def test_a_page_flag_gives_no_total() -> None:
    paginator = new_paginator(PageNumberPagination(param="page"))
    assert paginator.expected(response({"tasks": [], "last_page": False})) == (None, None)
