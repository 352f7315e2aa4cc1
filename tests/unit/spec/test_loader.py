"""Tables of valid and invalid specs: each invalid one with the message a user would see."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from brainhub.errors import SpecError
from brainhub.spec.blocks import BearerAuth, CursorPagination, Stop
from brainhub.spec.loader import load_spec

SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "updated_at": {"type": "string"},
        "name": {"type": ["string", "null"]},
    },
}

VALID_BASE = """
name: demo
base_url: https://api.example.com
settings:
  api_token: {type: string, required: true, secret: true}
auth: {type: bearer, token: "{config.api_token}"}
defaults:
  primary_key: id
streams:
  items:
    path: /items
    records: $.items[*]
"""


def write_spec(tmp_path: Path, text: str, schemas: tuple[str, ...] = ("items", "children")) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    for name in schemas:
        (tmp_path / "schemas" / f"{name}.json").write_text(json.dumps(SCHEMA))
    path = tmp_path / "spec.yaml"
    path.write_text(textwrap.dedent(text))
    return path


VALID = {
    "minimal": VALID_BASE,
    "bare string paginator and auth": """
        name: demo
        base_url: https://api.example.com
        auth: none
        streams:
          items: {path: /items, paginator: link_header, primary_key: id}
    """,
    "child with two parents": VALID_BASE
    + """
  children:
    parent:
      - {stream: items, path: "/items/{parent.id}/children"}
      - {stream: items, path: "/other/{parent.id}/children"}
""",
    "incremental with page numbers": VALID_BASE.replace(
        "    records: $.items[*]\n",
        """    records: $.items[*]
    paginator: {type: page_number, start: 0, stop: {when_true: last_page}}
    incremental: {cursor: updated_at, format: epoch_millis, param: updated_gt}
""",
    ),
}

INVALID = {
    "unknown top-level key": (
        VALID_BASE + "streamz: {}\n",
        "line 13: unknown key 'streamz' (valid keys: auth, base_url, check, defaults, description",
    ),
    "misspelt paginator type": (
        VALID_BASE.replace(
            "    records: $.items[*]\n",
            "    records: $.items[*]\n    paginator: {type: pagenumber}\n",
        ),
        "line 13: streams.items.paginator: unknown type 'pagenumber' (valid types: after_id, cursor, last_record, link_header, next_url, none, offset, page_number)",
    ),
    "auth missing its token": (
        VALID_BASE.replace(
            'auth: {type: bearer, token: "{config.api_token}"}', "auth: {type: bearer}"
        ),
        "line 6: auth: missing required key 'token'",
    ),
    "wrong type": (
        VALID_BASE.replace(
            "settings:\n  api_token: {type: string", "settings:\n  api_token: {type: text"
        ),
        "line 5: settings.api_token.type: 'text' is not valid here (valid: string, integer, number, boolean, date_time, array, object)",
    ),
    "unknown parent": (
        VALID_BASE + "  children: {path: '/c/{parent.id}', parent: itemz}\n",
        "streams.children.parent: unknown parent stream 'itemz' (streams: children, items)",
    ),
    "parent cycle": (
        VALID_BASE.replace("    path: /items\n", "    path: /items\n    parent: children\n")
        + "  children: {path: '/c/{parent.id}', parent: items}\n",
        "parent cycle: children -> items -> children",
    ),
    "key not in schema": (
        VALID_BASE.replace("  primary_key: id", "  primary_key: uuid"),
        "streams.items.primary_key: field 'uuid' is not in the stream's schema (fields: id, name, updated_at)",
    ),
    "unknown setting in placeholder": (
        VALID_BASE.replace('token: "{config.api_token}"', 'token: "{config.apitoken}"'),
        "{config.apitoken} names no setting (settings: api_token, base_url, max_workers, start_date)",
    ),
    "call placeholder in a stream": (
        VALID_BASE.replace("path: /items", "path: /items/{call.path}"),
        "{call.path} is only valid in a write batch's item",
    ),
    "parent placeholder without parent": (
        VALID_BASE.replace("path: /items", "path: /items/{parent.id}"),
        "{parent.id} used but the stream has no parent",
    ),
    "missing schema file": (
        VALID_BASE + "  others: {path: /others}\n",
        "schema file 'schemas/others.json' does not exist",
    ),
    "stream name not snake_case": (
        VALID_BASE.replace("  items:\n", "  Items:\n"),
        "'Items' does not match",
    ),
    "bad yaml": (
        VALID_BASE + "  broken: [\n",
        "invalid YAML",
    ),
    "error rule testing a body value two ways": (
        VALID_BASE
        + "errors:\n  - when: {body: {path: error, equals: x, in: [x]}}\n    action: fail\n",
        "line 14: errors[0].when.body: use either equals or in, not both",
    ),
}


@pytest.mark.parametrize("text", VALID.values(), ids=VALID.keys())
def test_valid_specs_load(tmp_path: Path, text: str) -> None:
    spec = load_spec(write_spec(tmp_path, textwrap.dedent(text)))
    assert spec.name == "demo"


@pytest.mark.parametrize(("text", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_specs_say_what_and_where(tmp_path: Path, text: str, expected: str) -> None:
    path = write_spec(tmp_path, text)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert expected in message, message


def test_defaults_apply_and_streams_override(tmp_path: Path) -> None:
    spec = load_spec(
        write_spec(tmp_path, VALID_BASE + "  children: {path: /c, primary_key: name}\n")
    )
    assert spec.streams["items"].primary_key == ("id",)
    assert spec.streams["children"].primary_key == ("name",)


def test_shared_schema_fragments_are_inlined(tmp_path: Path) -> None:
    path = write_spec(tmp_path, VALID_BASE)
    (tmp_path / "schemas" / "shared.json").write_text(
        json.dumps(
            {"$defs": {"user": {"type": "object", "properties": {"login": {"type": "string"}}}}}
        )
    )
    schema = {
        **SCHEMA,
        "properties": {**SCHEMA["properties"], "owner": {"$ref": "shared.json#/$defs/user"}},
    }
    (tmp_path / "schemas" / "items.json").write_text(json.dumps(schema))
    spec = load_spec(path)
    from brainhub.spec.schemas import load_stream_schema

    owner = load_stream_schema(spec.streams["items"].schema_file)["properties"]["owner"]
    assert owner["properties"]["login"] == {"type": "string"}


def test_auth_paginator_and_http_blocks_are_typed_once(tmp_path: Path) -> None:
    spec = load_spec(
        write_spec(
            tmp_path,
            VALID_BASE.replace(
                "    records: $.items[*]\n",
                "    records: $.items[*]\n"
                "    paginator: {type: cursor, param: after, stop: {when_false: has_more}}\n",
            )
            + "http: {rate_limit: {requests: 10, per: minute}}\n"
            "errors:\n  - {when: {status: [403, 429]}, action: throttle}\n",
        )
    )
    assert spec.auth == BearerAuth(token="{config.api_token}")
    paginator = spec.streams["items"].paginator
    assert paginator == CursorPagination(param="after", stop=Stop(when_false="has_more"))
    assert (paginator.kind, paginator.in_, paginator.option("keep_params", False)) == (
        "cursor",
        "query",
        False,
    )
    assert spec.http.rate_limit is not None
    assert (spec.http.rate_limit.requests, spec.http.rate_limit.per) == (10, 60.0)
    assert [(r.action, r.statuses) for r in spec.http.errors] == [("throttle", (403, 429))]
