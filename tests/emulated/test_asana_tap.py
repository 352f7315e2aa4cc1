"""tap-asana against the Asana emulator: records, state, the request log, a second run.

The emulator is served on a loopback port (so its request log can be read) and the tap runs
as a subprocess, as Meltano runs it.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.services.asana import AsanaEmulator
from brainhub.spec.placeholders import parse_time
from tests.support.taps import final_state, records
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "asana")
START = "2020-01-01T00:00:00Z"


def bookmark(stream_state: dict[str, Any], project: str) -> str | None:
    """The tasks bookmark for a project: its partition's, or the stream's single one."""
    if "partitions" not in stream_state:
        return stream_state.get("replication_key_value")
    for partition in stream_state["partitions"]:
        if partition["context"]["project_gid"] == project:
            return partition.get("replication_key_value")
    return None


def config_for(served: Any, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": served.base_url,
        "access_token": served.credentials["access_token"],
        "start_date": START,
        "rate_limit_requests": 10_000,
        **extra,
    }


def all_tasks(emulator: AsanaEmulator) -> list[dict[str, Any]]:
    return [t for tasks in emulator.org.tasks.values() for t in tasks]


@pytest.fixture
def emulator() -> AsanaEmulator:
    return AsanaEmulator(size="tiny", generation=0, rate_limit=10_000)


def test_first_run_reads_every_record_pages_and_bookmarks(
    tmp_path: Path, emulator: AsanaEmulator
) -> None:
    with serve(emulator) as served:
        messages, stderr, code = run_tap(tmp_path, config_for(served, page_size=2))
    assert code == 0, stderr[-2000:]
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()
    log = emulator.request_log
    token = emulator.credentials["access_token"]
    assert {e.headers.get("Authorization") for e in log} == {f"Bearer {hidden(token)}"}
    assert all(e.query.get("limit") == ["2"] for e in log)
    assert all(e.query.get("opt_fields") for e in log), "compact objects otherwise"
    # Paging: the offset token of next_page is sent back.
    tasks = [e for e in log if e.path == "/api/1.0/tasks"]
    assert any("offset" in e.query for e in tasks), "4 tasks a project at 2 a page"
    assert all(e.query["modified_since"] == ["2020-01-01T00:00:00Z"] for e in tasks)
    projects = {p["gid"] for p in emulator.org.projects}
    assert {e.query["project"][0] for e in tasks} == projects
    stories = {e.path.split("/")[4] for e in log if e.path.endswith("/stories")}
    assert stories == {t["gid"] for t in all_tasks(emulator)}
    # Records carry the fields asked for and the parent they were read for.
    task_records = records(messages, "tasks")
    assert all(r["modified_at"] and r["project_gid"] in projects for r in task_records)
    assert all(r["task_gid"] for r in records(messages, "stories"))
    # State: the newest modified_at read (per project where the runtime keeps partitions).
    newest = {gid: max(t["modified_at"] for t in ts) for gid, ts in emulator.org.tasks.items()}
    state = final_state(messages)["bookmarks"]["tasks"]
    for project, value in newest.items():
        expected = value if "partitions" in state else max(newest.values())
        assert bookmark(state, project) == expected
    assert token not in stderr


def test_second_run_after_a_mutation_reads_only_changed_tasks(
    tmp_path: Path, emulator: AsanaEmulator
) -> None:
    with serve(emulator) as served:
        first, stderr, code = run_tap(tmp_path, config_for(served))
        assert code == 0, stderr[-2000:]
        state = final_state(first)
        bookmarks = state["bookmarks"]["tasks"]
        before = {t["gid"]: dict(t) for t in all_tasks(emulator)}
        emulator.set_generation(1)
        emulator.clear_request_log()
        second, stderr, code = run_tap(tmp_path, config_for(served), state)
    assert code == 0, stderr[-2000:]
    for entry in (e for e in emulator.request_log if e.path == "/api/1.0/tasks"):
        project = entry.query["project"][0]
        (sent,) = entry.query["modified_since"]
        expected = bookmark(bookmarks, project)
        assert expected is not None
        assert parse_time(sent) == parse_time(expected), "the first run's bookmark"
    changed = {t["gid"] for t in all_tasks(emulator) if before.get(t["gid"]) != t}
    read = {r["gid"] for r in records(second, "tasks")}
    assert read == changed
    assert len(read) == emulator.changes(0)["tasks"]
    story_parents = {e.path.split("/")[4] for e in emulator.request_log if "stories" in e.path}
    assert story_parents == changed, "stories only of the tasks read again"


def test_a_bad_token_stops_the_run_with_asanas_message(
    tmp_path: Path, emulator: AsanaEmulator
) -> None:
    wrong = "2/1205000001000003/1111111111111111:0123456789abcdef0123456789abcdef"
    with serve(emulator) as served:
        messages, stderr, code = run_tap(tmp_path, {**config_for(served), "access_token": wrong})
    assert code != 0
    assert "Not Authorized" in stderr
    assert "check the access_token setting" in stderr
    assert wrong not in stderr
    assert "Traceback" not in stderr
    assert not [m for m in messages if m["type"] == "RECORD"]


def test_429s_are_waited_out(tmp_path: Path) -> None:
    emulator = AsanaEmulator(
        size="tiny", generation=0, rate_limit=10_000, fault_rate=0.1, faults="429", fault_seed=5
    )
    with serve(emulator) as served:
        messages, stderr, code = run_tap(tmp_path, config_for(served))
    assert code == 0, stderr[-2000:]
    assert [e for e in emulator.request_log if e.status == 429]
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()


def test_a_default_demo_sync_stays_well_within_the_rate_limit(tmp_path: Path) -> None:
    emulator = AsanaEmulator(size="demo", generation=0)
    with serve(emulator) as served:
        config = {"base_url": served.base_url, "access_token": served.credentials["access_token"]}
        messages, stderr, code = run_tap(tmp_path, config)
    assert code == 0, stderr[-2000:]
    assert len(emulator.request_log) < 0.6 * AsanaEmulator.default_rate_limit
    assert not [e for e in emulator.request_log if e.status == 429]
    counts = Counter(m["stream"] for m in messages if m["type"] == "RECORD")
    assert dict(counts) == emulator.counts()
