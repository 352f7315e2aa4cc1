"""What a plugin records: which run it is in, its counts, progress lines, and never a failed
run because of the store."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from brainhub.http import RequestStats
from brainhub.operate.record import RunIdentity, RunRecorder, RunStore, current_run, run_id_for
from brainhub.operate.record.logs import quiet_metrics
from brainhub.operate.record.progress import ProgressTracker
from brainhub.redaction import SecretScrubber

REPO = Path(__file__).resolve().parents[3]
MELTANO = ["/p/.venv/bin/python", "/p/.venv/bin/meltano", "--environment=prod"]


def meltano_env(**extra: str) -> dict[str, str]:
    return {
        "MELTANO_PARENT_CONTEXT_UUID": "ctx-1",
        "MELTANO_PROJECT_ROOT": str(REPO),
        "MELTANO_EXTRACTOR_NAME": "tap-clickup",
        **extra,
    }


def test_tap_and_target_of_one_meltano_run_agree_on_the_run() -> None:
    args = [*MELTANO, "run", "clickup-to-duckdb"]
    tap = current_run(meltano_env(), args)
    target = current_run(meltano_env(MELTANO_LOADER_NAME="target-duckdb"), args)
    assert tap is not None
    assert target is not None
    assert tap.run_id == target.run_id == run_id_for("ctx-1", "tap-clickup")
    assert (tap.integration, tap.trigger, tap.environment) == (
        "clickup-to-duckdb",
        "manual",
        "prod",
    )
    other = current_run(meltano_env(MELTANO_PARENT_CONTEXT_UUID="ctx-2"), args)
    assert other is not None
    assert other.run_id != tap.run_id


def test_an_ad_hoc_pipeline_is_named_by_its_plugins() -> None:
    args = [*MELTANO[:2], "run", "tap-clickup", "target-duckdb"]
    tap = current_run(meltano_env(), args)
    assert tap is not None
    assert tap.integration == "tap-clickup→target-duckdb"
    assert tap.environment == "sandbox"  # meltano.yml's default_environment


def test_a_schedule_run_is_triggered_by_the_schedule() -> None:
    run = current_run(meltano_env(), [*MELTANO[:2], "schedule", "run", "clickup-hourly"])
    assert run is not None
    assert (run.integration, run.trigger) == ("clickup-to-duckdb", "schedule")


def test_brainhubs_variables_win() -> None:
    env = meltano_env(
        BRAINHUB_RUN_ID="inv-9", BRAINHUB_INTEGRATION="my-sync", BRAINHUB_TRIGGER="webhook"
    )
    run = current_run(env, [])
    assert run is not None
    assert (run.run_id, run.integration, run.trigger) == (
        run_id_for("inv-9", "tap-clickup"),
        "my-sync",
        "webhook",
    )


def test_outside_meltano_there_is_no_run() -> None:
    assert current_run({"MELTANO_PROJECT_ROOT": str(REPO)}, []) is None


def identity(tmp_path: Path) -> RunIdentity:
    return RunIdentity(
        run_id="r1",
        invocation="inv",
        integration="clickup-to-duckdb",
        trigger="manual",
        environment="sandbox",
        project_root=tmp_path,
        extractor="tap-clickup",
        loader=None,
    )


def test_the_recorder_writes_the_final_counts_and_the_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BRAINHUB_RUN_STORE", raising=False)
    counts = {"tasks": {"read": 3, "requests": 1}}
    recorder = RunRecorder(
        "tap", lambda: counts, logging.getLogger("t"), identity=identity(tmp_path)
    )
    recorder.start()
    counts["tasks"]["read"] = 7
    try:
        raise ValueError("bad page")
    except ValueError as exc:
        recorder.finish(exc)
    run = RunStore(tmp_path / "data" / "runs.sqlite").run("r1")
    assert run is not None
    assert run.streams["tasks"].read == 7
    assert (run.status, run.error) == ("failed", "bad page")
    assert run.traceback is not None
    assert "ValueError: bad page" in run.traceback


def test_a_store_that_cannot_be_written_is_logged_once_and_the_run_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "data").write_text("a file where the data folder should be")
    recorder = RunRecorder(
        "tap", lambda: {"tasks": {"read": 1}}, logging.getLogger("t"), identity=identity(tmp_path)
    )
    with caplog.at_level(logging.WARNING, logger="t"):
        recorder.start()
        recorder.finish()
        recorder.finish(RuntimeError("again"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "cannot record this run" in warnings[0]
    assert "the run goes on" in warnings[0]


def test_progress_lines_give_count_rate_pages_time_left_and_waits() -> None:
    tracker = ProgressTracker(every=5)
    tracker.start(0.0)
    first = {"issues": {"read": 100, "pages": 2, "expected_pages": 10, "waited": 0.0}}
    assert tracker.lines(first, 4.0) == []  # not due yet
    assert tracker.lines(first, 5.0) == [
        "progress: issues: 100 records (20/s), page 2 of 10, about 20 s left"
    ]
    waiting = {
        "issues": {"read": 100, "pages": 2, "expected_pages": 10, "waiting": 12.4, "waited": 3.0}
    }
    assert tracker.lines(waiting, 10.0) == [
        "progress: issues: 100 records (0/s), page 2 of 10, about 40 s left; "
        "waiting 12 s for the rate limit"
    ]
    waited = {"issues": {"read": 150, "pages": 3, "waited": 5.5}}
    assert tracker.lines(waited, 15.0) == [
        "progress: issues: 150 records (10/s), page 3; "
        "waited 2.5 s for the rate limit since the last line"
    ]
    assert tracker.lines(waited, 20.0) == []  # nothing moved: no line


def test_a_total_in_records_gives_the_time_left() -> None:
    tracker = ProgressTracker(every=1)
    tracker.start(0.0)
    lines = tracker.lines({"issues": {"read": 50, "expected_records": 200, "pages": 1}}, 10.0)
    assert lines == ["progress: issues: 50 records (5/s), page 1, about 30 s left"]


def test_targets_count_rows_written() -> None:
    tracker = ProgressTracker(noun="rows", every=1)
    tracker.start(0.0)
    sample = {"tasks": {"inserted": 8, "updated": 2, "rejected": 1}}
    assert tracker.lines(sample, 1.0) == ["progress: tasks: 11 rows (11/s)"]


def test_request_stats_say_what_a_stream_waits_for() -> None:
    stats = RequestStats()
    assert stats.snapshot().waiting == 0
    stats.begin_wait(30, "the rate limit")
    snapshot = stats.snapshot()
    assert 0 < snapshot.waiting <= 30
    assert snapshot.waiting_for == "the rate limit"
    stats.end_wait()
    assert (stats.snapshot().waiting, stats.snapshot().waiting_for) == (0, "")


def test_metric_lines_are_held_back_from_the_console_unless_asked_for() -> None:
    console = io.StringIO()
    handler = logging.StreamHandler(console)
    root = logging.getLogger()
    root.addHandler(handler)
    sdk = logging.getLogger("singer_sdk.metrics")
    level = sdk.level
    sdk.setLevel(logging.INFO)
    try:
        assert quiet_metrics("tap-x", {"BRAINHUB_LOG_METRICS": "true"}) is False
        assert quiet_metrics("tap-x", {"TAP_X_LOGLEVEL": "debug"}) is False
        sdk.info("METRIC: %s", {"type": "counter"})
        assert quiet_metrics("tap-x", {}) is True
        sdk.info("METRIC: %s", {"type": "timer"})
        sdk.info("something else")
        logging.getLogger("tap-x").warning("METRIC is a word a tap may use")
    finally:
        root.removeHandler(handler)
        sdk.setLevel(level)
    assert console.getvalue().splitlines() == [
        "METRIC: {'type': 'counter'}",
        "something else",
        "METRIC is a word a tap may use",
    ]


def test_a_tap_reads_its_loader_from_the_command_line_or_the_job() -> None:
    ad_hoc = current_run(meltano_env(), [*MELTANO[:2], "run", "tap-clickup", "target-duckdb"])
    assert ad_hoc is not None
    assert ad_hoc.loader == "target-duckdb"
    job = current_run(
        meltano_env(MELTANO_EXTRACTOR_NAME="tap-github--issues"),
        [*MELTANO[:2], "run", "github-issues-to-clickup"],
    )
    assert job is not None
    assert (job.integration, job.loader) == (
        "github-issues-to-clickup",
        "target-clickup--github-issues",
    )


def test_the_processs_secrets_never_reach_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "pk_81234_QWERTYUIOPASDFGHJKLZXCVB"
    monkeypatch.setattr("brainhub.redaction.PROCESS_SECRETS", SecretScrubber([secret]))
    recorder = RunRecorder("tap", dict, logging.getLogger("t"), identity=identity(tmp_path))
    recorder.start()
    try:
        raise RuntimeError(f"the API refused {secret}")
    except RuntimeError as exc:
        recorder.finish(exc)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "data").iterdir())  # with the WAL
    assert b"the API refused" in stored
    assert secret.encode() not in stored
    run = RunStore(tmp_path / "data" / "runs.sqlite").run("r1")
    assert run is not None
    assert run.error is not None
    assert "the API refused" in run.error


def test_a_sample_that_raises_does_not_fail_the_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> dict:
        raise KeyError("tasks")

    recorder = RunRecorder("tap", broken, logging.getLogger("t"), identity=identity(tmp_path))
    with caplog.at_level(logging.WARNING, logger="t"):
        recorder.start()
        recorder.finish()
    assert "cannot record this run" in caplog.text
    run = RunStore(tmp_path / "data" / "runs.sqlite").run("r1")
    assert run is not None
    assert run.parts == {"tap": "success"}
