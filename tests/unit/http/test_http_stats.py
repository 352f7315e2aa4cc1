"""Per-stream counters and the end-of-run summary line."""

from __future__ import annotations

import logging
import threading

from brainhub.http import RequestStats, StatsSnapshot


def test_counters_and_summary_line(caplog):
    stats = RequestStats()
    stats.add_records(1234)
    for _ in range(15):
        stats.add_request()
    stats.add_retry()
    stats.add_retry()
    stats.add_throttle()
    stats.add_wait(3.2)
    stats.add_wait(0)
    assert stats.snapshot() == StatsSnapshot(1234, 15, 2, 1, 3.2, 0)
    line = (
        "brainhub summary: stream=tasks records=1234 requests=15 retries=2 throttled=1 "
        "waited=3.2s circuit_openings=0"
    )
    assert stats.summary_line("tasks") == line
    caplog.set_level(logging.INFO, logger="brainhub.metrics")
    stats.log_summary("tasks")
    assert [r.getMessage() for r in caplog.records if r.name == "brainhub.metrics"] == [line]


def test_counters_are_thread_safe():
    stats = RequestStats()

    def work() -> None:
        for _ in range(2000):
            stats.add_request()
            stats.add_records()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    snapshot = stats.snapshot()
    assert (snapshot.requests, snapshot.records) == (8000, 8000)
