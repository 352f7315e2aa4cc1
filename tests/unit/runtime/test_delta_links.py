"""Delta-link streams, client-credentials tokens and link hosts against a toy Graph-like API.

The toy API lists items through ``/items/delta``: a whole read pages through absolute
``@odata.nextLink`` URLs until a page carries ``@odata.deltaLink``; requesting that link
later answers what changed since (``@removed`` for deletions), and an expired link answers
410 with Graph's ``resyncRequired`` body.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.errors import FatalAPIError, SpecError
from brainhub.redaction import hidden
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": ["string", "null"]},
        "@removed": {"type": ["object", "null"]},
    },
}
GENERATIONS = [
    {"a": "alpha", "b": "beta", "c": "gamma"},
    {"a": "alpha", "b": "beta two", "d": "delta"},  # b changed, c deleted, d added
]


class ToyGraph(Emulator):
    service = "toygraph"
    routes = (
        Rule("/tenant-7/oauth2/v2.0/token", endpoint="token", methods=["POST"]),
        Rule("/items/delta", endpoint="delta", methods=["GET"]),
    )

    def load(self) -> None:
        self.issued: list[str] = []
        self.revoked: set[str] = set()
        self.expired_tokens: set[str] = set()
        self.next_host: str | None = None
        self.revoke_after_first_page = False

    def token(self, request: Request) -> Any:
        form = request.form
        good = (
            form.get("grant_type") == "client_credentials"
            and form.get("client_id") == "app-1"
            and form.get("client_secret") == "s3cret-value"
            and form.get("scope") == "https://toy.example/.default"
        )
        if not good:
            return Response(json.dumps({"error": "invalid_client"}), status=401)
        token = f"at-{len(self.issued) + 1}"
        self.issued.append(token)
        return {"token_type": "Bearer", "expires_in": 3599, "access_token": token}

    def authenticate(self, request: Request) -> Response | None:
        if request.path.endswith("/token"):
            return None
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self.issued or token in self.revoked:
            body = {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}
            return Response(json.dumps(body), status=401, content_type="application/json")
        return None

    def delta(self, request: Request) -> Any:
        base = request.host_url.rstrip("/")
        if self.next_host:
            base = f"http://{self.next_host}"
        token = request.args.get("$deltatoken")
        current = GENERATIONS[self.generation]
        if token is not None:
            if token in self.expired_tokens:
                body = {"error": {"code": "resyncRequired", "message": "Resync required."}}
                return Response(json.dumps(body), status=410, content_type="application/json")
            before = GENERATIONS[int(token)]
            value: list[dict[str, Any]] = [
                {"id": k, "name": v} for k, v in current.items() if before.get(k) != v
            ]
            value += [
                {"id": k, "@removed": {"reason": "deleted"}} for k in before if k not in current
            ]
            return {
                "value": value,
                "@odata.deltaLink": f"{base}/items/delta?$deltatoken={self.generation}",
            }
        skip = int(request.args.get("$skiptoken", 0))
        items = [{"id": k, "name": v} for k, v in sorted(current.items())]
        page: dict[str, Any] = {"value": items[skip : skip + 2]}
        if self.revoke_after_first_page:
            self.revoked.update(self.issued)
        if skip + 2 < len(items):
            page["@odata.nextLink"] = f"{base}/items/delta?$skiptoken={skip + 2}"
        else:
            page["@odata.deltaLink"] = f"{base}/items/delta?$deltatoken={self.generation}"
        return page


STREAMS = """\
  items:
    path: /items/delta
    records: "$.value[*]"
    primary_key: id
    paginator: {type: next_url, from_body: "$['@odata.nextLink']"}
    incremental:
      type: delta_link
      from_body: "$['@odata.deltaLink']"
      resync: {status: [410], code_at: error.code, codes: [resyncRequired, syncStateNotFound]}
    deleted: {field: "@removed", exists: true}
"""
AUTH = """\
settings:
  tenant_id: {type: string, required: true}
  client_id: {type: string, required: true}
  client_secret: {type: string, required: true, secret: true}
auth:
  type: oauth2_client_credentials
  token_url: "/{config.tenant_id}/oauth2/v2.0/token"
  client_id: "{config.client_id}"
  client_secret: "{config.client_secret}"
  scopes: ["https://toy.example/.default"]
