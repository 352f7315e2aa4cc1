"""The engine's paginators, authenticators and incremental modes against one toy API.

Every paginator reads the same 25 items in pages of 10; the request log shows what each sent.
"""

from __future__ import annotations

import base64
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.redaction import hidden
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class

ITEMS = [{"id": f"i{n:02d}", "updated": f"2024-01-{n + 1:02d}T00:00:00Z"} for n in range(25)]
SIZE = 10
SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "updated": {"type": "string", "format": "date-time"}},
}


def _slice(start: int) -> list[dict[str, Any]]:
    return ITEMS[start : start + SIZE]


class ToyAPI(Emulator):
    service = "toypages"
    routes = tuple(
        Rule(path, endpoint=name, methods=methods)
        for path, name, methods in [
            ("/pages", "pages", ["GET"]),
            ("/offset", "offset", ["GET"]),
            ("/cursor", "cursor", ["GET"]),
            ("/search", "search", ["POST"]),
            ("/next", "next_url", ["GET"]),
            ("/link", "link", ["GET"]),
            ("/after", "after", ["GET"]),
            ("/token", "token", ["POST"]),
            ("/since", "since", ["GET"]),
        ]
    )

    def pages(self, request: Request) -> dict[str, Any]:
        page = int(request.args["page"])
        return {"items": _slice(page * SIZE), "last_page": (page + 1) * SIZE >= len(ITEMS)}

    def offset(self, request: Request) -> dict[str, Any]:
        start, limit = int(request.args["offset"]), int(request.args["limit"])
        return {"items": ITEMS[start : start + limit], "total": len(ITEMS)}

    def cursor(self, request: Request) -> dict[str, Any]:
        start = int(request.args.get("cursor", 0))
        following = start + SIZE
        return {
            "items": _slice(start),
            "meta": {"next": str(following) if following < len(ITEMS) else ""},
        }

    def search(self, request: Request) -> dict[str, Any]:
        start = int(request.get_json().get("start_cursor") or 0)
        following = start + SIZE
        more = following < len(ITEMS)
        return {
            "results": _slice(start),
            "has_more": more,
            "next_cursor": str(following) if more else None,
        }

    def next_url(self, request: Request) -> dict[str, Any]:
        start = int(request.args.get("from", 0))
        following = start + SIZE
        return {
            "items": _slice(start),
            "next": f"next?from={following}" if following < len(ITEMS) else None,
        }

    def link(self, request: Request) -> Response:
        start = int(request.args.get("from", 0))
        response = Response(json.dumps(_slice(start)), content_type="application/json")
        if start + SIZE < len(ITEMS):
            response.headers["Link"] = f'<{request.base_url}?from={start + SIZE}>; rel="next"'
        return response

    def after(self, request: Request) -> list[dict[str, Any]]:
        after = request.args.get("after_id")
        start = next((n + 1 for n, item in enumerate(ITEMS) if item["id"] == after), 0)
        return _slice(start)

    def token(self, request: Request) -> dict[str, Any]:
        form = request.form
        grants = {"refresh_token": form.get("refresh_token") == "rt-1", "client_credentials": True}
        if form.get("client_id") != "cid" or not grants.get(form.get("grant_type", "")):
            return Response(json.dumps({"error": "invalid_grant"}), status=400)  # type: ignore[return-value]
        return {"access_token": "at-1", "expires_in": 3600}

    def since(self, request: Request) -> dict[str, Any]:
        after = request.args.get("updated_after")
        return {"items": [i for i in ITEMS if after is None or i["updated"] >= after]}

    def authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("Authorization", "")
        allowed = {"", "Bearer at-1", "Basic " + base64.b64encode(b"me@x.io:pw").decode()}
        if request.path != "/token" and header not in allowed:
            return Response("unauthorized", status=401)
        return None


PAGINATORS = {
    "page_number": (
        "/pages",
        "$.items[*]",
        "{type: page_number, start: 0, stop: {when_true: last_page}}",
    ),
    "offset": ("/offset", "$.items[*]", "{type: offset, size: 10, stop: {total: total}}"),
    "cursor_query": (
        "/cursor",
        "$.items[*]",
        "{type: cursor, param: cursor, from_body: meta.next}",
    ),
    "cursor_body": (
        "/search",
        "$.results[*]",
        "{type: cursor, param: start_cursor, from_body: next_cursor, in: body, stop: {when_false: has_more}}",
    ),
    "next_url": ("/next", "$.items[*]", "{type: next_url, from_body: next}"),
    "link_header": ("/link", "$[*]", "link_header"),
    "last_record": ("/after", "$[*]", "{type: last_record, params: {after_id: id}, size: 10}"),
}


