"""mapper-duckdb in process: mapped SCHEMA and records, rejects, STATE ordering, refusals."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from transforms.engine import MappingError
from transforms.engine.mapper import MapperDuckDB

SEED = """\
version: 1
outputs:
  stg.posts:
    from: raw.posts
    fields:
      external_id: {from: id, apply: [to_string]}
      subject: {from: title, apply: [uppercase]}
      content: {from: body, apply: [trim]}
      author_id: {from: userId, apply: [to_int]}
      published_at: {from: published, apply: [{to_timestamp: epoch_ms}]}
"""

POSTS_SCHEMA = {
    "type": "SCHEMA",
    "stream": "posts",
    "key_properties": ["id"],
    "schema": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": ["string", "null"]},
            "body": {"type": ["string", "null"]},
            "userId": {"type": ["integer", "string", "null"]},
            "published": {"type": ["string", "null"]},
        },
    },
}


def post(number: int, user: Any = 1, title: str | None = "hello") -> dict:
    record = {
        "id": number,
        "title": title,
        "body": f" body {number} ",
        "userId": user,
        "published": "1629300637036",
    }
    return {"type": "RECORD", "stream": "posts", "record": record}


def run(messages: list[dict], capsys: pytest.CaptureFixture[str], **config: Any) -> list[dict]:
    mapper = MapperDuckDB(config={"mapping_files": [SEED], **config})
    mapper.listen(io.StringIO("".join(json.dumps(m) + "\n" for m in messages)))
    mapper.process_endofpipe()
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_seed_mapping_in_flight(capsys: pytest.CaptureFixture[str]) -> None:
    out = run([POSTS_SCHEMA, post(1, user="7"), post(2, user="abc")], capsys)
    schema = out[0]
    assert schema["stream"] == "stg-posts"
    assert schema["schema"]["properties"] == {
        "external_id": {"type": ["string", "null"]},
        "subject": {"type": ["string", "null"]},
        "content": {"type": ["string", "null"]},
        "author_id": {"type": ["integer", "null"]},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
    }
    assert schema["key_properties"] == []
    assert out[1]["stream"] == "stg-posts__rejected"
    records = [m for m in out if m["type"] == "RECORD"]
    assert records == [
        {
            "type": "RECORD",
            "stream": "stg-posts__rejected",
            "record": {
                "_rule": "to_int",
                "_field": "author_id",
                "_reason": "to_int could not convert 'abc'",
                "_record": '{"id":2,"title":"hello","body":" body 2 ","userId":"abc","published":"1629300637036"}',
            },
        },
        {
            "type": "RECORD",
            "stream": "stg-posts",
            "record": {
                "external_id": "1",
                "subject": "HELLO",
                "content": "body 1",
                "author_id": 7,
                "published_at": "2021-08-18T15:30:37.036000Z",
            },
        },
    ]


def test_state_comes_after_every_record_before_it(capsys: pytest.CaptureFixture[str]) -> None:
    state = {"type": "STATE", "value": {"bookmarks": {"posts": {"id": 3}}}}
    messages = [POSTS_SCHEMA, post(1), post(2), post(3), state, post(4)]
    out = run(messages, capsys, batch_size=2)
    kinds = [
        (m["type"], m.get("record", {}).get("external_id")) for m in out if m["type"] != "SCHEMA"
    ]
    assert kinds == [
        ("RECORD", "1"),
        ("RECORD", "2"),
        ("RECORD", "3"),
        ("STATE", None),
        ("RECORD", "4"),
    ]
    assert out[-2]["value"] == {"bookmarks": {"posts": {"id": 3}}}


def test_keys_follow_renames_filters_and_rules_apply(capsys: pytest.CaptureFixture[str]) -> None:
    mapping = (
        "version: 1\noutputs:\n  s.posts:\n    from: posts\n"
        "    filter: {field: title, op: not_null}\n"
        "    fields:\n      post_id: id\n      title: title\n"
        "    rules:\n      - {rule: accepted_values, field: title, values: [hello]}\n"
    )
    mapper = MapperDuckDB(config={"mappings": [mapping]})
    lines = [POSTS_SCHEMA, post(1), post(2, title=None), post(3, title="bye")]
    mapper.listen(io.StringIO("".join(json.dumps(m) + "\n" for m in lines)))
    mapper.process_endofpipe()
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0]["key_properties"] == ["post_id"]
    records = [(m["stream"], m["record"]) for m in out if m["type"] == "RECORD"]
    assert records[0][0] == "s-posts__rejected"
    assert records[0][1]["_reason"] == "value 'bye' is not one of: hello"
    assert records[1] == ("s-posts", {"post_id": 1, "title": "hello"})
    assert len(records) == 2


def test_unmatched_streams_pass_or_drop(capsys: pytest.CaptureFixture[str]) -> None:
    other = [
        {
            "type": "SCHEMA",
            "stream": "other",
            "schema": {"properties": {"x": {"type": "number"}}},
            "key_properties": [],
        },
        {"type": "RECORD", "stream": "other", "record": {"x": 1.5}},
        {"type": "ACTIVATE_VERSION", "stream": "other", "version": 3},
    ]
    passed = run(other, capsys)
    assert [m["type"] for m in passed] == ["SCHEMA", "RECORD", "ACTIVATE_VERSION"]
    assert passed[1]["record"] == {"x": 1.5}
    assert run(other, capsys, unmatched_streams="drop") == []


def test_record_that_breaks_its_schema_is_rejected_not_fatal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = post(2)
    bad["record"]["id"] = "two"
    out = run([POSTS_SCHEMA, post(1), bad, post(3)], capsys)
    records = [m for m in out if m["type"] == "RECORD"]
    assert [r["record"].get("external_id") for r in records if r["stream"] == "stg-posts"] == [
        "1",
        "3",
    ]
    (rejected,) = [r["record"] for r in records if r["stream"] == "stg-posts__rejected"]
    assert rejected["_rule"] == "schema"
    assert rejected["_reason"].startswith("record does not match the stream schema: ")
    assert json.loads(rejected["_record"])["id"] == "two"


def test_aggregations_and_joins_are_refused_in_flight() -> None:
    aggregate = "version: 1\noutputs:\n  m.x:\n    from: posts\n    measures: {n: count}\n"
    with pytest.raises(
        MappingError, match=r"^<mapping_files item 1>:3: output 'm.x' aggregates .* post-load only"
    ):
        MapperDuckDB(config={"mappings": [aggregate]})
    join = (
        "version: 1\noutputs:\n  m.x:\n    from: posts\n    joins: [{source: users, on: {a: b}}]\n"
    )
    with pytest.raises(
        MappingError, match="joins other sources: aggregations and joins are post-load only"
    ):
        MapperDuckDB(config={"mappings": [join]})


def test_command_line_error_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(
        "version: 1\noutputs:\n  m.x:\n    from: posts\n    measures: {n: count}\n"
    )
    (tmp_path / "config.json").write_text(json.dumps({"mapping_files": ["m.yaml"]}))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "mapper-duckdb"), "--config", "config.json"],
        cwd=tmp_path, input="", capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": str(Path(sys.executable).parent)},
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "mapper-duckdb: error: m.yaml:3: output 'm.x' aggregates"
    )


def test_unnested_outputs_have_no_key(capsys: pytest.CaptureFixture[str]) -> None:
    mapping = (
        "version: 1\noutputs:\n  s.words:\n    from: posts\n"
        "    unnest: {field: words, as: word}\n"
        "    fields:\n      id: id\n      word: word\n"
    )
    schema = {
        "type": "SCHEMA",
        "stream": "posts",
        "key_properties": ["id"],
        "schema": {
            "properties": {
                "id": {"type": "integer"},
                "words": {"type": "array", "items": {"type": "string"}},
            }
        },
    }
    record = {"type": "RECORD", "stream": "posts", "record": {"id": 1, "words": ["a", "b"]}}
    mapper = MapperDuckDB(config={"mapping_files": [mapping]})
    mapper.listen(io.StringIO(json.dumps(schema) + "\n" + json.dumps(record) + "\n"))
    mapper.process_endofpipe()
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0]["key_properties"] == []
    assert [m["record"] for m in out[1:]] == [{"id": 1, "word": "a"}, {"id": 1, "word": "b"}]
