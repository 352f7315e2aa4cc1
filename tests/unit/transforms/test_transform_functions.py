"""Every mapping function against a Python reference, on generated strings, numbers and nulls."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from transform_helpers import evaluate

from transforms.engine.functions import FALSE_WORDS, FLOAT_PATTERN, INT_PATTERN, TRUE_WORDS

settings.register_profile("transforms", max_examples=25, deadline=None)
settings.register_profile("transforms-thorough", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("BRAINHUB_HYPOTHESIS_PROFILE", "transforms"))

# DuckDB strings cannot hold NUL and surrogates are not valid UTF-8.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
# Characters whose case mapping is one character in Python (DuckDB never expands ß → SS).
SIMPLE_CASE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00").filter(
    lambda c: len(c.upper()) == 1 and len(c.lower()) == 1
)
NULLABLE_TEXT = st.lists(st.none() | TEXT, max_size=8)
NUMBERISH = st.lists(
    st.none()
    | TEXT
    | st.integers(-(2**70), 2**70).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(str)
    | st.sampled_from(
        [" 42 ", "+7", "-0", "1.0", "1.5", "1e3", "0x10", "1_000", "abc", "", "3.", ".5"]
    ),
    max_size=8,
)
INT64 = st.integers(-(2**63), 2**63 - 1)


def int_reference(text: str | None) -> int | None:
    if text is None:
        return None
    match = re.fullmatch(INT_PATTERN.strip("^$"), text)
    if match is None:
        return None
    value = int(match.group(1))
    return value if -(2**63) <= value < 2**63 else None


def float_reference(text: str | None) -> float | None:
    if text is None:
        return None
    match = re.fullmatch(FLOAT_PATTERN.strip("^$"), text)
    if match is None:
        return None
    value = float(match.group(1))
    return value if math.isfinite(value) else None


@given(NULLABLE_TEXT)
def test_trim_matches_python_strip(values: list[str | None]) -> None:
    expected = [None if v is None else v.strip() for v in values]
    assert evaluate(values, "VARCHAR", ["trim"]) == expected


@given(st.lists(st.none() | st.text(SIMPLE_CASE, max_size=12), max_size=8))
def test_uppercase_and_lowercase_match_python_per_character(values: list[str | None]) -> None:
    assert evaluate(values, "VARCHAR", ["uppercase"]) == [
        None if v is None else v.upper() for v in values
    ]
    assert evaluate(values, "VARCHAR", ["lowercase"]) == [
        None if v is None else v.lower() for v in values
    ]


def test_uppercase_keeps_sharp_s_one_character() -> None:
    assert evaluate(["straße"], "VARCHAR", ["uppercase"]) == ["STRAẞE"]


@given(NULLABLE_TEXT, TEXT.filter(bool), TEXT)
def test_replace_matches_python(values: list[str | None], old: str, new: str) -> None:
    expected = [None if v is None else v.replace(old, new) for v in values]
    assert evaluate(values, "VARCHAR", [{"replace": [old, new]}]) == expected


@given(NULLABLE_TEXT, TEXT)
def test_format_puts_the_value_at_every_placeholder(values: list[str | None], affix: str) -> None:
    pattern = affix + "{}-{}" + affix
    expected = [None if v is None else pattern.replace("{}", v) for v in values]
    assert evaluate(values, "VARCHAR", [{"format": pattern}]) == expected


@given(
    st.lists(st.none() | st.from_regex(r"[a-z#@ 0-9]{0,12}", fullmatch=True), max_size=8),
    st.sampled_from([("[0-9]+", 0), ("#([0-9]+)", 1), ("([a-z]+)@([a-z]+)", 2), ("(x)?y", 1)]),
)
def test_regex_extract_matches_python_search(
    values: list[str | None], case: tuple[str, int]
) -> None:
    pattern, group = case

    def reference(text: str | None) -> str | None:
        if text is None:
            return None
        match = re.search(pattern, text)
        return None if match is None else (match.group(group) or "")

    assert evaluate(values, "VARCHAR", [{"regex_extract": [pattern, group]}]) == [
        reference(v) for v in values
    ]


@given(st.lists(st.none() | INT64, max_size=8), st.integers(-1000, 1000))
def test_default_fills_nulls_only(values: list[int | None], fallback: int) -> None:
    expected = [fallback if v is None else v for v in values]
    assert evaluate(values, "BIGINT", [{"default": fallback}]) == expected


@given(st.lists(st.tuples(st.none() | TEXT, st.none() | TEXT), max_size=8))
def test_coalesce_takes_the_first_present_value(pairs: list[tuple[str | None, str | None]]) -> None:
    values = [a for a, _ in pairs]
    others = [b for _, b in pairs]
    expected = [a if a is not None else b for a, b in pairs]
    assert evaluate(values, "VARCHAR", [{"coalesce": ["w"]}], other=others) == expected


@given(NULLABLE_TEXT)
def test_hash_is_sha256_hex_of_the_text(values: list[str | None]) -> None:
    expected = [None if v is None else hashlib.sha256(v.encode()).hexdigest() for v in values]
    assert evaluate(values, "VARCHAR", ["hash"]) == expected


@given(st.lists(st.none() | INT64, max_size=8))
def test_to_string_of_integers_and_hash_of_numbers(values: list[int | None]) -> None:
    assert evaluate(values, "BIGINT", ["to_string"]) == [
        None if v is None else str(v) for v in values
    ]
    assert evaluate(values, "BIGINT", ["hash"]) == [
        None if v is None else hashlib.sha256(str(v).encode()).hexdigest() for v in values
    ]


def test_to_string_of_booleans_and_objects() -> None:
    assert evaluate([True, False, None], "BOOLEAN", ["to_string"]) == ["true", "false", None]
    assert evaluate([{"a": 1}], "STRUCT(a INTEGER)", ["to_string"]) == ['{"a":1}']


@given(NUMBERISH)
def test_to_int_parses_exactly_the_integer_texts(values: list[str | None]) -> None:
    assert evaluate(values, "VARCHAR", ["to_int"]) == [int_reference(v) for v in values]


@given(st.lists(st.none() | st.floats(allow_nan=True, allow_infinity=True), max_size=8))
def test_to_int_of_floats_takes_whole_numbers_only(values: list[float | None]) -> None:
    def reference(value: float | None) -> int | None:
        if value is None or not math.isfinite(value) or value != int(value):
            return None
        return int(value) if -(2**63) <= int(value) < 2**63 else None

    assert evaluate(values, "DOUBLE", ["to_int"]) == [reference(v) for v in values]


@given(NUMBERISH)
def test_to_float_parses_decimal_and_scientific_text(values: list[str | None]) -> None:
    assert evaluate(values, "VARCHAR", ["to_float"]) == [float_reference(v) for v in values]


@given(st.lists(st.none() | INT64, max_size=8))
def test_to_float_of_integers(values: list[int | None]) -> None:
    assert evaluate(values, "BIGINT", ["to_float"]) == [
        None if v is None else float(v) for v in values
    ]


@given(
    st.lists(
        st.none() | TEXT | st.sampled_from([*TRUE_WORDS, *FALSE_WORDS, " Yes ", "TRUE", "oN"]),
        max_size=8,
    )
)
def test_to_bool_reads_the_documented_words(values: list[str | None]) -> None:
    def reference(text: str | None) -> bool | None:
        if text is None:
            return None
        word = text.strip(" \t\n\r\f").lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None

    assert evaluate(values, "VARCHAR", ["to_bool"]) == [reference(v) for v in values]


def test_to_bool_of_integers_takes_one_and_zero_only() -> None:
    assert evaluate([1, 0, 2, None], "BIGINT", ["to_bool"]) == [True, False, None, None]


DATETIMES = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))


@given(st.lists(st.tuples(DATETIMES, st.none() | OFFSETS, st.sampled_from(["T", " "])), max_size=6))
def test_to_timestamp_reads_iso_8601_and_converts_offsets_to_utc(
    cases: list[tuple[datetime, timezone | None, str]],
) -> None:
    texts, expected = [], []
    for moment, offset, separator in cases:
        aware = moment.replace(tzinfo=offset) if offset else moment
        texts.append(aware.isoformat(sep=separator))
        if offset is None:
            expected.append(moment)
        else:
            utc = aware.astimezone(UTC).replace(tzinfo=None) if 1 < aware.year < 9999 else None
            expected.append(utc)
    results = evaluate(texts, "VARCHAR", ["to_timestamp"])
    for text, result, wanted in zip(texts, results, expected, strict=True):
        if wanted is not None:
            assert result == wanted, text


@given(st.lists(st.none() | st.integers(-62135596800000, 253402300799999), max_size=8))
def test_to_timestamp_epoch_ms_of_numbers_and_numeric_text(values: list[int | None]) -> None:
    expected = [
        None if v is None else datetime(1970, 1, 1) + timedelta(milliseconds=v) for v in values
    ]
    assert evaluate(values, "BIGINT", [{"to_timestamp": "epoch_ms"}]) == expected
    texts = [None if v is None else str(v) for v in values]
    assert evaluate(texts, "VARCHAR", [{"to_timestamp": "epoch_ms"}]) == expected


@given(st.lists(st.none() | st.integers(-62135596800, 253402300799), max_size=8))
def test_to_timestamp_epoch_s(values: list[int | None]) -> None:
    expected = [None if v is None else datetime(1970, 1, 1) + timedelta(seconds=v) for v in values]
    assert evaluate(values, "BIGINT", [{"to_timestamp": "epoch_s"}]) == expected


def test_to_timestamp_out_of_range_and_garbage_are_null() -> None:
    values = [str(10**20), "abc", "2021-02-30T00:00:00", "", None]
    assert evaluate(values, "VARCHAR", [{"to_timestamp": "epoch_ms"}]) == [None] * 5
    assert evaluate(values, "VARCHAR", ["to_timestamp"]) == [None] * 5


def test_to_timestamp_with_a_strptime_pattern() -> None:
    values = ["18/08/2021 15:30", "2021-08-18", None]
    result = evaluate(values, "VARCHAR", [{"to_timestamp": "%d/%m/%Y %H:%M"}])
    assert result == [datetime(2021, 8, 18, 15, 30), None, None]


@given(
    st.lists(
        st.none() | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), max_size=8
    )
)
def test_to_date_reads_iso_dates(values: list[date | None]) -> None:
    texts = [None if v is None else v.isoformat() for v in values]
    assert evaluate(texts, "VARCHAR", ["to_date"]) == values


def test_to_date_rejects_impossible_dates_and_reads_epochs() -> None:
    assert evaluate(["2021-13-01", "2021-02-29", "nope"], "VARCHAR", ["to_date"]) == [None] * 3
    assert evaluate(["1629300637036"], "VARCHAR", [{"to_date": "epoch_ms"}]) == [date(2021, 8, 18)]


def test_arithmetic_and_join() -> None:
    assert evaluate([7200000, None], "BIGINT", [{"divide": 3600000}]) == [2.0, None]
    assert evaluate([3, None], "BIGINT", [{"multiply": 2}]) == [6, None]
    assert evaluate([2.345], "DOUBLE", [{"round": 1}]) == [2.3]
    assert evaluate([["a", None, "b"], [], None], "VARCHAR[]", [{"join": ", "}]) == [
        "a, b",
        "",
        None,
    ]


def test_map_values_looks_values_up_and_leaves_list_elements_without_an_entry_out() -> None:
    table = {"map_values": {"open": "to do", "closed": "complete"}}
    assert evaluate(["open", "closed", "draft", None], "VARCHAR", [table]) == [
        "to do",
        "complete",
        None,
        None,
    ]
    labels = {"map_values": {"documentation": "docs", "enhancement": "feature"}}
    assert evaluate(
        [["bug", "enhancement", "documentation"], ["question"], [], None], "VARCHAR[]", [labels]
    ) == [["feature", "docs"], [], [], None]
    # numbers are looked up by their text, and a table may give numbers
    assert evaluate([1, 2, 3], "BIGINT", [{"map_values": {"1": 10, "2": 20}}]) == [10, 20, None]


def adf(*blocks: dict) -> str:
    return json.dumps({"type": "doc", "version": 1, "content": list(blocks)})


def paragraph(*texts: str) -> dict:
    return {"type": "paragraph", "content": [{"type": "text", "text": t} for t in texts]}


def test_adf_text_gives_one_line_per_block_and_per_list_item() -> None:
    bullets = {
        "type": "bulletList",
        "content": [
            {"type": "listItem", "content": [paragraph("one")]},
            {"type": "listItem", "content": [paragraph("two ", "more")]},
        ],
    }
    heading = {
        "type": "heading",
        "attrs": {"level": 2},
        "content": [{"type": "text", "text": "Plan"}],
    }
    documents = [
        adf(heading, paragraph("Hello ", "world."), bullets, paragraph("End")),
        adf(),
        json.dumps("plain text kept"),
        None,
    ]
    assert evaluate(documents, "JSON", ["adf_text"]) == [
        "Plan\nHello world.\none\ntwo more\nEnd",
        "",
        "plain text kept",
        None,
    ]
    # a Jira v2 description is already text
    assert evaluate(["as typed", None], "VARCHAR", ["adf_text"]) == ["as typed", None]


@given(
    st.sampled_from(
        [
            "uppercase",
            "lowercase",
            "trim",
            "hash",
            "to_string",
            "to_int",
            "to_float",
            "to_bool",
            "to_timestamp",
            "to_date",
        ]
    )
)
def test_every_function_maps_null_to_null(function: str) -> None:
    assert evaluate([None, None], "VARCHAR", [function]) == [None, None]
