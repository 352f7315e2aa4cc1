"""The run store: runs, parts, counts, failures with their stack trace, reading while a run
writes, and the failure streak that moves an integration's status."""

from __future__ import annotations

import sqlite3
import threading
import traceback
from pathlib import Path

import pytest

from brainhub.operate.record import RunStore, run_status


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(tmp_path / "data" / "runs.sqlite", error_after=3)


def begin(store: RunStore, run_id: str, integration: str = "clickup-to-duckdb") -> None:
    for part in ("tap", "target"):
        store.begin(
            run_id, integration=integration, trigger="manual", environment="sandbox", part=part
        )


def test_a_run_is_a_success_once_every_part_finished_well(store: RunStore) -> None:
    begin(store, "r1")
    store.write_counts("r1", "tap", {"tasks": {"read": 31, "requests": 6, "waited": 1.5}})
    store.write_counts("r1", "target", {"tasks": {"inserted": 30, "updated": 1}})
    assert store.finish_part("r1", "tap") == "running"
    assert store.finish_part("r1", "target") == "success"
    run = store.run("r1")
    assert run is not None
    assert (run.status, run.integration, run.trigger, run.environment) == (
        "success",
        "clickup-to-duckdb",
        "manual",
        "sandbox",
    )
    tasks = run.streams["tasks"]
    assert (tasks.read, tasks.inserted, tasks.updated, tasks.requests, tasks.waited) == (
        31,
        30,
        1,
        6,
        1.5,
    )
    assert run.finished_at is not None


def test_a_part_writes_only_its_own_counts(store: RunStore) -> None:
    begin(store, "r1")
    store.write_counts("r1", "target", {"tasks": {"inserted": 5}})
    store.write_counts("r1", "tap", {"tasks": {"read": 5, "inserted": 999}})
    run = store.run("r1")
    assert run is not None
    assert (run.streams["tasks"].read, run.streams["tasks"].inserted) == (5, 5)


def test_a_failed_part_fails_the_run_with_its_error_and_stack_trace(store: RunStore) -> None:
    begin(store, "r1")
    try:
        raise RuntimeError("clickup: /team rejected the token (HTTP 401)")
    except RuntimeError as exc:
        error, trace = str(exc), "".join(traceback.format_exception(exc))
    assert store.finish_part("r1", "tap", error=error, traceback=trace) == "failed"
    assert store.finish_part("r1", "target") == "failed"
    run = store.run("r1")
    assert run is not None
    assert run.status == "failed"
    assert run.error == "clickup: /team rejected the token (HTTP 401)"
    assert run.traceback is not None
    assert "Traceback (most recent call last)" in run.traceback


def test_run_status_of_parts() -> None:
    assert run_status({}) == "running"
    assert run_status({"tap": "success", "target": "running"}) == "running"
    assert run_status({"tap": "success", "target": "success"}) == "success"
    assert run_status({"tap": "failed", "target": "running"}) == "failed"


def test_settle_fails_a_run_whose_parts_did_not_say(store: RunStore) -> None:
    begin(store, "r1")
    assert store.settle("r1", failed=True, error="meltano: target-duckdb was killed") == "failed"
    run = store.run("r1")
    assert run is not None
    assert run.error == "meltano: target-duckdb was killed"
    begin(store, "r2")
    assert store.settle("r2", failed=False) == "success"


def test_runs_are_listed_newest_first_and_by_integration(store: RunStore) -> None:
    for n, name in enumerate(["a", "b", "a"]):
        begin(store, f"r{n}", integration=name)
    assert [r.id for r in store.runs()] == ["r2", "r1", "r0"]
    assert [r.id for r in store.runs(integration="a", limit=1)] == ["r2"]
    assert store.run("r") is None  # the start of more than one id
    assert store.run("r1") is not None


