"""A stop request (SIGINT, SIGTERM) wakes every wait of the HTTP layer and sends nothing more."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator

import pytest
import requests

from brainhub.errors import SyncInterrupted
from brainhub.http import HttpPolicy, PolicyAdapter, RateLimitBucket
from brainhub.http.policy import RateLimit
from brainhub.http.stop import request_stop, reset_stop


@pytest.fixture(autouse=True)
def _no_stop_left_behind() -> Iterator[None]:
    reset_stop()
    yield
    reset_stop()


def test_a_stop_request_wakes_a_worker_waiting_for_its_rate_limit_window() -> None:
    bucket = RateLimitBucket(RateLimit(requests=1, per=3600))  # the real clock and wait
    bucket.acquire().release()
    stopped: list[SyncInterrupted] = []

    def worker() -> None:
        try:
            bucket.acquire()  # the next slot is an hour away
        except SyncInterrupted as exc:
            stopped.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    request_stop(signal.SIGTERM)
    thread.join(timeout=20)  # generous: the old time.sleep would hold it for an hour
    assert not thread.is_alive()
    assert [exc.exit_code for exc in stopped] == [143]
    assert str(stopped[0]) == "stopped by SIGTERM"


def test_no_request_leaves_after_a_stop_request(server) -> None:
    server.add("/team", 200, {"teams": []})
    adapter = PolicyAdapter(HttpPolicy(), "clickup", "fingerprint-1")
    session = requests.Session()
    session.mount("http://", adapter)
    request_stop(signal.SIGINT)
    with pytest.raises(SyncInterrupted) as caught:
        session.get(f"{server.url}/team")
    assert caught.value.exit_code == 130
    assert server.requests == []
