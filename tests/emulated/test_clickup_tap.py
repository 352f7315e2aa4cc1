"""tap-clickup against the ClickUp emulator: records, state and the request log, two runs.

The emulator is served on a loopback port (so its request log can be read) and the tap runs
as a subprocess, as Meltano runs it.
"""

from __future__ import annotations

from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.registry import emulator_class
from tests.support.taps import final_state, record_counts
from tests.support.taps import run_tap as run_service_tap

run_tap = partial(run_service_tap, "clickup")
START = "2020-01-01T00:00:00Z"


def emulator(tmp_path: Path, **options: Any) -> Any:
    return emulator_class("clickup")(size="tiny", seed=1, state_dir=tmp_path / "sandbox", **options)


def test_first_run_reads_everything_and_the_second_only_changes(tmp_path: Path) -> None:
    source = emulator(tmp_path, generation=0)
    with serve(source) as served:
        config = {"base_url": served.base_url, **served.credentials, "start_date": START}
        first, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr
        assert record_counts(first) == source.counts()
        token = served.credentials["api_token"]
        assert token not in stderr
        log = list(source.request_log)
        assert {entry.headers.get("Authorization") for entry in log} == {hidden(token)}
        task_pages = [e for e in log if e.path.endswith("/task")]
        assert all(e.query["page"] == ["0"] for e in task_pages)
        assert all(e.query["include_closed"] == ["true"] for e in task_pages)
        assert all(e.query["subtasks"] == ["true"] for e in task_pages)
        first_filters = {e.query["date_updated_gt"][0] for e in task_pages}
        assert first_filters == {"1577836800000"}  # start_date in epoch milliseconds

    state = final_state(first)
    partitions = state["bookmarks"]["tasks"]["partitions"]
    bookmarks = {p["context"]["list_id"]: p["replication_key_value"] for p in partitions}
    assert len(bookmarks) == len({e.path for e in task_pages})

    changed = emulator(tmp_path, generation=1)
    with serve(changed) as served:
        config = {"base_url": served.base_url, **served.credentials, "start_date": START}
        second, stderr, code = run_tap(tmp_path, config, state)
        assert code == 0, stderr
        second_pages = [e for e in changed.request_log if e.path.endswith("/task")]
    for entry in second_pages:
        list_id = entry.path.split("/")[-2]
        assert entry.query["date_updated_gt"] == [bookmarks[list_id]]
    before = {
        m["record"]["id"]: m["record"]["date_updated"]
        for m in first
        if m["type"] == "RECORD" and m["stream"] == "tasks"
    }
    reread = [m["record"] for m in second if m["type"] == "RECORD" and m["stream"] == "tasks"]
    really_changed = [t for t in reread if before.get(t["id"]) != t["date_updated"]]
    expected = changed.changes(0)
    assert len(really_changed) == expected["tasks_updated"] + expected["tasks_created"]
    # Anything else re-read sits exactly on its list's bookmark (ClickUp's filter is inclusive).
    unchanged = [t for t in reread if before.get(t["id"]) == t["date_updated"]]
    assert all(t["date_updated"] in bookmarks.values() for t in unchanged)


def test_full_concurrency_within_the_declared_limit_draws_no_429(tmp_path: Path) -> None:
    source = emulator(tmp_path, generation=0, rate_limit="20/2s")
    with serve(source) as served:
        config = {
            "base_url": served.base_url,
            **served.credentials,
            "start_date": START,
            "max_workers": 8,
            "rate_limit_requests": 20,
            "rate_limit_per": 2,
        }
        messages, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr
    statuses = Counter(entry.status for entry in source.request_log)
    assert statuses[429] == 0, statuses
    assert len(source.request_log) > 40  # more than two windows' worth: the limit was reached
    assert record_counts(messages) == source.counts()


def test_children_of_a_partition_arrive_in_order(tmp_path: Path) -> None:
    source = emulator(tmp_path, generation=0)
    with serve(source) as served:
        config = {
            "base_url": served.base_url,
            **served.credentials,
            "start_date": START,
            "max_workers": 8,
        }
        messages, stderr, code = run_tap(tmp_path, config)
        assert code == 0, stderr
        page_order = [e for e in source.request_log if e.path.endswith("/comment")]
    comments = [
        m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == "task_comments"
    ]
    by_task: dict[str, list[str]] = {}
    for comment in comments:
        by_task.setdefault(comment["task_id"], []).append(comment["date"])
    for dates in by_task.values():
        assert dates == sorted(dates, reverse=True)  # ClickUp's order: newest first
    assert any(e.query.get("start") for e in page_order), "a long thread was read over pages"
