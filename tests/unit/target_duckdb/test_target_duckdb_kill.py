"""Kill safety: SIGKILL the target mid-stream, re-run from its last emitted state, and the
table equals that of an uninterrupted load."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import encode, record, schema, state

RECORDS = 3000
KEYS = 300
STATE_EVERY = 50
PROPERTIES = {"id": {"type": "string"}, "value": {"type": "integer"}, "note": {"type": "string"}}


def tap(start: int = 0) -> list[dict]:
    """A deterministic tap: updates to KEYS keys, a bookmark every STATE_EVERY records."""
    messages = [schema("items", PROPERTIES)]
    for i in range(start, RECORDS):
        messages.append(record("items", {"id": f"k{i % KEYS}", "value": i, "note": "x" * 50}))
        if (i + 1) % STATE_EVERY == 0:
            messages.append(state({"position": i + 1}))
    return messages


def table(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute("SELECT id, value FROM raw_test.items ORDER BY id").fetchall()


def _feed(stdin, data: bytes) -> None:
    chunk = 4096
    try:
        for offset in range(0, len(data), chunk):
            stdin.write(data[offset : offset + chunk])
            stdin.flush()
            time.sleep(0.002)
        stdin.close()
    except (BrokenPipeError, ValueError):
        pass  # the target was killed
    finally:
        if not stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                stdin.close()


def start_and_kill(config_file: Path, after_states: int) -> tuple[dict | None, bool]:
    """Run the target, SIGKILL it after it emitted ``after_states`` states."""
    executable = Path(sys.executable).with_name("target-duckdb")
    with subprocess.Popen(
        [str(executable), "--config", str(config_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as proc:
        feeder = threading.Thread(target=_feed, args=(proc.stdin, encode(tap())), daemon=True)
        feeder.start()
        last = None
        assert proc.stdout is not None
        for seen, line in enumerate(proc.stdout, 1):
            last = json.loads(line)
            if seen >= after_states:
                break
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        feeder.join(timeout=30)
    return last, alive


@pytest.mark.slow
@pytest.mark.parametrize("validate", [True, False], ids=["validated", "duckdb-checked"])
def test_killed_and_resumed_load_equals_uninterrupted_load(run, config, tmp_path, validate):
    settings = {**config, "batch_size_rows": 120, "validate_records": validate}
    run(tap(), batch_size_rows=120)
    expected = table(Path(config["path"]))
    assert len(expected) == KEYS

    kill_points = [1, 4, 9]
    results = {}

    def one(after: int) -> None:
        workdir = tmp_path / f"kill-{after}"
        workdir.mkdir()
        cfg = {**settings, "path": str(workdir / "w.duckdb"), "staging_dir": str(workdir)}
        config_file = workdir / "config.json"
        config_file.write_text(json.dumps(cfg))
        results[after] = (cfg, *start_and_kill(config_file, after))

    threads = [threading.Thread(target=one, args=(k,)) for k in kill_points]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    for after in kill_points:
        cfg, last_state, was_alive = results[after]
        assert was_alive, f"the target finished before being killed after {after} states"
        assert last_state is not None
        resume_from = last_state["position"]
        assert resume_from < RECORDS
        # Everything before the emitted state is committed, whatever was in flight.
        with duckdb.connect(cfg["path"], read_only=True) as conn:
            loaded = conn.execute("SELECT max(value) FROM raw_test.items").fetchone()[0]
        assert loaded >= resume_from - 1
        run(tap(resume_from), **{k: v for k, v in cfg.items() if k != "default_target_schema"})
        assert table(Path(cfg["path"])) == expected


def test_staging_left_by_a_killed_target_is_swept(run, config, tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = tmp_path / f"target-duckdb-{dead.stdout.strip()}-abc"
    leftover.mkdir()
    (leftover / "tasks-1-1.jsonl").write_text("{}\n")
    run([schema("items", PROPERTIES), record("items", {"id": "a", "value": 1, "note": ""})])
    assert not leftover.exists()
    assert not list(tmp_path.glob("target-duckdb-*"))  # its own staging is gone too
