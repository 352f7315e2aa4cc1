"""mapper-duckdb's input: every malformed line stops it with one line naming the input line
and what would be valid, and a non-zero exit; a bounded fuzz of the reader holds it to that."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brainhub.errors import BrainhubError
from transforms.engine.mapper import MapperDuckDB

MAPPING = """\
version: 1
outputs:
  stg.posts:
    from: raw.posts
    fields:
      post_id: id
      title: {from: title, apply: [uppercase]}
"""
SCHEMA = {
    "type": "SCHEMA",
    "stream": "posts",
    "schema": {"properties": {"id": {"type": "integer"}, "title": {"type": ["string", "null"]}}},
    "key_properties": ["id"],
}
RECORD = {"type": "RECORD", "stream": "posts", "record": {"id": 1, "title": "a"}}
MAPPER = str(Path(sys.executable).parent / "mapper-duckdb")


def line(message: Any) -> bytes:
    return json.dumps(message).encode() + b"\n"


def run_mapper(stdin: bytes, tmp_path: Path, config: Any = None) -> tuple[int, str, str]:
    """Run the mapper's command line in process; (exit status, stdout, stderr)."""
    config_file = tmp_path / "config.json"
    if isinstance(config, str):
        config_file.write_text(config, encoding="utf-8")
    else:
        config_file.write_text(json.dumps(config or {"mapping_files": [MAPPING]}), "utf-8")
    result = CliRunner().invoke(
        MapperDuckDB.cli,
        ["--config", str(config_file)],
        input=stdin,
        env={"MELTANO_PROJECT_ROOT": str(tmp_path)},
    )
    # Anything but a deliberate exit is a crash, whatever it printed.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


BAD_LINES = [
    (b"{not json\n", "input line 2: not valid JSON (JSON is malformed: "),
    (b"[1, 2]\n", "input line 2: a Singer message must be a JSON object with a 'type'"),
    (b'"RECORD"\n', "input line 2: a Singer message must be a JSON object with a 'type'"),
    (
        b'{"type": "RECORD", "stream": "posts", "record": {"title": "\xff\xfe"}}\n',
        "input line 2: not UTF-8 text (byte 0xff at position 60 of the line)",
    ),
    (
        b'{"type": "FOO"}\n',
        "input line 2: message type is 'FOO'; valid types: SCHEMA, RECORD, STATE, ACTIVATE_VERSION",
    ),
    (b'{"stream": "posts"}\n', "input line 2: message type is missing; valid types: "),
    (b'{"type": 7}\n', "input line 2: message type is 7; valid types: "),
    (
        b'{"type": "RECORD", "stream": 5, "record": {}}\n',
        "input line 2: RECORD needs a 'stream' name as non-empty text, got 5",
    ),
    (
        b'{"type": "RECORD", "stream": ["posts"], "record": {}}\n',
        "input line 2: RECORD needs a 'stream' name as non-empty text, got ['posts']",
    ),
    (
        b'{"type": "RECORD", "record": {}}\n',
        "input line 2: RECORD needs a 'stream' name as non-empty text, got None",
    ),
    (
        b'{"type": "RECORD", "stream": "posts", "record": 5}\n',
        "input line 2: RECORD of stream 'posts' needs a 'record' object",
    ),
    (
        b'{"type": "RECORD", "stream": "posts"}\n',
        "input line 2: RECORD of stream 'posts' needs a 'record' object",
    ),
    (
        b'{"type": "RECORD", "stream": "posts", "record": {"id": 1, "title": '
        + b"[" * 50_000
        + b"]" * 50_000
        + b"}}\n",
        "input line 2: JSON nested too deeply to read",
    ),
    (
        b'{"type": "RECORD", "stream": "other", "record": {}}\n',
        "input line 2: RECORD for stream 'other' before its SCHEMA message",
    ),
    (
        b'{"type": "SCHEMA", "stream": "posts", "schema": 5}\n',
        "input line 2: SCHEMA message's 'schema' must be an object (got number 5)",
    ),
    (
        b'{"type": "SCHEMA", "stream": "posts", "schema": {"properties": [1]}}\n',
        "input line 2: SCHEMA message's 'properties' must be an object of fields",
    ),
    (
        b'{"type": "SCHEMA", "stream": "posts", "schema": {}, "key_properties": "id"}\n',
        "input line 2: SCHEMA message's 'key_properties' must be a list (got string 'id')",
    ),
    (b'{"type": "STATE"}\n', "input line 2: STATE message has no 'value'"),
    (
        b'{"type": "STATE", "value": [1]}\n',
        "input line 2: STATE message's 'value' must be an object (got array)",
    ),
    (
        b'{"type": "ACTIVATE_VERSION", "stream": "posts"}\n',
        "input line 2: ACTIVATE_VERSION message has no 'version'",
    ),
    (b'{"type": "BATCH", "stream": "posts"}\n', "input line 2: message type is 'BATCH'"),
]
EVERY_COLUMN = "version: 1\noutputs:\n  stg.everything: {from: posts}\n"
BAD_SCHEMAS = [
    (
        {"id": {"type": "integer"}, "ID": {"type": "string"}},
        "input line 1: SCHEMA of stream 'posts': properties 'id' and 'ID' differ only in case",
    ),
    (
        {"": {"type": "integer"}},
        "input line 1: SCHEMA of stream 'posts': a property has an empty name",
    ),
    (
        {"a\x00b": {"type": "integer"}},
        "input line 1: SCHEMA of stream 'posts': property 'a\\x00b' contains a NUL character",
    ),
]


