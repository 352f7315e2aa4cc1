"""The kit's Link-header paginator: 1-based pages, a clamped size, RFC 8288 links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from brainhub.sandbox.kit.links import LinkHeaderPages, parse_link_header

ITEMS = list(range(95))
BASE = "http://127.0.0.1:8000/repos/o/r/issues"


def _pages(header: str | None) -> dict[str, int]:
    links = parse_link_header(header or "")
    return {rel: int(parse_qs(urlsplit(url).query)["page"][0]) for rel, url in links.items()}


def test_the_first_page_links_next_and_last_only():
    pages = LinkHeaderPages(default=30, maximum=100)
    page = pages.page(ITEMS, {})
    assert list(page.items) == list(range(30))
    assert page.has_more
    assert _pages(pages.link_header(BASE, {}, page)) == {"next": 2, "last": 4}


def test_a_middle_page_links_all_four_and_keeps_the_other_parameters():
    pages = LinkHeaderPages()
    args = MultiDict({"state": "all", "per_page": "20", "page": "3"})
    page = pages.page(ITEMS, args)
    assert list(page.items) == list(range(40, 60))
    header = pages.link_header(BASE, args, page)
    assert _pages(header) == {"prev": 2, "next": 4, "last": 5, "first": 1}
    for url in parse_link_header(header or "").values():
        query = parse_qs(urlsplit(url).query)
        assert query["state"] == ["all"]
        assert query["per_page"] == ["20"]
        assert url.startswith(BASE + "?")


def test_the_last_page_has_no_next_and_a_single_page_no_header():
    pages = LinkHeaderPages()
    last = pages.page(ITEMS, {"per_page": "50", "page": "2"})
    assert list(last.items) == list(range(50, 95))
    assert not last.has_more
    assert _pages(pages.link_header(BASE, {"per_page": "50", "page": "2"}, last)) == {
        "prev": 1,
        "first": 1,
    }
    only = pages.page(ITEMS[:5], {})
    assert pages.link_header(BASE, {}, only) is None


@pytest.mark.parametrize(
    ("args", "size", "number"),
    [
        ({"per_page": "500"}, 100, 1),
        ({"per_page": "0"}, 1, 1),
        ({"per_page": "x"}, 30, 1),
        ({"page": "-3"}, 30, 1),
        ({"page": "1.5"}, 30, 1),
    ],
)
def test_sizes_are_clamped_and_unreadable_values_fall_back(args, size, number):
    page = LinkHeaderPages(default=30, maximum=100).page(ITEMS, args)
    assert (page.size, page.number) == (size, number)


def test_a_page_beyond_the_last_is_empty_and_points_back():
    pages = LinkHeaderPages(default=30)
    page = pages.page(ITEMS, {"page": "9"})
    assert list(page.items) == []
    assert _pages(pages.link_header(BASE, {"page": "9"}, page)) == {"prev": 4, "first": 1}


def test_parse_link_header_reads_relations_with_spaces_and_other_parameters():
    header = '<https://x/a?page=2>; rel="next", <https://x/a?page=7>; title="t"; rel="last"'
    assert parse_link_header(header) == {"next": "https://x/a?page=2", "last": "https://x/a?page=7"}