def _spec(tmp_path: Path, streams: str, top: str = "") -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(f"name: toypages\nbase_url: http://localhost\n{top}streams:\n{streams}")
    return path


def _records(capsys: Any) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [m["record"] for m in lines if m["type"] == "RECORD"]


@pytest.mark.parametrize("kind", PAGINATORS)
def test_every_paginator_reads_every_page(tmp_path: Path, capsys: Any, kind: str) -> None:
    path, records, paginator = PAGINATORS[kind]
    method = "POST" if kind == "cursor_body" else "GET"
    streams = textwrap.indent(
        f"items:\n  path: {path}\n  method: {method}\n  records: {records}\n  primary_key: id\n"
        f"  paginator: {paginator}\n",
        "  ",
    )
    api = ToyAPI(generation=0)
    with serve(api) as served:
        tap_class(load_spec(_spec(tmp_path, streams)))(
            config={"base_url": served.base_url}
        ).sync_all()
    assert [r["id"] for r in _records(capsys)] == [i["id"] for i in ITEMS]
    assert len(api.request_log) == 3


AUTHS = {
    "bearer": ("{type: bearer, token: '{config.token}'}", {"token": "at-1"}),
    "basic": (
        "{type: basic, username: '{config.email}', password: '{config.password}'}",
        {"email": "me@x.io", "password": "pw"},
    ),
    "oauth2_refresh_token": (
        "{type: oauth2_refresh_token, token_url: /token, client_id: cid, "
        "client_secret: '{config.secret}', refresh_token: '{config.refresh}'}",
        {"secret": "s", "refresh": "rt-1"},
    ),
    "oauth2_client_credentials": (
        "{type: oauth2_client_credentials, token_url: /token, client_id: cid, "
        "client_secret: '{config.secret}'}",
        {"secret": "s"},
    ),
}


@pytest.mark.parametrize("kind", AUTHS)
def test_authenticators(tmp_path: Path, capsys: Any, kind: str) -> None:
    auth, config = AUTHS[kind]
    settings = "settings:\n" + "".join(
        f"  {name}: {{type: string, secret: true}}\n" for name in config
    )
    streams = "  items: {path: /since, records: '$.items[*]', primary_key: id}\n"
    api = ToyAPI(generation=0)
    with serve(api) as served:
        tap = tap_class(load_spec(_spec(tmp_path, streams, f"{settings}auth: {auth}\n")))
        tap(config={"base_url": served.base_url, **config}).sync_all()
    assert len(_records(capsys)) == len(ITEMS)
    data_requests = [e for e in api.request_log if e.path == "/since"]
    expected = (
        f"Bearer {hidden('at-1')}"
        if kind != "basic"
        else f"Basic {hidden(base64.b64encode(b'me@x.io:pw').decode())}"
    )
    assert data_requests[0].headers["Authorization"] == expected


@pytest.mark.parametrize(
    ("incremental", "expected_param"),
    [
        ("{cursor: updated, param: updated_after}", "2024-01-20T00:00:00Z"),
        ("{cursor: updated, client_filter: true}", None),
        # two days of lookback: records changed since the 18th are read again
        ("{cursor: updated, param: updated_after, lookback: 172800}", "2024-01-18T00:00:00Z"),
    ],
)
def test_incremental_from_a_bookmark(
    tmp_path: Path, capsys: Any, incremental: str, expected_param: str | None
) -> None:
    streams = f"  items: {{path: /since, records: '$.items[*]', primary_key: id, incremental: {incremental}}}\n"
    state = {
        "bookmarks": {
            "items": {"replication_key": "updated", "replication_key_value": "2024-01-20T00:00:00Z"}
        }
    }
    api = ToyAPI(generation=0)
    with serve(api) as served:
        tap = tap_class(load_spec(_spec(tmp_path, streams)))
        tap(config={"base_url": served.base_url}, state=state).sync_all()
    first = 17 if "lookback" in incremental else 19
    assert [r["id"] for r in _records(capsys)] == [i["id"] for i in ITEMS[first:]]
    assert api.request_log[0].query.get("updated_after", [None])[0] == expected_param
