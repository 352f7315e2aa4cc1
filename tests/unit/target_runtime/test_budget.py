"""The per-partition write budget: calls of one partition spaced by 1/rate, others free."""

from __future__ import annotations

import pytest

from targets.runtime.budget import PartitionBudget


class Clock:
    """A clock that moves only when the budget sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_calls_of_one_partition_wait_for_their_turn_and_others_do_not() -> None:
    clock = Clock()
    budget = PartitionBudget(2.0, clock=clock, sleep=clock.sleep)  # 2 calls a second

    waits = [budget.take("C1"), budget.take("C1"), budget.take("C2"), budget.take("C1")]

    assert waits == [0.0, 0.5, 0.0, 0.5]
    assert clock.sleeps == [0.5, 0.5]


def test_time_already_passed_counts_and_is_not_saved_up() -> None:
    clock = Clock()
    budget = PartitionBudget(1.0, clock=clock, sleep=clock.sleep)
    budget.take("C1")
    clock.now += 0.25
    assert budget.take("C1") == pytest.approx(0.75)
    clock.now += 10  # an idle partition does not bank a burst
    assert [budget.take("C1"), budget.take("C1")] == [0.0, 1.0]


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive rate"):
        PartitionBudget(0)
