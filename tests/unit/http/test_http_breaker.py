"""The circuit breaker's state machine on a fake clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from brainhub.http import CircuitBreaker, CircuitBreakerPolicy, breaker_for
from brainhub.http.breaker import PROBE_POLL_SECONDS

LAST = "503 Service Unavailable on GET /list/{id}/task"


def make_breaker(clock, failures=3, cooldown=30) -> CircuitBreaker:
    return CircuitBreaker("clickup", CircuitBreakerPolicy(failures, cooldown), clock=clock)


def fail(breaker: CircuitBreaker, times: int) -> list[bool]:
    opened = []
    for _ in range(times):
        assert breaker.admit() == 0
        opened.append(breaker.record_failure(LAST))
    return opened


def run_in_thread(call: Callable[[], Any]) -> Any:
    """``call()`` from another thread (the probe belongs to the thread that took it)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    thread.join()
    return result[0]


def test_opens_after_n_consecutive_failures(clock):
    breaker = make_breaker(clock)
    assert fail(breaker, 3) == [False, False, True]
    assert breaker.state == "open"
    assert breaker.openings == 1


def test_a_success_resets_the_count(clock):
    breaker = make_breaker(clock)
    fail(breaker, 2)
    breaker.record_success()
    assert fail(breaker, 2) == [False, False]
    assert breaker.state == "closed"


def test_while_open_callers_are_told_to_wait_out_the_cooldown_not_to_fail(clock):
    breaker = make_breaker(clock, failures=5)
    fail(breaker, 5)
    clock.advance(2.5)
    assert breaker.admit() == pytest.approx(27.5)
    assert breaker.describe() == (
        "circuit open for clickup after 5 consecutive failures (last: 503 Service Unavailable "
        "on GET /list/{id}/task); requests wait, one probe every 30 s"
    )
    assert breaker.open_for() == pytest.approx(2.5)


def test_after_the_cooldown_exactly_one_probe_passes(clock):
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.advance(30)
    assert breaker.state == "half_open"
    assert breaker.admit() == 0  # the probe
    others = run_in_thread(breaker.admit)
    assert others == PROBE_POLL_SECONDS  # wait for the probe's outcome
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.open_for() == 0
    assert run_in_thread(breaker.admit) == 0


def test_an_abandoned_probe_lets_another_request_probe(clock):
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.advance(30)
    assert breaker.admit() == 0
    run_in_thread(breaker.abandon_probe)  # not that thread's probe: nothing changes
    assert run_in_thread(breaker.admit) == PROBE_POLL_SECONDS
    breaker.abandon_probe()
    assert run_in_thread(breaker.admit) == 0


def test_a_failed_probe_opens_the_circuit_again_for_a_full_cooldown(clock):
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.advance(31)
    assert breaker.admit() == 0
    assert breaker.record_failure("ReadTimeout on GET /team") is True
    assert breaker.state == "open"
    assert breaker.openings == 2
    assert breaker.outage_openings == 2
    clock.advance(29)
    assert breaker.admit() == pytest.approx(1)
    assert "last: ReadTimeout on GET /team" in breaker.describe()
    assert breaker.open_for() == pytest.approx(60)
    clock.advance(1)
    assert breaker.admit() == 0


@pytest.mark.parametrize(
    ("events", "state"),
    [
        ("", "closed"),
        ("FF", "closed"),
        ("FFF", "open"),
        ("FFS", "closed"),
        ("FFFW", "half_open"),
        ("FFFWP", "half_open"),
        ("FFFWPS", "closed"),
        ("FFFWPF", "open"),
        ("FFFWPFW", "half_open"),
        ("SFSFSF", "closed"),
    ],
)
def test_state_table(clock, events, state):
    """F = failure, S = success, W = wait out the cooldown, P = a probe passes before_call."""
    breaker = make_breaker(clock)
    for event in events:
        if event == "F":
            breaker.record_failure(LAST)
        elif event == "S":
            breaker.record_success()
        elif event == "W":
            clock.advance(30)
        elif event == "P":
            assert breaker.admit() == 0
    assert breaker.state == state


def test_breakers_are_shared_per_connector(clock):
    policy = CircuitBreakerPolicy()
    assert breaker_for("jira", policy) is breaker_for("jira", policy)
    assert breaker_for("jira", policy) is not breaker_for("asana", policy)