@pytest.mark.parametrize(("bad", "expected"), BAD_LINES, ids=[e[:40] for _, e in BAD_LINES])
def test_a_bad_input_line_is_one_error_naming_the_line(
    tmp_path: Path, bad: bytes, expected: str
) -> None:
    code, _, err = run_mapper(line(SCHEMA) + bad + line(RECORD), tmp_path)
    assert code == 1
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"mapper-duckdb: error: {expected}"), err


@pytest.mark.parametrize(("properties", "expected"), BAD_SCHEMAS)
def test_stream_properties_duckdb_cannot_hold_are_one_error(
    tmp_path: Path, properties: dict, expected: str
) -> None:
    schema = {**SCHEMA, "schema": {"properties": properties}, "key_properties": []}
    code, out, err = run_mapper(line(schema), tmp_path, {"mapping_files": [EVERY_COLUMN]})
    assert (code, out) == (1, "")
    assert err.startswith(f"mapper-duckdb: error: {expected}"), err
    assert len(err.splitlines()) == 1


def test_nested_keys_struct_fields_cannot_hold_stay_json(tmp_path: Path) -> None:
    odd = {"type": "object", "properties": {"": {"type": "integer"}, "x\x00": {}}}
    schema = {**SCHEMA, "schema": {"properties": {"a": odd}}, "key_properties": []}
    record = {"type": "RECORD", "stream": "posts", "record": {"a": {"": 1}}}
    code, out, err = run_mapper(
        line(schema) + line(record), tmp_path, {"mapping_files": [EVERY_COLUMN]}
    )
    assert (code, err) == (0, "")
    assert json.loads(out.splitlines()[-1])["record"] == {"a": {"": 1}}


