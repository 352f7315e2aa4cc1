"""The ``epoch_decimal`` time format: Unix seconds with a six-digit fraction (Slack's ``ts``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from brainhub.spec.placeholders import TIME_FORMATS, format_time, parse_time, render


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1512085950.000216", datetime(2017, 11, 30, 23, 52, 30, 216, tzinfo=UTC)),
        ("1512085950.5", datetime(2017, 11, 30, 23, 52, 30, 500_000, tzinfo=UTC)),
        ("1512085950.1234567", datetime(2017, 11, 30, 23, 52, 30, 123_456, tzinfo=UTC)),
    ],
)
def test_decimal_epoch_text_is_read_to_the_microsecond(text: str, expected: datetime) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("value", ["1512085950.000216", "1704067199.999999", "0000000001.000001"])
def test_epoch_decimal_round_trips_every_digit(value: str) -> None:
    written = format_time(value, "epoch_decimal")
    assert written == str(int(value.split(".")[0])) + "." + value.split(".")[1]
    assert parse_time(written) == parse_time(value)


def test_epoch_decimal_writes_iso_times_and_placeholders() -> None:
    assert "epoch_decimal" in TIME_FORMATS
    assert format_time("2024-01-01T00:00:00Z", "epoch_decimal") == "1704067200.000000"
    scopes = {"config": {"start_date": "2024-01-01T00:00:01.25Z"}}
    assert render("{config.start_date|epoch_decimal}", scopes) == "1704067201.250000"


def test_decimal_bookmarks_compare_like_times() -> None:
    earlier, later = "1512085950.000216", "1512085950.000300"
    assert parse_time(earlier) < parse_time(later)
    assert max([later, earlier, "2017-11-30T23:52:30Z"], key=parse_time) == later
