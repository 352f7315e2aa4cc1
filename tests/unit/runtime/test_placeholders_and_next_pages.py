"""Placeholders never fill in as empty text, keys with dots are reachable, and next-page URLs
are followed as given.

A parent record without the field a child request needs is skipped with a warning (it used
to request ``/repos//labels``, or, with the placeholder in ``params``, every label of every
repository); a setting a request needs but that has no value stops the run with its name.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from brainhub.errors import SettingsError
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class

REPOS = [{"id": 1, "full_name": "acme/web"}, {"id": 2}, {"id": 3, "full_name": ""}]
LABELS = {"acme/web": [{"id": 10, "name": "bug"}, {"id": 11, "name": "docs"}]}
ITEMS = [{"id": f"i{n:02d}"} for n in range(25)]
SIZE = 10
REPO_SCHEMA = {"properties": {"id": {"type": "integer"}, "full_name": {"type": "string"}}}
LABEL_SCHEMA = {
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "repo": {}},
}
ITEM_SCHEMA = {"properties": {"id": {"type": "string"}}}


class ToyAPI(Emulator):
    service = "toyplaceholders"
    routes = (
        Rule("/repos", endpoint="repos"),
        Rule("/repos/<path:name>/labels", endpoint="repo_labels"),
        Rule("/labels", endpoint="labels"),
        Rule("/odata", endpoint="odata"),
        Rule("/strict", endpoint="strict"),
        Rule("/bare", endpoint="bare"),
    )

    def repos(self, request: Request) -> list[dict[str, Any]]:
        return REPOS

    def repo_labels(self, request: Request, name: str) -> list[dict[str, Any]]:
        return LABELS.get(name, [])

    def labels(self, request: Request) -> list[dict[str, Any]]:
        wanted = request.args.get("repo")
        every = [{**label, "repo": repo} for repo, labels in LABELS.items() for label in labels]
        return [label for label in every if wanted is None or label["repo"] == wanted]

    def odata(self, request: Request) -> dict[str, Any]:
        start = int(request.args.get("skip", 0))
        body: dict[str, Any] = {"value": ITEMS[start : start + SIZE]}
        if start + SIZE < len(ITEMS):
            body["@odata.nextLink"] = f"{request.base_url}?skip={start + SIZE}"
        return body

    def strict(self, request: Request) -> Response | dict[str, Any]:
        """Refuses a repeated parameter; its next links carry the whole query."""
        if any(len(request.args.getlist(key)) > 1 for key in request.args):
            return Response("repeated parameter", status=400)
        start = int(request.args.get("skip", 0))
        body: dict[str, Any] = {"value": ITEMS[start : start + SIZE]}
        if start + SIZE < len(ITEMS):
            query = {**request.args.to_dict(), "skip": str(start + SIZE)}
            body["next"] = f"{request.base_url}?{urlencode(query)}"
        return body

    def bare(self, request: Request) -> Response | dict[str, Any]:
        """Needs ``key`` on every page, but its next links carry only the page."""
        if request.args.get("key") != "k":
            return Response("key required", status=400)
        start = int(request.args.get("skip", 0))
        body: dict[str, Any] = {"value": ITEMS[start : start + SIZE]}
        if start + SIZE < len(ITEMS):
            body["next"] = f"{request.base_url}?skip={start + SIZE}"
        return body


def _spec(tmp_path: Path, streams: str, top: str = "") -> Path:
    schemas = tmp_path / "schemas"
    schemas.mkdir(exist_ok=True)
    for name, schema in (("repos", REPO_SCHEMA), ("labels", LABEL_SCHEMA), ("items", ITEM_SCHEMA)):
        (schemas / f"{name}.json").write_text(json.dumps({"type": "object", **schema}))
    path = tmp_path / "spec.yaml"
    path.write_text(f"name: toyplaceholders\nbase_url: http://localhost\n{top}streams:\n{streams}")
    return path


def _run(tmp_path: Path, streams: str, top: str = "", **config: Any) -> ToyAPI:
    api = ToyAPI(generation=0)
    with serve(api) as served:
        tap = tap_class(load_spec(_spec(tmp_path, streams, top)))
        tap(config={"base_url": served.base_url, **config}).sync_all()
    return api


def _records(capsys: Any, stream: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return [m["record"] for m in lines if m["type"] == "RECORD" and m["stream"] == stream]


REPOS_STREAM = "  repos: {path: /repos, primary_key: id}\n"


def test_parent_without_the_field_is_skipped_not_requested_with_a_gap(
    tmp_path: Path, capsys: Any, caplog: Any
) -> None:
    streams = REPOS_STREAM + (
        "  labels: {parent: repos, path: '/repos/{parent.full_name}/labels', primary_key: id}\n"
    )
    with caplog.at_level(logging.WARNING):
        api = _run(tmp_path, streams)
    paths = [entry.path for entry in api.request_log]
    assert "/repos//labels" not in paths
    assert paths.count("/repos/acme/web/labels") == 1
    assert [r["id"] for r in _records(capsys, "labels")] == [10, 11]
    skipped = [r.getMessage() for r in caplog.records if "skipped a repos record" in r.getMessage()]
    assert len(skipped) == 2, skipped
    assert "without 'full_name' ({parent.full_name} needs it)" in skipped[0]


@pytest.mark.parametrize(
    "where",
    ["params: {repo: '{parent.full_name}'}", "add_fields: {repo: '{parent.full_name}'}"],
    ids=["params", "add_fields"],
)
def test_parent_placeholder_outside_the_path_is_filled(
    tmp_path: Path, capsys: Any, where: str
) -> None:
    streams = (
        REPOS_STREAM + f"  labels: {{parent: repos, path: /labels, primary_key: id, {where}}}\n"
    )
    api = _run(tmp_path, streams)
    label_requests = [entry for entry in api.request_log if entry.path == "/labels"]
    # One request per repository that has a name; never one without the filter.
    assert len(label_requests) == 1
    if where.startswith("params"):
        assert label_requests[0].query == {"repo": ["acme/web"]}
    labels = _records(capsys, "labels")
    assert {r["repo"] for r in labels} == {"acme/web"}


def test_setting_a_request_needs_but_without_value_is_named(tmp_path: Path) -> None:
    top = "settings:\n  org: {type: string}\n"
    streams = "  repos: {path: '/orgs/{config.org}/repos', primary_key: id}\n"
    with pytest.raises(SettingsError) as caught:
        _run(tmp_path, streams, top)
    message = str(caught.value)
    assert "stream 'repos' needs {config.org}, which has no value" in message
    assert "TAP_TOYPLACEHOLDERS_ORG" in message


def test_next_url_under_a_key_with_dots(tmp_path: Path, capsys: Any) -> None:
    streams = (
        "  items:\n    path: /odata\n    records: $.value[*]\n    primary_key: id\n"
        "    paginator: {type: next_url, from_body: \"$['@odata.nextLink']\"}\n"
    )
    api = _run(tmp_path, streams)
    assert [r["id"] for r in _records(capsys, "items")] == [i["id"] for i in ITEMS]
    assert len(api.request_log) == 3


def test_next_url_is_followed_as_given(tmp_path: Path, capsys: Any) -> None:
    streams = (
        "  items:\n    path: /strict\n    records: $.value[*]\n    primary_key: id\n"
        "    params: {order: asc}\n"
        "    paginator: {type: next_url, from_body: next}\n"
    )
    api = _run(tmp_path, streams)
    assert [r["id"] for r in _records(capsys, "items")] == [i["id"] for i in ITEMS]
    assert [entry.query for entry in api.request_log] == [
        {"order": ["asc"]},
        {"order": ["asc"], "skip": ["10"]},
        {"order": ["asc"], "skip": ["20"]},
    ]


def test_keep_params_sends_the_stream_params_with_next_urls(tmp_path: Path, capsys: Any) -> None:
    streams = (
        "  items:\n    path: /bare\n    records: $.value[*]\n    primary_key: id\n"
        "    params: {key: k}\n"
        "    paginator: {type: next_url, from_body: next, keep_params: true}\n"
    )
    _run(tmp_path, streams)
    assert [r["id"] for r in _records(capsys, "items")] == [i["id"] for i in ITEMS]