def test_an_input_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    stream = tmp_path / "in.jsonl"
    stream.write_bytes(
        line(SCHEMA) + b'{"type": "RECORD", "stream": "posts", "record": {"title": "caf\xe9"}}\n'
    )
    (tmp_path / "config.json").write_text(json.dumps({"mapping_files": [MAPPING]}), "utf-8")
    result = subprocess.run(
        [MAPPER, "--config", "config.json", "--input", str(stream)],
        capture_output=True,
        cwd=tmp_path,
        env={"MELTANO_PROJECT_ROOT": str(tmp_path)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.decode().splitlines()[-1] == (
        "mapper-duckdb: error: input line 2: not UTF-8 text (byte 0xe9 at position 63 of the line)"
    )
    assert b"Traceback" not in result.stderr


def test_blank_lines_are_skipped_and_good_input_maps(tmp_path: Path) -> None:
    code, out, err = run_mapper(line(SCHEMA) + b"\n  \n" + line(RECORD), tmp_path)
    assert (code, err) == (0, "")
    records = [json.loads(text) for text in out.splitlines()]
    assert records[-1] == {
        "type": "RECORD",
        "stream": "stg-posts",
        "record": {"post_id": 1, "title": "A"},
    }


@pytest.mark.parametrize(
    ("config", "mapping_files", "expected"),
    [
        ("{not json", None, "config file "),
        ("[1]", None, "config.json: must hold one JSON object of settings"),
        (None, ["missing.yaml"], "missing.yaml: no such mapping file or folder"),
        (None, ["bad.yaml"], "bad.yaml:3: invalid YAML"),
        (None, ["latin1.yaml"], "latin1.yaml:2: mapping file is not UTF-8 text (byte 0xe9)"),
        (None, [], "setting 'mapping_files' names no output"),
        (None, "version: 1\noutputs: {}\n", "invalid settings: "),
        (None, [5], "invalid settings: 5 is not of type 'string' in config['mapping_files'][0]"),
        (None, ["version: 1\noutputs:\n  raw_x.t: {from: t}\n"], "output 'raw_x.t': schema"),
    ],
)
def test_bad_settings_and_mapping_files_are_one_error(
    tmp_path: Path, config: str | None, mapping_files: Any, expected: str
) -> None:
    (tmp_path / "bad.yaml").write_text("version: 1\noutputs: [\n", encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes(b"version: 1\ndescription: caf\xe9\n")
    given_config = config if config is not None else {"mapping_files": mapping_files}
    code, out, err = run_mapper(line(SCHEMA), tmp_path, given_config)
    assert (code, out) == (1, "")
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("mapper-duckdb: error: ")
    assert expected in err


# -- fuzz ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
streams = st.sampled_from(["posts", "other", ""]) | json_values
messages = st.one_of(
    st.builds(lambda s, p, k: {"type": "SCHEMA", "stream": s, "schema": {"properties": p}, "key_properties": k},
              streams, st.dictionaries(st.sampled_from(["id", "title", "Id", "x", "", "a\x00"]) | st.text(max_size=4), json_values, max_size=3),
              st.sampled_from([["id"], [], None, "id", [5]])),
    st.builds(lambda s, r: {"type": "RECORD", "stream": s, "record": r}, streams, json_values),
    st.builds(lambda r: {**RECORD, "record": r}, st.dictionaries(st.sampled_from(["id", "title"]), json_values)),
    st.builds(lambda v: {"type": "STATE", "value": v}, json_values),
    st.builds(lambda s, v: {"type": "ACTIVATE_VERSION", "stream": s, "version": v}, streams, json_values),
    st.dictionaries(st.text(max_size=6), json_values, max_size=3),
    json_values,
)  # fmt: skip
lines = st.one_of(
    messages.map(lambda m: json.dumps(m).encode()),
    st.binary(max_size=40),
    messages.map(lambda m: json.dumps(m).encode()[:-1]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(st.lists(lines, max_size=6))
def test_fuzzed_input_maps_or_fails_with_one_line_naming_it(fuzzed: list[bytes]) -> None:
    data = line(SCHEMA) + b"".join(part.replace(b"\n", b" ") + b"\n" for part in fuzzed)
    output = io.StringIO()
    mapper = MapperDuckDB(config={"mapping_files": [MAPPING, EVERY_COLUMN]})
    try:
        with contextlib.redirect_stdout(output):
            mapper.listen(io.BytesIO(data))  # type: ignore[arg-type]
    except BrainhubError as error:
        mapper.close()
        message = str(error)
        match = re.match(r"input line (\d+): ", message)
        assert match, message
        assert 1 <= int(match.group(1)) <= len(fuzzed) + 1
        assert "\n" not in message
    # Every output line is one JSON message (split on newlines only: JSON text may hold
    # U+0085 or U+2028 unescaped, which str.splitlines would also split on).
    for text in output.getvalue().split("\n")[:-1]:
        assert isinstance(json.loads(text), dict)
