"""Bad input or settings: one line naming what is wrong and where, exit 1, no traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.targets import run_target_text

SCHEMA = {
    "type": "SCHEMA",
    "stream": "tasks",
    "schema": {"properties": {"key": {"type": "string"}, "name": {"type": "string"}}},
    "key_properties": ["key"],
}
CONFIG = {"api_token": "pk_bad_input_tests", "base_url": "http://127.0.0.1:9"}


def _run(tmp_path: Path, lines: list[Any], **config: Any) -> tuple[int, str]:
    settings = {**CONFIG, "warehouse": str(tmp_path / "w.duckdb"), **config}
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    run = run_target_text("clickup", settings, text, tmp_path)
    return run.code, run.stderr


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["not json"], "input line 1: not valid JSON (column 1: Expecting value)"),
        (["[1]"], "input line 1: a Singer message is a JSON object, not list"),
        ([{"type": "BOGUS"}], "input line 1: unknown message type 'BOGUS' (valid: SCHEMA, RECORD"),
        (
            [SCHEMA, {"type": "RECORD", "stream": "tasks", "record": {"name": "x"}}],
            "input line 2: Record is missing one or more key_properties",
        ),
        (
            [{"type": "RECORD", "stream": "tasks", "record": {"key": "1"}}],
            "input line 1: A record for stream 'tasks' was encountered before a corresponding schema",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_input_line(
    tmp_path: Path, lines: list[Any], expected: str
) -> None:
    code, stderr = _run(tmp_path, lines)

    assert code == 1
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith(f"target-clickup: {expected}")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"api_token": None}, "invalid settings: None is not of type 'string'"),
        ({"modes": {"tasks": "sideways"}}, "'sideways' is not one of ['insert', 'update'"),
        ({"modes": {"task": "upsert"}}, "setting 'modes' names 'task', which is no object type"),
    ],
)
def test_bad_settings_are_one_line(tmp_path: Path, config: dict[str, Any], expected: str) -> None:
    code, stderr = _run(tmp_path, [SCHEMA], **config)

    assert code == 1
    assert "Traceback" not in stderr
    assert expected in stderr.strip().splitlines()[-1]
    assert "pk_bad_input_tests" not in stderr
