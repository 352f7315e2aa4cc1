"""Hostile input: each ends with one line on stderr naming the input line and what would be
valid, exit code 1 and no traceback; nothing after the bad line is loaded."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from targets.duckdb.target import TargetDuckDB

from .conftest import invoke_cli, record, schema

TASK = {"id": {"type": "integer"}, "name": {"type": ["string", "null"]}}
HEAD = [schema("tasks", TASK), record("tasks", {"id": 1})]

# Each case: the bad line 3 (after a SCHEMA and a good RECORD) and the start of the error.
CASES: dict[str, tuple[bytes | dict | str, str]] = {
    "bytes that are not UTF-8": (
        b'{"type": "RECORD", "stream": "tasks", "record": {"id": 2, "name": "\xff\xfe"}}',
        "line 3: not UTF-8 text (byte 0xff at column 68)",
    ),
    "a stream name that is not UTF-8": (
        b'{"type": "RECORD", "stream": "t\xc3", "record": {"id": 2}}',
        "line 3: not UTF-8 text (byte 0xc3 at column 32)",
    ),
    "JSON nested 1,000 deep": (
        '{"type": "RECORD", "stream": "tasks", "record": {"id": 2, "name": '
        + "[" * 1000
        + "]" * 1000
        + "}}",
        "line 3: JSON nested too deeply",
    ),
    "a stream that is a list": (
        {"type": "SCHEMA", "stream": ["tasks"], "schema": {"properties": {}}},
        "line 3: 'stream' must be a string (got array)",
    ),
    "a stream that is a number": (
        {"type": "RECORD", "stream": 7, "record": {"id": 2}},
        "line 3: 'stream' must be a string (got number 7)",
    ),
    "ACTIVATE_VERSION with a string version": (
        {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": "abc"},
        "line 3, stream 'tasks': ACTIVATE_VERSION message's 'version' must be an integer "
        "(got string 'abc')",
    ),
    "ACTIVATE_VERSION without a version": (
        {"type": "ACTIVATE_VERSION", "stream": "tasks"},
        "line 3, stream 'tasks': ACTIVATE_VERSION message has no 'version'",
    ),
    "STATE whose value is a string": (
        {"type": "STATE", "value": "abc"},
        "line 3: STATE message's 'value' must be an object (got string 'abc')",
    ),
    "BATCH whose manifest is a string": (
        {"type": "BATCH", "stream": "tasks", "encoding": {"format": "jsonl"}, "manifest": "f"},
        "line 3, stream 'tasks': BATCH message's 'manifest' must be a list",
    ),
    "SCHEMA whose schema is a list": (
        {"type": "SCHEMA", "stream": "tasks", "schema": [], "key_properties": []},
        "line 3, stream 'tasks': SCHEMA message's 'schema' must be an object",
    ),
    "a record that is a list": (
        {"type": "RECORD", "stream": "tasks", "record": [1]},
        "line 3, stream 'tasks': record violates schema: record is not an object",
    ),
    "a key property of object type": (
        schema("users", {"id": {"type": "object", "properties": {"a": {"type": "integer"}}}}),
        "line 3, stream 'users': key property 'id' has type STRUCT(\"a\" BIGINT); a key must "
        "be a number, a string, a boolean or a date/time",
    ),
    "a key property naming a metadata column": (
        schema("users", {"_sdc_deleted_at": {"type": "string"}}, keys=["_sdc_deleted_at"]),
        "line 3, stream 'users': key property '_sdc_deleted_at' is a metadata column",
    ),
    "a schema that is not JSON Schema": (
        schema("users", {"id": {"type": "integer"}, "name": {"type": ["tring", "null"]}}),
        "line 3, stream 'users': the schema is not valid JSON Schema at properties/name/type/0: "
        "'tring' is not one of",
    ),
    "a pattern that is not a regular expression": (
        schema("users", {"id": {"type": "integer"}, "code": {"type": "string", "pattern": "["}}),
        "line 3, stream 'users': the schema is not valid JSON Schema at properties/code/pattern: "
        "'[' is not a 'regex'",
    ),
    "a $ref the schema does not define": (
        schema("users", {"id": {"type": "integer"}, "p": {"$ref": "#/definitions/nowhere"}}),
        "line 4, stream 'users': the schema refers to '/definitions/nowhere', which it does not "
        "define",
    ),
    "an integer bound beyond 64 bits": (
        schema("users", {"id": {"type": "integer"}, "p": {"type": "integer", "minimum": 1e300}}),
        "line 4, stream 'users': record violates schema: 'p': 5 is less than the minimum of 1e+300",
    ),
    "a number bound beyond any double": (
        schema(
            "users", {"id": {"type": "integer"}, "p": {"type": "number", "maximum": -(10**400)}}
        ),
        "line 4, stream 'users': record violates schema: 'p': 5 is greater than the maximum",
    ),
    "a key property listed twice": (
        schema("users", {"id": {"type": "integer"}}, keys=["id", "id"]),
        "line 3, stream 'users': key_properties name a property twice",
    ),
    "a number beyond a double": (
        '{"type": "RECORD", "stream": "tasks", "record": {"id": 1e400}}',
        "line 3, stream 'tasks': record violates schema: a number is beyond the range",
    ),
    "NaN": (
        '{"type": "RECORD", "stream": "tasks", "record": {"id": NaN}}',
        "line 3: malformed JSON",
    ),
    "an integer beyond 64 bits": (
        record("tasks", {"id": 2**64}),
        "line 3, stream 'tasks': record violates schema: 'id' is not of type 'integer'",
    ),
}


# Keywords validate_records: false does not enforce: those runs load the record.
KEYWORD_CASES = {
    "a $ref the schema does not define",
    "an integer bound beyond 64 bits",
    "a number bound beyond any double",
}


def _with_users_record(lines: list) -> list:
    """Cases that define a users SCHEMA are followed by a users record (line 4)."""
    bad = lines[-1]
    if isinstance(bad, dict) and bad.get("type") == "SCHEMA" and bad["stream"] == "users":
        return [*lines, record("users", {"id": 1, "p": 5})]
    return lines


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "types-only"])
@pytest.mark.parametrize("case", list(CASES))
def test_hostile_line_fails_with_one_clear_line(case, validate, config, tmp_path):
    bad, expected = CASES[case]
    lines = _with_users_record([*HEAD, bad])
    result = invoke_cli({**config, "validate_records": validate}, lines, tmp_path)
    if case in KEYWORD_CASES and not validate:
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"target-duckdb: {expected}")


def test_a_stream_name_longer_than_a_file_name_loads(config, query, tmp_path):
    long_name = "stream_" + "x" * 300
    lines = [schema(long_name, TASK), record(long_name, {"id": 1})]
    result = invoke_cli(config, lines, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert query(f'SELECT id FROM raw_test."{long_name}"') == [(1,)]  # noqa: S608 - a test's own name


CONFIGS: dict[str, tuple[bytes | None, str]] = {
    "malformed": (b'{"path": ', "config file '{file}', line 1 column 10: not valid JSON"),
    "missing": (None, "config file '{file}' does not exist"),
    "not an object": (b"[1, 2]", "config file '{file}' must hold a JSON object of settings"),
    "not UTF-8": (b'{"path": "\xff"}', "cannot read config file '{file}'"),
    "a setting of the wrong type": (
        b'{"batch_size_rows": "many"}',
        "invalid settings: 'many' is not of type 'integer', 'null' in config['batch_size_rows']",
    ),
    "a staging_dir that is a file": (
        b'{"staging_dir": "{tmp}/config.json"}',
        "setting 'staging_dir': cannot create directory '{tmp}/config.json' (File exists)",
    ),
    "a staging_dir under a file": (
        b'{"staging_dir": "{tmp}/config.json/staging"}',
        "setting 'staging_dir': cannot create directory '{tmp}/config.json/staging' "
        "(Not a directory)",
    ),
    "a path under a file": (
        b'{"path": "{tmp}/config.json/warehouse.duckdb"}',
        "stream 'tasks': setting 'path': cannot create directory '{tmp}/config.json'",
    ),
}


@pytest.mark.parametrize("case", list(CONFIGS))
def test_a_bad_config_fails_with_one_clear_line(case, tmp_path):
    content, expected = CONFIGS[case]
    config_file = tmp_path / "config.json"
    if content is not None:
        config_file.write_bytes(content.replace(b"{tmp}", str(tmp_path).encode()))
    input_file = tmp_path / "input.singer"
    input_file.write_bytes(b"".join(json.dumps(m).encode() + b"\n" for m in HEAD))
    result = CliRunner().invoke(
        TargetDuckDB.cli, ["--config", str(config_file), "--input", str(input_file)]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    line = expected.format(file=config_file, tmp=tmp_path)
    assert result.stderr.strip().splitlines()[-1].startswith(f"target-duckdb: {line}")
