"""Running a spec-built target (``target-<service>``) in tests, in-process or as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from targets.runtime.cli import main


@dataclass(frozen=True)
class TargetRun:
    """What one target run printed and how it ended."""

    code: int
    stdout: str
    stderr: str

    @property
    def states(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]


def singer_lines(messages: Iterable[dict[str, Any]]) -> str:
    """Singer messages as input text."""
    return "".join(json.dumps(m) + "\n" for m in messages)


def schema(stream: str, properties: dict[str, Any], key: str = "key") -> dict[str, Any]:
    """A SCHEMA message keyed by ``key``."""
    return {
        "type": "SCHEMA",
        "stream": stream,
        "schema": {"properties": properties},
        "key_properties": [key],
    }


def run_target(
    service: str,
    config: dict[str, Any],
    messages: Iterable[dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> TargetRun:
    """Run ``target-<service>`` in this process on ``messages``."""
    config_file = tmp_path / "target-config.json"
    config_file.write_text(json.dumps(config))
    input_file = tmp_path / "target-input.singer"
    input_file.write_text(singer_lines(messages))
    capsys.readouterr()
    argv0 = sys.argv[0]
    sys.argv[0] = f"target-{service}"
    try:
        main(["--config", str(config_file), "--input", str(input_file)])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv[0] = argv0
    out, err = capsys.readouterr()
    return TargetRun(code, out, err)


def target_command(service: str) -> list[str]:
    """The ``target-<service>`` executable of this environment."""
    script = Path(sys.executable).parent / f"target-{service}"
    return [str(script)]


def start_target(
    service: str, config_file: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``target-<service>`` as a process reading its input from a pipe."""
    return subprocess.Popen(
        [*target_command(service), "--config", str(config_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def table_rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query on the warehouse (opened read-only, closed at once)."""
    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def run_target_process(
    service: str, config: dict[str, Any], messages: Iterable[dict[str, Any]], tmp_path: Path
) -> TargetRun:
    """Run ``target-<service>`` as its own process on ``messages``."""
    return run_target_text(service, config, singer_lines(messages), tmp_path)


def run_target_text(service: str, config: dict[str, Any], text: str, tmp_path: Path) -> TargetRun:
    """Run ``target-<service>`` as its own process on input ``text``."""
    config_file = tmp_path / "target-config.json"
    config_file.write_text(json.dumps(config))
    process = start_target(service, config_file)
    out, err = process.communicate(text, timeout=120)
    return TargetRun(process.returncode, out, err)
