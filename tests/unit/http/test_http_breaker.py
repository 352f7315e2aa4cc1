"""The circuit breaker's state machine on a fake clock."""

from __future__ import annotations

import pytest

from brainhub.errors import CircuitOpenError, FatalAPIError
from brainhub.http import CircuitBreaker, CircuitBreakerPolicy, breaker_for

LAST = "503 Service Unavailable on GET /list/{id}/task"


def make_breaker(clock, failures=3, cooldown=30) -> CircuitBreaker:
    return CircuitBreaker("clickup", CircuitBreakerPolicy(failures, cooldown), clock=clock)


def fail(breaker: CircuitBreaker, times: int) -> list[bool]:
    opened = []
    for _ in range(times):
        breaker.before_call()
        opened.append(breaker.record_failure(LAST))
    return opened


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


def test_while_open_calls_fail_fast_with_an_actionable_message(clock):
    breaker = make_breaker(clock, failures=5)
    fail(breaker, 5)
    clock.advance(2.5)
    with pytest.raises(CircuitOpenError) as caught:
        breaker.before_call()
    assert str(caught.value) == (
        "circuit open for clickup after 5 failures; last: 503 Service Unavailable on "
        "GET /list/{id}/task; retrying in 28 s"
    )
    assert isinstance(caught.value, FatalAPIError)


def test_after_the_cooldown_exactly_one_probe_passes(clock):
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.advance(30)
    assert breaker.state == "half_open"
    breaker.before_call()  # the probe
    with pytest.raises(CircuitOpenError, match="a probe request is in flight"):
        breaker.before_call()
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.before_call()
    breaker.before_call()


def test_a_failed_probe_opens_the_circuit_again_for_a_full_cooldown(clock):
    breaker = make_breaker(clock)
    fail(breaker, 3)
    clock.advance(31)
    breaker.before_call()
    assert breaker.record_failure("ReadTimeout on GET /team") is True
    assert breaker.state == "open"
    assert breaker.openings == 2
    clock.advance(29)
    with pytest.raises(CircuitOpenError, match=r"last: ReadTimeout on GET /team; retrying in 1 s"):
        breaker.before_call()
    clock.advance(1)
    breaker.before_call()


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
            breaker.before_call()
    assert breaker.state == state


def test_open_error_reports_the_remaining_cooldown(clock):
    breaker = make_breaker(clock, failures=1, cooldown=10)
    fail(breaker, 1)
    clock.advance(4.2)
    assert "retrying in 6 s" in str(breaker.open_error())


def test_breakers_are_shared_per_connector(clock):
    policy = CircuitBreakerPolicy()
    assert breaker_for("jira", policy) is breaker_for("jira", policy)
    assert breaker_for("jira", policy) is not breaker_for("asana", policy)
