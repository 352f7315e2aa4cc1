"""Query-string numbers are read strictly: odd digits and non-finite values are refused."""

from __future__ import annotations

import pytest

from brainhub.sandbox.params import finite_number, whole_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [("25", 25), (" 7 ", 7), ("-3", -3), ("+4", 4), ("0", 0)],
)
def test_whole_numbers(text: str, expected: int) -> None:
    assert whole_number(text) == expected


@pytest.mark.parametrize(
    "text", [None, "", "²", "١٢", "\uff11\uff12", "1.5", "1e3", "abc", "9" * 31, "- 1", "0x10"]
)
def test_not_whole_numbers(text: str | None) -> None:
    assert whole_number(text) is None


def test_unsigned_whole_numbers() -> None:
    assert whole_number("12", signed=False) == 12
    assert whole_number("-12", signed=False) is None
    assert whole_number("+12", signed=False) is None


@pytest.mark.parametrize(("text", "expected"), [("1.5e3", 1500.0), ("-2", -2.0), (".5", 0.5)])
def test_finite_numbers(text: str, expected: float) -> None:
    assert finite_number(text) == expected


@pytest.mark.parametrize("text", [None, "", "inf", "NaN", "1e309", "1e999", "²", "1,5", "--1"])
def test_not_finite_numbers(text: str | None) -> None:
    assert finite_number(text) is None
