"""The kit's shared paginators: page numbers, offsets, cursor tokens bound to a request."""

from __future__ import annotations

import base64
import json

import pytest
from werkzeug.datastructures import MultiDict

from brainhub.sandbox.kit import CursorTokens, Offsets, PageNumbers, PagingError

ITEMS = [{"id": f"i{n:03d}"} for n in range(25)]


def test_page_numbers_from_zero_and_from_one():
    zero = PageNumbers(size=10)
    assert [i["id"] for i in zero.page(ITEMS, {"page": "2"}).items] == [
        f"i{n:03d}" for n in range(20, 25)
    ]
    assert zero.page(ITEMS, {}).has_more
    assert not zero.page(ITEMS, {"page": "2"}).has_more
    one = PageNumbers(size=10, first=1)
    assert one.page(ITEMS, {"page": "1"}).items == ITEMS[:10]
    with pytest.raises(PagingError, match="page: must be a whole number >= 1"):
        one.page(ITEMS, {"page": "0"})


@pytest.mark.parametrize("bad", ["-1", "x", "1.5", "²", "9" * 40])
def test_page_numbers_refuse_what_is_not_a_page(bad):
    with pytest.raises(PagingError):
        PageNumbers(size=10).page(ITEMS, {"page": bad})


def test_a_required_page_must_be_given():
    with pytest.raises(PagingError, match="page: is required"):
        PageNumbers(size=10, required=True).page(ITEMS, {})


def test_offsets_cap_the_limit_and_say_where_to_continue():
    offsets = Offsets(default=10, maximum=20, offset_parameter="startAt", limit_parameter="max")
    page = offsets.page(ITEMS, {"startAt": "5", "max": "500"})
    assert page.items == ITEMS[5:25]
    assert not page.has_more
    first = offsets.page(ITEMS, {})
    assert (len(first.items), first.next_offset) == (10, 10)
    with pytest.raises(PagingError, match="max: must be at least 1"):
        offsets.page(ITEMS, {"max": "0"})


def _cursor(**kwargs):
    return CursorTokens(default=10, maximum=10, key=lambda item: item["id"], **kwargs)


def test_cursor_tokens_walk_every_item_once():
    cursor = _cursor()
    args = MultiDict({"status": "open"})
    seen, token = [], None
    while True:
        page = cursor.page(ITEMS, MultiDict({**args, **({"cursor": token} if token else {})}))
        seen += page.items
        if not page.has_more:
            break
        token = page.next_token
    assert seen == ITEMS


def test_a_token_reused_with_other_parameters_is_refused():
    cursor = _cursor()
    token = cursor.page(ITEMS, MultiDict({"status": "open"})).next_token
    assert cursor.page(ITEMS, MultiDict({"status": "open", "cursor": token})).items
    with pytest.raises(PagingError, match="issued for a request with other parameters"):
        cursor.page(ITEMS, MultiDict({"status": "closed", "cursor": token}))
    with pytest.raises(PagingError, match="other parameters"):
        cursor.page(ITEMS, MultiDict([("status", "open"), ("status", "x"), ("cursor", token)]))


def test_ignored_parameters_and_the_limit_may_change_between_pages():
    cursor = _cursor(ignored=frozenset({"pretty"}))
    token = cursor.page(ITEMS, MultiDict({"pretty": "1"})).next_token
    page = cursor.page(ITEMS, MultiDict({"pretty": "0", "limit": "3", "cursor": token}))
    assert page.items == ITEMS[10:13]


def test_forged_or_stale_tokens_are_refused():
    cursor = _cursor()
    with pytest.raises(PagingError, match="not a token this API issued"):
        cursor.page(ITEMS, {"cursor": "%%%"})
    forged = base64.urlsafe_b64encode(json.dumps(["x"]).encode()).decode()
    with pytest.raises(PagingError, match="not a token this API issued"):
        cursor.page(ITEMS, {"cursor": forged})
    gone = CursorTokens.encode("i999", cursor.digest({}))
    with pytest.raises(PagingError, match="no longer exists"):
        cursor.page(ITEMS, {"cursor": gone})


def test_a_cursor_page_starts_at_its_item_even_after_insertions():
    cursor = _cursor()
    token = cursor.page(ITEMS, {}).next_token
    grown = [{"id": "a-new-one"}, *ITEMS]
    assert cursor.page(grown, {"cursor": token}).items[0] == ITEMS[10]
