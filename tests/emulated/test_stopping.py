"""A tap stopped by SIGINT or SIGTERM in the middle of a throttled sync.

The tap runs as a subprocess, as Meltano runs it, against its emulator with a budget of a
few requests a minute, so that its workers sit in rate-limit waits. It must stop within
seconds (the subprocess timeout would catch the old two-minute drain), exit 130 or 143 so
that orchestrators record an interrupted run, and its last STATE must be one a next run
resumes from: that run reads everything that is left.
"""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import duckdb
import pytest

from brainhub.operate.record import RunStore
from tests.support.taps import BIN, final_state, record_counts, run_tap

SANDBOX = "sandbox://clickup?size=tiny&seed=1"
START = "2020-01-01T00:00:00Z"


def start_throttled_tap(tmp_path: Path, window_s: int = 60) -> subprocess.Popen[str]:
    config = {
        "base_url": f"{SANDBOX}&rate_limit=6/{window_s}s",
        "start_date": START,
        # the tap's own budget: six requests, then a wait for the window
        "rate_limit_requests": 6,
        "rate_limit_per": window_s,
    }
    config_file = tmp_path / "throttled.json"
    config_file.write_text(json.dumps(config))
    return subprocess.Popen(
        [str(BIN / "tap-clickup"), "--config", str(config_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_a_throttled_sync_at_once_with_a_resumable_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int, code: int
) -> None:
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox"))
    tap = start_throttled_tap(tmp_path)
    assert tap.stdout is not None
    first = tap.stdout.readline()  # the sync has begun
    assert first.startswith("{"), tap.stderr.read() if tap.stderr else ""
    tap.send_signal(signum)
    try:
        rest, stderr = tap.communicate(timeout=20)
    finally:
        tap.kill()
    assert tap.returncode == code, stderr[-3000:]
    name = signal.Signals(signum).name
    assert stderr.strip().splitlines()[-1] == (
        f"tap-clickup: stopped by {name}; the last STATE written holds every finished "
        "bookmark, the next run resumes from it"
    )
    assert "Traceback" not in stderr
    messages = [json.loads(line) for line in [first, *rest.splitlines()]]
    assert messages[-1]["type"] == "STATE", "the last message is the committed state"
    state = final_state(messages)
    assert "progress_markers" not in json.dumps(state)

    resumed, resumed_stderr, resumed_code = run_tap(
        "clickup", tmp_path, {"base_url": SANDBOX, "start_date": START}, state=state
    )
    assert resumed_code == 0, resumed_stderr[-3000:]
    full, _, _ = run_tap("clickup", tmp_path, {"base_url": SANDBOX, "start_date": START})
    # everything the interrupted run did not finish is read by the resumed one
    for stream, count in record_counts(full).items():
        got = record_counts(messages).get(stream, 0) + record_counts(resumed).get(stream, 0)
        assert got >= count, stream
    assert final_state(resumed)["bookmarks"].keys() == final_state(full)["bookmarks"].keys()


def test_a_tap_whose_target_stops_reading_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox"))
    tap = start_throttled_tap(tmp_path, window_s=1)
    assert tap.stdout is not None
    assert tap.stderr is not None
    tap.stdout.readline()
    tap.stdout.close()  # the target died: nothing reads the pipe any more
    try:
        stderr = tap.stderr.read()
        tap.wait(timeout=60)
    finally:
        tap.kill()
        tap.stderr.close()
    assert tap.returncode == 1
    assert "Traceback" not in stderr
    assert "BrokenPipeError" not in stderr
    assert "An unhandled error occurred" not in stderr
    assert stderr.strip().splitlines()[-1] == (
        "tap-clickup: the target stopped reading this tap's output; its error is above or in "
        "its log"
    )


def test_ctrl_c_on_a_tap_to_target_pipeline_stops_both_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox"))
    target_config = tmp_path / "target.json"
    warehouse = tmp_path / "warehouse.duckdb"
    target_config.write_text(json.dumps({"path": str(warehouse), "staging_dir": str(tmp_path)}))
    tap = start_throttled_tap(tmp_path)
    assert tap.stdout is not None
    target = subprocess.Popen(
        [str(BIN / "target-duckdb"), "--config", str(target_config)],
        stdin=tap.stdout,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tap.stdout.close()  # the target holds the pipe now
    assert tap.stderr is not None
    assert target.stderr is not None
    for line in target.stderr:  # logged once its signal handlers are in place
        if "target-duckdb v" in line:
            break
    for line in tap.stderr:  # records are flowing; the tap's budget is nearly spent
        if "Beginning sync of 'spaces'" in line:
            break
    # Ctrl-C in a terminal reaches every process of the pipeline
    tap.send_signal(signal.SIGINT)
    target.send_signal(signal.SIGINT)
    try:
        _, tap_stderr = tap.communicate(timeout=20)
        output, target_stderr = target.communicate(timeout=20)
    finally:
        tap.kill()
        target.kill()
    assert tap.returncode == 130, tap_stderr[-2000:]
    assert target.returncode == 130, target_stderr[-2000:]
    assert "Traceback" not in tap_stderr + target_stderr
    assert "stopped by SIGINT" in tap_stderr.strip().splitlines()[-1]
    assert "stopped by SIGINT" in target_stderr.strip().splitlines()[-1]
    for line in output.splitlines():  # whatever state the target emitted is resumable
        assert "progress_markers" not in line


def test_a_pipeline_stopped_by_sigterm_is_recorded_interrupted_with_what_it_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both plugins record the run (as under ``meltano run``): the stop is no failure."""
    monkeypatch.setenv("BRAINHUB_SANDBOX_DIR", str(tmp_path / "sandbox"))
    store_file = tmp_path / "runs.sqlite"
    for name, value in {
        "BRAINHUB_RUN_STORE": str(store_file),
        "BRAINHUB_RUN_ID": "0b5e4c1e-0000-4000-8000-000000000001",
        "BRAINHUB_INTEGRATION": "clickup-to-duckdb",
        "MELTANO_PROJECT_ROOT": str(tmp_path),
        "MELTANO_EXTRACTOR_NAME": "tap-clickup",
        "MELTANO_LOADER_NAME": "target-duckdb",
    }.items():
        monkeypatch.setenv(name, value)
    target_config = tmp_path / "target.json"
    warehouse = tmp_path / "warehouse.duckdb"
    target_config.write_text(json.dumps({"path": str(warehouse), "staging_dir": str(tmp_path)}))
    tap = start_throttled_tap(tmp_path)
    assert tap.stdout is not None
    target = subprocess.Popen(
        [str(BIN / "target-duckdb"), "--config", str(target_config)],
        stdin=tap.stdout,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    tap.stdout.close()
    assert tap.stderr is not None
    assert target.stderr is not None
    for line in target.stderr:
        if "target-duckdb v" in line:
            break
    for line in tap.stderr:
        if "Beginning sync of 'spaces'" in line:
            break
    tap.send_signal(signal.SIGTERM)  # what an orchestrator sends every plugin
    target.send_signal(signal.SIGTERM)
    try:
        _, tap_stderr = tap.communicate(timeout=20)
        _, target_stderr = target.communicate(timeout=20)
    finally:
        tap.kill()
        target.kill()
    assert (tap.returncode, target.returncode) == (143, 143), tap_stderr + target_stderr
    (run,) = RunStore(store_file).runs()
    assert run.integration == "clickup-to-duckdb"
    assert (run.status, run.parts) == (
        "interrupted",
        {"tap": "interrupted", "target": "interrupted"},
    ), run.error
    assert run.error == "stopped by SIGTERM"
    assert run.traceback is None
    assert run.finished_at is not None
    # what the target committed before the signal stays in the warehouse, counted in the run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = con.sql(
            "SELECT sum(estimated_size) FROM duckdb_tables() WHERE table_name NOT LIKE '\\_%' "
            "ESCAPE '\\'"
        ).fetchall()
    assert int(counts[0][0] or 0) == int(run.total("inserted"))
