"""tap-clickup through an outage and against a host that never answers.

An open circuit means *wait and probe*: a sync whose API fails for a few seconds completes,
and a host that is down is tried for the whole retry budget before the run fails with one
line saying what was tried and for how long.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from brainhub.sandbox import serve
from brainhub.sandbox.faults import gateway_error_response
from brainhub.sandbox.registry import emulator_class
from tests.support.taps import final_state, record_counts
from tests.support.taps import run_tap as run_service_tap

START = "2020-01-01T00:00:00Z"
ClickUp = emulator_class("clickup")
run_tap = partial(run_service_tap, "clickup")


class ClickUpWithOutage(ClickUp):  # type: ignore[misc, valid-type]
    """ClickUp that answers 503 to everything for ``outage_s`` seconds from its first request."""

    def __init__(self, outage_s: float, **options: Any) -> None:
        super().__init__(**options)
        self.outage_s = outage_s
        self.failed = 0
        self._began: float | None = None
        self._outage_lock = threading.Lock()

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._outage_lock:
            now = time.monotonic()
            if self._began is None:
                self._began = now
            down = now - self._began < self.outage_s
            if down:
                self.failed += 1
        if down:
            return gateway_error_response(503)(environ, start_response)
        return super().wsgi_app(environ, start_response)


def test_a_sync_that_starts_in_an_outage_waits_it_out_and_completes(tmp_path: Path) -> None:
    with serve(ClickUp(size="tiny", seed=1, state_dir=tmp_path / "sandbox")) as healthy:
        config = {"base_url": healthy.base_url, **healthy.credentials, "start_date": START}
        expected, _, code = run_tap(tmp_path, config)
        assert code == 0

    outage = ClickUpWithOutage(3.0, size="tiny", seed=1, state_dir=tmp_path / "sandbox")
    with serve(outage) as served:
        config = {
            "base_url": served.base_url,
            **served.credentials,
            "start_date": START,
            # two failures open the circuit: the outage opens it for sure
            "circuit_breaker_failures": 2,
            "circuit_breaker_cooldown": 1,
        }
        messages, stderr, code = run_tap(tmp_path, config)
    assert code == 0, stderr[-3000:]
    assert outage.failed >= 2, "the outage never happened, so the test proved nothing"
    assert "circuit open for clickup after 2 consecutive failures" in stderr
    assert record_counts(messages) == record_counts(expected)
    assert final_state(messages).keys() == final_state(expected).keys()


def test_an_unreachable_host_is_tried_for_the_retry_budget_then_fails_in_one_line(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {
        "base_url": f"http://127.0.0.1:{port}",
        "api_token": "pk_unreachable",
        "start_date": START,
        "max_retry_time": 6,
        "circuit_breaker_failures": 2,
        "circuit_breaker_cooldown": 1,
    }
    messages, stderr, code = run_tap(tmp_path, config, timeout=120)
    assert code == 1
    assert "Traceback" not in stderr
    last = stderr.strip().splitlines()[-1]
    found = re.match(
        r"tap-clickup: clickup: GET /team failed after (\d+) attempts in (\d+) s; waiting \d+ s "
        r"more would pass the retry time limit of 6 s \(the circuit has been open for \d+ s, "
        r"probing the API\); last: ConnectionError",
        last,
    )
    assert found, last
    assert int(found[1]) > 2, "it gave up when the circuit opened instead of probing"
    assert "pk_unreachable" not in stderr
    assert not [m for m in messages if m["type"] == "RECORD"]
