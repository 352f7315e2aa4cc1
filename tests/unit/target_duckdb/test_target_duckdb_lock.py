"""Another process holding the warehouse's file lock: the target and ``brainhub tables`` wait
for it (saying who holds it), then fail with one clear line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .conftest import encode, record, schema

BIN = Path(sys.executable).parent
MESSAGES = encode([schema("tasks", {"id": {"type": "string"}}), record("tasks", {"id": "a"})])
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read-only")
print("holding", flush=True)
sys.stdin.readline()
con.close()
"""


@contextmanager
def lock_held(path: Path, mode: str) -> Iterator[subprocess.Popen[str]]:
    """Another process with the database open (``read-only`` or ``write``) until released."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        try:
            yield holder
        finally:
            if holder.poll() is None:
                assert holder.stdin is not None
                holder.stdin.write("\n")
                holder.stdin.close()
            holder.wait(timeout=60)


def release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    holder.wait(timeout=60)


def existing_database(path: Path) -> None:
    duckdb.connect(str(path)).close()


def target(config: dict, tmp_path: Path) -> subprocess.Popen[bytes]:
    config_file = tmp_path / "target.json"
    config_file.write_text(json.dumps(config))
    return subprocess.Popen(
        [str(BIN / "target-duckdb"), "--config", str(config_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_target_waits_for_a_read_only_connection_then_loads(config, db_path, tmp_path, query):
    existing_database(db_path)
    settings = {**config, "lock_timeout": 600}
    with lock_held(db_path, "read-only") as holder, target(settings, tmp_path) as proc:
        assert proc.stdin is not None
        assert proc.stderr is not None
        proc.stdin.write(MESSAGES)
        proc.stdin.close()
        for raw in proc.stderr:
            if b"Waiting up to 600 s for the warehouse lock" in raw:
                assert f"held by PID {holder.pid} (".encode() in raw
                break
        else:
            raise AssertionError("the target never said it was waiting for the lock")
        release(holder)
        rest = proc.stderr.read()
        assert proc.wait(timeout=120) == 0, rest.decode()
    assert query("SELECT id FROM raw_test.tasks") == [("a",)]


def test_target_fails_in_one_line_once_the_lock_timeout_passes(config, db_path, tmp_path):
    existing_database(db_path)
    settings = {**config, "lock_timeout": 0.2}
    with lock_held(db_path, "write") as holder, target(settings, tmp_path) as proc:
        _, err = proc.communicate(MESSAGES, timeout=120)
    assert proc.returncode == 1
    text = err.decode()
    assert "Traceback" not in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("target-duckdb: stream 'tasks': cannot open database: the warehouse ")
    assert f"is locked by PID {holder.pid} (" in last
    assert "still after 0.2 s" in last
    assert "lock_timeout" in last


def test_brainhub_tables_waits_then_fails_without_a_traceback(db_path):
    existing_database(db_path)
    command = [str(BIN / "brainhub"), "tables", "--path", str(db_path), "--lock-timeout", "0.2"]
    with lock_held(db_path, "write") as holder:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"Waiting up to 0.2 s for the warehouse lock on {db_path} held by PID {holder.pid}" in (
        done.stderr
    )
    assert done.stderr.strip().splitlines()[-1].startswith("Error: the warehouse ")


def test_brainhub_tables_reads_once_the_writer_is_gone(db_path):
    with duckdb.connect(str(db_path)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    command = [str(BIN / "brainhub"), "tables", "--path", str(db_path), "--lock-timeout", "600"]
    with (
        lock_held(db_path, "write") as holder,
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as proc,
    ):
        assert proc.stderr is not None
        assert "Waiting up to 600 s" in proc.stderr.readline()
        release(holder)
        out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert "main.t" in out


def test_transform_duckdb_waits_for_the_lock_too(db_path):
    existing_database(db_path)
    mappings = Path(__file__).resolve().parents[3] / "transforms" / "clickup"
    command = [str(BIN / "transform-duckdb"), "validate", "--path", str(db_path)]
    command += ["--mappings", str(mappings)]
    with (
        lock_held(db_path, "write") as holder,
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        ) as proc,
    ):
        assert proc.stderr is not None
        waiting = proc.stderr.readline()
        assert f"for the warehouse lock on {db_path} held by PID {holder.pid}" in waiting
        release(holder)
        _, err = proc.communicate(timeout=120)
    assert "locked" not in err
    assert "Traceback" not in err
