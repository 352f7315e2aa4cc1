"""Fixtures for target-duckdb tests: Singer message builders and in-process runs."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner, Result

from targets.duckdb.target import TargetDuckDB

Message = dict[str, Any]


def schema(stream: str, properties: dict[str, Any], keys: Iterable[str] = ("id",)) -> Message:
    """A SCHEMA message."""
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": {"type": "object", "properties": properties},
        "key_properties": list(keys),
    }


def record(stream: str, data: dict[str, Any], **extra: Any) -> Message:
    """A RECORD message."""
    return {"type": "RECORD", "stream": stream, "record": data, **extra}


def state(value: dict[str, Any]) -> Message:
    """A STATE message."""
    return {"type": "STATE", "value": value}


def encode(messages: Iterable[Message | str | bytes]) -> bytes:
    """Messages as Singer input (strings and bytes are taken as raw lines)."""
    return b"".join(
        (m if isinstance(m, bytes) else (m if isinstance(m, str) else json.dumps(m)).encode())
        + b"\n"
        for m in messages
    )


def invoke_cli(
    config: dict[str, Any], messages: Iterable[Message | str | bytes], tmp_path: Path
) -> Result:
    """Run target-duckdb's command line on ``messages`` with ``config``, as Meltano would."""
    config_file = tmp_path / "target.json"
    config_file.write_text(json.dumps(config))
    input_file = tmp_path / "input.singer"
    input_file.write_bytes(encode(messages))
    return CliRunner().invoke(
        TargetDuckDB.cli, ["--config", str(config_file), "--input", str(input_file)]
    )


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file."""
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def config(db_path: Path, tmp_path: Path) -> dict[str, Any]:
    """The base target configuration used by tests."""
    return {"path": str(db_path), "default_target_schema": "raw_test", "staging_dir": str(tmp_path)}


@pytest.fixture
def run(config: dict[str, Any]) -> Callable[..., list[dict[str, Any]]]:
    """Run the target in-process over messages; return the STATE values it emitted."""

    def _run(messages: Iterable[Message | str], **settings: Any) -> list[dict[str, Any]]:
        target = TargetDuckDB(config={**config, **settings})
        out = io.StringIO()
        with redirect_stdout(out):
            target.listen(io.BytesIO(encode(messages)))
        return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]

    return _run


@pytest.fixture
def query(db_path: Path) -> Callable[[str], list[tuple[Any, ...]]]:
    """Run a read-only query against the database the target wrote."""

    def _query(sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(db_path), read_only=True) as conn:
            conn.execute("SET TimeZone = 'UTC'")
            return conn.execute(sql).fetchall()

    return _query