def test_the_store_can_be_read_while_a_run_writes_to_it(store: RunStore) -> None:
    begin(store, "r1")
    store.write_counts("r1", "tap", {"tasks": {"read": 10}})
    writer = sqlite3.connect(store.path, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # a plugin in the middle of a write
    writer.execute("UPDATE streams SET read = 20 WHERE run_id = 'r1'")
    try:
        run = RunStore(store.path).run("r1")  # not blocked, sees what was committed
        assert run is not None
        assert run.streams["tasks"].read == 10
    finally:
        writer.execute("COMMIT")
        writer.close()
    run = store.run("r1")
    assert run is not None
    assert run.streams["tasks"].read == 20


def test_readers_and_a_writer_at_once(store: RunStore) -> None:
    begin(store, "r1")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for n in range(200):
                store.write_counts("r1", "tap", {"tasks": {"read": n}})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    seen = []
    while thread.is_alive():
        run = RunStore(store.path).run("r1")
        assert run is not None
        seen.append(run.streams.get("tasks") and run.streams["tasks"].read)
    thread.join()
    assert not errors
    read = [s for s in seen if s is not None]
    assert read == sorted(read)  # every read saw a committed state, in order


def fail(store: RunStore, run_id: str, name: str = "clickup-to-duckdb") -> None:
    begin(store, run_id, name)
    store.finish_part(run_id, "tap", error="boom")


def succeed(store: RunStore, run_id: str, name: str = "clickup-to-duckdb") -> None:
    begin(store, run_id, name)
    store.finish_part(run_id, "tap")
    store.finish_part(run_id, "target")


def test_three_failed_runs_in_a_row_put_the_integration_in_error(store: RunStore) -> None:
    fail(store, "r1")
    fail(store, "r2")
    assert store.integration_states()["clickup-to-duckdb"] == ("active", 2)
    fail(store, "r3")
    assert store.integration_states()["clickup-to-duckdb"] == ("error", 3)
    succeed(store, "r4")
    assert store.integration_states()["clickup-to-duckdb"] == ("active", 0)


def test_a_success_between_failures_starts_the_streak_again(store: RunStore) -> None:
    fail(store, "r1")
    fail(store, "r2")
    succeed(store, "r3")
    fail(store, "r4")
    fail(store, "r5")
    assert store.integration_states()["clickup-to-duckdb"] == ("active", 2)


def test_the_streak_length_is_configurable(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.sqlite", error_after=1)
    fail(store, "r1")
    assert store.integration_states()["clickup-to-duckdb"][0] == "error"


def test_a_run_counts_once_however_often_it_settles(store: RunStore) -> None:
    fail(store, "r1")
    store.finish_part("r1", "target")
    store.settle("r1", failed=True)
    assert store.integration_states()["clickup-to-duckdb"] == ("active", 1)


def test_paused_and_disabled_stay_so_whatever_runs_do(store: RunStore) -> None:
    assert store.set_integration_status("clickup-to-duckdb", "paused") == ("active", "paused")
    for n in range(4):
        fail(store, f"r{n}")
    succeed(store, "r9")
    assert store.integration_states()["clickup-to-duckdb"][0] == "paused"
    assert store.set_integration_status("clickup-to-duckdb", "disabled") == ("paused", "disabled")
    assert store.set_integration_status("clickup-to-duckdb", "active") == ("disabled", "active")


@pytest.mark.parametrize(("value", "streak"), [("2", 2), ("", 3), ("two", 3), ("0", 3)])
def test_the_streak_comes_from_the_environment_when_it_is_a_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, streak: int
) -> None:
    monkeypatch.setenv("BRAINHUB_ERROR_AFTER", value)
    assert RunStore(tmp_path / "runs.sqlite").error_after == streak


def test_a_tap_that_expects_its_target_does_not_make_the_run_a_success_alone(
    store: RunStore,
) -> None:
    store.begin(
        "r1", integration="x", trigger="manual", environment=None, part="tap", expect=["target"]
    )
    assert store.finish_part("r1", "tap") == "running"
    store.begin("r1", integration="x", trigger="manual", environment=None, part="target")
    assert store.finish_part("r1", "target") == "success"
