"""Fuzzing the Singer reader: random bytes, and valid messages with mutated bytes or fields.
Every run ends with exit 0, or exit 1 and one line ``target-duckdb: …``; never a traceback."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from targets.duckdb.target import TargetDuckDB

VALID: list[dict[str, Any]] = [
    {
        "type": "SCHEMA",
        "stream": "tasks",
        "schema": {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": ["string", "null"], "maxLength": 20},
                "due": {"type": ["string", "null"], "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "status": {"type": "object", "properties": {"order": {"type": "integer"}}},
            },
        },
        "key_properties": ["id"],
    },
    {"type": "RECORD", "stream": "tasks", "record": {"id": 1, "name": "a", "tags": ["x"]}},
    {"type": "STATE", "value": {"bookmarks": {"tasks": 1}}},
    {"type": "RECORD", "stream": "tasks", "record": {"id": 2, "status": {"order": 3}}},
    {"type": "ACTIVATE_VERSION", "stream": "tasks", "version": 1},
    {"type": "RECORD", "stream": "tasks", "record": {"id": 3, "due": "2024-01-01T00:00:00Z"}},
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def _run(data: bytes, **settings_: Any):
    with tempfile.TemporaryDirectory() as tmp:
        config = {
            "path": f"{tmp}/warehouse.duckdb",
            "default_target_schema": "raw_fuzz",
            "staging_dir": tmp,
            **settings_,
        }
        (Path(tmp) / "config.json").write_text(json.dumps(config))
        (Path(tmp) / "input.singer").write_bytes(data)
        return CliRunner().invoke(
            TargetDuckDB.cli, ["--config", f"{tmp}/config.json", "--input", f"{tmp}/input.singer"]
        )


def _assert_clean(result) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.exit_code in {0, 1}, (result.exit_code, result.exception)
    if result.exit_code == 1:
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("target-duckdb: "), last


FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(st.lists(st.binary(max_size=80), min_size=1, max_size=4))
def test_random_bytes_end_cleanly(lines):
    _assert_clean(_run(b"\n".join(lines) + b"\n"))


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    lines = [json.dumps(m).encode() for m in VALID]
    index = draw(st.integers(0, len(lines) - 1))
    line = bytearray(lines[index])
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(line)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip" and position < len(line):
            line[position] = draw(st.integers(0, 255))
        elif action == "insert":
            line[position:position] = draw(st.binary(min_size=1, max_size=4))
        elif action == "delete":
            del line[position : position + draw(st.integers(1, 4))]
        else:
            del line[position:]
    lines[index] = bytes(line)
    return b"\n".join(lines) + b"\n"


@FUZZ
@given(mutated_bytes(), st.booleans())
def test_valid_messages_with_mutated_bytes_end_cleanly(data, validate):
    _assert_clean(_run(data, validate_records=validate))


@st.composite
def mutated_fields(draw: st.DrawFn) -> bytes:
    messages = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(1, 2))):
        message = draw(st.sampled_from(messages))
        target = message
        for key in ("schema", "record", "value"):  # sometimes one level deeper
            if key in message and isinstance(message[key], dict) and draw(st.booleans()):
                target = message[key]
                break
        field = draw(st.sampled_from([*sorted(target), "extra"]))
        if draw(st.integers(0, 4)) == 0:
            target.pop(field, None)
        else:
            target[field] = draw(json_values)
    return b"".join(json.dumps(m).encode() + b"\n" for m in messages)


@FUZZ
@given(mutated_fields(), st.booleans(), st.sampled_from(["fail", "reject"]))
def test_valid_messages_with_mutated_fields_end_cleanly(data, validate, on_invalid):
    _assert_clean(_run(data, validate_records=validate, on_invalid_record=on_invalid))