"""
CONFIG = {"tenant_id": "tenant-7", "client_id": "app-1", "client_secret": "s3cret-value"}


def _tap(tmp_path: Path) -> Any:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(f"name: toygraph\nbase_url: http://localhost\n{AUTH}streams:\n{STREAMS}")
    return tap_class(load_spec(path))


def _run(tmp_path: Path, api: ToyGraph, capsys: Any, state: dict[str, Any] | None = None):
    with serve(api) as served:
        tap = _tap(tmp_path)(config={"base_url": served.base_url, **CONFIG}, state=state or {})
        tap.sync_all()
    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    records = [m["record"] for m in messages if m["type"] == "RECORD"]
    states = [m["value"] for m in messages if m["type"] == "STATE"]
    activations = [m for m in messages if m["type"] == "ACTIVATE_VERSION"]
    return records, states[-1], activations


def _paths(api: ToyGraph) -> list[str]:
    return [
        e.path + "".join(f"?{k}={v[0]}" for k, v in sorted((e.query or {}).items()))
        for e in api.request_log
    ]


def test_first_run_pages_to_the_delta_link_then_reads_only_changes(tmp_path, capsys):
    api = ToyGraph(generation=0)
    records, state, activations = _run(tmp_path, api, capsys)
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert len(activations) == 1  # a whole read retires rows the source no longer has
    # kept relative to the base URL: the next run's server listens on another port
    assert state["bookmarks"]["items"]["delta_link"] == "/items/delta?$deltatoken=0"
    first_paths = [p for p in _paths(api) if p.startswith("/items")]
    assert len(first_paths) == 2
    assert "skiptoken" in first_paths[1]

    api.set_generation(1)
    api.clear_request_log()
    records, state, activations = _run(tmp_path, api, capsys, state)
    by_id = {r["id"]: r for r in records}
    assert sorted(by_id) == ["b", "c", "d"]  # only what changed, the deletion included
    assert by_id["b"]["name"] == "beta two"
    assert by_id["b"]["_sdc_deleted_at"] is None
    assert by_id["c"]["_sdc_deleted_at"] is not None
    assert activations == []  # changes only: rows not in this read are not gone
    assert [p for p in _paths(api) if p.startswith("/items")] == ["/items/delta?$deltatoken=0"]
    assert state["bookmarks"]["items"]["delta_link"].endswith("$deltatoken=1")


def test_an_expired_delta_link_reads_the_stream_whole_and_retires_stale_rows(tmp_path, capsys):
    api = ToyGraph(generation=0)
    _, state, _ = _run(tmp_path, api, capsys)
    api.set_generation(1)
    api.expired_tokens.add("0")
    api.clear_request_log()
    records, state, activations = _run(tmp_path, api, capsys, state)
    assert [r["id"] for r in records] == ["a", "b", "d"]
    assert all(r.get("_sdc_deleted_at") is None for r in records)
    assert len(activations) == 1  # c, absent from the whole read, is retired downstream
    assert [p.split("?")[0] for p in _paths(api) if p.startswith("/items")] == [
        "/items/delta",  # the refused saved link
        "/items/delta",
        "/items/delta",
    ]
    assert state["bookmarks"]["items"]["delta_link"].endswith("$deltatoken=1")


def test_client_credentials_token_is_cached_and_renewed_once_after_a_401(tmp_path, capsys):
    api = ToyGraph(generation=0)
    api.revoke_after_first_page = True  # a key rollover: the token dies before it expires
    records, _, _ = _run(tmp_path, api, capsys)
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert [(e.path, e.status) for e in api.request_log] == [
        ("/tenant-7/oauth2/v2.0/token", 200),
        ("/items/delta", 200),  # the token is cached for the next page ...
        ("/items/delta", 401),  # ... until the service refuses it
        ("/tenant-7/oauth2/v2.0/token", 200),
        ("/items/delta", 200),
    ]
    assert api.request_log[4].headers["Authorization"] == f"Bearer {hidden('at-2')}"


def test_secret_never_reaches_state_or_output(tmp_path, capsys):
    api = ToyGraph(generation=0)
    with serve(api) as served:
        tap = _tap(tmp_path)(config={"base_url": served.base_url, **CONFIG})
        tap.sync_all()
    captured = capsys.readouterr()
    assert "s3cret-value" not in captured.out + captured.err
    assert "at-1" not in captured.out


def test_a_link_to_an_undeclared_host_is_refused_before_any_request(tmp_path, capsys):
    api = ToyGraph(generation=0)
    api.next_host = "elsewhere.example:8443"
    with pytest.raises(FatalAPIError, match=r"points to elsewhere\.example:8443, which is neither"):
        _run(tmp_path, api, capsys)
    assert [e.path for e in api.request_log if e.path.startswith("/items")] == ["/items/delta"]


def test_a_resync_status_with_another_code_fails_with_one_line(tmp_path, capsys):
    api = ToyGraph(generation=0)
    _, state, _ = _run(tmp_path, api, capsys)

    def gone(request: Request) -> Response:
        body = {"error": {"code": "itemNotFound", "message": "gone"}}
        return Response(json.dumps(body), status=410, content_type="application/json")

    api.delta = gone  # type: ignore[method-assign]
    with pytest.raises(FatalAPIError, match="code 'itemNotFound', not one that asks for a resync"):
        _run(tmp_path, api, capsys, state)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "  children:\n    parent: items\n    path: /items/{parent.id}/children\n"
            "    records: '$.value[*]'\n    schema: schemas/items.json\n",
            r"streams\.items\.incremental: a stream read through delta links cannot be a parent "
            r"\(children would be read only for changed records\)",
        ),
        ("", r"unknown type 'change_feed' \(valid types: cursor, delta_link, sync_token\)"),
    ],
)
def test_the_loader_explains_a_misused_delta_link(tmp_path, extra, message):
    streams = STREAMS if extra else STREAMS.replace("type: delta_link", "type: change_feed")
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(f"name: toygraph\nbase_url: http://localhost\nstreams:\n{streams}{extra}")
    with pytest.raises(SpecError, match=message):
        load_spec(path)
