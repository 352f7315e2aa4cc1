"""Bad input: one clear line naming the input line and stream, a non-zero exit, and every
batch committed before it intact. With ``on_invalid_record: reject`` the run goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import encode, invoke_cli, record, schema, state

TASK = {
    "id": {"type": "string"},
    "priority": {"type": ["integer", "null"]},
    "due": {"type": ["string", "null"], "format": "date-time"},
}
# Lines 1-4: a schema, two records and a state. With batch_size_rows=2 the two records are
# committed (and the state emitted) before the bad line 5 is read.
GOOD = [
    schema("tasks", TASK),
    record("tasks", {"id": "a", "priority": 1}),
    record("tasks", {"id": "b", "priority": 2}),
    state({"n": 2}),
]

CASES = {
    "malformed JSON": (
        '{"type": "RECORD", "stream": "tasks", "record": {"id": "c"',
        "target-duckdb: line 5: malformed JSON",
    ),
    "record before schema": (
        record("users", {"id": 1}),
        "target-duckdb: line 5, stream 'users': RECORD before its SCHEMA",
    ),
    "schema violation": (
        record("tasks", {"id": "c", "priority": "high"}),
        "target-duckdb: line 5, stream 'tasks': record violates schema: 'priority' is not of "
        "type 'integer' or 'null' (got \"high\")",
    ),
    "missing key property": (
        record("tasks", {"priority": 3}),
        "target-duckdb: line 5, stream 'tasks': key property 'id' is missing",
    ),
    "null key property": (
        record("tasks", {"id": None}),
        "target-duckdb: line 5, stream 'tasks': key property 'id' is null",
    ),
    "unknown message type": (
        {"type": "UPSERT", "stream": "tasks"},
        "target-duckdb: line 5, stream 'tasks': unknown message type 'UPSERT' (valid: RECORD, "
        "SCHEMA, STATE, ACTIVATE_VERSION, BATCH)",
    ),
    "message without type": (
        {"stream": "tasks", "record": {}},
        "target-duckdb: line 5, stream 'tasks': message has no 'type'",
    ),
    "invalid date-time found by DuckDB": (
        record("tasks", {"id": "c", "due": "yesterday"}),
        "target-duckdb: line 5, stream 'tasks': record violates schema: 'due' is not a valid "
        'date-time (got "yesterday")',
    ),
}


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "duckdb-checked"])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_clearly_and_keeps_committed_batches(
    case, validate, config, query, tmp_path
):
    bad_line, expected = CASES[case]
    settings = {**config, "batch_size_rows": 2, "validate_records": validate}
    result = invoke_cli(settings, [*GOOD, bad_line], tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith(expected)
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"n": 2}
    assert query("SELECT id FROM raw_test.tasks ORDER BY id") == [("a",), ("b",)]


def test_type_errors_are_caught_by_duckdb_when_validation_is_off(config, query, tmp_path):
    bad = record("tasks", {"id": "c", "priority": "high"})
    result = invoke_cli(
        {**config, "batch_size_rows": 2, "validate_records": False}, [*GOOD, bad], tmp_path
    )
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "target-duckdb: line 5, stream 'tasks': record violates schema: 'priority'"
    )
    assert query("SELECT count(*) FROM raw_test.tasks") == [(2,)]


@pytest.mark.parametrize("validate", [True, False], ids=["validated", "duckdb-checked"])
def test_reject_mode_keeps_going_and_records_reasons(validate, config, query, tmp_path, caplog):
    messages = [
        *GOOD,
        record("tasks", {"id": "c", "priority": "high"}),
        record("tasks", {"priority": 3}),
        record("tasks", {"id": "d", "due": "yesterday"}),
        record("tasks", {"id": "e", "priority": 5}),
    ]
    settings = {**config, "on_invalid_record": "reject", "validate_records": validate}
    result = invoke_cli(settings, messages, tmp_path)
    assert result.exit_code == 0, result.stderr
    assert query("SELECT id FROM raw_test.tasks ORDER BY id") == [("a",), ("b",), ("e",)]
    rejected = query("SELECT stream, line, reason, message FROM raw_test._rejected ORDER BY line")
    assert [(r[0], r[1]) for r in rejected] == [("tasks", 5), ("tasks", 6), ("tasks", 7)]
    assert "'priority' is not of type" in rejected[0][2]
    assert rejected[1][2] == "key property 'id' is missing"
    assert "'due' is not a valid date-time" in rejected[2][2]
    assert json.loads(rejected[0][3])["record"] == {"id": "c", "priority": "high"}
    assert "Stream 'tasks': 3 rows loaded, 3 records rejected" in caplog.text


def test_the_executable_prints_one_line_and_no_traceback(config, tmp_path):
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    bad = record("tasks", {"id": "c", "priority": "high"})
    executable = Path(sys.executable).with_name("target-duckdb")
    done = subprocess.run(
        [str(executable), "--config", str(config_file)],
        input=encode([*GOOD, bad]),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert "Traceback" not in stderr
    assert (
        stderr.strip()
        .splitlines()[-1]
        .startswith("target-duckdb: line 5, stream 'tasks': record violates schema")
    )


def test_names_with_line_breaks_keep_the_error_on_one_line(config, tmp_path):
    bad = {
        "type": "SCHEMA",
        "stream": "tasks\nnext",
        "schema": {"type": "object", "properties": {"a\n)": {"type": "integer"}, "b, c": {}}},
        "key_properties": ["id"],
    }
    result = invoke_cli(config, [bad], tmp_path)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == (
        "target-duckdb: line 1, stream 'tasks\\nnext': key property 'id' is not in the "
        "schema's properties (properties: 'a\\n)', 'b, c')"
    )
