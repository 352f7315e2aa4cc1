"""SIGINT/SIGTERM while the target waits for a throttled tap: it stops reading at once,
commits what it read, emits the last STATE it received and exits 130 or 143."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from .conftest import encode, record, schema, state

PROPERTIES = {"id": {"type": "string"}, "value": {"type": "integer"}}


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_waiting_for_input_commits_what_was_read_and_exits_non_zero(
    config, tmp_path: Path, signum: int, code: int
) -> None:
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps({**config, "batch_size_rows": 50}))
    stderr_file = tmp_path / "stderr.txt"
    executable = Path(sys.executable).with_name("target-duckdb")
    with (
        stderr_file.open("wb") as stderr,
        subprocess.Popen(
            [str(executable), "--config", str(config_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
        ) as target,
    ):
        assert target.stdin is not None
        assert target.stdout is not None
        rows = [record("items", {"id": f"k{i}", "value": i}) for i in range(120)]
        target.stdin.write(encode([schema("items", PROPERTIES), *rows[:100], state({"at": 100})]))
        target.stdin.flush()
        assert json.loads(target.stdout.readline()) == {"at": 100}  # committed and emitted
        target.stdin.write(encode(rows[100:]))  # a partial batch, then the tap goes quiet
        target.stdin.flush()
        target.send_signal(signum)
        try:
            target.wait(timeout=20)  # stdin stays open: only the signal ends the reading
        finally:
            target.kill()
        emitted = [json.loads(line) for line in target.stdout.read().splitlines()]
    assert target.returncode == code
    assert all(value == {"at": 100} for value in emitted)
    with duckdb.connect(config["path"], read_only=True) as conn:
        (loaded,) = conn.execute("SELECT count(*) FROM raw_test.items").fetchone()
    assert 100 <= loaded <= 120  # everything before the state; records after it are upserts
    log = stderr_file.read_text()
    assert "Traceback" not in log
    assert log.strip().splitlines()[-1] == (
        f"target-duckdb: stopped by {signal.Signals(signum).name}; every record read is "
        "committed and the last STATE received was emitted"
    )
