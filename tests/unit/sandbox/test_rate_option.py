"""`--rate-limit` / `rate_limit=`: requests per window, in the forms people write them."""

from __future__ import annotations

import pytest

from brainhub.errors import EmulatorError
from brainhub.sandbox.ratelimit import parse_rate
from brainhub.sandbox.registry import emulator_class


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", (100, None)),
        ("10000/min", (10000, 60.0)),
        ("20/2s", (20, 2.0)),
        ("5/s", (5, 1.0)),
        ("3/h", (3, 3600.0)),
        ("0", (0, None)),
        (250, (250, None)),
    ],
)
def test_rate_forms(text: str, expected: tuple[int, float | None]) -> None:
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["x/min", "10/parsec", "-1", "10/0s"])
def test_bad_rates_say_what_is_valid(text: str) -> None:
    with pytest.raises(ValueError, match="rate limit"):
        parse_rate(text)


def test_emulator_takes_a_window_override() -> None:
    emulator = emulator_class("clickup")(size="tiny", rate_limit="20/2s")
    assert emulator.rate_limiter.limit == 20
    assert emulator.rate_limiter.window_s == 2.0
    with pytest.raises(EmulatorError, match="N/min"):
        emulator_class("clickup")(size="tiny", rate_limit="fast")
