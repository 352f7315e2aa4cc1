"""Timestamps a schema calls date-time leave the tap in RFC 3339 form."""

from __future__ import annotations

from taps.runtime.timestamps import date_time_paths, normalise, rfc3339

SCHEMA = {
    "properties": {
        "updated": {"type": "string", "format": "date-time"},
        "name": {"type": "string"},
        "fields": {
            "type": "object",
            "properties": {"created": {"type": ["string", "null"], "format": "date-time"}},
        },
    }
}


def test_a_bare_offset_gets_its_colon_and_other_text_is_left_alone() -> None:
    assert rfc3339("2026-02-27T10:00:00.000+0000") == "2026-02-27T10:00:00.000+00:00"
    assert rfc3339("2026-02-27T10:00:00-0530") == "2026-02-27T10:00:00-05:30"
    for unchanged in ("2026-02-27T10:00:00Z", "2026-02-27T10:00:00+02:00", "+0000", ""):
        assert rfc3339(unchanged) == unchanged


def test_only_date_time_properties_are_normalised_nested_ones_too() -> None:
    paths = date_time_paths(SCHEMA)
    assert paths == [("updated",), ("fields", "created")]
    record = {
        "updated": "2025-05-07T00:00:00.000+0000",
        "name": "ends in 1234 +0000",
        "fields": {"created": "2025-05-05T00:00:00.000+0000"},
    }
    (out,) = normalise(iter([record]), paths)
    assert out == {
        "updated": "2025-05-07T00:00:00.000+00:00",
        "name": "ends in 1234 +0000",
        "fields": {"created": "2025-05-05T00:00:00.000+00:00"},
    }
    (missing,) = normalise(iter([{"fields": None}]), paths)
    assert missing == {"fields": None}
