"""GitLab's two ways of paging a list.

**Offset** (every list): 1-based ``page`` and ``per_page`` (default 20, at most 100; larger
values are served as 100, unreadable ones as the default) with the headers ``X-Page``,
``X-Per-Page``, ``X-Next-Page`` and ``X-Prev-Page`` (empty at the ends), ``X-Total``,
``X-Total-Pages`` and a ``Link`` header with ``prev``/``next``/``first``/``last``.

**Keyset** (``pagination=keyset`` on ``/projects`` and ``/users``, ordered by ``id``):
the next page starts after the last id (``id_after`` ascending, ``id_before``
descending); only ``Link: <…>; rel="next"`` is sent, no totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request

from brainhub.sandbox.services.gitlab.errors import invalid

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Paged:
    """One page of a list and the headers that describe it."""

    items: list[Any]
    headers: dict[str, str]


def _number(raw: str | None, default: int, floor: int = 1) -> int:
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        return default
    return value if value >= floor else default


def per_page(args: Mapping[str, str]) -> int:
    """The page size GitLab serves for ``per_page``."""
    return min(_number(args.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)


def _url(request: Request, args: Mapping[str, str], **changes: object) -> str:
    query = {**args, **{k: str(v) for k, v in changes.items()}}
    return f"{request.base_url}?{urlencode(query)}"


def offset_page(request: Request, items: Sequence[Any]) -> Paged:
    """The requested offset page of ``items``."""
    args = request.args.to_dict()
    size = per_page(args)
    page = _number(args.get("page"), 1)
    total_pages = max(1, -(-len(items) // size))
    chunk = list(items[(page - 1) * size : page * size])
    next_page = page + 1 if page < total_pages else None
    prev_page = page - 1 if 1 < page <= total_pages + 1 else None
    links = []
    if prev_page:
        links.append(f'<{_url(request, args, page=prev_page, per_page=size)}>; rel="prev"')
    if next_page:
        links.append(f'<{_url(request, args, page=next_page, per_page=size)}>; rel="next"')
    links.append(f'<{_url(request, args, page=1, per_page=size)}>; rel="first"')
    links.append(f'<{_url(request, args, page=total_pages, per_page=size)}>; rel="last"')
    headers = {
        "X-Page": str(page),
        "X-Per-Page": str(size),
        "X-Next-Page": str(next_page or ""),
        "X-Prev-Page": str(prev_page or ""),
        "X-Total": str(len(items)),
        "X-Total-Pages": str(total_pages),
        "Link": ", ".join(links),
    }
    return Paged(chunk, headers)


def keyset_page(request: Request, items: Sequence[Mapping[str, Any]]) -> Paged:
    """The keyset page of ``items`` (objects with an integer ``id``)."""
    args = request.args.to_dict()
    order_by = args.get("order_by", "id")
    if order_by != "id":
        invalid("order_by", "does not have a valid value for keyset pagination")
    sort = args.get("sort", "asc")
    if sort not in ("asc", "desc"):
        invalid("sort", "does not have a valid value")
    size = per_page(args)
    ordered = sorted(items, key=lambda item: int(item["id"]), reverse=sort == "desc")
    if sort == "asc" and args.get("id_after"):
        after = _number(args["id_after"], 0, floor=0)
        ordered = [item for item in ordered if int(item["id"]) > after]
    if sort == "desc" and args.get("id_before"):
        before = _number(args["id_before"], 0, floor=0)
        ordered = [item for item in ordered if int(item["id"]) < before]
    chunk = ordered[:size]
    headers: dict[str, str] = {}
    if len(ordered) > size:
        last = chunk[-1]["id"]
        key = "id_after" if sort == "asc" else "id_before"
        rest = {k: v for k, v in args.items() if k not in ("id_after", "id_before")}
        headers["Link"] = f'<{_url(request, rest, **{key: last})}>; rel="next"'
    return Paged(list(chunk), headers)
