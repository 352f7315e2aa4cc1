"""Batches also close on age (``batch_max_seconds``), so that STATE advances during a long,
slow sync whose batches never fill up."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from .conftest import encode, record, schema, state

MOST_RECORDS = 4000  # far fewer than batch_size_rows: only age can close the batch


def test_state_is_emitted_while_a_slow_input_is_still_open(config, tmp_path, query):
    config_file = tmp_path / "target.json"
    config_file.write_text(json.dumps({**config, "batch_max_seconds": 0.2}))
    seen_state = threading.Event()
    fed = {"records": 0, "open_when_state_seen": False}

    def feed(stdin) -> None:
        stdin.write(encode([schema("tasks", {"id": {"type": "integer"}})]))
        for n in range(1, MOST_RECORDS + 1):
            stdin.write(encode([record("tasks", {"id": n}), state({"n": n})]))
            stdin.flush()
            fed["records"] = n
            if seen_state.wait(0.005):  # a slow tap: a record now and then
                fed["open_when_state_seen"] = True
                break
        stdin.close()

    executable = Path(sys.executable).with_name("target-duckdb")
    with (
        (tmp_path / "target.log").open("wb") as log,
        subprocess.Popen(
            [str(executable), "--config", str(config_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
        ) as proc,
    ):
        feeder = threading.Thread(target=feed, args=(proc.stdin,), daemon=True)
        feeder.start()
        assert proc.stdout is not None
        first = proc.stdout.readline()
        seen_state.set()
        feeder.join(timeout=120)
        rest = proc.stdout.read()
        assert proc.wait(timeout=120) == 0
    assert fed["open_when_state_seen"], "no STATE before the input ended"
    emitted = json.loads(first)["n"]
    assert 1 <= emitted < fed["records"] <= MOST_RECORDS
    assert query("SELECT count(*) FROM raw_test.tasks") == [(fed["records"],)]
    assert json.loads(rest.splitlines()[-1]) == {"n": fed["records"]}
